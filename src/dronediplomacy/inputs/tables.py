"""Load the hand-written tables in ``data/input/`` into one validated, frozen bundle of DataFrames.
Cells are read as stripped strings (a file saved by Excel gives the frames of a clean one), typed
by the schemas, then checked by the rules across tables (``CROSS_TABLE_CHECKS``)."""

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import pandas as pd

from dronediplomacy.errors import InputError
from dronediplomacy.inputs.bad_inputs import input_error
from dronediplomacy.inputs.csvfile import raise_all, read_records
from dronediplomacy.inputs.schemas import (RESOURCES, SPECS_BY_NAME, TABLE_SPECS, describe,
                                           validate_table)
from dronediplomacy.paths import DATA_INPUT


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

    def rows(self, name: str) -> Iterator[tuple[str, dict]]:
        """(row name for messages, row as a dict of its cells) for every row of a table."""
        return zip(self.row_names[name], self.frame(name).to_dict("records"))

    def errors(self, name: str, key: str, column: str, problem: Callable[[dict], dict | None],
               **values: object) -> list[InputError]:
        """The InputError of MESSAGES[key] for every row of table ``name`` for which
        ``problem`` (given the row) gives the message's values (with ``values``)."""
        return [input_error(key, self.file(name), row=row_name, column=column, **values, **found)
                for row_name, row in self.rows(name) if (found := problem(row))]

    def summary(self) -> pd.DataFrame:
        """One row per table: its file, rows and columns (for a notebook's overview)."""
        return pd.DataFrame(
            [{"table": spec.name, "file": spec.file, "rows": len(self.frame(spec.name)),
              "columns": len(self.frame(spec.name).columns), "about": spec.schema.description}
             for spec in TABLE_SPECS])

    def find_row(self, row_id: str) -> tuple[str, pd.Series]:
        """The table name and row holding ``row_id`` (an id of any table with ids)."""
        for spec in (spec for spec in TABLE_SPECS if spec.id_column):
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
        if "url" in row and "date_read" in row:
            title = f' "{row["page_title"]}",' if isinstance(row.get("page_title"), str) else ""
            return f'{row["outlet"]},{title} {row["url"]}, read {row["date_read"]} {where}'
        source = row if table == "sources" else self.sources.set_index("source_id").loc[row["source_id"]]
        paragraph = "" if pd.isna(row.get("paragraph")) else f', para. {int(row["paragraph"])}'
        return f'{source["author"]}, "{source["title"]}"{paragraph} {where}'


def load_tables(input_dir: Path | str = DATA_INPUT) -> Tables:
    """Read, validate and cross-check every input table into one frozen bundle; writes nothing.
    InputError (file, row, column, fix) for the first table with problems, or listing the
    problems across tables."""
    input_dir, frames, row_names = Path(input_dir), {}, {}
    for spec in TABLE_SPECS:
        path, columns = input_dir / spec.file, tuple(spec.schema.columns)
        _, records = read_records(path, columns, allowed=columns, id_column=spec.id_column,
                                  canonical=True)
        if not records and spec.rows_required:
            raise input_error("no rows", path, row=2, column=spec.id_column or columns[0],
                              file=spec.file)
        row_names[spec.name] = tuple(r.name(spec.id_column) if spec.id_column else f"line {r.line}"
                                     for r in records)
        frame = pd.DataFrame([[r.values[name] or None for name in columns] for r in records],
                             columns=list(columns), dtype="str")
        frames[spec.name] = validate_table(spec, frame, path, row_names[spec.name])
    tables = Tables(**frames, input_dir=input_dir, row_names=row_names)
    raise_all([error for check in CROSS_TABLE_CHECKS for error in check(tables)])
    return tables


# --- rules across tables ------------------------------------------------------------------

def check_references(tables: Tables) -> list[InputError]:
    """Every ``foreignKeys`` entry of data/tables.yaml: each value points at an existing row
    (``delimiter``: the cell is a list; ``when``: only rows with those values)."""
    errors = []
    for spec in TABLE_SPECS:
        for key in spec.resource["schema"].get("foreignKeys", []):
            column, target = key["fields"], key["reference"]
            known = set(tables.frame(target["resource"])[target["fields"]])

            def dangling(row: dict) -> dict | None:
                if not isinstance(row[column], str) or any(row[c] != v for c, v in
                                                           key.get("when", {}).items()):
                    return None
                values = row[column].split(key["delimiter"]) if "delimiter" in key else [row[column]]
                return next(({"value": value} for value in values if value not in known), None)
            errors += tables.errors(spec.name, "dangling reference", column, dangling,
                                    field=target["fields"], target=tables.file(target["resource"]).name)
    return errors


def check_paragraphs_in_range(tables: Tables) -> list[InputError]:
    """A row of an article has a paragraph in 1..sources.paragraph_count; a row of a corpus has none (it
    cites its page instead). A source_id that is not in sources.csv is left to check_references."""
    kinds, counts = (tables.sources.set_index("source_id")[c] for c in ("kind", "paragraph_count"))

    def outside(row: dict) -> dict | None:
        paragraph, count = row["paragraph"], counts.get(row["source_id"])
        return {**row, "paragraph": describe(paragraph), "count": count} \
            if kinds.get(row["source_id"]) == "article" and (
                pd.isna(paragraph) or not pd.isna(count) and not 1 <= paragraph <= count) else None

    def in_corpus(row: dict) -> dict | None:
        kind = kinds.get(row["source_id"], "article")
        return {**row, "kind": kind} if kind != "article" and not pd.isna(row["paragraph"]) else None
    return [error for spec in TABLE_SPECS if {"paragraph", "source_id"} <= set(spec.schema.columns)
            for error in tables.errors(spec.name, "paragraph outside", "paragraph", outside)
            + tables.errors(spec.name, "paragraph in corpus", "paragraph", in_corpus)]


def check_corpus_against_protocol(tables: Tables) -> list[InputError]:
    """Corpus statements fall in their conflict's period (``periods`` in data/tables.yaml)
    and not after their page was read; no query keeps fewer rows than cite it; every
    linked_id of an exclusion names an existing row."""
    periods = RESOURCES["corpus_statements"]["periods"]

    def outside(row: dict) -> dict | None:
        first, last = periods.get(row["conflict_id"], (None, None))
        last = min(filter(None, (last, row["date_read"])), default=None)
        earliest = row["date_earliest"] if isinstance(row["date_earliest"], str) else None
        latest = row["date_latest"] if isinstance(row["date_latest"], str) else earliest
        return {**row, "first": first, "last": last or "read"} \
            if earliest and (first and latest < first or last and earliest > last) else None
    kept = tables.corpus_statements["query_id"].value_counts()
    known = set(tables.corpus_statements["statement_id"]) | set(tables.statements["statement_id"]) \
        | set(tables.corpus_exclusions["exclusion_id"])
    return tables.errors("corpus_statements", "outside period", "date_earliest", outside) \
        + tables.errors("corpus_search_log", "more cite than kept", "rows_kept", lambda r: {
            **r, "cited": kept[r["query_id"]]} if kept.get(r["query_id"], 0) > r["rows_kept"] else None) \
        + tables.errors("corpus_exclusions", "unknown linked id", "linked_id", lambda r: r if isinstance(
            r["linked_id"], str) and r["linked_id"] not in known else None)


def check_article_rules(tables: Tables) -> list[InputError]:
    """A group attribution names a group actor (and only then); every claim has evidence rows
    or an evidence_note; a conflict's start and end dates equal its war_start and war_end
    events, both ways; a response is not dated entirely before the statement it answers."""
    types = dict(zip(tables.actors["actor_id"], tables.actors["actor_type"]))
    errors = tables.errors("statements", "attribution misfit", "attribution", lambda r: {
        **r, "actor_type": types[r["actor_id"]]} if r["actor_id"] in types
        and (r["attribution"] == "group") != (types[r["actor_id"]] == "group") else None)
    with_evidence = set(tables.claim_evidence["claim_id"])
    errors += tables.errors("claims", "no evidence", "evidence_note", lambda r: r if r["claim_id"]
                            not in with_evidence and pd.isna(r["evidence_note"]) else None)
    events = tables.events
    for column, event_type in (("date_start", "war_start"), ("date_end", "war_end")):
        def mismatch(row: dict) -> dict | None:
            match = events[(events["conflict_id"] == row["conflict_id"])
                           & (events["event_type"] == event_type)]
            dates = set(match["date_earliest"].dropna()) | set(match["date_latest"].dropna())
            date = row[column] if isinstance(row[column], str) else None
            if (date is None and not match.empty) or (date is not None and dates != {date}):
                return {"date": date or "empty", "dates": ", ".join(sorted(dates)) or "none"}
            return None
        errors += tables.errors("conflicts", "war event mismatch", column, mismatch, event=event_type)
    dated = tables.statements.set_index("statement_id")

    def answered_before(row: dict) -> dict | None:
        latest = dated["date_latest"].get(row["response_id"])
        earliest = dated["date_earliest"].get(row["answers_id"])
        return {**row, "latest": latest, "earliest": earliest} if isinstance(latest, str) \
            and isinstance(earliest, str) and latest < earliest else None
    return errors + tables.errors("statement_responses", "answered before", "response_id",
                                  answered_before)


CROSS_TABLE_CHECKS = (check_references, check_paragraphs_in_range, check_article_rules,
                      check_corpus_against_protocol)
