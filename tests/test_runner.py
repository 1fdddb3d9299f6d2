"""The runner: order, selection, failure messages, and nothing half-written."""

import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from dronediplomacy import paths
from dronediplomacy.running import pipeline
from dronediplomacy.running import runner


def write_notebook(path, *sources):
    cells = [new_markdown_cell("# a test notebook")] + [new_code_cell(s) for s in sources]
    nbformat.write(new_notebook(cells=cells), path)


def test_order_is_numbered_and_complete():
    names = pipeline.names()
    assert [n[:2] for n in names] == [f"{i:02d}" for i in range(len(names))]
    assert names[0].startswith("00-") and names[-1].startswith("05-")


def test_select_by_number_range_and_name():
    assert [nb.name[:2] for nb in runner.select("03")] == ["03"]
    assert [nb.name[:2] for nb in runner.select("02-04")] == ["02", "03", "04"]
    assert runner.select(pipeline.NOTEBOOKS[1].name) == [pipeline.NOTEBOOKS[1]]
    assert runner.select("all") == list(pipeline.NOTEBOOKS)
    with pytest.raises(SystemExit, match="no notebook"):
        runner.select("42")


def test_failure_names_notebook_cell_and_error(tmp_path):
    path = tmp_path / "07-fail-here.ipynb"
    write_notebook(path, "x = 1", "raise ValueError('bad row st99')", "y = 2")
    with pytest.raises(runner.NotebookFailed) as failure:
        runner.execute(path)
    message = str(failure.value)
    assert "07-fail-here.ipynb" in message and "cell 3" in message
    assert "ValueError: bad row st99" in message


def test_failed_run_leaves_committed_notebook_untouched(tmp_path, monkeypatch):
    path = tmp_path / "00-fails.ipynb"
    write_notebook(path, "1 / 0")
    before = path.read_bytes()
    monkeypatch.setattr(paths, "NOTEBOOKS", tmp_path)
    with pytest.raises(runner.NotebookFailed):
        runner.run([pipeline.Notebook("00-fails.ipynb", "fails", (), ())])
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["00-fails.ipynb"]  # no temp file left


def test_executed_notebook_is_normalised_and_stable(tmp_path):
    path = tmp_path / "01-ok.ipynb"
    write_notebook(path, "import os\nprint(os.environ['PYTHONHASHSEED'], os.environ['TZ'])")
    first = runner.execute(path)
    second = runner.execute(path)
    assert first == second
    nb = json.loads(first)
    assert [c["id"] for c in nb["cells"]] == ["cell-00", "cell-01"]
    assert "execution" not in nb["cells"][1]["metadata"]
    assert nb["metadata"]["language_info"] == {"name": "python"}
    assert "".join(nb["cells"][1]["outputs"][0]["text"]) == "0 UTC\n"
    assert str(paths.ROOT) not in first
