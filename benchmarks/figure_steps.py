"""Where notebook 04's time goes: each step of saving the eight figures, timed apart.

For every registered figure, in a fresh process with the notebook's inline backend,
the steps ``figures.save`` takes, one at a time: build the figure (its builder
function), check it (``figures.check_figure``), write each format (PDF, SVG, 300-dpi
PNG, as ``figures.save_figure`` does, each laid out by matplotlib as it saves), and make
the screen copy the notebook shows (``figures.screen_png``). The manifest, written once
after the figures, is not timed.
The files go to a temporary folder: nothing in the repository is touched.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STEPS = ("build", "layout and check", "pdf", "svg", "png", "screen copy")

_WORKER = r"""
import json, tempfile, time
from pathlib import Path
import matplotlib
matplotlib.use("module://matplotlib_inline.backend_inline")

from dronediplomacy.reporting import figures
from dronediplomacy.reporting import style

out = Path(tempfile.mkdtemp())
rows = []
for stem in sorted(figures.REGISTRY):
    row = {"stem": stem}
    def timed(step, call):
        started = time.perf_counter()
        result = call()
        row[step] = time.perf_counter() - started
        return result
    entry = figures.spec(stem)
    with style.figure_style():
        fig, data = timed("build", entry.build)
        timed("layout and check", lambda: figures.check_figure(fig))
        for fmt in ("pdf", "svg", "png"):
            target = out / f"{stem}.{fmt}"
            timed(fmt, lambda: fig.savefig(target, format=fmt, dpi=style.PNG_DPI,
                                           metadata=figures.metadata(fmt, title="t", description="d")))
    data.to_csv(out / f"{stem}.csv", index=False)
    timed("screen copy", lambda: figures.screen_png(out / f"{stem}.png"))
    rows.append(row)
print(json.dumps(rows))
"""


def measure(python: str = sys.executable) -> list[dict]:
    """One row per figure: seconds per step (see the module's description)."""
    done = subprocess.run([python, "-c", _WORKER], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONHASHSEED": "0"})
    if done.returncode != 0:
        raise RuntimeError(f"figure steps failed: {done.stderr.strip().splitlines()[-1:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    for row in measure():
        print(row["stem"], " ".join(f"{step}={row[step]:.2f}" for step in STEPS))
