"""The README's generated blocks, between marker comments, from ``templates/readme/``:
rewritten by the build and checked by tests/test_readme.py, so they cannot drift."""

import json
import re
from pathlib import Path

import pandas as pd

from dronediplomacy import atomic, paths, pipeline
from dronediplomacy.coding.learning import headline
from dronediplomacy.inputs.bad_inputs import CASES, HARMLESS
from dronediplomacy.inputs.schemas import TABLE_SPECS
from dronediplomacy.reporting import answer, narrative

README = paths.ROOT / "README.md"
BENCHMARK_RESULTS = paths.ROOT / "benchmarks" / "results.json"
TEMPLATES = Path(__file__).parent / "templates" / "readme"


def _render(block: str, **values) -> str:
    env = narrative.jinja(TEMPLATES, code=lambda text: f"`{text}`")
    return env.get_template(f"{block}.md.j2").render(**values).rstrip("\n")


def notebook_table() -> str:
    """The notebooks in run order: what each does, reads and writes (pipeline.NOTEBOOKS)."""
    return _render("notebooks", notebooks=pipeline.NOTEBOOKS)


def _rows(path) -> int:
    return len(pd.read_csv(path, dtype=str, keep_default_na=False))


def data_products() -> str:
    """Every table in data/: what it is, who writes it, how many rows it has now."""
    inputs = [(paths.relative(paths.DATA_INPUT / spec.file), _rows(paths.DATA_INPUT / spec.file),
               spec.origin) for spec in TABLE_SPECS]
    hand = [(name, _rows(paths.DATA_INPUT / name))
            for name in ("hand_coding.csv", "corpus_hand_coding.csv", "second_coding.csv")
            if (paths.DATA_INPUT / name).is_file()]
    derived = [(paths.relative(path), _rows(path), narrative.writer_of(paths.relative(path)))
               for path in sorted(paths.DATA_DERIVED.glob("*.csv"))]
    return _render("data-products", inputs=inputs, hand=hand, derived=derived,
                   raw=[paths.relative(path) for path in sorted(paths.DATA_RAW.glob("*.csv"))])


def run_times() -> str:
    """The run times the README states, from the last benchmark run
    (``benchmarks/results.json``, written by ``python3 benchmarks/run.py``)."""
    runs = json.loads(BENCHMARK_RESULTS.read_text(encoding="utf-8")) if BENCHMARK_RESULTS.is_file() else {}
    checks = [float(x) for run in runs.values() for key in ("CPU check at start", "CPU check at end")
              for x in re.findall(r"\d+\.\d+", run["machine"].get(key, ""))]
    return _render("run-times", runs=runs, quickest=min(checks, default=float("nan")),
                   dates=sorted({run["machine"]["date (UTC)"][:10] for run in runs.values()}))


def generated_blocks() -> dict[str, str]:
    """Each block by its marker's name (templates/readme/<name>.md.j2 where there is one)."""
    manifest = pd.read_csv(paths.FIGURES / "manifest.csv", dtype=str, keep_default_na=False)
    beyond = answer.section().replace("## ", "### ", 1)  # notebook 06's answer, one level down
    evaluation = paths.DATA_DERIVED / "coder_test_evaluation.csv"  # notebook 07's
    facts = narrative.gather(agreement_table=narrative.read_derived("agreement"))  # 06 checked it
    return {"findings": narrative.point_by_point(facts).rstrip("\n") + "\n\n" + beyond.rstrip("\n"),
            "notebooks": notebook_table(), "data-products": data_products(),
            "figures": _render("figures", manifest=manifest.itertuples()),
            "bad-inputs": _render("bad-inputs", cases=CASES, harmless=HARMLESS),
            "run-times": run_times(),
            "coder-accuracy": headline(pd.read_csv(evaluation)) if evaluation.is_file()
            else "Not evaluated yet (notebook 07)."}


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
