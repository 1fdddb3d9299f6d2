"""What machine the benchmarks ran on: CPU, cores, memory, Python, load, date, commit."""

from __future__ import annotations

import datetime as _dt
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return None


def _git(*args: str) -> str:
    out = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
    return out.stdout.strip() if out.returncode == 0 else "unknown"


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def cpu_check(runs: int = 3) -> str:
    """How fast this core is right now: a fixed pure-Python loop (best and worst of
    ``runs``), to show how much the shared machine drifted while the section ran."""
    import time

    times = []
    for _ in range(runs):
        started = time.perf_counter()
        sum(i * i for i in range(3_000_000))
        times.append(time.perf_counter() - started)
    return f"{min(times):.2f}–{max(times):.2f} s"


def describe() -> dict[str, str]:
    memory = _memory_gib()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    dirty = _git("status", "--porcelain")
    return {
        "date (UTC)": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M"),
        "CPU": _cpu_model(),
        "cores": f"{os.cpu_count()} logical, {usable} usable by this process",
        "memory": f"{memory:.1f} GiB" if memory else "unknown",
        "OS": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "Python": f"{platform.python_implementation()} {platform.python_version()} "
                  f"({Path(sys.executable).parent.parent.name}/)",
        "commit": _git("rev-parse", "--short", "HEAD") + (" plus uncommitted changes" if dirty else ""),
        "load average at start (1, 5, 15 min)": load_average(),
        "CPU check at start": cpu_check(),
    }
