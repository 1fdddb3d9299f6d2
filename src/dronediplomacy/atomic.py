"""Atomic writes: to a temporary file beside the target, then renamed, so an interrupted or
failed run never leaves a half-written output. Identical bytes leave the file untouched."""

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator


@contextlib.contextmanager
def atomic_path(target: Path | str) -> Iterator[Path]:
    """Yield a temporary path in the target's folder (for writers that want a file name, such
    as ``savefig``), renamed onto target on success; on any exception removed, target unchanged."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    # named .<target name>.<8 random characters>.tmp<target suffix> (see remove_leftovers)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp" + target.suffix,
                                dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        if not (target.exists() and target.read_bytes() == tmp.read_bytes()):
            tmp.chmod(0o644)  # mkstemp makes the file readable by its owner only
            os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def remove_leftovers(folder: Path | str, since: float) -> None:
    """Remove the temporary files of atomic writes in ``folder`` modified at or after ``since``
    (a ``time.time()``): those of a process killed outright (a kernel, by the out-of-memory
    killer, say), which could not remove its own. The targets themselves were never touched."""
    for path in Path(folder).glob(".*.????????.tmp*"):
        if path.stat().st_mtime >= since:
            path.unlink(missing_ok=True)


def write_bytes(target: Path | str, data: bytes) -> None:
    """Write ``data`` to ``target``, atomically."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


def write_text(target: Path | str, text: str) -> None:
    """Write UTF-8 text with '\\n' line endings, atomically."""
    write_bytes(target, text.encode("utf-8"))


def write_csv(target: Path | str, frame) -> None:
    """Write a pandas DataFrame as UTF-8 CSV ('\\n' line endings, no index), atomically."""
    write_text(target, frame.to_csv(index=False, lineterminator="\n"))
