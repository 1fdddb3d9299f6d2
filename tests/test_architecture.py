"""Data flows one way through the stages: inputs -> coding -> analysis -> reporting -> running.
No module of a stage imports a module of a later stage (DESIGN.md, "Architecture"); the shared
modules at the package's top (paths, errors, atomic, text, pipeline) import no stage at all.
Checked by reading the source, so code paths the tests never run are covered too."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "dronediplomacy"
STAGES = ("inputs", "coding", "analysis", "reporting", "running")


def rank(module: str) -> int:
    """0 for the shared top-level modules, 1 + the stage's position for a stage's modules."""
    parts = module.split(".")
    return STAGES.index(parts[1]) + 1 if len(parts) > 1 and parts[1] in STAGES else 0


def imports_against_the_flow(source: str, module: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("dronediplomacy"):
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names if alias.name.startswith("dronediplomacy")]
        found += [f"{module}:{node.lineno} imports {name}" for name in names
                  if rank(name) > rank(module)]
    return found


def test_no_stage_imports_a_later_stage():
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(("dronediplomacy", *path.relative_to(PACKAGE).with_suffix("").parts))
        problems += imports_against_the_flow(path.read_text(encoding="utf-8"), module)
    assert problems == []


@pytest.mark.parametrize("source, module, wrong", [
    ("from dronediplomacy.reporting import figures", "dronediplomacy.inputs.tables", True),
    ("from dronediplomacy import pipeline", "dronediplomacy.reporting.site", False),
    ("import dronediplomacy.running.runner", "dronediplomacy.coding.coder", True),
    ("from dronediplomacy.inputs.tables import load_tables", "dronediplomacy.analysis.summaries", False),
    ("from dronediplomacy.coding import codebook", "dronediplomacy.text", True),
])
def test_an_import_against_the_flow_is_found(source, module, wrong):
    assert bool(imports_against_the_flow(source, module)) is wrong
