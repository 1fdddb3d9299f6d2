"""The README's commands are real, CI calls the test command, and generated parts are current."""

import re
import subprocess
import sys

from dronediplomacy import paths
from dronediplomacy.reporting import readme

README = paths.ROOT / "README.md"


def first_code_block_under(heading_pattern: str) -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = re.search(rf"^#+ [^\n]*{heading_pattern}[^\n]*\n(.*?)(?=^#+ |\Z)", text, re.M | re.S)
    assert section, f"README has no heading matching {heading_pattern!r}"
    block = re.search(r"^```[^\n]*\n(.*?)^```", section.group(1), re.M | re.S)
    assert block, f"no fenced code block under {heading_pattern!r}"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_quick_start_has_exactly_two_complete_commands():
    lines = first_code_block_under("Quick start")
    assert len(lines) == 2
    for line in lines:
        assert not line.startswith(("$", "#")) and not line.rstrip().endswith("\\")
        assert line.startswith("python3 repro.py ")


def test_quick_start_commands_are_commands_repro_knows():
    source = (paths.ROOT / "repro.py").read_text(encoding="utf-8")
    known = set(re.search(r"commands = \{(.*?)\}", source).group(1).replace('"', "").replace(" ", "").split(","))
    for line in first_code_block_under("Quick start"):
        assert line.split()[2] in known


def test_ci_calls_the_readme_test_command():
    test_command = first_code_block_under("Quick start")[1]
    ci = (paths.ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(rf"^{re.escape(test_command)}$", ci, re.M)


def test_generated_readme_blocks_are_current():
    text = README.read_text(encoding="utf-8")
    assert readme.render(text) == text, "README is stale: run 'python3 repro.py run'"


def test_notebook_table_lists_every_notebook_on_disk_in_order():
    on_disk = sorted(p.name for p in paths.NOTEBOOKS.glob("*.ipynb"))
    table_order = re.findall(r"\| \d\d \| \[`([^`]+)`\]", readme.notebook_table())
    assert table_order == on_disk


def test_repro_rejects_unknown_command_with_usage():
    result = subprocess.run([sys.executable, str(paths.ROOT / "repro.py"), "frobnicate"],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert "usage: python3 repro.py" in result.stderr


def test_run_times_come_from_the_benchmark_results(tmp_path, monkeypatch):
    import json

    machine = {"date (UTC)": "2030-01-02 03:04", "CPU check at start": "0.31–0.33 s",
               "CPU check at end": "0.29–0.30 s"}
    results = {"fresh": {"machine": machine, "result": {"setup": 71.6, "pip_cache": False}},
               "pipeline": {"machine": machine, "result": {"best_wall": 19.4, "ratio": 1.94}},
               "tests": {"machine": machine, "result": {"wall": 81.2}}}
    monkeypatch.setattr(readme, "BENCHMARK_RESULTS", tmp_path / "results.json")
    assert "not measured yet" in readme.run_times()
    (tmp_path / "results.json").write_text(json.dumps(results))
    text = readme.run_times()
    for expected in ("measured 2030-01-02", "took 72 s (no pip cache)", "took 19 s at best",
                     "1.9 times its floor", "took 81 s", "loop took 0.31–0.33 s then, 0.29 s"):
        assert expected in text, expected
