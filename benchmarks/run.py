"""Run every benchmark, print the results as tables, write benchmarks/results.md.

    python3 benchmarks/run.py                  # everything (about 10 minutes)
    python3 benchmarks/run.py --only coder     # one part: pipeline, tests, fresh, coder

These are scripts, not tests: they measure, and say whether each target is met; they
never fail a build. The machine is shared and noisy, so every timing is reported with
the reference it is compared with, measured in the same run (the notebook floors for the
pipeline; each coder size against the one ten times smaller). The sections measured last
are kept in benchmarks/results.json, and results.md is rendered from all of them, so
``--only`` refreshes one part without losing the others (each section gives its date and
machine).

Run with any Python 3.11: the script re-executes itself in the project's .venv (creating
it first with repro.py if it is missing).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
RESULTS_JSON = HERE / "results.json"
RESULTS_MD = HERE / "results.md"
PARTS = ("pipeline", "tests", "fresh", "coder")
COMMAND = "python3 benchmarks/run.py"

TARGETS = {
    "pipeline_ratio": 3.0,     # run / sum of floors (issue 13: the warm run at most 3x its floor)
    "tests_seconds": 90.0,     # issue 13: the warm test command
    "setup_seconds": 180.0,
    "coder_100k_seconds": 10.0,  # issue 17: 100,000 statements on one core
    "coder_1m_peak_mb": 1024.0,
}


def _in_venv() -> bool:
    return Path(sys.prefix).resolve() == (ROOT / ".venv").resolve()


def _reexec_in_venv() -> None:
    if not VENV_PYTHON.exists():
        subprocess.run([sys.executable, "-c", "import repro; repro.ensure_environment()"],
                       cwd=ROOT, check=True)
    os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), __file__, *sys.argv[1:]])


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _ok(met: bool) -> str:
    return "met" if met else "**missed**"


# --------------------------------------------------------------------------- rendering

def render_pipeline(section: dict) -> list[str]:
    r = section["result"]
    names = r["names"]
    lines = [
        "| notebook | floor (s) | runner (s) | runner ÷ floor |",
        "|---|---:|---:|---:|",
    ]
    for name in names:
        floor, took = r["best_floor"][name], r["best_notebook"].get(name, float("nan"))
        lines.append(f"| {name} | {floor:.2f} | {took:.1f} | {took / floor:.2f} |")
    floor_sum = sum(r["best_floor"].values())
    notebooks_sum = sum(v for v in r["best_notebook"].values() if v == v)
    lines.append(f"| all notebooks (runner's own times) | {floor_sum:.2f} | {notebooks_sum:.1f} "
                 f"| {notebooks_sum / floor_sum:.2f} |")
    lines.append(f"| **`python3 repro.py run`, wall, end to end** | **{floor_sum:.2f}** | "
                 f"**{r['best_wall']:.1f}** | **{r['ratio']:.2f}** |")
    per_repeat = ", ".join(f"{x:.2f}" for x in r["ratios_per_repeat"])
    lines += [
        "",
        f"Target: the whole command ≤ {TARGETS['pipeline_ratio']}× the sum of the floors: "
        f"{_ok(r['ratio'] <= TARGETS['pipeline_ratio'])} ({r['ratio']:.2f}×). "
        f"Best of {len(r['rounds'])} for each number; the ratio in each repeat: {per_repeat}. "
        f"The wall time includes what runs outside the notebooks (environment check, data "
        f"dictionary, data package, exports, README blocks, site, one after the other): "
        f"{r['best_wall'] - notebooks_sum:.1f} s here.",
    ]
    steps = section["result"].get("figure_steps")
    if steps:
        import figure_steps

        totals = {step: sum(row[step] for row in steps) for step in figure_steps.STEPS}
        whole = sum(totals.values())
        lines += ["", f"Where notebook 04's time goes (`benchmarks/figure_steps.py`: each step of "
                      f"saving the {len(steps)} figures timed apart, in a fresh process, once):", "",
                  "| step | seconds, all figures | share | slowest figure |", "|---|---:|---:|---|"]
        for step, total in totals.items():
            slowest = max(steps, key=lambda row: row[step])
            lines.append(f"| {step} | {total:.2f} | {100 * total / whole:.0f}% | "
                         f"{slowest['stem']} ({slowest[step]:.2f} s) |")
        lines.append(f"| **all steps** | **{whole:.2f}** | 100% | |")
    return lines


def render_tests(section: dict) -> list[str]:
    r = section["result"]
    lines = [
        f"`python3 repro.py test` (warm): **{r['wall']:.1f} s**; target ≤ "
        f"{TARGETS['tests_seconds']:.0f} s: {_ok(r['wall'] <= TARGETS['tests_seconds'] and r['returncode'] == 0)}. "
        f"pytest: `{r['summary']}` (exit {r['returncode']}).",
        "",
        "Slowest tests (pytest `--durations`):",
        "",
        "| seconds | phase | test |",
        "|---:|---|---|",
    ]
    lines += [f"| {s:.2f} | {phase} | `{test}` |" for s, phase, test in r["slowest"][:15]]
    return lines


def render_fresh(section: dict) -> list[str]:
    r = section["result"]
    cache = "pip's cache in use" if r["pip_cache"] else "pip's download cache off (PIP_NO_CACHE_DIR=1), as on a new machine"
    lines = [
        "| step | seconds |",
        "|---|---:|",
        f"| `git clone` | {r['clone']:.1f} |",
        f"| **to a working environment** (`.venv` from `requirements.lock`) | **{r['setup']:.1f}** |",
    ]
    if r.get("run") is not None:
        state = "" if r["run_ok"] else " (failed: " + " ".join(r.get("run_error", [])) + ")"
        lines.append(f"| then the first `python3 repro.py run` in the clone | {r['run']:.1f}{state} |")
    lines += ["", f"Target: a working environment within {TARGETS['setup_seconds']:.0f} s: "
                  f"{_ok(r['setup'] <= TARGETS['setup_seconds'])}. {cache}. The clone is of "
                  f"the committed HEAD (uncommitted changes are not in it); the run in it "
                  f"reads the source text from the default place beside the clone, so it "
                  f"skips the verification when the text is not there."]
    return lines


def render_coder(section: dict) -> list[str]:
    rows = section["result"]
    lines = [
        "| rows (synthetic) | distinct texts | seconds | growth vs 10× fewer rows | "
        "rows per second | RSS before coding (MB) | peak RSS (MB) | CPU check just before |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        growth = f"{row['growth']:.1f}×" if "growth" in row else "–"
        lines.append(f"| {row['rows']:,} | {row['distinct_texts']:,} | {row['seconds']:.3f} | "
                     f"{growth} | {row['rows'] / row['seconds']:,.0f} | {row['base_rss_mb']:.0f} | "
                     f"{row['peak_rss_mb']:.0f} | {row.get('cpu_check', '?')} |")
    by_rows = {row["rows"]: row for row in rows}
    notes = []
    if 100_000 in by_rows:
        seconds = by_rows[100_000]["seconds"]
        notes.append(f"100k rows ≤ {TARGETS['coder_100k_seconds']:.0f} s: "
                     f"{_ok(seconds <= TARGETS['coder_100k_seconds'])} ({seconds:.2f} s)")
    growths = [row["growth"] for row in rows if "growth" in row and row["rows"] >= 100_000]
    if growths:
        notes.append(f"linear growth (about 10× per 10× from 10k rows on): "
                     f"{_ok(all(g <= 12 for g in growths))} "
                     f"({', '.join(f'{g:.1f}×' for g in growths)})")
    if 1_000_000 in by_rows:
        peak = by_rows[1_000_000]["peak_rss_mb"]
        notes.append(f"1M rows ≤ 1 GB peak: {_ok(peak <= TARGETS['coder_1m_peak_mb'])} "
                     f"({peak:.0f} MB)")
    lines += ["", "Targets: " + "; ".join(notes) + "."] if notes else []
    lines += ["", "The statements are **synthetic**: words drawn with a fixed seed from the "
                  "codebook's own prose (definitions, rules, examples), so the words the "
                  "dictionary looks for occur often (a harder case than the article's "
                  "statements). Each size runs in a fresh process pinned to one core; time is "
                  "`code_statements()` alone (best of 3 up to 100k, one call at 1M); memory is "
                  "the process's peak resident set size from `resource.getrusage` (interpreter, "
                  "pandas, the generated frame and the coder together). The CPU check is the "
                  "same fixed loop as in the section's header, run in the worker just before "
                  "coding: a slower check means a slower core at that moment, not a slower "
                  "coder."]
    return lines


RENDERERS = {"pipeline": ("The pipeline against its floor", render_pipeline),
             "tests": ("The test suite", render_tests),
             "fresh": ("Fresh set-up", render_fresh),
             "coder": ("The rule coder at scale", render_coder)}


def render(sections: dict) -> str:
    out = ["# Benchmarks", "",
           f"Generated by `{COMMAND}` (see `benchmarks/run.py`); do not edit by hand. Each "
           "section was measured in one run of the command on the machine it names; ratios "
           "compare numbers taken in that same run.", ""]
    for part in PARTS:
        title, renderer = RENDERERS[part]
        out += [f"## {title}", ""]
        section = sections.get(part)
        if section is None:
            out += ["Not measured yet: run `" + COMMAND + f" --only {part}`.", ""]
            continue
        machine = section["machine"]
        out += [f"Measured {machine['date (UTC)']} UTC on {machine['CPU']}, "
                f"{machine['cores']}, {machine['memory']}, {machine['OS']}, {machine['Python']}, "
                f"commit {machine['commit']}. The machine is shared: load average "
                f"{machine['load average at start (1, 5, 15 min)']} at the start and "
                f"{machine.get('load average at end (1, 5, 15 min)', '?')} at the end; a fixed "
                f"Python loop took {machine['CPU check at start']} at the start and "
                f"{machine.get('CPU check at end', '?')} at the end (best–worst of 3).", ""]
        out += renderer(section) + [""]
    return "\n".join(out).rstrip("\n") + "\n"


# --------------------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default=",".join(PARTS),
                        help=f"comma-separated parts to run (default all: {','.join(PARTS)})")
    parser.add_argument("--repeats", type=int, default=3, help="pipeline repeats (best of)")
    parser.add_argument("--coder-sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--warm-pip-cache", action="store_true",
                        help="fresh set-up with pip's download cache (default: cache off)")
    parser.add_argument("--no-write", action="store_true", help="print only; keep results.md")
    args = parser.parse_args(argv)
    parts = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown part(s) {sorted(unknown)}; choose from {', '.join(PARTS)}")

    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(ROOT / "src"))
    import machine

    sections = json.loads(RESULTS_JSON.read_text()) if RESULTS_JSON.is_file() else {}
    fresh_sections = {}
    for part in PARTS:
        if part not in parts:
            continue
        about = machine.describe()
        log(f"benchmarks: {part} (load average {about['load average at start (1, 5, 15 min)']})")
        if part == "pipeline":
            import pipeline_floor
            import figure_steps
            result = pipeline_floor.measure(args.repeats, log=log)
            for item in result["rounds"]:
                item.pop("stderr", None)
            result["figure_steps"] = figure_steps.measure()
        elif part == "tests":
            import suite_and_setup
            result = suite_and_setup.tests_once()
        elif part == "fresh":
            import suite_and_setup
            result = suite_and_setup.fresh_setup(warm_pip_cache=args.warm_pip_cache)
        else:
            import coder_scale
            result = coder_scale.run([int(s) for s in args.coder_sizes.split(",")])
        about["CPU check at end"] = machine.cpu_check()
        about["load average at end (1, 5, 15 min)"] = machine.load_average()
        fresh_sections[part] = {"machine": about, "result": result}
    sections.update(fresh_sections)
    print(render({p: s for p, s in sections.items() if p in fresh_sections}))
    if not args.no_write:
        RESULTS_JSON.write_text(json.dumps(sections, indent=1, sort_keys=True) + "\n")
        RESULTS_MD.write_text(render(sections), encoding="utf-8")
        from dronediplomacy.reporting import readme

        readme.update()  # its run times are generated from results.json
        log(f"benchmarks: wrote {RESULTS_MD.relative_to(ROOT)} and {RESULTS_JSON.relative_to(ROOT)}, "
            "and the run times in README.md")
    return 0


if __name__ == "__main__":
    if not _in_venv():
        _reexec_in_venv()
    sys.exit(main())
