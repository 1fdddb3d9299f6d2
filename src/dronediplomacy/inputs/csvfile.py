"""Read a small hand-made CSV strictly, keeping each record's line number: accept what
spreadsheets write (see :func:`read_records`; CRLF, quoted cells spanning lines, spaces around
cells), refuse what would corrupt data with one InputError naming file, row and column."""

import codecs
import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from dronediplomacy.errors import InputError
from dronediplomacy.inputs.bad_inputs import input_error
from dronediplomacy.text import invisible_or_unusual

MAX_REPORTED = 20
SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}
#: Byte order mark -> (codec, how messages describe the encoding); no mark: UTF-8.
BOMS = {codecs.BOM_UTF8: ("utf-8-sig", "UTF-8 with a byte order mark"),
        codecs.BOM_UTF16_LE: ("utf-16", "UTF-16"), codecs.BOM_UTF16_BE: ("utf-16", "UTF-16")}


def encoding_of(data: bytes) -> tuple[str, str]:
    """(codec, how messages describe it) of a file's bytes: from its byte order mark, else UTF-8."""
    return next((BOMS[bom] for bom in BOMS if data.startswith(bom)), ("utf-8", "UTF-8"))


def raise_all(errors: Sequence[InputError]) -> None:
    """Raise the first error, its message followed by the others one per line (at most
    MAX_REPORTED). Does nothing when there are none."""
    if not errors:
        return
    others = [f"  {e}" for e in errors[1:MAX_REPORTED]]
    others += [f"  ... and {len(errors) - MAX_REPORTED} more"] if len(errors) > MAX_REPORTED else []
    if others:
        errors[0].args = (f"{errors[0]}\n{len(errors) - 1} more problem(s):\n" + "\n".join(others),)
    raise errors[0]


@dataclass(frozen=True)
class Record:
    line: int     # the line on which the record starts (header = 1)
    values: dict  # column name -> cell text, surrounding whitespace stripped

    def name(self, id_column: str | None) -> str | int:
        """How messages name the row: ``id (line N)``, or the line number."""
        row_id = self.values.get(id_column) if id_column else None
        return f"{row_id} (line {self.line})" if row_id else self.line


def read_records(path: Path | str, required: tuple[str, ...], *,
                 allowed: tuple[str, ...] | None = None, id_column: str | None = None,
                 canonical: bool = False, casefold: bool = False, header_starts: str = "",
                 line_end: str = "") -> tuple[list[str], list[Record]]:
    """The header and records (blank lines skipped) of a CSV file with the ``required`` columns
    (and, given ``allowed``, no others); ``id_column`` names rows in messages; ``canonical``:
    every cell canonical (``text.invisible_or_unusual``); ``casefold``: header names compared
    case-insensitively. The encoding comes from the byte order mark, the separator is the one
    whose header names the required columns (else the most frequent). ``header_starts``: the
    header is the first line starting so (a preamble before it is skipped); ``line_end``: a text
    ending every line, removed (SIPRI's ';'). Line numbers are the file's. Raises InputError."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        key = "file not found" if isinstance(error, FileNotFoundError) else "file unreadable"
        raise input_error(key, path, row=1, column=required[0], reason=error.strerror) from None
    encoding, described = encoding_of(data)
    lines = [line.rstrip().removesuffix(line_end) if line_end else line
             for line in data.decode(encoding, "replace").splitlines()] or [""]
    skip = next((i for i, line in enumerate(lines) if line.startswith(header_starts)), None)
    if skip is None:  # skip: how many lines (a preamble) precede the header
        raise input_error("no header line", path, start=header_starts)

    def names(cells: list[str]) -> list[str]:
        return [name.strip().casefold() if casefold else name.strip() for name in cells]

    def header_with(separator: str) -> list[str]:
        return names(next(csv.reader([lines[skip]], delimiter=separator), []))
    separator = max(SEPARATORS, key=lambda sep: (set(required) <= set(header_with(sep)),
                                                 lines[skip].count(sep)))
    seems = f"the file seems to be {SEPARATORS[separator]}-separated {described}"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[:error.start].decode(encoding, "replace").count("\n") + 1
        header = header_with(separator)
        cells = next(csv.reader([lines[line - 1]], delimiter=separator), [])
        bad = next((i for i, cell in enumerate(cells) if "\ufffd" in cell), len(header))
        row = Record(line, dict(zip(header, map(str.strip, cells)))).name(id_column)
        raise input_error("not decodable", path, row=row, column="(header)" if line == skip + 1
                          else header[bad] if skip < line and bad < len(header) else None,
                          encoding=described, byte=data[error.start], offset=error.start,
                          separator=SEPARATORS[separator]) from None
    if not text.strip():
        raise input_error("empty file", path, row=1, column=required[0],
                          columns=", ".join(required), header=",".join(required))
    if skip or line_end:  # read line by line, from the header on
        text = "\n".join(lines[skip:])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    start, records = skip + 1, []
    try:
        header = names(next(reader))
        wrong = [("column twice", n) for i, n in enumerate(header) if n in header[:i]]
        wrong += [("column missing", n) for n in required if n not in header]
        wrong += [("column unknown", n) for n in header if allowed and n not in allowed]
        if wrong:
            raise input_error(wrong[0][0], path, row=skip + 1, column=wrong[0][1], seems=seems,
                              header=", ".join(map(repr, header)), allowed=", ".join(allowed or ()))
        start = skip + reader.line_num + 1
        for cells in reader:
            line, start = start, skip + reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue  # a blank line
            if len(cells) != len(header):
                short = len(cells) < len(header)
                raise input_error("too few cells" if short else "too many cells", path, row=line,
                                  column=header[len(cells)] if short else f"(after {header[-1]})",
                                  cells=len(cells), columns=len(header), seems=seems)
            records.append(Record(line, {n: cell.strip() for n, cell in zip(header, cells)}))
    except csv.Error as error:
        raise input_error("not csv", path, row=start, column="(whole row)", reason=error,
                          seems=seems) from None
    if canonical:  # every non-canonical cell at once: a pasted web page may hold many
        raise_all([input_error("not canonical", path, row=record.name(id_column), column=column,
                               position=found[0][0] + 1, name=found[0][1],
                               more=f" (and {len(found) - 1} more)" if len(found) > 1 else "")
                   for record in records for column, cell in record.values.items()
                   if (found := invisible_or_unusual(cell))])
    return header, records
