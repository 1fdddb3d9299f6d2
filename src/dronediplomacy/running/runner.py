"""Execute the notebooks in the order of ``pipeline.NOTEBOOKS``.

Each runs with nbclient in a fresh kernel, in its own folder, and is written back (atomically)
only when every cell succeeded, without what varies between runs (execution timestamps,
interpreter patch versions, random cell ids). The first failing cell stops the run with one
message naming notebook, cell and error. ``python -m dronediplomacy.running.runner --help``.
"""

import argparse
import asyncio
import signal
import sys
import threading
import time
from pathlib import Path

from dronediplomacy.running import INTERRUPTED

try:  # seconds of imports: run as a command, a Ctrl-C meanwhile ends with the same line
    import nbformat
    import zmq
    from jupyter_client import AsyncKernelManager
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager, NoSuchKernel
    from jupyter_core.utils import ensure_async
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, DeadKernelError
    from tqdm import tqdm

    from dronediplomacy import atomic, paths, pipeline
except KeyboardInterrupt:
    if __name__ != "__main__":
        raise
    print(INTERRUPTED, file=sys.stderr)
    sys.exit(130)

#: The project's own kernel: this interpreter, whatever kernels the Jupyter path offers.
KERNEL_NAME = "dronediplomacy"
KERNEL_DISPLAY_NAME = "Python (dronediplomacy)"
#: Every kernel's environment: set order, time zone and locale formatting not the machine's.
KERNEL_ENVIRONMENT = {"PYTHONHASHSEED": "0", "TZ": "UTC", "LC_ALL": "C.UTF-8",
                      "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
CELL_TIMEOUT_SECONDS = 600


class NotebookFailed(Exception):
    """A cell raised: carries the notebook, the cell number and the error line."""


class _Stopped(Exception):
    """Raised instead of running the next cell once the run was interrupted."""


def select(selection: str | None) -> list[pipeline.Notebook]:
    """Notebooks named by ``selection``: None or 'all', a number 'NN', an inclusive range
    'NN-MM' or a file name. SystemExit naming the notebooks if none matches."""
    notebooks = list(pipeline.NOTEBOOKS)
    if selection in (None, "", "all"):
        return notebooks
    if selection.endswith(".ipynb"):
        chosen = [nb for nb in notebooks if nb.name == Path(selection).name]
    else:
        first, _, last = selection.partition("-")
        first, last = first.zfill(2), (last or first).zfill(2)
        chosen = [nb for nb in notebooks if first <= nb.name[:2] <= last]
    if not chosen:
        raise SystemExit(f"runner: no notebook matches {selection!r}; "
                         f"choose from {', '.join(nb.name for nb in notebooks)}")
    return chosen


def normalise(nb) -> None:
    """Remove what varies between runs and machines, in place."""
    kernelspec = {"display_name": KERNEL_DISPLAY_NAME, "language": "python", "name": KERNEL_NAME}
    nb.metadata = {"kernelspec": kernelspec, "language_info": {"name": "python"}}
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index:02d}"
        for key in ("execution", "collapsed", "scrolled"):
            cell.metadata.pop(key, None)


class _ProjectKernelSpecs(KernelSpecManager):
    """Gives one kernel, this interpreter (``sys.executable``) with :data:`KERNEL_ENVIRONMENT`;
    never looks at the Jupyter path, so no kernelspec installed elsewhere (a ``python3`` of
    another environment) can stand in."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        if kernel_name != KERNEL_NAME:
            raise NoSuchKernel(kernel_name)
        # supported_encryption: the manager gives the kernel CurveZMQ keys, so its messages are
        # encrypted over loopback TCP too (else ipykernel warns at every start about no encryption)
        return KernelSpec(argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                          display_name=KERNEL_DISPLAY_NAME, language="python",
                          env=dict(KERNEL_ENVIRONMENT), metadata={"supported_encryption": "curve"})


class _Execution:
    """One notebook run by nbclient on a thread of its own, so that the main thread keeps Ctrl-C
    and SIGTERM (nbclient installs no signal handler off the main thread). Ctrl-C acts as
    Jupyter's interrupt button: the running cell gets a KeyboardInterrupt (its ``finally``
    blocks, such as the atomic writer's clean-up, run); no further cell starts."""

    def __init__(self, nb, folder: Path) -> None:
        self.cell = -1              # the cell being executed: where a failure happened
        self.cell_loop = None       # nbclient's event loop while a cell runs, else None
        self.stopping = False
        self.error: BaseException | None = None
        self.done = threading.Event()
        self.manager = AsyncKernelManager(
            kernel_name=KERNEL_NAME, kernel_spec_manager=_ProjectKernelSpecs(),
            transport_encryption="required" if zmq.has("curve") else "disabled")
        self.client = NotebookClient(
            nb, km=self.manager, timeout=CELL_TIMEOUT_SECONDS, record_timing=False,
            # stopped at once after its last reply: a polite shutdown request raced the
            # kernel's own reply (ZMQError ENOTSOCK)
            shutdown_kernel="immediate",
            # no IPython history file written by a batch run
            extra_arguments=["--HistoryManager.hist_file=:memory:"],
            resources={"metadata": {"path": str(folder)}},
            on_cell_execute=self._before_cell, on_cell_executed=self._after_cell)

    def _before_cell(self, cell, cell_index) -> None:
        if self.stopping:
            raise _Stopped()
        self.cell = cell_index
        self.cell_loop = asyncio.get_running_loop()

    def _after_cell(self, cell, cell_index, execute_reply) -> None:
        self.cell_loop = None

    def _run(self) -> None:
        try:
            # cleanup_kc: the client shuts the kernel down at the end, as for a kernel it
            # started with a manager of its own
            self.client.execute(cleanup_kc=True)
        except BaseException as error:  # handed to the main thread
            self.error = error
        finally:
            self.done.set()

    def wait(self) -> None:
        """Run to the end; Ctrl-C here interrupts (see the class description)."""
        thread = threading.Thread(target=self._run, name="notebook", daemon=True)
        thread.start()
        # Waited for on an Event, not with Thread.join: in Python 3.11 a Ctrl-C that
        # interrupts join() can mark a running thread as stopped (is_alive() turns False),
        # and the run would end while nbclient still runs its kernel.
        while not self.done.is_set():
            try:
                self.done.wait(0.1)
            except KeyboardInterrupt:
                self.stopping = True
                loop = self.cell_loop
                if loop is not None:
                    asyncio.run_coroutine_threadsafe(ensure_async(self.manager.interrupt_kernel()),
                                                     loop)
        thread.join()


def execute(path: Path) -> str:
    """Run the notebook at ``path`` in a fresh kernel of its own, in its own folder; return
    its normalised JSON text. Raises NotebookFailed if it is missing or at the first failing
    cell, KeyboardInterrupt if the run was interrupted."""
    if not path.is_file():
        raise NotebookFailed(f"{path.name} is listed in pipeline.yaml but does not exist in "
                             f"{paths.relative(path.parent)}/")
    nb = nbformat.read(path, as_version=4)
    run = _Execution(nb, path.parent)
    run.wait()
    if run.stopping:
        raise KeyboardInterrupt
    if isinstance(run.error, (CellExecutionError, DeadKernelError)):
        why = (f"{run.error.ename}: {run.error.evalue}" if isinstance(run.error, CellExecutionError)
               else "the kernel died (killed, or out of memory) while running it")
        raise NotebookFailed(f"{path.name}: cell {run.cell + 1} failed: {why}") from None
    if run.error is not None:
        raise run.error
    normalise(nb)
    return nbformat.writes(nb) + "\n"


def run(notebooks: list[pipeline.Notebook], *, stream=sys.stderr) -> None:
    """Execute ``notebooks`` in order, writing each one only after it succeeded, with a
    progress bar on ``stream``. Raises NotebookFailed or KeyboardInterrupt as :func:`execute`."""
    started = time.perf_counter()
    bar = tqdm(notebooks, unit="nb", file=stream, leave=False, dynamic_ncols=True,
               disable=None)  # a live bar on a terminal; plain lines in CI logs
    for notebook in bar:
        bar.set_description(notebook.name)
        t0 = time.perf_counter()
        since = time.time() - 2  # compared with file times (2 s: coarse file-system timestamps)
        path = paths.NOTEBOOKS / notebook.name
        try:
            text = execute(path)
        except (NotebookFailed, KeyboardInterrupt):
            # the temporary files of atomic writes a killed kernel could not remove itself
            folders = {paths.NOTEBOOKS} | {(paths.ROOT / p).parent for p in notebook.writes}
            for folder in sorted(folders):
                atomic.remove_leftovers(folder, since)
            raise
        atomic.write_text(path, text)
        bar.write(f"  done  {notebook.name}  {time.perf_counter() - t0:5.1f} s", file=stream)
    bar.close()
    print(f"runner: {len(notebooks)} notebook(s) in {time.perf_counter() - started:.1f} s",
          file=stream)


def main(argv: list[str] | None = None) -> int:
    """Run the notebooks named on the command line; return the exit status (0, 1 after a
    failed cell, 130 after Ctrl-C or SIGTERM), having printed one message."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("selection", nargs="?", default="all",
                        help="'all' (default), a number like 03, a range like 02-04, or a file name")
    args = parser.parse_args(argv)
    # SIGTERM (a closed session, a process manager) stops the run as Ctrl-C does
    terminate = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        run(select(args.selection))
    except NotebookFailed as failure:
        print(f"runner: stopped. {failure}", file=sys.stderr)
        print("runner: outputs of the failed notebook were not written; fix the cell and rerun.",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, terminate)
    return 0


if __name__ == "__main__":
    sys.exit(main())
