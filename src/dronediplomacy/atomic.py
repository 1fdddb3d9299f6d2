"""Atomic writes: write to a temporary file beside the target, then rename.

An interrupted or failed run therefore never leaves a half-written output: the
target holds either its old bytes or its new ones. Writing identical bytes leaves
the file untouched (no mtime churn).
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path
from typing import Iterator


#: The name of a temporary file made by ``atomic_path``: ``.<target name>.<8 random
#: characters>.tmp<target suffix>`` (what ``tempfile.mkstemp`` makes of the prefix and suffix).
TEMPORARY_NAME = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp(?:\.[^.]+)?$")


def remove_leftovers(folder: Path | str, since: float) -> list[Path]:
    """Remove the temporary files of atomic writes in ``folder`` modified at or after
    ``since`` (a ``time.time()``); return them.

    A writer removes its own temporary file on any exception, but a process killed
    outright (a kernel killed by the out-of-memory killer, say) cannot: whoever ran it
    calls this afterwards. The targets themselves were never touched.
    """
    folder = Path(folder)
    removed = []
    if not folder.is_dir():
        return removed
    for path in sorted(folder.iterdir()):
        if TEMPORARY_NAME.match(path.name) and path.is_file() and path.stat().st_mtime >= since:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


@contextlib.contextmanager
def atomic_path(target: Path | str) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; rename it onto target on success.

    For writers that want a file name (``savefig``, ``to_csv``). On any exception
    the temporary file is removed and the target is unchanged.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp" + target.suffix,
                               dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        if target.exists() and target.read_bytes() == tmp_path.read_bytes():
            tmp_path.unlink()
        else:
            os.chmod(tmp_path, 0o644)
            os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_bytes(target: Path | str, data: bytes) -> None:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


def write_text(target: Path | str, text: str) -> None:
    """Write UTF-8 text with '\\n' line endings, atomically."""
    write_bytes(target, text.encode("utf-8"))


def write_csv(target: Path | str, frame) -> None:
    """Write a pandas DataFrame as UTF-8 CSV ('\\n' line endings, no index), atomically."""
    write_text(target, frame.to_csv(index=False, lineterminator="\n"))
