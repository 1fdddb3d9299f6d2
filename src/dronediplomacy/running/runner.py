"""Execute the notebooks in the order written in ``pipeline.NOTEBOOKS``.

Each notebook runs in-process with nbclient, in a fresh kernel, with its folder as
the working directory. A notebook is written back (atomically) only when every
cell succeeded, after removing what varies between runs (execution timestamps,
interpreter patch versions, random cell ids). The first failing cell stops the
run with one message naming the notebook, the cell and the error.

While one notebook runs, the kernel for the next one is already starting, and imports
the modules its notebook imports (:func:`modules_imported`), so kernel start-up and
imports overlap the notebook before instead of adding to the run; a kernel started for
a notebook that is not reached is shut down. The imports run silently, in a namespace
of their own: the notebook's cells still run in a fresh namespace, from execution count
1, and do their own imports (which then find the modules loaded). The strict nbval tests
run every notebook in a kernel without this and compare every output, so a notebook
whose output depended on it would fail them.

Usage::

    python -m dronediplomacy.running.runner            # every notebook, in order
    python -m dronediplomacy.running.runner 03         # one notebook, by number or name
    python -m dronediplomacy.running.runner 02-04      # a range, inclusive
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import functools
import os
import sys
import textwrap
import time
from pathlib import Path

from dronediplomacy import atomic
from dronediplomacy import paths
from dronediplomacy.running import pipeline

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
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                       "name": "python3"},
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


@functools.lru_cache(maxsize=1)
def _client_class():
    """nbclient's NotebookClient, made to stop the way Jupyter's Ctrl-C does.

    While it executes, nbclient handles SIGINT and SIGTERM itself by shutting the kernel
    down at once (it marks that call by storing its task in
    ``_async_cleanup_kernel_future``): the cell dies half-way and the kernel prints a
    traceback as its sockets close under it. This subclass instead interrupts the running
    cell (a KeyboardInterrupt in the kernel, so ``finally`` blocks such as the atomic
    writer's clean-up run), runs no further cell, and lets nbclient shut the idle kernel
    down as usual. A kernel still starting (or between cells) runs none of our code, so it
    is stopped at once: interrupting a starting kernel only makes it print a traceback.
    ``interrupted`` tells the runner to report an interruption, not a failure.
    """
    import asyncio
    import signal

    from jupyter_core.utils import ensure_async
    from nbclient import NotebookClient

    class InterruptibleClient(NotebookClient):
        interrupted = False
        in_cell = False

        async def _async_cleanup_kernel(self) -> None:
            from_signal = getattr(self, "_async_cleanup_kernel_future", None)
            if from_signal is not None and from_signal is asyncio.current_task() \
                    and not self.interrupted:
                self.interrupted = True
                if self.km is not None and await ensure_async(self.km.is_alive()):
                    if self.in_cell:
                        await ensure_async(self.km.interrupt_kernel())
                        return
                    await ensure_async(self.km.signal_kernel(signal.SIGKILL))
            await super()._async_cleanup_kernel()

        async def async_execute_cell(self, cell, cell_index, *args, **kwargs):
            if self.interrupted:
                raise _Stopped()
            self.in_cell = True
            try:
                return await super().async_execute_cell(cell, cell_index, *args, **kwargs)
            finally:
                self.in_cell = False

    return InterruptibleClient


def _wait_for(method, *args, **kwargs):
    """Call a kernel manager's method (a coroutine or not) and wait for its result, on the
    event loop nbclient uses in this thread."""
    from jupyter_core.utils import ensure_async, run_sync

    async def call():
        return await ensure_async(method(*args, **kwargs))

    return run_sync(call)()


def modules_imported(nb) -> list[str]:
    """The absolute module names a notebook's code cells import, in order, without
    duplicates (``from a import b`` gives ``a.b``, which may be a name in ``a`` rather
    than a module; the kernel then imports ``a``). IPython magics and shell lines are
    skipped; a cell that is not Python is ignored."""
    names: list[str] = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        lines = [line for line in cell.source.splitlines()
                 if not line.lstrip().startswith(("%", "!"))]
        try:
            tree = ast.parse("\n".join(lines))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names += [f"{node.module}.{alias.name}" for alias in node.names
                          if alias.name != "*"] or [node.module]
    return list(dict.fromkeys(names))


def import_ahead_code(modules) -> str:
    """The code a kernel started ahead runs silently (see the module's description): it
    imports ``modules`` inside ``exec``'s own namespace, so no name reaches the
    notebook's, and ignores any failure (the notebook's own import reports it)."""
    body = textwrap.dedent("""
        import importlib
        for name in MODULES:
            for candidate in (name, name.rpartition(".")[0]):
                try:
                    importlib.import_module(candidate)
                    break
                except Exception:
                    pass
    """)
    return f"exec({body!r}, {{'MODULES': {list(modules)!r}}})"


@dataclasses.dataclass
class Kernel:
    """A kernel started ahead: its manager, and the client that sent it the imports
    (kept open until the notebook is done, so the request is never dropped)."""

    manager: object
    client: object | None = None

    def close_client(self) -> None:
        if self.client is not None:
            self.client.stop_channels()
            self.client = None


def start_kernel(folder: Path, modules: list[str] | tuple[str, ...] = ()) -> Kernel:
    """Start a fresh kernel in ``folder`` the way nbclient would for a notebook there,
    without waiting for it to be ready (for :func:`execute`), and ask it to import
    ``modules`` silently as soon as it is up."""
    from nbclient import NotebookClient
    from nbformat.v4 import new_notebook

    os.environ.update(KERNEL_ENVIRONMENT)
    # nbclient's own choices (its asynchronous kernel manager, its arguments), taken from
    # a client like the one execute() makes; as in NotebookClient.async_start_new_kernel.
    template = NotebookClient(new_notebook(), timeout=CELL_TIMEOUT_SECONDS,
                              kernel_name="python3")
    manager = template.create_kernel_manager()
    arguments = list(template.extra_arguments)
    if manager.ipykernel and template.ipython_hist_file:  # no history file from a batch run
        arguments.append(f"--HistoryManager.hist_file={template.ipython_hist_file}")
    _wait_for(manager.start_kernel, extra_arguments=arguments, cwd=str(folder))
    kernel = Kernel(manager)
    if modules:
        kernel.client = manager.client()
        kernel.client.start_channels()
        # silent: no output, no execution count, nothing in the history; and should it
        # ever fail, the kernel must not abort the notebook's cells queued behind it
        kernel.client.execute(import_ahead_code(modules), silent=True, store_history=False,
                              allow_stdin=False, stop_on_error=False)
    return kernel


def stop_kernel(kernel: Kernel) -> None:
    """Shut down a kernel started by :func:`start_kernel` that was never used."""
    kernel.close_client()
    try:
        _wait_for(kernel.manager.shutdown_kernel, now=True)
    finally:
        _wait_for(kernel.manager.cleanup_resources)


def read_notebook(path: Path):
    """The notebook at ``path`` (nbformat v4); NotebookFailed if it is not there."""
    from dronediplomacy.running.lazyimports import defer_rfc3987_syntax

    defer_rfc3987_syntax()  # before nbformat: saves a second per process (see lazyimports)
    import nbformat

    if not path.is_file():
        raise NotebookFailed(f"{path.name} is listed in pipeline.py but does not exist in "
                             f"{paths.relative(path.parent)}/")
    return nbformat.read(path, as_version=4)


def execute(path: Path, kernel: Kernel | None = None) -> str:
    """Run the notebook at ``path`` in a fresh kernel, in its own folder; return its
    normalised JSON text. Raises NotebookFailed at the first failing cell.

    ``kernel``: a kernel from :func:`start_kernel` for this notebook's folder (fresh: it
    has run nothing but the silent imports), used instead of starting one here; it is
    shut down at the end like a kernel started here."""
    try:
        nb = read_notebook(path)
    except BaseException:
        if kernel is not None:
            stop_kernel(kernel)
        raise
    import nbformat
    from nbclient.exceptions import CellExecutionError, DeadKernelError

    os.environ.update(KERNEL_ENVIRONMENT)
    running = {"cell": -1}  # index of the cell being executed, for a kernel that dies in it
    client = _client_class()(nb, timeout=CELL_TIMEOUT_SECONDS, kernel_name="python3",
                             record_timing=False,
                             resources={"metadata": {"path": str(path.parent)}},
                             on_cell_execute=lambda cell, cell_index: running.update(cell=cell_index))
    if kernel is not None:
        # The client still owns it (it was created without one): it connects to this
        # kernel instead of starting another, and shuts it down when done.
        client.km = kernel.manager
    try:
        client.execute()
    except BaseException as error:
        if client.interrupted:
            raise KeyboardInterrupt from None
        if isinstance(error, CellExecutionError):
            index, message = _failing_cell(nb)
            if index < 0:
                message = str(error).strip().splitlines()[-1]
            raise NotebookFailed(f"{path.name}: cell {index + 1} failed: {message}") from None
        if isinstance(error, DeadKernelError):
            raise NotebookFailed(f"{path.name}: cell {running['cell'] + 1} failed: the kernel "
                                 "died (killed, or out of memory) while running it") from None
        raise
    finally:
        if kernel is not None:
            kernel.close_client()
    if client.interrupted:  # Ctrl-C arrived after the last cell had started: still stop here
        raise KeyboardInterrupt
    normalise(nb)
    return nbformat.writes(nb) + "\n"


def _remove_leftovers(notebook: pipeline.Notebook, since: float) -> None:
    """After a failed or interrupted notebook: remove the temporary files of atomic writes
    its kernel could not remove itself (killed mid-write) from the folders it writes to."""
    folders = {paths.NOTEBOOKS} | {(paths.ROOT / pattern).parent for pattern in notebook.writes}
    for folder in sorted(folders):
        atomic.remove_leftovers(folder, since - 2)  # 2 s: coarse file-system timestamps


def _start_ahead(path: Path) -> Kernel | None:
    """A kernel for the notebook at ``path``, importing what it imports; None if the
    notebook is missing or unreadable (its own turn then reports that)."""
    try:
        nb = read_notebook(path)
    except Exception:
        return None
    return start_kernel(path.parent, modules_imported(nb))


def run(notebooks: list[pipeline.Notebook], *, stream=sys.stderr, on_written=None) -> None:
    """Execute ``notebooks`` in order, writing each one only after it succeeded.

    The next notebook's kernel is started before the current notebook runs (see the
    module's description). ``on_written(path)``, if given, is called after each notebook
    is written."""
    from tqdm import tqdm

    started = time.perf_counter()
    bar = tqdm(notebooks, unit="nb", file=stream, leave=False, dynamic_ncols=True,
               disable=None)  # a live bar on a terminal; plain lines in CI logs
    spare = None  # the next notebook's kernel, starting
    try:
        for index, notebook in enumerate(bar):
            bar.set_description(notebook.name)
            t0 = time.perf_counter()
            path = paths.NOTEBOOKS / notebook.name
            wall_clock_start = time.time()  # compared with file times by _remove_leftovers
            kernel, spare = spare, None
            try:
                if kernel is None and path.is_file():
                    kernel = start_kernel(path.parent)
                if index + 1 < len(notebooks):
                    spare = _start_ahead(paths.NOTEBOOKS / notebooks[index + 1].name)
            except BaseException:
                if kernel is not None:
                    stop_kernel(kernel)
                raise
            try:
                text = execute(path, kernel)  # it owns (and shuts down) the kernel from here
            except (NotebookFailed, KeyboardInterrupt):
                _remove_leftovers(notebook, wall_clock_start)
                raise
            atomic.write_text(path, text)
            bar.write(f"  done  {notebook.name}  {time.perf_counter() - t0:5.1f} s", file=stream)
            if on_written is not None:
                on_written(path)
    finally:
        if spare is not None:
            stop_kernel(spare)
    bar.close()
    print(f"runner: {len(notebooks)} notebook(s) in {time.perf_counter() - started:.1f} s",
          file=stream)


def main(argv: list[str] | None = None, on_written=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("selection", nargs="?", default="all",
                        help="'all' (default), a number like 03, a range like 02-04, or a file name")
    args = parser.parse_args(argv)
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
