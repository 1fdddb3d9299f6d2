"""Rerun a notebook in JupyterLab as a user would: in headless Chromium, through the UI.

The test starts JupyterLab on 127.0.0.1 (a free port, a random token, no browser of its
own, PYTHONHASHSEED=0 and the runner's kernel environment), opens the notebook through
the JupyterLab URL, clears every output from the Edit menu, runs every cell from the
Run menu (Run > Run All Cells), waits for the kernel to be idle, and checks that every
code cell ran, in order, in a fresh kernel, with no error output, and that the cells
that had outputs have them again. It then closes the notebook without saving (File >
Close and Shut Down Notebook, discarding changes) and checks that the committed
notebook's bytes did not change. The server is stopped whatever happens.

Isolation: JupyterLab's settings, workspaces, runtime files, trust database, IPython
profile and checkpoints all live in a temporary folder, so neither the user's own Jupyter
configuration nor this test leaves anything in the repository or the home folder.
Autosave is off in those settings. Requests to other hosts are aborted.
"""

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from conftest import chromium_executable, is_local
from dronediplomacy import paths
from dronediplomacy.running import runner

pytestmark = pytest.mark.slow  # run first: see tests/conftest.py

#: Notebook 01 is the one the issue names; until it exists, 00 stands in.
NOTEBOOK = ("01-load-facts.ipynb" if (paths.NOTEBOOKS / "01-load-facts.ipynb").is_file()
            else "00-check-environment.ipynb")
SERVER_START_SECONDS = 60
OPEN_TIMEOUT_MS = 90_000
RUN_TIMEOUT_MS = 300_000
ERROR_LINE = re.compile(r"Traceback \(most recent call last\)|"
                        r"^(?:[A-Za-z_][\w.]*\.)?[A-Za-z_]\w*(?:Error|Exception|Exit|Interrupt)\b"
                        r"(?::.*)?$", re.M)
#: JupyterLab user settings for the test: no autosave (the committed notebook must not
#: be written), every cell attached to the DOM (so all of them can be inspected), no
#: news pop-up.
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"},
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _stop(process: subprocess.Popen) -> None:
    """Stop the server (its process group), then any kernel it started and left behind."""
    import psutil

    try:
        descendants = psutil.Process(process.pid).children(recursive=True)
    except psutil.Error:
        descendants = []
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        if process.poll() is not None:
            break
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            pass
    alive = [p for p in descendants if p.is_running()]
    for child in alive:  # kernels run in sessions of their own
        try:
            child.terminate()
        except psutil.Error:
            pass
    _, alive = psutil.wait_procs(alive, timeout=5)
    for child in alive:
        try:
            child.kill()
        except psutil.Error:
            pass


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A running JupyterLab serving the repository root: yields (base URL, token, log)."""
    chromium_executable()  # skip before starting anything when there is no browser
    home = tmp_path_factory.mktemp("jupyterlab")
    settings = home / "settings"
    for relative, values in LAB_SETTINGS.items():
        (settings / relative).parent.mkdir(parents=True, exist_ok=True)
        (settings / relative).write_text(json.dumps(values), encoding="utf-8")
    port, token = free_port(), secrets.token_hex(24)
    env = {**os.environ, **runner.KERNEL_ENVIRONMENT, "PYTHONHASHSEED": "0",
           "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_DATA_DIR": str(home / "data"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "IPYTHONDIR": str(home / "ipython")}
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root",
               "--ServerApp.ip=127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={paths.ROOT}",
               f"--FileCheckpoints.root_dir={home / 'checkpoints'}",
               f"--LabApp.user_settings_dir={settings}",
               f"--LabApp.workspaces_dir={home / 'workspaces'}",
               "--LabApp.extension_manager=readonly", "--LabApp.news_url=None",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    log_path = home / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=paths.ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"JupyterLab exited with {process.returncode}:\n"
                            f"{log_path.read_text(errors='replace')[-3000:]}")
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2):
                    break
            except (urllib.error.URLError, OSError):
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not answer within {SERVER_START_SECONDS} s:\n"
                                f"{log_path.read_text(errors='replace')[-3000:]}")
                time.sleep(0.2)
        yield base, token, log_path
    finally:
        _stop(process)


def api(base: str, token: str, path: str):
    with urllib.request.urlopen(f"{base}{path}?token={token}", timeout=10) as answer:
        return json.load(answer)


def menu(page, top: str, item: str) -> None:
    """Click a JupyterLab menu item, as a user would."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(rf"^{re.escape(top)}$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(rf"^{re.escape(item)}$")).click()


#: The notebook in front in the main area (a CSS selector; also defined in the scripts).
PANEL = "#jp-main-dock-panel .jp-NotebookPanel:not(.lm-mod-hidden)"
PANEL_JS = f"const PANEL = '{PANEL}';"
CELLS_JS = """() => { """ + PANEL_JS + """ return Array.from(document.querySelectorAll(PANEL + ' .jp-CodeCell')).map(c => ({
    prompt: (c.querySelector('.jp-InputPrompt')?.textContent || '').trim(),
    outputs: Array.from(c.querySelectorAll('.jp-OutputArea-output')).map(o => ({
        mime: o.getAttribute('data-mime-type') || '', text: o.textContent || ''}))})); }"""
#: Finished: nothing queued or running ([*]), the first cell has run, the kernel is idle.
FINISHED_JS = """() => { """ + PANEL_JS + """
    const prompts = Array.from(document.querySelectorAll(PANEL + ' .jp-CodeCell .jp-InputPrompt'))
        .map(p => p.textContent.trim());
    const idle = document.querySelector(PANEL + ' .jp-Notebook-ExecutionIndicator[data-status="idle"]');
    return idle && prompts.length > 0 && /^\\[\\d+\\]:$/.test(prompts[0]) && !prompts.includes('[*]:');
}"""
KERNEL_READY_JS = """() => { """ + PANEL_JS + """
    const name = document.querySelector(PANEL + ' .jp-NotebookPanel-toolbar .jp-KernelName');
    const idle = document.querySelector(PANEL + ' .jp-Notebook-ExecutionIndicator[data-status="idle"]');
    return name && !/No Kernel/.test(name.textContent) && idle;
}"""


@pytest.mark.parametrize("notebook", [NOTEBOOK])
def test_run_all_cells_in_jupyterlab(browser, lab, notebook):
    base, token, log_path = lab
    path = paths.NOTEBOOKS / notebook
    before, mtime = path.read_bytes(), path.stat().st_mtime_ns
    committed = [c for c in json.loads(before)["cells"] if c["cell_type"] == "code"]
    timings = {}
    started = time.perf_counter()

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    off_host: list[str] = []

    def route(route):
        if is_local(route.request.url):
            route.continue_()
        else:
            off_host.append(route.request.url)
            route.abort("blockedbyclient")

    context.route("**/*", route)
    page = context.new_page()
    page.set_default_timeout(OPEN_TIMEOUT_MS)
    try:
        # ?reset: a fresh workspace, so nothing opened earlier is restored beside it.
        page.goto(f"{base}/lab/tree/{paths.relative(path)}?reset&token={token}")
        page.wait_for_selector(PANEL + " .jp-CodeCell")
        page.wait_for_function(KERNEL_READY_JS)
        timings["open"] = time.perf_counter() - started

        menu(page, "Edit", "Clear Outputs of All Cells")
        cleared = page.evaluate(CELLS_JS)
        assert len(cleared) == len(committed), "JupyterLab shows another number of code cells"
        assert all(c["outputs"] == [] for c in cleared), "outputs were not cleared"

        t0 = time.perf_counter()
        menu(page, "Run", "Run All Cells")
        page.wait_for_function(FINISHED_JS, timeout=RUN_TIMEOUT_MS)
        timings["run"] = time.perf_counter() - t0
        cells = page.evaluate(CELLS_JS)

        prompts = [c["prompt"] for c in cells]
        assert prompts == [f"[{i}]:" for i in range(1, len(cells) + 1)], (
            f"not every code cell ran once, in order, in a fresh kernel: {prompts}")
        errors = [(i + 1, o["text"][-1500:]) for i, c in enumerate(cells) for o in c["outputs"]
                  if o["mime"] == "application/vnd.jupyter.stderr" and ERROR_LINE.search(o["text"])]
        assert errors == [], "error output in JupyterLab"
        had_outputs = [i + 1 for i, c in enumerate(committed) if c.get("outputs")]
        has_outputs = [i + 1 for i, c in enumerate(cells) if c["outputs"]]
        assert has_outputs == had_outputs, "cells with outputs differ from the committed notebook"

        t0 = time.perf_counter()
        menu(page, "File", "Close and Shut Down Notebook…")
        page.get_by_role("button", name="Ok").click()
        # A dirty notebook may ask to save: never save.
        discard = page.locator(".jp-Dialog button", has_text=re.compile("Discard|Don.t Save"))
        tab = page.locator("#jp-main-dock-panel .lm-TabBar-tab", has_text=notebook)
        deadline = time.monotonic() + 30
        while tab.count() and time.monotonic() < deadline:
            if discard.count():
                discard.first.click()
            page.wait_for_timeout(100)
        assert tab.count() == 0, "the notebook did not close"
        timings["close"] = time.perf_counter() - t0
        deadline = time.monotonic() + 15
        while api(base, token, "/api/sessions") and time.monotonic() < deadline:
            time.sleep(0.2)
        assert api(base, token, "/api/sessions") == [], "the kernel was not shut down"
    except Exception:
        print(f"JupyterLab log ({log_path}):\n{log_path.read_text(errors='replace')[-4000:]}")
        if off_host:
            print(f"requests to other hosts, aborted: {off_host}")
        raise
    finally:
        context.close()
        print(f"{notebook} in JupyterLab: " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))

    assert path.read_bytes() == before, f"{notebook} was changed on disk"
    assert path.stat().st_mtime_ns == mtime, f"{notebook} was rewritten"


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_repro_lab_offers_the_projects_kernel_and_stops_with_its_kernels(tmp_path, stop):
    """`python3 repro.py lab`: its "dronediplomacy" kernel is this environment's interpreter
    (even with another kernelspec of that name on JUPYTER_PATH), and stopping the command
    stops the server and the kernels it started."""
    from test_runner import hostile_kernelspecs

    from sandbox import processes_marked

    marker, port, token = uuid.uuid4().hex, free_port(), secrets.token_hex(24)
    hostile = hostile_kernelspecs(tmp_path / "hostile", tmp_path / "hostile-started")
    env = {**os.environ, "DRONE_LAB_TEST": marker, "JUPYTER_PATH": str(hostile),
           "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
           "JUPYTER_DATA_DIR": str(tmp_path / "data"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"), "IPYTHONDIR": str(tmp_path / "ipython")}
    command = [sys.executable, str(paths.ROOT / "repro.py"), "lab", "--no-browser", "--allow-root",
               "--ServerApp.ip=127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={token}",
               f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}",
               "--LabApp.extension_manager=readonly", "--LabApp.news_url=None",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    log_path = tmp_path / "lab.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            assert process.poll() is None, log_path.read_text(errors="replace")[-3000:]
            try:
                specs = api(base, token, "/api/kernelspecs")
                break
            except (urllib.error.URLError, OSError):
                assert time.monotonic() < deadline, log_path.read_text(errors="replace")[-3000:]
                time.sleep(0.2)
        spec = specs["kernelspecs"][runner.KERNEL_NAME]["spec"]
        assert spec["display_name"] == runner.KERNEL_DISPLAY_NAME
        assert Path(spec["argv"][0]) == Path(sys.executable)
        request = urllib.request.Request(f"{base}/api/kernels?token={token}", method="POST",
                                         data=json.dumps({"name": runner.KERNEL_NAME}).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as answer:
            assert json.load(answer)["name"] == runner.KERNEL_NAME
        deadline = time.monotonic() + 60
        while len(processes_marked("DRONE_LAB_TEST", marker, wait=0)) < 3:  # repro, server, kernel
            assert time.monotonic() < deadline, "the kernel did not start"
            time.sleep(0.2)
        process.send_signal(stop)
        assert process.wait(timeout=60) == 130
        assert processes_marked("DRONE_LAB_TEST", marker) == [], "a server or kernel outlived it"
        assert not (tmp_path / "hostile-started").exists()
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        for pid in processes_marked("DRONE_LAB_TEST", marker, wait=0):
            os.kill(pid, signal.SIGKILL)
