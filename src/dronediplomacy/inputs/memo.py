"""Validated inputs loaded once per process, and again whenever their files change.

Notebook 04 draws eight figures, and most figure builders (and their captions, alt
texts and the comparison table) read the same input tables and codebook: loading and
validating them each time cost more than a second of the notebook's run. These
functions return the same result as :func:`dronediplomacy.inputs.tables.load_tables` and
:func:`dronediplomacy.coding.codebook.load_codebook`, remembered per process and keyed on the
*bytes* of the files read (every file of the input folder, or the codebook file), so an
edited file is always read and validated afresh, whatever its modification time. A
load that fails is not remembered: it fails again, with the same message, every time.

Each call returns fresh copies of the remembered frames and of the codebook's data, so
a caller that changes what it got cannot change what the next caller gets.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
from pathlib import Path

import pandas as pd

from dronediplomacy.coding.codebook import Codebook, load_codebook
from dronediplomacy.inputs.tables import Tables, load_tables

_MAX_ENTRIES = 4
_tables: dict[tuple, Tables] = {}
_codebooks: dict[tuple, Codebook] = {}


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError):
        return None


def _folder_key(folder: Path) -> tuple:
    if not folder.is_dir():
        return (str(folder), None)
    return (str(folder.resolve()),
            tuple((p.name, _digest(p)) for p in sorted(folder.iterdir()) if p.is_file()))


def _remember(store: dict, key: tuple, value) -> None:
    if len(store) >= _MAX_ENTRIES:
        store.pop(next(iter(store)))
    store[key] = value


def tables(input_dir: Path | str | None = None) -> Tables:
    """``load_tables(input_dir)`` (its default folder if None), remembered per process."""
    folder = Path(input_dir) if input_dir is not None else Path(load_tables.__defaults__[0])
    key = _folder_key(folder)
    if key not in _tables:
        _remember(_tables, key, load_tables(folder))
    kept = _tables[key]
    return dataclasses.replace(kept, **{f.name: getattr(kept, f.name).copy()
                                        for f in dataclasses.fields(kept)
                                        if isinstance(getattr(kept, f.name), pd.DataFrame)})


def codebook(path: Path | str | None = None) -> Codebook:
    """``load_codebook(path)`` (its default file if None), remembered per process."""
    path = Path(path) if path is not None else Path(load_codebook.__defaults__[0])
    key = (str(path.resolve()), _digest(path))
    if key not in _codebooks:
        _remember(_codebooks, key, load_codebook(path))
    kept = _codebooks[key]
    return Codebook(path=kept.path, data=copy.deepcopy(kept.data))


def clear() -> None:
    """Forget everything remembered (the next calls read the files again)."""
    _tables.clear()
    _codebooks.clear()
