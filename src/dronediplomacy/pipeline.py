"""The notebook order, read from ``pipeline.yaml`` beside this file (written there and nowhere
else): the runner executes the notebooks in this order; the README's notebook table and the
site's index are generated from it."""

from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Notebook:
    """One notebook: its file name, what it is for, and what it reads and writes (paths from
    the repository root, patterns allowed)."""

    name: str
    purpose: str
    reads: tuple[str, ...]
    writes: tuple[str, ...]


NOTEBOOKS: tuple[Notebook, ...] = tuple(
    Notebook(entry["name"], entry["purpose"], tuple(entry["reads"]), tuple(entry["writes"]))
    for entry in yaml.safe_load(Path(__file__).with_name("pipeline.yaml").read_text(encoding="utf-8")))


def names() -> list[str]:
    """The notebooks' file names, in order."""
    return [nb.name for nb in NOTEBOOKS]
