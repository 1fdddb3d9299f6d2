"""Where things are. Every path is derived from the repository root, never the cwd.

The root is found from this file's location, so notebooks run the same from the
runner, from pytest and from JupyterLab opened at any folder.
"""

from __future__ import annotations

import os
from pathlib import Path


def _find_root() -> Path:
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file() and (parent / "notebooks").is_dir():
            return parent
    raise RuntimeError(f"cannot find the repository root above {here}")


ROOT = _find_root()
NOTEBOOKS = ROOT / "notebooks"
DATA = ROOT / "data"
DATA_INPUT = DATA / "input"
DATA_RAW = DATA / "raw"
DATA_DERIVED = DATA / "derived"
FIGURES = ROOT / "figures"
SITE = ROOT / "site"

#: Environment variable naming the folder that holds the source texts (one file per
#: row of ``data/input/sources.csv``, column ``text_file``). The texts are inputs the
#: repository does not contain; see README, "The source text".
SOURCES_DIR_ENV = "DRONE_SOURCES_DIR"
DEFAULT_SOURCES_DIR = ROOT.parent / "shared" / "source"


def sources_dir() -> Path:
    """Folder holding the source texts: $DRONE_SOURCES_DIR, else ../shared/source."""
    value = os.environ.get(SOURCES_DIR_ENV)
    return Path(value).expanduser().resolve() if value else DEFAULT_SOURCES_DIR


def relative(path: Path) -> str:
    """A path as shown to people and written into outputs: relative to the root."""
    try:
        return Path(path).resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return Path(path).name
