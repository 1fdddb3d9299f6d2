"""Where a notebook's time goes: per-cell wall times, and optionally a cProfile of the
kernel, for one notebook run the way the runner runs it (fresh kernel, its folder).

    .venv/bin/python benchmarks/profile_notebook.py 04              # cell times
    .venv/bin/python benchmarks/profile_notebook.py 04 --cprofile   # + top functions

Nothing is written to the repository: the executed notebook is discarded (the
notebook's own cells still write their outputs, as in any run). With ``--cprofile`` a
first cell starts cProfile inside the kernel and a last one stops it and prints the
functions with the most cumulative time under the project's code (the profiler slows
the kernel down, about threefold for drawing, so read its numbers as proportions).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def main(argv: list[str] | None = None) -> int:
    import nbformat
    from nbclient import NotebookClient

    from dronediplomacy import paths
    from dronediplomacy.running import runner

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebook", help="number (04) or file name")
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args(argv)
    (notebook,) = runner.select(args.notebook)
    path = paths.NOTEBOOKS / notebook.name
    nb = nbformat.read(path, as_version=4)
    stats_file = Path(tempfile.mkdtemp()) / "kernel.prof"
    if args.cprofile:
        nb.cells.insert(0, nbformat.v4.new_code_cell(
            "import cProfile as _cp\n_profile = _cp.Profile()\n_profile.enable()"))
        nb.cells.append(nbformat.v4.new_code_cell(
            f"_profile.disable()\n_profile.dump_stats({str(stats_file)!r})"))
    os.environ.update(runner.KERNEL_ENVIRONMENT)
    client = NotebookClient(nb, timeout=runner.CELL_TIMEOUT_SECONDS, kernel_name="python3",
                            record_timing=True, resources={"metadata": {"path": str(path.parent)}})
    started = time.perf_counter()
    client.execute()
    total = time.perf_counter() - started
    from datetime import datetime

    def stamp(cell, key):
        value = cell.metadata.get("execution", {}).get(key)
        return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None

    print(f"{notebook.name}: {total:.2f} s in all (kernel start and shutdown included)")
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        begin, end = stamp(cell, "iopub.execute_input"), stamp(cell, "shell.execute_reply")
        seconds = (end - begin).total_seconds() if begin and end else float("nan")
        first_line = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
        print(f"  cell {index + 1:2d}  {seconds:6.2f} s  {first_line[:70]}")
    if args.cprofile:
        import pstats

        stats = pstats.Stats(str(stats_file))
        stats.sort_stats("cumulative").print_stats(r"dronediplomacy|site-packages", args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
