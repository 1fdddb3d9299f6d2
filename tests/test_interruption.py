"""Nothing lost: a run stopped half-way (Ctrl-C, a killed kernel) leaves every committed
output byte-identical and no temporary file behind, and says what happened."""

import json
import os
import signal
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from dronediplomacy import paths, pipeline
from dronediplomacy.running import INTERRUPTED, runner
from sandbox import environment, make_sandbox, processes_marked, snapshot

pytestmark = pytest.mark.slow  # run first: see tests/conftest.py

STOPPED_NOTEBOOK = "03-code-statements.ipynb"


RUNNING = "test: notebook 03 is half-way through writing a file"

#: Put before notebook 03's first code cell: its first atomic write (data/derived/...)
#: stops half-way, the temporary file written and the target not yet replaced, and says
#: so on the terminal; Ctrl-C then arrives there, whatever the machine's speed.
PAUSE_MID_WRITE = f"""\
import contextlib, os, time
from dronediplomacy import atomic

_atomic_path = atomic.atomic_path

@contextlib.contextmanager
def _paused(target):
    with _atomic_path(target) as tmp:
        yield tmp
        os.write(2, b"{RUNNING}\\n")
        time.sleep(120)

atomic.atomic_path = _paused
"""


def prepare_notebook(path: Path) -> None:
    """Clear the notebook's outputs, so that any write of it (whole or half) changes its
    bytes, and make its first atomic write pause half-way (PAUSE_MID_WRITE)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    first_code = next(i for i, cell in enumerate(nb["cells"]) if cell["cell_type"] == "code")
    nb["cells"].insert(first_code, {"cell_type": "code", "execution_count": None, "id": "pause",
                                    "metadata": {}, "outputs": [], "source": PAUSE_MID_WRITE})
    path.write_text(json.dumps(nb, indent=1) + "\n", encoding="utf-8")


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux /proc")
def test_ctrl_c_midway_changes_no_output_and_leaves_no_temporary_file(tmp_path):
    sandbox = make_sandbox(tmp_path / "repo", outputs=True)
    prepare_notebook(sandbox / "notebooks" / STOPPED_NOTEBOOK)
    before = snapshot(sandbox)
    marker = uuid.uuid4().hex
    # The real pipeline (what `python3 repro.py run` calls), on notebooks 02 to 04, in its own
    # process group: a terminal's Ctrl-C signals the whole foreground group.
    process = subprocess.Popen([sys.executable, "-m", "dronediplomacy.running.build", "02-04"],
                               cwd=tmp_path, env=environment(sandbox, DRONE_TEST_RUN=marker),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    lines: list[str] = []
    running = threading.Event()

    def read() -> None:
        for line in process.stderr:
            lines.append(line)
            if RUNNING in line:
                running.set()
    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert running.wait(timeout=180), "".join(lines)  # mid-write in notebook 03
        os.killpg(process.pid, signal.SIGINT)
        assert process.wait(timeout=120) == 130, "".join(lines)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    reader.join(timeout=10)
    stderr = "".join(lines)
    assert INTERRUPTED in stderr
    assert "Traceback" not in stderr, stderr
    assert "done  02-" in stderr and "done  03-" not in stderr  # stopped after 02, inside 03
    # no kernel left running (and writing) behind
    assert processes_marked("DRONE_TEST_RUN", marker) == []
    after = snapshot(sandbox)
    assert sorted(set(after) - set(before)) == []   # no temporary or new file
    assert {name for name in before if after.get(name) != before[name]} == set()


def test_a_killed_kernel_is_reported_and_changes_nothing(tmp_path, monkeypatch, capfd):
    """A kernel killed in the middle of an atomic write (what the out-of-memory killer does):
    the runner names the notebook and the cell, exits 1, and leaves the target, the notebook
    and the folder as they were (the temporary file the kernel could not remove included)."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "result.csv").write_text("the previous result\n", encoding="utf-8")
    name = "00-killed.ipynb"
    cells = [new_markdown_cell("# killed in the middle of a write"),
             new_code_cell("import os, signal\nfrom pathlib import Path\n"
                           "from dronediplomacy import atomic"),
             new_code_cell(f"with atomic.atomic_path(Path({str(out)!r}) / 'result.csv') as tmp:\n"
                           "    tmp.write_text('half a table')\n"
                           "    assert len(list(tmp.parent.glob('.result.csv.*'))) == 1\n"
                           "    os.kill(os.getpid(), signal.SIGKILL)"),
             new_code_cell("print('never runs')")]
    nbformat.write(new_notebook(cells=cells), tmp_path / name)
    before = snapshot(tmp_path)
    monkeypatch.setattr(runner.paths, "NOTEBOOKS", tmp_path)
    monkeypatch.setattr(pipeline, "NOTEBOOKS",
                        (pipeline.Notebook(name, "dies", (), (str(out / "result.csv"),)),))
    assert runner.main(["00"]) == 1
    err = capfd.readouterr().err
    assert (f"runner: stopped. {name}: cell 3 failed: the kernel died (killed, or out of "
            "memory) while running it") in err
    assert "Traceback" not in err
    assert snapshot(tmp_path) == before


IMPORTING = "test: the command is importing nbformat"

#: A sitecustomize.py making the import of nbformat (one of the commands' seconds of imports)
#: say so and wait: Ctrl-C then arrives during the imports, whatever the machine's speed.
PAUSE_IN_IMPORTS = f"""\
import os, sys, time

class _Paused:
    def find_spec(self, name, path=None, target=None):
        if name == "nbformat":
            os.write(2, b"{IMPORTING}\\n")
            time.sleep(120)
        return None

sys.meta_path.insert(0, _Paused())
"""


@pytest.mark.parametrize("command", [["-m", "dronediplomacy.running.runner"],
                                     ["-m", "dronediplomacy.running.build"],
                                     [str(paths.ROOT / "repro.py"), "run"]], ids=["runner", "build", "repro"])
def test_ctrl_c_while_the_command_imports_says_one_line(tmp_path, command):
    """No traceback from a Ctrl-C in the first seconds either (notebook 99 does not exist:
    nothing could run or be written had the imports finished)."""
    (tmp_path / "sitecustomize.py").write_text(PAUSE_IN_IMPORTS, encoding="utf-8")
    process = subprocess.Popen([sys.executable, *command, "99"],
                               env=environment(paths.ROOT, pythonpath=(tmp_path,)),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        assert process.stderr.readline() == IMPORTING + "\n"
        os.killpg(process.pid, signal.SIGINT)
        assert process.wait(timeout=60) == 130
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.stderr.read() == INTERRUPTED + "\n"
