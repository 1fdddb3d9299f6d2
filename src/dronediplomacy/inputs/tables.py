"""Load the hand-written tables in ``data/input/`` into one validated, frozen bundle:
``load_tables().statements`` is a DataFrame. Cells are read as stripped strings (so a file
saved by Excel gives the frames of a clean one), then typed by the schemas."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dronediplomacy.inputs.bad_inputs import input_error
from dronediplomacy.paths import DATA_INPUT
from dronediplomacy.inputs.csvfile import read_records
from dronediplomacy.inputs.schemas import (SPECS_BY_NAME, TABLE_SPECS, Located, TableSpec,
                                           check_across_tables, validate_table)


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
    row_names: dict  # table name -> how messages name each row: "id (line N)" or "line N"

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
        """How to cite a row: ``Author, "Title", para. 5 (statements.csv, st04)``; a corpus
        statement: ``Outlet, "Page title", URL, read YYYY-MM-DD (corpus_statements.csv, cs001)``."""
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


def read_table(spec: TableSpec, input_dir: Path) -> Located:
    """Read and validate one table (no checks across tables); InputError if bad."""
    path = Path(input_dir) / spec.file
    expected = tuple(spec.schema.columns)
    _, records = read_records(path, expected, allowed=expected, id_column=spec.id_column,
                              canonical=True)
    if not records and spec.rows_required:
        raise input_error("no rows", path, row=2, column=spec.id_column or expected[0],
                          file=spec.file)
    frame = pd.DataFrame([[r.values[name] or None for name in expected] for r in records],
                         columns=list(expected), dtype="str")
    names = tuple(r.name(spec.id_column) if spec.id_column else f"line {r.line}" for r in records)
    return Located(validate_table(spec, frame, path, names), path, names)


def load_tables(input_dir: Path | str = DATA_INPUT) -> Tables:
    """Read, validate and cross-check every input table; return them as one frozen bundle.

    Raises InputError (one message: file, row, column, fix) on the first table with problems,
    or listing the problems across tables. Reads only; writes nothing.
    """
    input_dir = Path(input_dir)
    located = {spec.name: read_table(spec, input_dir) for spec in TABLE_SPECS}
    check_across_tables(located)
    return Tables(**{name: item.frame for name, item in located.items()}, input_dir=input_dir,
                  row_names={name: item.names for name, item in located.items()})
