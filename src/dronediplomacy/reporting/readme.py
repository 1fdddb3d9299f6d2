"""The README's generated parts: kept between marker comments, rewritten by the build
and checked by tests/test_readme.py, so they cannot drift from the code."""

from __future__ import annotations

import re

from dronediplomacy import atomic
from dronediplomacy import paths
from dronediplomacy import pipeline

README = paths.ROOT / "README.md"


def notebook_table() -> str:
    lines = ["| # | notebook | what it does | reads | writes |", "|---|---|---|---|---|"]
    for nb in pipeline.NOTEBOOKS:
        reads = "<br>".join(f"`{r}`" if "/" in r or "." in r else r for r in nb.reads)
        writes = "<br>".join(f"`{w}`" for w in nb.writes) or "nothing"
        lines.append(f"| {nb.name[:2]} | [`{nb.name}`](notebooks/{nb.name}) | {nb.purpose} "
                     f"| {reads} | {writes} |")
    return "\n".join(lines)


def _writer_of(relative_path: str) -> str:
    """The notebook whose ``writes`` names ``relative_path`` (patterns allowed)."""
    from fnmatch import fnmatch

    for nb in pipeline.NOTEBOOKS:
        if any(fnmatch(relative_path, pattern) for pattern in nb.writes):
            return nb.name
    raise RuntimeError(f"{relative_path} is on disk but no notebook in pipeline.yaml writes it")


def _rows(path) -> int:
    import pandas as pd

    return len(pd.read_csv(path, dtype=str, keep_default_na=False))


def data_products() -> str:
    """Every table in data/: what it is, who writes it, how many rows it has now."""
    from dronediplomacy.inputs.schemas import TABLE_SPECS

    lines = ["| file | rows | made by |", "|---|---|---|"]
    for spec in TABLE_SPECS:
        path = paths.DATA_INPUT / spec.file
        lines.append(f"| `{paths.relative(path)}` | {_rows(path)} | {spec.origin} |")
    lines.append("| `data/tables.yaml` | | hand (every table's columns, types, keys, licence and "
                 "source: the one description the validation, `data/README.md` and "
                 "`data/datapackage.json` are built from) |")
    lines.append("| `data/datapackage.json` | | `python3 repro.py run` (a Frictionless data "
                 "package of every table here, from `data/tables.yaml`) |")
    lines.append("| `data/exports/codebook.qdc` | | `python3 repro.py run` (the codebook for QDA "
                 "programs: a REFI-QDA codebook; see \"Exports for QDA programs\") |")
    lines.append("| `data/exports/project.qdpx` | | `python3 repro.py run` (every statement with its "
                 "hand codes and rationales: a REFI-QDA project; see \"Exports for QDA programs\") |")
    lines.append("| `data/input/corpus_protocol.md` | | hand (the statement corpus) |")
    for name in ("codebook.yaml", "coder_patterns.yaml"):
        lines.append(f"| `data/input/{name}` | | hand (coding) |")
    second = ["second_coding.csv"] if (paths.DATA_INPUT / "second_coding.csv").is_file() else []
    for name in ("hand_coding.csv", "corpus_hand_coding.csv", *second):
        lines.append(f"| `data/input/{name}` | {_rows(paths.DATA_INPUT / name)} | hand (coding) |")
    lines.append("| `data/input/corpus_codebook_gaps.md` | | hand (coding) |")
    for path in sorted(paths.DATA_RAW.glob("*.csv")):
        lines.append(f"| `{paths.relative(path)}` | | third party, unchanged (see `data/raw/README.md`) |")
    for path in sorted(paths.DATA_DERIVED.glob("*.csv")):
        rel = paths.relative(path)
        lines.append(f"| `{rel}` | {_rows(path)} | `notebooks/{_writer_of(rel)}` |")
    return "\n".join(lines)


def figure_table() -> str:
    """Every figure in the manifest: files, what it shows (first sentence of the caption)."""
    import pandas as pd

    manifest = pd.read_csv(paths.FIGURES / "manifest.csv", dtype=str, keep_default_na=False)
    lines = ["| figure | shows | data | made by |", "|---|---|---|---|"]
    for row in manifest.itertuples():
        first_sentence = row.caption.split(". ")[0].rstrip(".") + "."
        lines.append(f"| `figures/{row.stem}.{{pdf,svg,png}}` | {first_sentence} "
                     f"| [`{row.data_csv}`]({row.data_csv}) | `notebooks/{row.notebook}` |")
    return "\n".join(lines)


def findings() -> str:
    from dronediplomacy.reporting import narrative

    from dronediplomacy.reporting import answer

    beyond = answer.section().replace("## ", "### ", 1)  # notebook 06's answer, one level down
    return narrative.point_by_point().rstrip("\n") + "\n\n" + beyond.rstrip("\n")


def bad_inputs() -> str:
    """The catalogue of bad inputs (src/dronediplomacy/inputs/bad_inputs.yaml; each case is a test in
    tests/test_bad_inputs.py) and the harmless variants."""
    from dronediplomacy.inputs.bad_inputs import CASES, HARMLESS

    def row(text: str) -> str:
        if text.isdigit():
            return f"line {text}"
        return text if text.startswith(("the ", "line ")) else f"row `{text}`"

    lines = ["| input | what is wrong | the message names (file, row, column or key) "
             "| also run as a user runs it |", "|---|---|---|---|"]
    for case in CASES:
        user_path = f"`{case.user_path}`" if case.user_path else ""
        lines.append(f"| {case.input} | {case.broken} | `{case.file}`, {row(case.row)}, "
                     f"`{case.column}` | {user_path} |")
    lines += ["", "Accepted, with results identical to the clean file's:", ""]
    lines += [f"- {variant.input}: {variant.variant}" for variant in HARMLESS]
    return "\n".join(lines)


BENCHMARK_RESULTS = paths.ROOT / "benchmarks" / "results.json"


def run_times() -> str:
    """The run times the README states, from the last benchmark run
    (``benchmarks/results.json``, written by ``python3 benchmarks/run.py``)."""
    import json

    if not BENCHMARK_RESULTS.is_file():
        return "**Run times**: not measured yet (run `python3 benchmarks/run.py`)."
    sections = json.loads(BENCHMARK_RESULTS.read_text(encoding="utf-8"))
    parts = []
    if "fresh" in sections:
        fresh = sections["fresh"]["result"]
        cache = "with pip's cache" if fresh["pip_cache"] else "no pip cache"
        parts.append(f"setting up `.venv` from a fresh clone took {fresh['setup']:.0f} s ({cache})")
    if "pipeline" in sections:
        pipeline_run = sections["pipeline"]["result"]
        parts.append(f"`python3 repro.py run` took {pipeline_run['best_wall']:.0f} s at best once the "
                     f"environment exists, {pipeline_run['ratio']:.1f} times its floor (one fresh "
                     "kernel per notebook importing pandas, seaborn and matplotlib)")
    if "tests" in sections:
        tests = sections["tests"]
        checks = [float(x) for section in sections.values() for key in ("CPU check at start",
                  "CPU check at end") for x in re.findall(r"\d+\.\d+", section["machine"].get(key, ""))]
        parts.append(f"`python3 repro.py test` took {tests['result']['wall']:.0f} s (a fixed Python "
                     f"loop took {tests['machine']['CPU check at start']} then, {min(checks):.2f} s "
                     "at the quickest in these runs)")
    dates = sorted({section["machine"]["date (UTC)"][:10] for section in sections.values()})
    return (f"**Run times on a 2-core machine** (measured {', '.join(dates)}; see "
            "[`benchmarks/results.md`](benchmarks/results.md) for every number and the load at the "
            "time; the machine is shared, so times vary with its load): " + "; ".join(parts) + ".")


def generated_blocks() -> dict[str, str]:
    return {"findings": findings(), "notebooks": notebook_table(), "data-products": data_products(),
            "figures": figure_table(), "bad-inputs": bad_inputs(), "run-times": run_times(),
            "coder-accuracy": coder_accuracy()}


def coder_accuracy() -> str:
    """The coder's held-out figures (notebook 07's data product)."""
    import pandas as pd

    from dronediplomacy.coding.learning import headline

    path = paths.DATA_DERIVED / "coder_test_evaluation.csv"
    return headline(pd.read_csv(path)) if path.is_file() else "Not evaluated yet (notebook 07)."


def render(text: str) -> str:
    """``text`` with every generated block replaced by its current content."""
    for name, body in generated_blocks().items():
        pattern = re.compile(rf"(<!-- {name}:start[^>]*-->\n)(?:.*?\n)?(<!-- {name}:end -->)", re.S)
        if not pattern.search(text):
            raise RuntimeError(f"README.md lacks the markers <!-- {name}:start --> ... "
                               f"<!-- {name}:end -->")
        text = pattern.sub(lambda m: m.group(1) + body + "\n" + m.group(2), text)
    return text


def update() -> None:
    atomic.write_text(README, render(README.read_text(encoding="utf-8")))
