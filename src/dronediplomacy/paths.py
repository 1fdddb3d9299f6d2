"""Where things are, every path derived from the repository root: found from this file (a clone
or an editable install), so notebooks run the same from the runner, pytest and JupyterLab opened
at any folder; a copy installed by ``pip install .`` finds it from the working directory."""

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

#: Environment variable naming the folder of the source texts (``text_file`` of each row of
#: data/input/sources.csv), inputs the repository does not contain: README, "The source text".
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
