"""What notebook 00 shows: the stack's versions against the lock, and the expected
checksum of each source text (read from the data, not from this machine)."""

import re
import sys
from importlib import metadata

import pandas as pd

from dronediplomacy import paths


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def direct_requirements() -> list[str]:
    """Names listed in requirements.in, in file order."""
    text = (paths.ROOT / "requirements.in").read_text(encoding="utf-8")
    lines = [line.split("#", 1)[0].strip() for line in text.splitlines()]
    return [_canonical(re.split(r"[<>=!~\[; ]", line, maxsplit=1)[0]) for line in lines if line]


def locked_versions() -> dict[str, str]:
    """Every package pinned in requirements.lock: name -> exact version."""
    text = (paths.ROOT / "requirements.lock").read_text(encoding="utf-8")
    pins = re.findall(r"^([A-Za-z0-9_.\-]+)==([^\s\\]+)", text, flags=re.MULTILINE)
    return {_canonical(name): version for name, version in pins}


def _installed(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def stack_versions() -> pd.DataFrame:
    """The direct dependencies (and python first): locked and installed version. RuntimeError
    naming the mismatches: a run in an environment that differs from the lock reproduces nothing."""
    locked = locked_versions()
    table = pd.DataFrame([{"package": name, "locked": locked.get(name, "not locked"),
                           "installed": _installed(name)} for name in direct_requirements()])
    mismatched = table[table["locked"] != table["installed"]]
    if not mismatched.empty:
        listing = ", ".join(f"{r.package} (locked {r.locked}, installed {r.installed})"
                            for r in mismatched.itertuples())
        raise RuntimeError(f"the environment differs from requirements.lock: {listing}. "
                           "Rebuild it: delete .venv and run 'python3 repro.py run'.")
    header = pd.DataFrame([{"package": "python", **python_row()}])
    return pd.concat([header, table], ignore_index=True)


#: The Pythons the lock is tested with (repro.py and .ci/run say the same).
SUPPORTED_PYTHON = ((3, 11), (3, 13))


def python_row(version: tuple[int, int] | None = None) -> dict[str, str]:
    """Notebook 00's python row. Any supported Python shows the same (so the committed
    notebook does not depend on which one ran it); another one shows its version."""
    oldest, newest = SUPPORTED_PYTHON
    supported = f"{oldest[0]}.{oldest[1]}–{newest[0]}.{newest[1]}"
    major, minor = version or sys.version_info[:2]
    if (major, minor) < oldest:
        raise RuntimeError(f"Python {major}.{minor} is older than this project supports "
                           f"({supported}).")
    installed = f"within {supported}" if (major, minor) <= newest else f"{major}.{minor} (untested)"
    return {"locked": supported, "installed": installed}


def expected_sources() -> pd.DataFrame:
    """Each source text the data expect: file name and sha256 from the sources table (never
    from the file on this machine, so notebook 00 shows the same whether or not it is present)."""
    from dronediplomacy.inputs.tables import load_tables

    sources = load_tables().sources
    sources = sources[sources["kind"] == "article"]  # a corpus has no text file
    return sources[["source_id", "author", "text_file", "sha256"]].reset_index(drop=True)
