"""A throwaway copy of the repository for tests that run the pipeline as a user does
(tests/test_bad_inputs.py, test_interruption.py, test_hermetic.py).

The copy holds the package, the notebooks, the data and (on request) the committed
outputs. A subprocess started with ``environment(sandbox)`` imports the copy's package
first (``PYTHONPATH``; kernels inherit it), and the package finds its root from its own
location, so the run reads and writes only inside the copy: data/input is never touched
and nothing a test does can change a committed file. Not a test module (no ``test_``).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path

from dronediplomacy import paths

CODE_AND_DATA = ("src", "notebooks", "data")
OUTPUTS = ("figures", "site")


def make_sandbox(folder: Path, *, outputs: bool = False) -> Path:
    """Copy the code, notebooks and data (and figures/, site/, README.md if ``outputs``)."""
    # ".*.tmp*": atomic writes in progress (atomic.py), e.g. nbval rerunning notebook 04 in
    # another test worker at this moment; they vanish mid-copy and are not outputs.
    ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", ".*.tmp*")
    for name in CODE_AND_DATA + (OUTPUTS if outputs else ()):
        shutil.copytree(paths.ROOT / name, folder / name, ignore=ignore)
    for name in ("pyproject.toml",) + (("README.md",) if outputs else ()):
        shutil.copy(paths.ROOT / name, folder / name)
    return folder


def environment(sandbox: Path, *, pythonpath: tuple[Path, ...] = (), **extra: str) -> dict[str, str]:
    """The environment of a run in ``sandbox``: its package first on the path, no source
    text (verification skips, as on a machine without it), no bytecode written."""
    path = os.pathsep.join(str(p) for p in (*pythonpath, sandbox / "src"))
    return {**os.environ, "PYTHONPATH": path, "PYTHONHASHSEED": "0",
            "PYTHONDONTWRITEBYTECODE": "1",
            paths.SOURCES_DIR_ENV: str(sandbox.parent / "no-source-texts"), **extra}


def snapshot(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder``, by relative path (temporary files included)."""
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def processes_marked(variable: str, marker: str, *, wait: float = 10.0) -> list[int]:
    """Live processes whose environment holds ``variable=marker`` (Linux /proc), after
    waiting up to ``wait`` seconds for them to end: a run and every kernel it started
    inherit the variable, so [] means none outlived it."""
    needle = f"{variable}={marker}".encode()
    deadline = time.monotonic() + wait
    while True:
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if needle in (entry / "environ").read_bytes().split(b"\0"):
                        found.append(int(entry.name))
                except OSError:
                    continue
        if not found or time.monotonic() >= deadline:
            return found
        time.sleep(0.2)
