"""Load the hand-written tables in ``data/input/`` into one validated, frozen bundle.

    from dronediplomacy.inputs.tables import load_tables
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

from dronediplomacy.errors import InputError
from dronediplomacy.paths import DATA_INPUT
from dronediplomacy.inputs.schemas import SPECS_BY_NAME, TABLE_SPECS, Located, TableSpec, check_across_tables, \
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
    corpus_statements: pd.DataFrame
    corpus_search_log: pd.DataFrame
    corpus_exclusions: pd.DataFrame
    corpus_split: pd.DataFrame
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

        e.g. ``Author, "Title", para. 5 (statements.csv, st04)``; a corpus statement by its
        page: ``Outlet, "Page title", URL, read YYYY-MM-DD (corpus_statements.csv, cs001)``.
        """
        table, row = self.find_row(row_id)
        where = f"({SPECS_BY_NAME[table].file}, {row_id})"
        if table == "sources":
            return f'{row["author"]}, "{row["title"]}" {where}'
        if "url" in row and "date_read" in row:
            title = f' "{row["page_title"]}",' if isinstance(row.get("page_title"), str) else ""
            return f'{row["outlet"]},{title} {row["url"]}, read {row["date_read"]} {where}'
        source = self.sources.set_index("source_id").loc[row["source_id"]]
        if pd.isna(row.get("paragraph")):
            return f'{source["author"]}, "{source["title"]}" {where}'
        return f'{source["author"]}, "{source["title"]}", para. {int(row["paragraph"])} {where}'


def read_csv_cells(path: Path, expected: list[str] | None = None, id_column: str | None = None
                   ) -> tuple[list[str], list[list[str | None]], list[int]]:
    """Header, rows of stripped string cells (None for empty) and each row's line number.

    Raises InputError for bytes that are not UTF-8 (naming the line, the row's id when
    ``id_column`` is given, and the column), an empty file, duplicate or empty headers, and
    rows whose number of cells differs from the header's. ``expected`` (the table's
    columns) only improves the messages.
    """
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        row, column = _locate_undecodable(data, line, id_column)
        raise InputError(path, f"byte {data[error.start:error.start + 1]!r} is not UTF-8",
                         row=row, column=column,
                         fix="save the file as UTF-8 (in Excel: 'CSV UTF-8'); retype the "
                             "character if it still looks wrong") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        raise InputError(path, "the file is empty", row="line 1",
                         column=expected[0] if expected else None,
                         fix="write the header line"
                             + (f" ({','.join(expected)}) and the rows" if expected else "")
                             + ", or restore the file from git") from None
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
                                 column=header[len(cells)] if len(cells) < len(header)
                                 else f"(after {header[-1]})",
                                 fix="quote cells that contain commas; add or remove cells")
            rows.append([cell.strip() or None for cell in cells])
            lines.append(line)
    except csv.Error as error:
        raise InputError(path, f"not valid CSV ({error})", row=f"line {reader.line_num}",
                         column="(whole row)",
                         fix="close the quotation mark, or double a quote inside a quoted cell "
                             "(\"\")") from None
    return header, rows, lines


def _locate_undecodable(data: bytes, line: int, id_column: str | None) -> tuple[str, str | None]:
    """The row name (``id (line N)`` or ``line N``) and column holding the first byte that
    is not UTF-8, found by reading the file with that byte replaced."""
    text = data.decode("utf-8-sig", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip() for name in next(reader)]
        if line > 1:
            start = reader.line_num + 1
            for cells in reader:
                if start <= line <= reader.line_num:
                    bad = next((i for i, cell in enumerate(cells) if "\ufffd" in cell), None)
                    column = header[bad] if bad is not None and bad < len(header) else None
                    row_id = (cells[header.index(id_column)].strip()
                              if id_column in header and header.index(id_column) < len(cells)
                              else "")
                    return (f"{row_id} (line {line})" if row_id else f"line {line}"), column
                start = reader.line_num + 1
    except (csv.Error, StopIteration):
        pass
    return f"line {line}", None


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
    expected = list(spec.schema.columns)
    header, rows, lines = read_csv_cells(path, expected, spec.id_column)
    for name in expected:
        if name not in header:
            raise InputError(path, f"missing column {name!r}", row="line 1", column=name,
                             fix=f"add the column (or restore its name); expected columns: "
                                 f"{', '.join(expected)}")
    for name in header:
        if name not in expected:
            raise InputError(path, f"unknown column {name!r}", row="line 1", column=name,
                             fix="remove it, or add it to the table's schema in "
                                 "src/dronediplomacy/inputs/schemas.py and regenerate data/README.md")
    if not rows and spec.rows_required:
        raise InputError(path, "the table has a header but no rows", row="line 2",
                         column=spec.id_column or expected[0],
                         fix=f"add the rows (see data/README.md), or restore {spec.file} from git")
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
