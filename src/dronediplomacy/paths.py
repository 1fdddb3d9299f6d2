"""Where things are. Every path is derived from the repository root.

The root is found from this file's location (a clone, or an editable install), so notebooks
run the same from the runner, from pytest and from JupyterLab opened at any folder. A copy
installed into site-packages (``pip install .``) finds the clone from the working directory
instead: the notebooks, run from ``notebooks/``, and any command run inside the clone.
"""

import os
from pathlib import Path


def _find_root() -> Path:
    """The clone holding this file, else the clone holding the working directory.
    RuntimeError, saying what to do, if neither is inside a clone."""
    here, cwd = Path(__file__).resolve(), Path.cwd().resolve()
    for parent in (*here.parents, cwd, *cwd.parents):
        if all((parent / name).exists() for name in ("pyproject.toml", "notebooks", "data/input")):
            return parent
    raise RuntimeError(f"cannot find the repository (a folder holding pyproject.toml, notebooks/ "
                       f"and data/input/) above {here} or above the working directory {cwd}: "
                       "run from inside a clone, or install the clone with 'pip install -e .'")


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


def sources_dir() -> Path:
    """Folder holding the source texts: $DRONE_SOURCES_DIR, else ../shared/source."""
    value = os.environ.get(SOURCES_DIR_ENV)
    return Path(value).expanduser().resolve() if value else ROOT.parent / "shared" / "source"


def relative(path: Path) -> str:
    """A path as shown to people and written into outputs: relative to the root."""
    try:
        return Path(path).resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return Path(path).name
