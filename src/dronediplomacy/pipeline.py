"""The notebook order, written in ``pipeline.yaml`` beside this file and nowhere else: the
runner follows it; the README's notebook table and the site's index are generated from it."""

from dataclasses import dataclass
from pathlib import Path

import yaml

from dronediplomacy.errors import InputError


@dataclass(frozen=True)
class Notebook:
    """One notebook: its file name, what it is for, and what it reads and writes (paths from
    the repository root, patterns allowed)."""

    name: str
    purpose: str
    reads: tuple[str, ...]
    writes: tuple[str, ...]


KEYS = ("name", "purpose", "reads", "writes")


def read_pipeline(path: Path) -> tuple[Notebook, ...]:
    """The notebooks listed in ``path`` (a YAML list of mappings with :data:`KEYS`), in order.
    InputError (file, entry number, key, fix) if an entry lacks a key."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    for number, entry in enumerate(entries, start=1):
        if missing := [key for key in KEYS if not isinstance(entry, dict) or key not in entry]:
            raise InputError(path, f"entry {number} lacks {missing[0]!r}", row=number, column=missing[0],
                             fix="give every entry name, purpose, reads and writes, like the others.")
    return tuple(Notebook(e["name"], e["purpose"], tuple(e["reads"]), tuple(e["writes"])) for e in entries)


NOTEBOOKS: tuple[Notebook, ...] = read_pipeline(Path(__file__).with_name("pipeline.yaml"))
NAMES: tuple[str, ...] = tuple(nb.name for nb in NOTEBOOKS)  # the file names, in order
