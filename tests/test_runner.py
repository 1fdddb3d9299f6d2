"""The runner: order, selection, failure messages, and nothing half-written."""

import json
import uuid
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from dronediplomacy import paths
from dronediplomacy import pipeline
from dronediplomacy.errors import InputError
from dronediplomacy.running import runner
from sandbox import processes_marked


def write_notebook(path, *sources):
    cells = [new_markdown_cell("# a test notebook")] + [new_code_cell(s) for s in sources]
    nbformat.write(new_notebook(cells=cells), path)


def test_order_is_numbered_and_complete():
    names = pipeline.NAMES
    assert [n[:2] for n in names] == [f"{i:02d}" for i in range(len(names))]
    assert names[0].startswith("00-") and "06-tell-comparison.ipynb" in names


def test_select_by_number_range_and_name():
    assert [nb.name[:2] for nb in runner.select("03")] == ["03"]
    assert [nb.name[:2] for nb in runner.select("02-04")] == ["02", "03", "04"]
    assert runner.select("2-4") == runner.select("02-04")
    assert runner.select(pipeline.NOTEBOOKS[1].name) == [pipeline.NOTEBOOKS[1]]
    assert runner.select("all") == list(pipeline.NOTEBOOKS)
    for nowhere in ("42", "04-02", "x-y", "99.ipynb"):
        with pytest.raises(SystemExit, match="no notebook"):
            runner.select(nowhere)


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


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("fails", [False, True])
def test_each_notebook_runs_in_a_fresh_kernel_that_never_outlives_the_run(
        tmp_path, monkeypatch, fails):
    marker = uuid.uuid4().hex
    monkeypatch.setenv("DRONE_RUNNER_TEST", marker)  # inherited by every kernel
    names = ["00-a.ipynb", "01-b.ipynb"]
    for index, name in enumerate(names):
        source = f"assert 'x' not in globals()\nx = {index}\nimport os\nos.getpid()"
        if fails and index == 0:  # 01-b must not start at all
            source = "raise ValueError('stop here')"
        nbformat.write(new_notebook(cells=[new_code_cell(source)]), tmp_path / name)
    monkeypatch.setattr(paths, "NOTEBOOKS", tmp_path)
    notebooks = [pipeline.Notebook(name, "test", (), ()) for name in names]
    before = {name: (tmp_path / name).read_bytes() for name in names}
    if fails:
        with pytest.raises(runner.NotebookFailed, match="00-a.ipynb: cell 1 failed"):
            runner.run(notebooks)
        assert {name: (tmp_path / name).read_bytes() for name in names} == before  # none written
    else:
        runner.run(notebooks)
        pids = [nbformat.read(tmp_path / name, as_version=4).cells[0].outputs[0]["data"]["text/plain"]
                for name in names]
        assert len(set(pids)) == 2  # one kernel per notebook
    assert processes_marked("DRONE_RUNNER_TEST", marker) == []


def hostile_kernelspecs(folder: Path, marker: Path) -> Path:
    """A Jupyter data folder whose ``python3`` and ``dronediplomacy`` kernelspecs run
    another program: it records that it was started, then exits."""
    import sys

    for name in ("python3", "dronediplomacy"):
        spec = folder / "kernels" / name
        spec.mkdir(parents=True)
        argv = [sys.executable, "-c", f"open({str(marker)!r}, 'a').write('started\\n')",
                "{connection_file}"]
        (spec / "kernel.json").write_text(json.dumps(
            {"argv": argv, "display_name": f"hostile {name}", "language": "python"}))
    return folder


def test_a_kernelspec_on_the_jupyter_path_never_replaces_the_projects_interpreter(
        tmp_path, monkeypatch):
    import sys

    from jupyter_client.kernelspec import KernelSpecManager

    marker = tmp_path / "hostile-kernel-started"
    monkeypatch.setenv("JUPYTER_PATH", str(hostile_kernelspecs(tmp_path / "jupyter", marker)))
    # the hostile specs are live: whoever asks the Jupyter path for these names gets them
    assert KernelSpecManager().get_kernel_spec("python3").display_name == "hostile python3"
    assert KernelSpecManager().get_kernel_spec(runner.KERNEL_NAME).display_name == \
        f"hostile {runner.KERNEL_NAME}"
    path = tmp_path / "01-which-python.ipynb"
    write_notebook(path, "import sys\nprint(sys.executable)")
    nb = json.loads(runner.execute(path))
    assert "".join(nb["cells"][1]["outputs"][0]["text"]) == sys.executable + "\n"
    assert nb["metadata"]["kernelspec"]["name"] == runner.KERNEL_NAME
    assert not marker.exists()


def test_strict_nbval_runs_the_projects_interpreter_whatever_the_jupyter_path_offers(tmp_path):
    """The test command's nbval options (repro.py) start this interpreter, not a kernelspec."""
    import importlib.util
    import os
    import subprocess
    import sys

    spec = importlib.util.spec_from_file_location("repro", paths.ROOT / "repro.py")
    repro = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(repro)
    marker = tmp_path / "hostile-kernel-started"
    jupyter = hostile_kernelspecs(tmp_path / "jupyter", marker)
    nb = new_notebook(cells=[new_code_cell("import sys\nprint(sys.executable)")],
                      metadata={"kernelspec": {"name": runner.KERNEL_NAME,
                                               "display_name": runner.KERNEL_DISPLAY_NAME,
                                               "language": "python"}})
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout",
                                                   text=sys.executable + "\n")]
    nb.cells[0].execution_count = 1
    nbformat.write(nb, tmp_path / "which.ipynb")
    options = [option for option in repro.TEST_COMMAND if option.startswith("--nbval")
               and option != "--nbval-sanitize-with"]
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             *options, "which.ipynb"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=300,
                            env={**os.environ, "JUPYTER_PATH": str(jupyter)})
    assert result.returncode == 0, result.stdout[-3000:]
    assert "1 passed" in result.stdout
    assert not marker.exists()


def test_a_pipeline_entry_without_a_key_is_named_with_its_number_and_key(tmp_path):
    listing = tmp_path / "pipeline.yaml"
    listing.write_text("- {name: a.ipynb, purpose: p, reads: [], writes: []}\n"
                       "- {name: b.ipynb, purpose: p, reads: []}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        pipeline.read_pipeline(listing)
    assert (caught.value.row, caught.value.column) == (2, "writes") and "Fix:" in str(caught.value)
    listing.write_text("- {name: a.ipynb, purpose: p, reads: [x], writes: []}\n", encoding="utf-8")
    assert pipeline.read_pipeline(listing) == (pipeline.Notebook("a.ipynb", "p", ("x",), ()),)
