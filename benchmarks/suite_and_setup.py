"""The second Quick start command (the test suite), and a fresh clone's set-up.

Tests: the wall time of ``python3 repro.py test`` (environment already set up), with
``--durations=15`` added so the slowest tests are listed; pytest's closing line is
kept as it printed it.

Fresh set-up: ``git clone`` of this repository's committed HEAD into a temporary
folder, then the time until ``repro.py`` has a working ``.venv`` (its own
``ensure_environment()``: create the venv, install ``requirements.lock`` with hashes,
link the package), measured apart from the first ``python3 repro.py run`` in the
clone. By default pip's download cache is off (``PIP_NO_CACHE_DIR=1``), as on a new
machine; ``--warm-pip-cache`` uses the cache instead.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from pipeline_floor import quick_start_python

ROOT = Path(__file__).resolve().parents[1]
SUMMARY = re.compile(r"^=+ (.*(?:passed|failed|error).*) in [\d.]+s.*=+$", re.MULTILINE)
DURATION = re.compile(r"^([\d.]+)s (call|setup|teardown)\s+(\S+)$", re.MULTILINE)


def _environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("VIRTUAL_ENV")}


def tests_once() -> dict:
    started = time.perf_counter()
    out = subprocess.run([quick_start_python(), "repro.py", "test", "--durations=15"], cwd=ROOT,
                         env=_environment(), capture_output=True, text=True)
    wall = time.perf_counter() - started
    summary = SUMMARY.findall(out.stdout)
    return {"wall": wall, "returncode": out.returncode,
            "summary": summary[-1] if summary else out.stdout.strip().splitlines()[-1:],
            "slowest": [(float(s), phase, test) for s, phase, test in DURATION.findall(out.stdout)]}


def fresh_setup(warm_pip_cache: bool = False, run_pipeline: bool = True) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="dronediplomacy-fresh-"))
    clone = folder / "clone"
    environment = _environment()
    if not warm_pip_cache:
        environment["PIP_NO_CACHE_DIR"] = "1"
    try:
        started = time.perf_counter()
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        cloned = time.perf_counter() - started
        started = time.perf_counter()
        setup = subprocess.run([quick_start_python(), "-c", "import repro; repro.ensure_environment()"],
                               cwd=clone, env=environment, capture_output=True, text=True)
        setup_seconds = time.perf_counter() - started
        if setup.returncode != 0:
            raise RuntimeError(f"fresh set-up failed:\n{setup.stderr[-3000:]}")
        result = {"clone": cloned, "setup": setup_seconds, "pip_cache": warm_pip_cache,
                  "run": None, "run_ok": None}
        if run_pipeline:
            started = time.perf_counter()
            run = subprocess.run([quick_start_python(), "repro.py", "run"], cwd=clone,
                                 env=_environment(), capture_output=True, text=True)
            result["run"] = time.perf_counter() - started
            result["run_ok"] = run.returncode == 0
            if run.returncode != 0:
                result["run_error"] = run.stderr.strip().splitlines()[-2:]
        return result
    finally:
        shutil.rmtree(folder, ignore_errors=True)
