"""Read a small hand-made CSV strictly, keeping each record's line number.

Accepts what spreadsheets write (a UTF-8 BOM, CRLF, quoted cells spanning lines, spaces around
cells); refuses what would corrupt data, with one InputError naming file, row and column.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from dronediplomacy.errors import InputError
from dronediplomacy.text import invisible_or_unusual

MAX_REPORTED = 20


def raise_all(errors: Sequence[InputError]) -> None:
    """Raise the first error, its message followed by the others one per line (at most
    MAX_REPORTED). Does nothing when there are none."""
    if not errors:
        return
    first, others = errors[0], [f"  {e}" for e in errors[1:MAX_REPORTED]]
    if len(errors) > MAX_REPORTED:
        others.append(f"  ... and {len(errors) - MAX_REPORTED} more")
    if others:
        first.args = (f"{first}\n{len(errors) - 1} more problem(s):\n" + "\n".join(others),)
    raise first


@dataclass(frozen=True)
class Record:
    line: int     # the line on which the record starts (header = 1)
    values: dict  # column name -> cell text, surrounding whitespace stripped

    def name(self, id_column: str | None) -> str | int:
        """How messages name the row: ``id (line N)``, or the line number."""
        row_id = self.values.get(id_column) if id_column else None
        return f"{row_id} (line {self.line})" if row_id else self.line


def _decode(path: Path, data: bytes, id_column: str | None) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        lines = data.decode("utf-8-sig", errors="replace").splitlines()
        header, cells = ([c.strip() for c in next(csv.reader([lines[n]]), [])] for n in (0, line - 1))
        bad = next((i for i, cell in enumerate(cells) if "\ufffd" in cell), len(header))
        column = "(header)" if line == 1 else header[bad] if bad < len(header) else None
        row = Record(line, dict(zip(header, cells))).name(id_column)
        raise InputError(path, f"not valid UTF-8 (byte 0x{data[error.start]:02x} at byte offset "
                         f"{error.start}).", row=row, column=column,
                         fix="save the file with UTF-8 encoding (in Excel: 'CSV UTF-8').") from None


def read_records(path: Path | str, required: tuple[str, ...], *,
                 allowed: tuple[str, ...] | None = None, id_column: str | None = None,
                 canonical: bool = False) -> tuple[list[str], list[Record]]:
    """The header and records (blank lines skipped) of a CSV file with the ``required`` columns
    (and, given ``allowed``, no others); ``id_column`` names rows in messages; ``canonical``:
    every cell canonical (``text.invisible_or_unusual``). Raises InputError on any problem."""
    path = Path(path)
    try:
        text = _decode(path, path.read_bytes(), id_column)
    except OSError as error:
        missing = isinstance(error, FileNotFoundError)
        raise InputError(path, "file not found." if missing else f"cannot be read "
                         f"({error.strerror}).", row=1, column=required[0],
                         fix="check the file name and folder." if missing else
                         "check the file's permissions.") from None
    if not text.strip():
        raise InputError(path, "the file is empty; expected a header row naming the columns "
                               f"{', '.join(required)}.", row=1, column=required[0],
                         fix=f"write the header line ({','.join(required)}) and the rows.")
    reader, start, records = csv.reader(io.StringIO(text, newline=""), strict=True), 1, []
    try:
        header = [name.strip() for name in next(reader)]
        wrong = [(n, f"the column {n!r} appears twice in the header.", "rename or remove one of "
                  "them.") for i, n in enumerate(header) if n in header[:i]]
        wrong += [(n, f"missing required column {n!r} (the header has {', '.join(header)}).",
                   f"add the column {n!r} to the header (check its spelling).")
                  for n in required if n not in header]
        wrong += [(n, f"unknown column {n!r}; allowed: {', '.join(allowed)}.", "remove the "
                   "column, or fix its name.") for n in header if allowed and n not in allowed]
        if wrong:
            raise InputError(path, wrong[0][1], row=1, column=wrong[0][0], fix=wrong[0][2])
        start = reader.line_num + 1
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not cells or (len(cells) == 1 and not cells[0].strip() and len(header) > 1):
                continue  # a blank line
            short = len(cells) < len(header)
            if len(cells) != len(header):
                raise InputError(path, f"has {len(cells)} fields but the header has "
                                 f"{len(header)}.", row=line, column=header[len(cells)] if short
                                 else f"(after {header[-1]})", fix="add the missing cells (an "
                                 "empty cell still needs its comma)." if short else
                                 "quote cells that contain commas.")
            records.append(Record(line, {n: cell.strip() for n, cell in zip(header, cells)}))
    except csv.Error as error:
        raise InputError(path, f"not readable as CSV: {error}.", row=start,
                         column="(whole row)", fix="check the quotes on this row.") from None
    if canonical:  # every non-canonical cell at once: a pasted web page may hold many
        raise_all([InputError(path, f"character {found[0][0] + 1} is {found[0][1]}" + (
            f" (and {len(found) - 1} more)" if len(found) > 1 else ""), row=record.name(
                id_column), column=column, fix="retype it: a plain space for a space, nothing "
            "for an invisible character, the composed letter (e.g. é) for a letter plus accent")
            for record in records for column, cell in record.values.items()
            if (found := invisible_or_unusual(cell))])
    return header, records

