"""Execute the notebooks in the order written in ``pipeline.NOTEBOOKS``.

Each notebook runs in-process with nbclient, in a fresh kernel, with its folder as
the working directory. A notebook is written back (atomically) only when every
cell succeeded, after removing what varies between runs (execution timestamps,
interpreter patch versions, random cell ids). The first failing cell stops the
run with one message naming the notebook, the cell and the error.

Usage::

    python -m dronediplomacy.runner            # every notebook, in order
    python -m dronediplomacy.runner 03         # one notebook, by number or name
    python -m dronediplomacy.runner 02-04      # a range, inclusive
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import time
from pathlib import Path

from . import atomic, paths, pipeline

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


def execute(path: Path) -> str:
    """Run the notebook at ``path`` in a fresh kernel, in its own folder; return its
    normalised JSON text. Raises NotebookFailed at the first failing cell."""
    import nbformat
    from nbclient.exceptions import CellExecutionError, DeadKernelError

    if not path.is_file():
        raise NotebookFailed(f"{path.name} is listed in pipeline.py but does not exist in "
                             f"{paths.relative(path.parent)}/")
    nb = nbformat.read(path, as_version=4)
    os.environ.update(KERNEL_ENVIRONMENT)
    running = {"cell": -1}  # index of the cell being executed, for a kernel that dies in it
    client = _client_class()(nb, timeout=CELL_TIMEOUT_SECONDS, kernel_name="python3",
                             record_timing=False,
                             resources={"metadata": {"path": str(path.parent)}},
                             on_cell_execute=lambda cell, cell_index: running.update(cell=cell_index))
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


def run(notebooks: list[pipeline.Notebook], *, stream=sys.stderr) -> None:
    """Execute ``notebooks`` in order, writing each one only after it succeeded."""
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
    bar.close()
    print(f"runner: {len(notebooks)} notebook(s) in {time.perf_counter() - started:.1f} s",
          file=stream)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("selection", nargs="?", default="all",
                        help="'all' (default), a number like 03, a range like 02-04, or a file name")
    args = parser.parse_args(argv)
    try:
        run(select(args.selection))
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
