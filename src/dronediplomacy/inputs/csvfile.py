"""Read a small hand-made CSV strictly, keeping each record's line number.

Shared by the hand coding and the new-statements command. Accepts what spreadsheet
programs write (a UTF-8 byte order mark, CRLF line endings, quoted fields spanning
lines); rejects what would silently corrupt data (bad UTF-8, a missing or duplicated
column, a record with too many or too few fields), each time with one InputError
naming the file, the row (the line number in the file; the header is line 1) and
the column.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from dronediplomacy.errors import InputError


@dataclass(frozen=True)
class Record:
    line: int          # the line on which the record starts (header = 1)
    values: dict       # column name -> cell text, surrounding whitespace stripped


def _decode(path: Path, data: bytes, id_column: str | None) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        lines = data.decode("utf-8-sig", errors="replace").splitlines()
        header = [name.strip() for name in next(csv.reader(lines[:1]), [])]
        row, column = line, ("(header)" if line == 1 else None)
        if line > 1 and line - 1 < len(lines):
            fields = next(csv.reader([lines[line - 1]]), [])
            bad = next((i for i, field in enumerate(fields) if "\ufffd" in field), None)
            if bad is not None:
                column = header[bad] if bad < len(header) else f"field {bad + 1}"
            if id_column in header and header.index(id_column) < len(fields):
                row = f"{fields[header.index(id_column)].strip()} (line {line})"
        raise InputError(path, f"not valid UTF-8 (byte 0x{data[error.start]:02x} at byte "
                               f"offset {error.start}).", row=row, column=column,
                         fix="save the file with UTF-8 encoding (in Excel: 'CSV UTF-8').") from None


def read_records(path: Path | str, required: tuple[str, ...], *,
                 allowed: tuple[str, ...] | None = None, id_column: str | None = None
                 ) -> tuple[list[str], list[Record]]:
    """The header (column names) and the records of the CSV file at ``path``.

    ``required`` columns must be present; if ``allowed`` is given, no other column
    may be. Blank lines are skipped. ``id_column`` names the row of a byte that is not
    UTF-8 by its id. Raises InputError on any problem.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, "file not found.", row=1, column=required[0],
                         fix="check the file name and folder.") from None
    except OSError as error:
        raise InputError(path, f"cannot be read ({error.strerror}).", row=1,
                         column=required[0], fix="check the file's permissions.") from None
    text = _decode(path, data, id_column)
    if not text.strip():
        raise InputError(path, "the file is empty; expected a header row naming the columns "
                               f"{', '.join(required)}.", row=1, column=required[0],
                         fix=f"write the header line ({','.join(required)}) and the rows.")

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[Record] = []
    header: list[str] | None = None
    next_line = 1
    while True:
        start = next_line
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise InputError(path, f"not readable as CSV: {error}.", row=start,
                             column="(whole row)",
                             fix="check the quotes on this row.") from None
        next_line = reader.line_num + 1
        if header is None:
            header = [name.strip() for name in fields]
            seen = set()
            for name in header:
                if name in seen:
                    raise InputError(path, f"the column {name!r} appears twice in the header.",
                                     row=1, column=name, fix="rename or remove one of them.")
                seen.add(name)
            for name in required:
                if name not in header:
                    raise InputError(path, f"missing required column {name!r} (the header has "
                                           f"{', '.join(header) or 'no columns'}).",
                                     row=1, column=name,
                                     fix=f"add the column {name!r} to the header (check its "
                                         "spelling).")
            if allowed is not None:
                for name in header:
                    if name not in allowed:
                        raise InputError(path, f"unknown column {name!r}; allowed: "
                                               f"{', '.join(allowed)}.", row=1, column=name,
                                     fix="remove the column, or fix its name.")
            continue
        if not fields or (len(fields) == 1 and not fields[0].strip() and len(header) > 1):
            continue  # a blank line
        if len(fields) > len(header):
            raise InputError(path, f"has {len(fields)} fields but the header has {len(header)}.",
                             row=start, column=f"(after {header[-1]})",
                             fix="quote cells that contain commas.")
        if len(fields) < len(header):
            raise InputError(path, f"has {len(fields)} fields but the header has {len(header)}.",
                             row=start, column=header[len(fields)],
                             fix="add the missing cells (an empty cell still needs its comma).")
        records.append(Record(line=start, values={name: value.strip()
                                                  for name, value in zip(header, fields)}))
    return header or [], records
