"""One error type for bad input: it names the file, the row and the column, and the fix."""

from pathlib import Path


class InputError(Exception):
    """Bad input, reported as one line: ``file, row R, column C: problem. Fix: ...``; ``row`` is
    an id or a line number (as the reader would find it in the file), ``column`` a column name
    or a YAML key."""

    def __init__(self, file: str | Path, problem: str, *, row: object = None,
                 column: str | None = None, fix: str | None = None) -> None:
        from dronediplomacy.paths import relative

        self.file = relative(Path(file)) if isinstance(file, Path) else str(file)
        self.row, self.column, self.problem, self.fix = row, column, problem, fix
        where = [self.file] + [f"{label} {value}" for label, value in (("row", row), ("column", column))
                               if value is not None]
        message = ", ".join(where) + f": {problem}"
        if fix:
            # "...: the problem. Fix: what to do": a full stop between the two sentences.
            message += ("" if problem.rstrip().endswith((".", "!", "?")) else ".") + f" Fix: {fix}"
        super().__init__(message)
