#!/usr/bin/env python3
"""Reproduce everything, run every test, or open JupyterLab, from a fresh clone.

    python3 repro.py run     # set up .venv from the lock if needed, run every notebook, render the site
    python3 repro.py test    # set up .venv if needed, run the unit tests and every notebook under strict nbval
    python3 repro.py lab     # open JupyterLab with the project's environment as its kernel

Only the standard library is used here, so this file runs on a bare Python 3.11.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements.lock"
MARKER = VENV / "lock.sha256"  # written only after a complete install
REQUIRED_PYTHON = (3, 11)
#: Fixed for every process we start: set order, time zone and locale cannot vary.
PINNED_ENVIRONMENT = {"PYTHONHASHSEED": "0", "TZ": "UTC", "LC_ALL": "C.UTF-8",
                      "PYTHONDONTWRITEBYTECODE": "1"}
# Two processes at least (pytest-xdist); --dist loadfile keeps each notebook's cells in one
# worker, in order, in one kernel, as strict nbval needs.
TEST_COMMAND = ["-m", "pytest", "-n", "auto", "--dist", "loadfile", "--nbval", "--nbval-current-env",
                "--nbval-sanitize-with", "tests/nbval-sanitize.cfg", "tests", "notebooks"]


def fail(message: str, code: int = 2) -> "NoReturn":  # noqa: F821
    print(f"repro: {message}", file=sys.stderr)
    raise SystemExit(code)


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def lock_digest() -> str:
    return hashlib.sha256(LOCK.read_bytes()).hexdigest()


#: Checked in the environment on every command: each must be installed (found, not
#: imported: importing them would cost seconds of every command).
PROBED_PACKAGES = ("pandas", "seaborn", "matplotlib", "pandera", "nbclient", "nbval",
                   "jupyterlab", "krippendorff")
#: Run by the environment's Python: prints its site-packages folder if every probed package
#: is installed, and fails otherwise.
PROBE = ("import importlib.util, sys, sysconfig\n"
         "missing = [name for name in sys.argv[1:] if importlib.util.find_spec(name) is None]\n"
         "sys.exit(f'missing: {missing}') if missing else print(sysconfig.get_paths()['purelib'])")


def environment_is_ready() -> Path | None:
    """The environment's site-packages folder if .venv is complete and built from the
    current lock, else None."""
    if not (venv_python().exists() and MARKER.exists()):
        return None
    if MARKER.read_text().strip() != lock_digest():
        return None
    probe = subprocess.run([str(venv_python()), "-c", PROBE, *PROBED_PACKAGES],
                           capture_output=True, text=True, cwd=ROOT)
    return Path(probe.stdout.strip()) if probe.returncode == 0 else None


def link_package(purelib: Path) -> None:
    """Make src/ importable in the venv (a .pth file: no build step, no sys.path hacks)."""
    link = purelib / "dronediplomacy.pth"
    if not link.exists() or link.read_text() != str(ROOT / "src") + "\n":
        link.write_text(str(ROOT / "src") + "\n")


def ensure_environment() -> None:
    if sys.version_info[:2] != REQUIRED_PYTHON:
        fail(f"this project is pinned for Python {REQUIRED_PYTHON[0]}.{REQUIRED_PYTHON[1]} "
             f"(requirements.lock was resolved for it), but this is Python "
             f"{sys.version_info[0]}.{sys.version_info[1]}. Install Python 3.11 and run "
             f"'python3.11 repro.py ...' instead.")
    purelib = environment_is_ready()
    if purelib is not None:
        link_package(purelib)  # keeps working if the clone was moved
        return
    if VENV.exists():
        print("repro: .venv is missing packages or older than requirements.lock; rebuilding it.",
              file=sys.stderr)
        shutil.rmtree(VENV)
    print("repro: creating .venv from requirements.lock (a few minutes, once).", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    install = subprocess.run([str(venv_python()), "-m", "pip", "install", "--quiet",
                              "--disable-pip-version-check", "--require-hashes",
                              "-r", str(LOCK)], cwd=ROOT)
    if install.returncode != 0:
        fail("installing requirements.lock failed (see pip's message above). Check that the "
             "package index is reachable, then rerun: the half-built .venv is replaced "
             "automatically.")
    purelib = subprocess.run(
        [str(venv_python()), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True).stdout.strip()
    link_package(Path(purelib))
    MARKER.write_text(lock_digest() + "\n")


def run_in_venv(args: list[str]) -> int:
    environment = {**os.environ, **PINNED_ENVIRONMENT}
    return subprocess.run([str(venv_python()), *args], cwd=ROOT, env=environment).returncode


def main(argv: list[str]) -> int:
    commands = {"run", "test", "lab"}
    if len(argv) < 1 or argv[0] not in commands:
        fail(f"usage: python3 repro.py {{{'|'.join(sorted(commands))}}} [args]\n{__doc__}")
    command, extra = argv[0], argv[1:]
    ensure_environment()
    if command == "run":
        return run_in_venv(["-m", "dronediplomacy.running.build", *extra])
    if command == "test":
        return run_in_venv([*TEST_COMMAND, *extra])
    return run_in_venv(["-m", "jupyter", "lab", "--notebook-dir", str(ROOT), *extra])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
