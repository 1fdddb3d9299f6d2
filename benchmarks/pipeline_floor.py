"""The first Quick start command against its floor.

Floor, per notebook: start a fresh kernel the way the runner does (nbclient, kernel
``python3``, the runner's kernel environment, the notebook's folder as working
directory) and run exactly ``import pandas, seaborn, matplotlib.pyplot``; the time is
taken around ``NotebookClient.execute()`` (kernel start, the cell, kernel shutdown),
like the runner's per-notebook time.

Run: the wall time of ``python3 repro.py run`` end to end (environment already set
up, so the environment check is included but no install), which executes every
notebook, writes the README blocks and the data dictionary and renders the site. Its
per-notebook times are the runner's own ``done`` lines.

Each repeat measures the floors and then the run, back to back, so the ratio compares
numbers taken minutes apart on the same (shared, noisy) machine; the best of the
repeats is reported.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLOOR_CODE = "import pandas, seaborn, matplotlib.pyplot"
DONE_LINE = re.compile(r"done\s+(\S+\.ipynb)\s+([\d.]+) s")


def _notebooks() -> tuple[str, ...]:
    sys.path.insert(0, str(ROOT / "src"))
    from dronediplomacy import pipeline

    return pipeline.NAMES


def floor_once(folder: Path) -> float:
    """Seconds to start a fresh kernel in ``folder``, run FLOOR_CODE, and shut it down."""
    import nbformat
    from nbclient import NotebookClient

    from dronediplomacy.running import runner

    os.environ.update(runner.KERNEL_ENVIRONMENT)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(FLOOR_CODE)])
    client = NotebookClient(nb, timeout=runner.CELL_TIMEOUT_SECONDS, kernel_name="python3",
                            record_timing=False, resources={"metadata": {"path": str(folder)}})
    started = time.perf_counter()
    client.execute()
    return time.perf_counter() - started


def floors() -> dict[str, float]:
    """One floor per notebook of the pipeline, in order."""
    folder = ROOT / "notebooks"
    return {name: floor_once(folder) for name in _notebooks()}


def quick_start_python() -> str:
    """The interpreter a user types as ``python3`` (repro.py creates .venv with it)."""
    return shutil.which("python3") or sys.executable


def run_once() -> tuple[float, dict[str, float], str]:
    """Wall seconds of ``python3 repro.py run``, the runner's per-notebook seconds, stderr."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("VIRTUAL_ENV")}
    started = time.perf_counter()
    out = subprocess.run([quick_start_python(), "repro.py", "run"], cwd=ROOT, env=environment,
                         capture_output=True, text=True)
    wall = time.perf_counter() - started
    if out.returncode != 0:
        raise RuntimeError(f"python3 repro.py run failed ({out.returncode}):\n{out.stderr[-3000:]}")
    per_notebook = {name: float(seconds) for name, seconds in DONE_LINE.findall(out.stderr)}
    return wall, per_notebook, out.stderr


def measure(repeats: int = 3, log=print) -> dict:
    """Floors and runs, ``repeats`` times; per-repeat numbers and the best of each."""
    rounds = []
    for index in range(repeats):
        floor = floors()
        wall, per_notebook, _ = run_once()
        rounds.append({"floor": floor, "wall": wall, "notebooks": per_notebook})
        log(f"  pipeline repeat {index + 1}/{repeats}: run {wall:.1f} s, floors "
            f"{sum(floor.values()):.1f} s (ratio {wall / sum(floor.values()):.2f})")
    names = list(rounds[0]["floor"])
    best_floor = {n: min(r["floor"][n] for r in rounds) for n in names}
    best_notebook = {n: min(r["notebooks"].get(n, float("nan")) for r in rounds) for n in names}
    best_wall = min(r["wall"] for r in rounds)
    return {
        "rounds": rounds,
        "names": names,
        "best_floor": best_floor,
        "best_notebook": best_notebook,
        "best_wall": best_wall,
        "ratio": best_wall / sum(best_floor.values()),
        "ratios_per_repeat": [r["wall"] / sum(r["floor"].values()) for r in rounds],
    }
