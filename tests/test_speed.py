"""The speed-ups change no result: the memory of rendered pages, the deferred import, and
the runner's kernel started ahead (which must never outlive the run)."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from dronediplomacy import paths
from dronediplomacy.running import pipeline
from dronediplomacy.running import runner
from dronediplomacy.reporting import site
from dronediplomacy.errors import InputError
from sandbox import processes_marked

# --------------------------------------------------------------------------- site pages


def test_nbformat_loads_without_building_the_iri_parser_and_iri_checks_still_work():
    script = (
        "import sys\n"
        "from dronediplomacy.running.lazyimports import defer_rfc3987_syntax\n"
        "defer_rfc3987_syntax()\n"
        "import nbformat, nbclient, jsonschema\n"
        "assert 'rfc3987_syntax.syntax_helpers' not in sys.modules\n"
        "check = jsonschema.Draft202012Validator.FORMAT_CHECKER\n"
        "v = jsonschema.Draft202012Validator({'format': 'iri'}, format_checker=check)\n"
        "print(v.is_valid('http://example.org/a'), v.is_valid('http://exa mple.org/'))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         cwd=paths.ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "False"]


# --------------------------------------------------------------------------- the runner


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("fails", [False, True])
def test_kernels_started_ahead_run_each_notebook_fresh_and_never_outlive_the_run(
        tmp_path, monkeypatch, fails):
    marker = uuid.uuid4().hex
    monkeypatch.setenv("DRONE_SPEED_TEST", marker)  # inherited by every kernel
    names = ["00-a.ipynb", "01-b.ipynb"]
    for index, name in enumerate(names):
        source = f"assert 'x' not in globals()\nx = {index}\nimport os\nos.getpid()"
        if fails and index == 0:  # the kernel started ahead for 01-b must be stopped
            source = "raise ValueError('stop here')"
        nbformat.write(new_notebook(cells=[new_code_cell(source)]), tmp_path / name)
    monkeypatch.setattr(paths, "NOTEBOOKS", tmp_path)
    notebooks = [pipeline.Notebook(name, "test", (), ()) for name in names]
    written = []
    if fails:
        with pytest.raises(runner.NotebookFailed, match="00-a.ipynb: cell 1 failed"):
            runner.run(notebooks, on_written=written.append)
        assert written == []
    else:
        runner.run(notebooks, on_written=written.append)
        assert written == [tmp_path / name for name in names]
        pids = [nbformat.read(tmp_path / name, as_version=4).cells[0].outputs[0]["data"]["text/plain"]
                for name in names]
        assert len(set(pids)) == 2  # one kernel per notebook
    assert processes_marked("DRONE_SPEED_TEST", marker) == []


def test_modules_imported_reads_the_import_statements_of_code_cells_only():
    nb = new_notebook(cells=[
        nbformat.v4.new_markdown_cell("import markdown_is_not_code"),
        new_code_cell("%matplotlib inline\nimport pandas as pd, json\nfrom dronediplomacy import coding"),
        new_code_cell("!pip list\nfrom os.path import join\nfrom . import relative_is_skipped"),
        new_code_cell("def f(:\n  import not_python"),  # not Python: ignored, not fatal
        new_code_cell("import json\nif True:\n    import colorsys"),
    ])
    assert runner.modules_imported(nb) == [
        "pandas", "json", "dronediplomacy.coding", "os.path.join", "colorsys"]


def test_a_kernel_started_ahead_has_imported_its_modules_and_left_no_trace(tmp_path, monkeypatch):
    names = ["00-a.ipynb", "01-b.ipynb"]
    # 00-a runs long enough for the kernel of 01-b to start and import its modules
    nbformat.write(new_notebook(cells=[new_code_cell("import time\ntime.sleep(1.5)")]),
                   tmp_path / names[0])
    nbformat.write(new_notebook(cells=[
        # before its own import: the module is loaded already, but no name was bound
        new_code_cell("import sys\nprint('colorsys' in sys.modules, sorted(k for k in globals() "
                      "if k in ('importlib', 'MODULES', 'name', 'candidate', 'colorsys')))"),
        new_code_cell("import colorsys"),
        # tried ahead too, and failed silently there: only this cell's own import counts
        new_code_cell("try:\n    from no_such_module import nothing\nexcept ImportError as e:\n"
                      "    print(type(e).__name__)"),
    ]), tmp_path / names[1])
    monkeypatch.setattr(paths, "NOTEBOOKS", tmp_path)
    runner.run([pipeline.Notebook(name, "test", (), ()) for name in names])
    cells = nbformat.read(tmp_path / names[1], as_version=4).cells
    assert [cell.execution_count for cell in cells] == [1, 2, 3]
    assert cells[0].outputs[0]["text"] == "True []\n"
    assert cells[2].outputs[0]["text"] == "ModuleNotFoundError\n"


def test_the_import_ahead_code_binds_no_name_and_skips_what_fails():
    namespace: dict = {}
    exec(runner.import_ahead_code(["colorsys", "os.path.join", "no_such_module"]), namespace)
    assert set(namespace) == {"__builtins__"}
    assert "colorsys" in sys.modules
