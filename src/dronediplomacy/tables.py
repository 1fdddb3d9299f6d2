"""Load the hand-written tables in ``data/input/`` into one validated, frozen bundle.

    from dronediplomacy.tables import load_tables
    tables = load_tables()          # every table read, validated, cross-checked
    tables.statements               # a plain pandas DataFrame

Reading is deliberately strict and boring: every file is decoded as UTF-8 (a byte
order mark is accepted), line endings are normalised, every cell is read as a
string and stripped of surrounding whitespace, an empty cell becomes missing, and
only then does the schema convert types. So a file saved by Excel (BOM, CRLF,
stray spaces) gives exactly the same frames as a clean one. Anything wrong raises
one ``InputError`` naming the file, the row and the column.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, fields
from pathlib import Path

import pandas as pd

from .errors import InputError
from .paths import DATA_INPUT
from .schemas import SPECS_BY_NAME, TABLE_SPECS, Located, TableSpec, check_across_tables, \
    validate_table


@dataclass(frozen=True)
class Tables:
    """All input tables, validated. Frozen: attributes cannot be reassigned; copy a frame
    (``tables.statements.copy()``) before changing it."""
    sources: pd.DataFrame
    conflicts: pd.DataFrame
    actors: pd.DataFrame
    statements: pd.DataFrame
    events: pd.DataFrame
    claims: pd.DataFrame
    statement_responses: pd.DataFrame
    claim_evidence: pd.DataFrame
    input_dir: Path

    def frame(self, name: str) -> pd.DataFrame:
        return getattr(self, name)

    def file(self, name: str) -> Path:
        """The CSV a table was read from."""
        return self.input_dir / SPECS_BY_NAME[name].file

    def summary(self) -> pd.DataFrame:
        """One row per table: its file, rows and columns (for a notebook's overview)."""
        return pd.DataFrame(
            [{"table": spec.name, "file": spec.file, "rows": len(self.frame(spec.name)),
              "columns": len(self.frame(spec.name).columns), "about": spec.schema.description}
             for spec in TABLE_SPECS])

    def find_row(self, row_id: str) -> tuple[str, pd.Series]:
        """The table name and row holding ``row_id`` (an id of any table with ids)."""
        for spec in TABLE_SPECS:
            if spec.id_column is None:
                continue
            frame = self.frame(spec.name)
            match = frame[frame[spec.id_column] == row_id]
            if not match.empty:
                return spec.name, match.iloc[0]
        raise KeyError(f"no table has a row with id {row_id!r}")

    def cite(self, row_id: str) -> str:
        """How to cite a row: author, title, paragraph, then the table and row id.

        e.g. ``Author, "Title", para. 5 (statements.csv, st04)``.
        """
        table, row = self.find_row(row_id)
        if table == "sources":
            return f'{row["author"]}, "{row["title"]}" ({SPECS_BY_NAME[table].file}, {row_id})'
        source = self.sources.set_index("source_id").loc[row["source_id"]]
        return (f'{source["author"]}, "{source["title"]}", para. {int(row["paragraph"])} '
                f'({SPECS_BY_NAME[table].file}, {row_id})')


def read_csv_cells(path: Path) -> tuple[list[str], list[list[str | None]], list[int]]:
    """Header, rows of stripped string cells (None for empty) and each row's line number.

    Raises InputError for bytes that are not UTF-8 (naming the line), duplicate or empty
    headers, and rows whose number of cells differs from the header's.
    """
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise InputError(path, f"byte {data[error.start:error.start + 1]!r} is not UTF-8",
                         row=f"line {line}",
                         fix="save the file as UTF-8 (in Excel: 'CSV UTF-8')") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        raise InputError(path, "the file is empty", fix="write the header line") from None
    for name in header:
        if not name or header.count(name) > 1:
            raise InputError(path, f"header has an empty or repeated column name {name!r}",
                             row="line 1", column=name or None,
                             fix="give every column one unique name") from None
    rows, lines = [], []
    line_before = reader.line_num
    try:
        for cells in reader:
            line = line_before + 1
            line_before = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue  # a blank line
            if len(cells) != len(header):
                raise InputError(path, f"{len(cells)} cells but the header has {len(header)}",
                                 row=f"line {line}",
                                 fix="quote cells that contain commas; add or remove cells")
            rows.append([cell.strip() or None for cell in cells])
            lines.append(line)
    except csv.Error as error:
        raise InputError(path, f"not valid CSV ({error})", row=f"line {reader.line_num}",
                         fix="close the quotation mark, or double a quote inside a quoted cell "
                             "(\"\")") from None
    return header, rows, lines


def _row_namer(spec: TableSpec, rows: list[list[str | None]], header: list[str],
               lines: list[int]):
    id_position = header.index(spec.id_column) if spec.id_column in header else None

    def row_name(position: int) -> str:
        row_id = rows[position][id_position] if id_position is not None else None
        return f"{row_id} (line {lines[position]})" if row_id else f"line {lines[position]}"
    return row_name


def read_table(spec: TableSpec, input_dir: Path) -> Located:
    """Read and validate one table (no checks across tables)."""
    path = Path(input_dir) / spec.file
    if not path.is_file():
        raise InputError(path, "file not found",
                         fix=f"create {spec.file} (see data/README.md for its columns)")
    header, rows, lines = read_csv_cells(path)
    expected = list(spec.schema.columns)
    for name in expected:
        if name not in header:
            raise InputError(path, f"missing column {name!r}", column=name,
                             fix=f"add the column; expected columns: {', '.join(expected)}")
    for name in header:
        if name not in expected:
            raise InputError(path, f"unknown column {name!r}", column=name,
                             fix="remove it, or add it to the table's schema in "
                                 "src/dronediplomacy/schemas.py and regenerate data/README.md")
    frame = pd.DataFrame(rows, columns=header, dtype="str")[expected]
    row_name = _row_namer(spec, rows, header, lines)
    return Located(validate_table(spec, frame, path, row_name), path, row_name)


def load_tables(input_dir: Path | str = DATA_INPUT) -> Tables:
    """Read, validate and cross-check every input table; return them as one frozen bundle.

    Raises InputError (one message: file, row, column, fix) on the first table with problems,
    or listing the problems across tables. Reads only; writes nothing.
    """
    input_dir = Path(input_dir)
    located = {spec.name: read_table(spec, input_dir) for spec in TABLE_SPECS}
    check_across_tables(located)
    frames = {name: item.frame for name, item in located.items()}
    assert {f.name for f in fields(Tables)} == set(frames) | {"input_dir"}
    return Tables(**frames, input_dir=input_dir)
