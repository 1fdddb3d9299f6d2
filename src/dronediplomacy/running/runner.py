"""Execute the notebooks in the order written in ``pipeline.NOTEBOOKS``.

Each notebook runs in-process with nbclient, in a fresh kernel, with its folder as
the working directory. A notebook is written back (atomically) only when every
cell succeeded, after removing what varies between runs (execution timestamps,
interpreter patch versions, random cell ids). The first failing cell stops the
run with one message naming the notebook, the cell and the error.

Every kernel is the project's own (:func:`kernel_spec`): this interpreter, started
explicitly, never a kernelspec of a common name found on the Jupyter path.

Usage::

    python -m dronediplomacy.running.runner            # every notebook, in order
    python -m dronediplomacy.running.runner 03         # one notebook, by number or name
    python -m dronediplomacy.running.runner 02-04      # a range, inclusive
"""

from __future__ import annotations

import argparse
import functools
import signal
import sys
import threading
import time
from pathlib import Path

from dronediplomacy import atomic
from dronediplomacy import paths
from dronediplomacy import pipeline

#: Environment every kernel starts with, so set iteration order, time zone and
#: locale-dependent formatting do not depend on the machine.
KERNEL_ENVIRONMENT = {"PYTHONHASHSEED": "0", "TZ": "UTC", "LC_ALL": "C.UTF-8",
                      "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
CELL_TIMEOUT_SECONDS = 600


class NotebookFailed(Exception):
    """A cell raised: carries the notebook, the cell number and the error line."""


def select(selection: str | None) -> list[pipeline.Notebook]:
    """Notebooks named by ``selection``: None/'all', 'NN', 'NN-MM' or a file name."""
    notebooks = list(pipeline.NOTEBOOKS)
    if selection in (None, "", "all"):
        return notebooks
    numbers = [nb.name[:2] for nb in notebooks]
    if selection.endswith(".ipynb"):
        chosen = [nb for nb in notebooks if nb.name == Path(selection).name]
    elif "-" in selection:
        first, last = selection.split("-", 1)
        if first not in numbers or last not in numbers:
            raise SystemExit(f"runner: no notebook numbered {first!r} or {last!r}; "
                             f"choose from {', '.join(numbers)}")
        chosen = notebooks[numbers.index(first): numbers.index(last) + 1]
    else:
        chosen = [nb for nb in notebooks if nb.name[:2] == selection.zfill(2)]
    if not chosen:
        raise SystemExit(f"runner: no notebook matches {selection!r}; "
                         f"choose from {', '.join(nb.name for nb in notebooks)}")
    return chosen


def normalise(nb) -> None:
    """Remove what varies between runs and machines, in place."""
    nb.metadata = {
        "kernelspec": {"display_name": KERNEL_DISPLAY_NAME, "language": "python",
                       "name": KERNEL_NAME},
        "language_info": {"name": "python"},
    }
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index:02d}"
        cell.metadata.pop("execution", None)
        cell.metadata.pop("collapsed", None)
        cell.metadata.pop("scrolled", None)


def _failing_cell(nb) -> tuple[int, str]:
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return index, f"{output.get('ename')}: {output.get('evalue')}"
    return -1, "unknown error"


class _Stopped(Exception):
    """Raised instead of running the next cell once the run was interrupted."""


#: The project's own kernel: this interpreter, whatever kernels the Jupyter path offers.
KERNEL_NAME = "dronediplomacy"
KERNEL_DISPLAY_NAME = "Python (dronediplomacy)"


def kernel_spec():
    """The kernel every notebook runs in: ``sys.executable`` (the project's environment),
    started explicitly, with :data:`KERNEL_ENVIRONMENT`.

    ``supported_encryption``: the kernel manager gives the kernel CurveZMQ keys, so its
    messages are encrypted even over the loopback TCP ports (without keys, ipykernel warns
    at every start that it runs "over TCP without encryption")."""
    from jupyter_client.kernelspec import KernelSpec

    return KernelSpec(argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                      display_name=KERNEL_DISPLAY_NAME, language="python",
                      env=dict(KERNEL_ENVIRONMENT), metadata={"supported_encryption": "curve"})


@functools.lru_cache(maxsize=1)
def _kernel_spec_manager_class():
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    class ProjectKernelSpecs(KernelSpecManager):
        """Knows one kernel, :func:`kernel_spec`; never looks at the Jupyter path, so no
        kernelspec installed elsewhere (a ``python3`` of another environment) can stand in."""

        def find_kernel_specs(self) -> dict[str, str]:
            return {}

        def get_kernel_spec(self, kernel_name: str):
            if kernel_name != KERNEL_NAME:
                raise NoSuchKernel(kernel_name)
            return kernel_spec()

    return ProjectKernelSpecs


def kernel_manager():
    """A manager that starts :func:`kernel_spec` (a fresh kernel each time it starts one)."""
    import zmq
    from jupyter_client import AsyncKernelManager

    encryption = "required" if zmq.has("curve") else "disabled"
    return AsyncKernelManager(kernel_name=KERNEL_NAME,
                              kernel_spec_manager=_kernel_spec_manager_class()(),
                              transport_encryption=encryption)


def read_notebook(path: Path):
    """The notebook at ``path`` (nbformat v4); NotebookFailed if it is not there."""
    import nbformat

    if not path.is_file():
        raise NotebookFailed(f"{path.name} is listed in pipeline.py but does not exist in "
                             f"{paths.relative(path.parent)}/")
    return nbformat.read(path, as_version=4)


class _Execution:
    """One notebook run by nbclient on a thread of its own, so that the main thread keeps
    Ctrl-C (and SIGTERM) to itself: nbclient installs no signal handler off the main thread,
    and :meth:`interrupt` stops the run the way Jupyter's interrupt button does. The
    running cell gets a KeyboardInterrupt (its ``finally`` blocks, such as the atomic
    writer's clean-up, run), no further cell starts, and the kernel is shut down as after
    any run. A kernel still starting runs no cell."""

    def __init__(self, nb, folder: Path) -> None:
        from nbclient import NotebookClient

        self.cell = -1           # the cell being executed, for a kernel that dies in it
        self.in_cell = False
        self.stopping = False
        self.error: BaseException | None = None
        self._loop = None
        self.manager = kernel_manager()
        self.client = NotebookClient(
            nb, km=self.manager, timeout=CELL_TIMEOUT_SECONDS, record_timing=False,
            shutdown_kernel="immediate",
            # no IPython history file written by a batch run
            extra_arguments=["--HistoryManager.hist_file=:memory:"],
            resources={"metadata": {"path": str(folder)}},
            on_cell_execute=self._before_cell, on_cell_executed=self._after_cell)
        self.thread = threading.Thread(target=self._run, name="notebook", daemon=True)
        self.done = threading.Event()

    def _before_cell(self, cell, cell_index) -> None:
        import asyncio

        if self.stopping:
            raise _Stopped()
        self._loop = asyncio.get_running_loop()
        self.cell, self.in_cell = cell_index, True

    def _after_cell(self, cell, cell_index, execute_reply) -> None:
        self.in_cell = False

    def _run(self) -> None:
        try:
            # cleanup_kc: the client shuts the kernel down at the end, as for a kernel it
            # started with a manager of its own
            self.client.execute(cleanup_kc=True)
        except BaseException as error:  # handed to the main thread
            self.error = error
        finally:
            self.done.set()

    def interrupt(self) -> None:
        import asyncio

        from jupyter_core.utils import ensure_async

        self.stopping = True
        if self.in_cell and self._loop is not None:
            asyncio.run_coroutine_threadsafe(ensure_async(self.manager.interrupt_kernel()),
                                             self._loop)

    def wait(self) -> None:
        """Run to the end; Ctrl-C here interrupts (see the class description)."""
        self.thread.start()
        # Waited for on an Event, not with Thread.join: in Python 3.11 a Ctrl-C that
        # interrupts join() can mark a running thread as stopped (is_alive() turns False),
        # and the run would end while nbclient still runs its kernel.
        while not self.done.is_set():
            try:
                self.done.wait(0.1)
            except KeyboardInterrupt:
                self.interrupt()
        self.thread.join()


def execute(path: Path) -> str:
    """Run the notebook at ``path`` in a fresh kernel of its own (:func:`kernel_spec`), in
    its own folder; return its normalised JSON text. Raises NotebookFailed at the first
    failing cell, KeyboardInterrupt if the run was interrupted."""
    nb = read_notebook(path)
    import nbformat
    from nbclient.exceptions import CellExecutionError, DeadKernelError

    run = _Execution(nb, path.parent)
    run.wait()
    if run.stopping:
        raise KeyboardInterrupt
    error = run.error
    if isinstance(error, CellExecutionError):
        index, message = _failing_cell(nb)
        if index < 0:
            message = str(error).strip().splitlines()[-1]
        raise NotebookFailed(f"{path.name}: cell {index + 1} failed: {message}") from None
    if isinstance(error, DeadKernelError):
        raise NotebookFailed(f"{path.name}: cell {run.cell + 1} failed: the kernel "
                             "died (killed, or out of memory) while running it") from None
    if error is not None:
        raise error
    normalise(nb)
    return nbformat.writes(nb) + "\n"


def _remove_leftovers(notebook: pipeline.Notebook, since: float) -> None:
    """After a failed or interrupted notebook: remove the temporary files of atomic writes
    its kernel could not remove itself (killed mid-write) from the folders it writes to."""
    folders = {paths.NOTEBOOKS} | {(paths.ROOT / pattern).parent for pattern in notebook.writes}
    for folder in sorted(folders):
        atomic.remove_leftovers(folder, since - 2)  # 2 s: coarse file-system timestamps


def run(notebooks: list[pipeline.Notebook], *, stream=sys.stderr, on_written=None) -> None:
    """Execute ``notebooks`` in order, writing each one only after it succeeded.

    The next notebook's kernel is started before the current notebook runs (see the
    module's description). ``on_written(path)``, if given, is called after each notebook
    is written."""
    from tqdm import tqdm

    started = time.perf_counter()
    bar = tqdm(notebooks, unit="nb", file=stream, leave=False, dynamic_ncols=True,
               disable=None)  # a live bar on a terminal; plain lines in CI logs
    for notebook in bar:
        bar.set_description(notebook.name)
        t0 = time.perf_counter()
        path = paths.NOTEBOOKS / notebook.name
        wall_clock_start = time.time()  # compared with file times by _remove_leftovers
        try:
            text = execute(path)
        except (NotebookFailed, KeyboardInterrupt):
            _remove_leftovers(notebook, wall_clock_start)
            raise
        atomic.write_text(path, text)
        bar.write(f"  done  {notebook.name}  {time.perf_counter() - t0:5.1f} s", file=stream)
        if on_written is not None:
            on_written(path)
    bar.close()
    print(f"runner: {len(notebooks)} notebook(s) in {time.perf_counter() - started:.1f} s",
          file=stream)


def main(argv: list[str] | None = None, on_written=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("selection", nargs="?", default="all",
                        help="'all' (default), a number like 03, a range like 02-04, or a file name")
    args = parser.parse_args(argv)
    terminate = None
    if threading.current_thread() is threading.main_thread():
        # SIGTERM (a closed session, a process manager) stops the run as Ctrl-C does
        terminate = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        run(select(args.selection), on_written=on_written)
    except NotebookFailed as failure:
        print(f"runner: stopped. {failure}", file=sys.stderr)
        print("runner: outputs of the failed notebook were not written; fix the cell and rerun.",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("runner: interrupted; notebooks not yet finished were left as they were.",
              file=sys.stderr)
        return 130
    finally:
        if terminate is not None:
            signal.signal(signal.SIGTERM, terminate)
    return 0


if __name__ == "__main__":
    sys.exit(main())
