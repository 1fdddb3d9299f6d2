#!/usr/bin/env python3
"""Reproduce everything, run every test, or open JupyterLab, from a fresh clone.

    python3 repro.py run     # set up .venv from the lock if needed, run every notebook, render the site
    python3 repro.py test    # set up .venv if needed, run the unit tests and every notebook under strict nbval
    python3 repro.py lab     # open JupyterLab with the project's environment as its kernel

Only the standard library is used here, so this file runs on a bare Python 3.11 to 3.13
(and still parses on older ones, to say which Python to get instead).
"""

import hashlib
import importlib.util
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements.lock"
MARKER = VENV / "lock.sha256"  # written only after a complete install
#: The Pythons the lock is resolved and tested for (one universal lock; .ci/run reproduces
#: the outputs with the newest one too). A newer one is tried with a warning.
OLDEST_PYTHON, NEWEST_PYTHON = (3, 11), (3, 13)
SETUP_LOG = ROOT / ".venv-setup.log"  # pip's full output when setting up fails
#: The project's own Jupyter kernel (the runner starts the same interpreter by itself).
KERNEL_NAME, KERNEL_DISPLAY_NAME = "dronediplomacy", "Python (dronediplomacy)"
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


def python_problem(version=None):
    """(is_fatal, one line) about ``version`` (default: this Python), or None if supported."""
    major, minor = tuple(version or sys.version_info)[:2]
    supported = "{}.{} to {}.{}".format(*OLDEST_PYTHON, *NEWEST_PYTHON)
    if (major, minor) < OLDEST_PYTHON:
        return True, (f"Python {major}.{minor} is too old: this project needs Python {supported}. "
                      f"Install one (python.org, your package manager, or 'pyenv install 3.13') "
                      f"and run it, e.g. 'python3.13 repro.py ...'.")
    if (major, minor) > NEWEST_PYTHON:
        return False, (f"warning: Python {major}.{minor} is newer than the versions this project "
                       f"is tested with ({supported}); trying it anyway.")
    return None


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


def environment_is_ready() -> "Path | None":
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


def register_kernel() -> None:
    """Register .venv as the Jupyter kernel "dronediplomacy" inside .venv (the notebooks
    name it; ``repro.py lab`` finds it first). Done again if the clone was moved."""
    spec = VENV / "share" / "jupyter" / "kernels" / KERNEL_NAME / "kernel.json"
    if spec.exists() and str(venv_python()) in spec.read_text(encoding="utf-8"):
        return
    subprocess.run([str(venv_python()), "-m", "ipykernel", "install", "--prefix", str(VENV),
                    "--name", KERNEL_NAME, "--display-name", KERNEL_DISPLAY_NAME],
                   check=True, capture_output=True, cwd=ROOT)


def setup_failure(output: str) -> str:
    """One line saying why installing the lock failed, from pip's output."""
    if "No space left on device" in output or "Errno 28" in output:
        return ("the disk is full: free some space (the environment needs about 1.5 GB) "
                "and rerun.")
    if any(sign in output for sign in ("NewConnectionError", "Failed to establish",
                                       "Temporary failure in name resolution",
                                       "Name or service not known", "ConnectTimeout",
                                       "Network is unreachable", "No matching distribution",
                                       "Could not find a version")):
        return ("could not download the packages: the package index is not reachable "
                "(no network, or a proxy is needed). Connect, then rerun.")
    if "THESE PACKAGES DO NOT MATCH THE HASHES" in output:
        return "a downloaded package did not match its hash in requirements.lock; rerun."
    return "installing requirements.lock failed."


def venv_problem():
    """One line if this Python cannot create a venv with pip (Debian and Ubuntu ship venv
    and ensurepip in a package of their own), else None."""
    if importlib.util.find_spec("venv") is None or importlib.util.find_spec("ensurepip") is None:
        version = "{}.{}".format(*sys.version_info[:2])
        return (f"this Python cannot create a virtual environment (no 'venv' or 'ensurepip' "
                f"module). On Debian or Ubuntu install it: 'sudo apt-get install "
                f"python{version}-venv' (or python3-venv), then rerun.")
    return None


def ensure_environment() -> None:
    problem = python_problem()
    if problem is not None:
        fatal, message = problem
        if fatal:
            fail(message)
        print(f"repro: {message}", file=sys.stderr)
    purelib = environment_is_ready()
    if purelib is not None:
        link_package(purelib)  # keeps working if the clone was moved
        register_kernel()
        return
    missing_venv = venv_problem()
    if missing_venv is not None:
        fail(missing_venv)
    if VENV.exists() and Path(sys.prefix).resolve() == VENV.resolve():  # would delete itself
        fail(".venv is missing packages or older than requirements.lock, and this Python runs from "
             "it: run 'deactivate' (or use the machine's python3), then rerun.")
    if VENV.exists():
        print("repro: .venv is missing packages or older than requirements.lock; rebuilding it.",
              file=sys.stderr)
        shutil.rmtree(VENV)
    print("repro: creating .venv from requirements.lock (a few minutes, once).", file=sys.stderr)
    message = None
    try:
        created = subprocess.run([sys.executable, "-m", "venv", str(VENV)],
                                 capture_output=True, text=True)
        if created.returncode != 0:
            SETUP_LOG.write_text(created.stdout + created.stderr, encoding="utf-8")
            message = (setup_failure(created.stdout + created.stderr)
                       if "No space left" in created.stderr
                       else f"'python -m venv' failed (its output is in {SETUP_LOG.name}).")
        else:
            install = subprocess.run([str(venv_python()), "-m", "pip", "install", "--quiet",
                                      "--disable-pip-version-check", "--require-hashes",
                                      "-r", str(LOCK)], cwd=ROOT, capture_output=True, text=True)
            if install.returncode != 0:
                SETUP_LOG.write_text(install.stdout + install.stderr, encoding="utf-8")
                message = f"{setup_failure(install.stdout + install.stderr)} pip's output is in {SETUP_LOG.name}."
            else:
                purelib = subprocess.run(
                    [str(venv_python()), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                    capture_output=True, text=True, check=True).stdout.strip()
                link_package(Path(purelib))
                register_kernel()
                MARKER.write_text(lock_digest() + "\n")
    except OSError as error:  # e.g. the disk filled up while we wrote
        message = (setup_failure(str(error)) if error.errno == 28
                   else f"setting up .venv failed: {error}")
    except BaseException:  # Ctrl-C: leave nothing half-built behind
        shutil.rmtree(VENV, ignore_errors=True)
        raise
    if message is not None:
        shutil.rmtree(VENV, ignore_errors=True)  # no half-built .venv for a later run to trust
        fail(f"{message} Nothing was left in .venv; rerun when fixed.")
    SETUP_LOG.unlink(missing_ok=True)


def run_in_venv(args) -> int:
    environment = {**os.environ, **PINNED_ENVIRONMENT}
    child = subprocess.Popen([str(venv_python()), *args], cwd=ROOT, env=environment)
    # A terminal's Ctrl-C reaches the child too, which stops cleanly and says so in one line:
    # wait for it (no traceback here, no kill). Ignored only now: the child must not inherit it.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        return child.wait()
    finally:
        signal.signal(signal.SIGINT, previous)


def main(argv) -> int:
    commands = {"run", "test", "lab"}
    if len(argv) < 1 or argv[0] not in commands:
        fail(f"usage: python3 repro.py {{{'|'.join(sorted(commands))}}} [args]\n{__doc__}")
    command, extra = argv[0], argv[1:]
    ensure_environment()
    if command == "run":
        return run_in_venv(["-m", "dronediplomacy.running.build", *extra])
    if command == "test":
        return run_in_venv([*TEST_COMMAND, *extra])
    return run_lab(extra)


def run_lab(extra: list) -> int:
    """JupyterLab with the project's kernel first on its path. Ctrl-C, SIGTERM or a closed
    terminal stop the server the way it stops itself (its kernels shut down with it)."""
    data = VENV / "share" / "jupyter"
    jupyter_path = os.pathsep.join(p for p in (str(data), os.environ.get("JUPYTER_PATH", "")) if p)
    environment = {**os.environ, **PINNED_ENVIRONMENT, "JUPYTER_PATH": jupyter_path}
    command = [str(venv_python()), "-m", "jupyter", "lab", "--notebook-dir", str(ROOT), *extra]
    # The server in a session of its own: a terminal's Ctrl-C reaches only this process,
    # which then asks the server to stop (no "Shut down this server?" question).
    if os.name == "nt":
        server = subprocess.Popen(command, cwd=ROOT, env=environment,
                                  creationflags=subprocess.CREATE_NEW_PROCESS_GROUP)
    else:
        server = subprocess.Popen(command, cwd=ROOT, env=environment, start_new_session=True)
    stops = [signal.SIGINT, signal.SIGTERM] + [getattr(signal, "SIGHUP")] * hasattr(signal, "SIGHUP")

    def stop(signum, frame):
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, stop) for sig in stops}
    try:
        return server.wait()
    except KeyboardInterrupt:
        print("repro: stopping JupyterLab and its kernels.", file=sys.stderr)
        for sig in stops:
            signal.signal(sig, signal.SIG_IGN)
        server.terminate()  # SIGTERM: the server shuts its kernels down, then exits
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        return 130
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
