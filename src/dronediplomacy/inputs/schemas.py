"""The input tables' schemas, built from ``data/tables.yaml``, and the rules a descriptor cannot state.

:func:`build_schema` turns a resource of the Frictionless descriptor into a pandera schema,
with the resource's ``rowRules`` (conditions on a row's cells, read by :func:`row_rule`) as
frame checks. Here is only what data cannot say: cell lengths (``CELL_RULES``), date, section
and other row rules (``ROW_RULES``) and rules across tables (``CROSS_TABLE_CHECKS``), each with
the message a person reads and its fix.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Sequence

import pandas as pd
import pandera.pandas as pa
import yaml
from pandera.errors import SchemaErrors

from dronediplomacy.errors import InputError
from dronediplomacy.inputs.csvfile import raise_all
from dronediplomacy.paths import DATA

DESCRIPTOR: dict = yaml.safe_load((DATA / "tables.yaml").read_text(encoding="utf-8"))
RESOURCES: dict[str, dict] = {r["name"]: r for r in DESCRIPTOR["resources"]}


def allowed(table: str, column: str) -> tuple:
    """The allowed values of ``table.column`` (its ``enum`` in data/tables.yaml), in order."""
    field = next(f for f in RESOURCES[table]["schema"]["fields"] if f["name"] == column)
    return tuple(field["constraints"]["enum"])


MODES = allowed("statements", "mode")
CLAIM_TYPES = allowed("claims", "claim_type")
ANCHOR_MIN_WORDS, ANCHOR_MAX_WORDS = 3, 8
MAX_EXCERPT_WORDS = 80


def _check(fn: Callable, *, error: str, fix: str, column: str | None = None,
           element_wise: bool = False) -> pa.Check:
    """A check whose ``error`` is the problem and ``description`` the fix; a row rule keeps
    the column to blame in ``title``."""
    return pa.Check(fn, element_wise=element_wise, error=error, description=fix, title=column)


def is_calendar_date(value: object) -> bool:
    """Is ``value`` a YYYY-MM-DD string naming a day of the calendar?"""
    try:
        return isinstance(value, str) and len(value) == 10 and bool(dt.date.fromisoformat(value))
    except ValueError:
        return False


def precision_fits(precision: str, earliest: object, latest: object) -> bool:
    """Does ``precision`` fit the dates? day: earliest == latest; month: the first to the last
    day of one month; year: 1 January to 31 December; interval: at least one date; unknown:
    none. Missing dates are None or NaN."""
    given = [d for d in (earliest, latest) if isinstance(d, str)]
    if precision in ("unknown", "interval"):
        return bool(given) == (precision == "interval")
    if not (is_calendar_date(earliest) and is_calendar_date(latest)):
        return False
    first, last = dt.date.fromisoformat(earliest), dt.date.fromisoformat(latest)
    month_end = (last + dt.timedelta(days=1)).day == 1
    return {"day": first == last,
            "month": first.day == 1 and first.replace(day=1) == last.replace(day=1) and month_end,
            "year": first == dt.date(first.year, 1, 1) and last == dt.date(first.year, 12, 31),
            }.get(precision, True)


def sections_cover(sections: str, paragraph_count: int) -> bool:
    """Do the ``name:first-last`` ranges of ``sections`` cover paragraphs 1..paragraph_count
    in order, once each?"""
    ranges = [(int(first), int(last or first))
              for first, last in re.findall(r":(\d+)(?:-(\d+))?", sections)]
    ends = [0] + [last for _, last in ranges]
    return ends[-1] == paragraph_count and all(
        first == end + 1 and last >= first for (first, last), end in zip(ranges, ends))


# --- what a descriptor cannot state: cell rules by column name, row rules by table ---------

CELL_RULES = {
    "anchor": _check(lambda v: ANCHOR_MIN_WORDS <= len(v.split()) <= ANCHOR_MAX_WORDS,
                     element_wise=True,
                     error=f"an anchor must be {ANCHOR_MIN_WORDS} to {ANCHOR_MAX_WORDS} words",
                     fix=f"copy {ANCHOR_MIN_WORDS} to {ANCHOR_MAX_WORDS} consecutive words from "
                         "the paragraph"),
    "excerpt": _check(lambda v: len(v.split()) <= MAX_EXCERPT_WORDS, element_wise=True,
                      error=f"is longer than {MAX_EXCERPT_WORDS} words",
                      fix=f"cut the excerpt to at most {MAX_EXCERPT_WORDS} words around the "
                          "quotation"),
}


def _rowwise(fn: Callable, *columns: str) -> Callable[[pd.DataFrame], pd.Series]:
    """A DataFrame check from a function of one row's cells (missing cells as None), true
    where a cell is missing (the column checks report it)."""
    return lambda f: pd.Series([any(pd.isna(v) for v in row) or fn(*row)
                                for row in zip(*(f[c] for c in columns))], index=f.index, dtype=bool)


def _ordered(first: str, last: str) -> bool:
    return not (is_calendar_date(first) and is_calendar_date(last)) or first <= last


def _precision_ok(precision: str, earliest: object, latest: object) -> bool:
    """precision_fits, unless a date is malformed (its column check reports that)."""
    return any(isinstance(d, str) and not is_calendar_date(d) for d in (earliest, latest)) \
        or precision_fits(precision, earliest, latest)


DATE_ROW_RULES = [
    _check(_rowwise(_ordered, "date_earliest", "date_latest"), column="date_latest",
           error="date_latest is before date_earliest",
           fix="swap the dates, or correct the one that is wrong"),
    _check(lambda f: pd.Series(map(_precision_ok, f["date_precision"], f["date_earliest"],
                                   f["date_latest"]), index=f.index, dtype=bool),
           column="date_precision",
           error="does not fit the dates (day: earliest == latest; month: first to last day of one "
                 "month; year: 1 Jan to 31 Dec; interval: at least one date; unknown: no dates)",
           fix="make date_precision match date_earliest and date_latest"),
]

ROW_RULES: dict[str, list[pa.Check]] = {
    "sources": [_check(_rowwise(sections_cover, "sections", "paragraph_count"), column="sections",
                       error="sections do not cover paragraphs 1..paragraph_count in order, once each",
                       fix="make the ranges contiguous from 1 to paragraph_count")],
    "conflicts": [_check(_rowwise(_ordered, "date_start", "date_end"), column="date_end",
                         error="date_end is before date_start", fix="correct the dates")],
    "statement_responses": [_check(lambda f: f["response_id"] != f["answers_id"],
                                   column="answers_id", error="a statement cannot answer itself",
                                   fix="name the statement it answers")],
}


def _meets(frame: pd.DataFrame, condition: dict) -> pd.Series:
    """Rows meeting a condition of ``rowRules``: each column ``given``, ``empty`` or one of a
    list of values."""
    met = pd.Series(True, index=frame.index)
    for column, wanted in condition.items():
        cells = frame[column]
        met &= cells.notna() if wanted == "given" else cells.isna() if wanted == "empty" \
            else cells.isin(wanted)
    return met


def row_rule(rule: dict) -> pa.Check:
    """A frame check from a ``rowRules`` entry of data/tables.yaml (its comment says how one
    is written): true for a row that meets every clause of ``require``."""
    def check(frame: pd.DataFrame) -> pd.Series:
        good = pd.Series(True, index=frame.index)
        for clause in rule["require"]:
            given, then = _meets(frame, clause.get("if", {})), _meets(frame, clause["then"])
            good &= (given == then) if clause.get("bothWays") else (~given | then)
        return good
    return _check(check, column=rule["column"], error=rule["error"], fix=rule["fix"])


# --- the schemas, built from the descriptor ---------------------------------------------

_DTYPES = {"string": str, "date": str, "integer": "Int64", "number": "Float64"}


def build_schema(resource: dict) -> pa.DataFrameSchema:
    """The pandera schema of a resource: each field typed (integer and number coerced from
    text, a date a YYYY-MM-DD string), its constraints and CELL_RULES as column checks,
    ROW_RULES, ``rowRules`` and (with date_precision) DATE_ROW_RULES as frame checks, a
    composite primaryKey unique together."""
    columns = {}
    for field in resource["schema"]["fields"]:
        rules, checks = field.get("constraints", {}), []
        if "enum" in rules:
            checks.append(pa.Check.isin(rules["enum"], error="is not an allowed value",
                                        description="use one of: " + " | ".join(rules["enum"])))
        if "pattern" in rules:
            checks.append(pa.Check.str_matches(f"^(?:{rules['pattern']})$",
                                               error="does not have the column's form",
                                               description=f"write it like {field['example']!r} "
                                                           f"(pattern {rules['pattern']})"))
        if "minimum" in rules:
            checks.append(pa.Check.ge(rules["minimum"], error=f"must be at least {rules['minimum']}",
                                      description="count from " + str(rules["minimum"])))
        if field["type"] == "date":
            checks.append(_check(is_calendar_date, element_wise=True,
                                 error="is not a calendar date in the form YYYY-MM-DD",
                                 fix="write the date as YYYY-MM-DD, e.g. 2020-09-27; leave the "
                                     "cell empty if it is unknown"))
        checks += [CELL_RULES[field["name"]]] if field["name"] in CELL_RULES else []
        columns[field["name"]] = pa.Column(
            _DTYPES[field["type"]], checks, coerce=field["type"] in ("integer", "number"),
            nullable=not rules.get("required", False), unique=rules.get("unique", False),
            description=field["description"], metadata=field)
    row_rules = ROW_RULES.get(resource["name"], []) + [row_rule(r) for r in resource.get("rowRules", [])]
    row_rules += DATE_ROW_RULES if "date_precision" in columns else []
    key = resource["schema"].get("primaryKey")
    return pa.DataFrameSchema(columns, checks=row_rules,
                              unique=key if isinstance(key, list) else None, strict=True,
                              name=resource["name"], description=resource["description"])


@dataclass(frozen=True)
class TableSpec:
    """One validated input table: its resource in data/tables.yaml and the schema built from it."""
    name: str
    file: str
    resource: dict
    schema: pa.DataFrameSchema
    id_column: str | None  # a single-column primary key; None: rows are named by line number
    rows_required: bool    # a header-only file is refused (a table emptied by accident)
    origin: str            # for the README's Data products table


TABLE_SPECS: tuple[TableSpec, ...] = tuple(
    TableSpec(r["name"], Path(r["path"]).name, r, build_schema(r),
              r["schema"]["primaryKey"] if isinstance(r["schema"]["primaryKey"], str) else None,
              bool(r.get("rowsRequired")), r["madeBy"])
    for r in DESCRIPTOR["resources"] if r.get("validated"))
SPECS_BY_NAME = {spec.name: spec for spec in TABLE_SPECS}


def free_text_columns(spec: TableSpec) -> list[str]:
    """Columns holding our own prose (checked against copying the source)."""
    return [f["name"] for f in spec.resource["schema"]["fields"] if f.get("freeText")]


def describe(value: object) -> str:
    """A cell as messages quote it: ``'text'``, or ``empty``."""
    return "empty" if value is None or (not isinstance(value, str) and pd.isna(value)) \
        else repr(value)


def _errors_from_failures(schema: pa.DataFrameSchema, failures: pd.DataFrame, file: Path,
                          names: Sequence) -> list[InputError]:
    """Pandera's failure cases as one InputError per (row, column), in file order; when a cell
    fails several checks, the most basic (type, then required/unique, then value) wins."""
    found: dict[tuple, tuple] = {}
    columns = list(schema.columns)
    for case in failures.itertuples(index=False):
        column = case.column if isinstance(case.column, str) else None
        number = None if pd.isna(case.check_number) else int(case.check_number)
        value, check = describe(case.failure_case), str(case.check)
        if case.schema_context == "DataFrameSchema" and number is not None:
            rule = schema.checks[number]
            column, rank, problem, fix = rule.title, 3, str(rule.error), str(rule.description)
        elif check == "multiple_fields_uniqueness":
            column, rank = ",".join(schema.unique), 1
            problem, fix = "duplicate row (these columns together must be unique)", \
                "remove the duplicate row"
        elif check == "field_uniqueness":
            rank, problem, fix = 1, f"duplicate value {value}", "give every row its own id"
        elif check == "not_nullable":
            rank, problem, fix = 1, "empty cell in a required column", \
                "fill in the value (see data/README.md for what it means)"
        elif check.startswith(("coerce_dtype", "dtype(")):
            word = {"Int64": "whole number", "Float64": "number"}.get(
                str(schema.columns[column].dtype), str(schema.columns[column].dtype))
            rank, problem, fix = 0, f"{value} is not a {word}", f"write a {word}"
        elif column is not None and number is not None:
            if value.startswith("'TypeError("):
                continue  # a follow-on of a failed type conversion, already reported
            rule = schema.columns[column].checks[number]
            rank, problem, fix = 2, f"{value} {rule.error}", str(rule.description)
        else:  # anything pandera adds in future: still one readable line
            rank, problem, fix = 4, f"{value} failed {check}", "see data/README.md"
        position = -1 if case.index is None or pd.isna(case.index) else int(case.index)
        order = (position, columns.index(column) if column in columns else len(columns))
        if (position, column) not in found or found[position, column][0] > rank:
            found[position, column] = (rank, order, InputError(
                file, problem, row=names[position] if position >= 0 else None, column=column,
                fix=fix))
    return [error for _, _, error in sorted(found.values(), key=lambda item: item[1])]


def validate_table(spec: TableSpec, frame: pd.DataFrame, file: Path,
                   names: Sequence) -> pd.DataFrame:
    """One table's string cells validated and typed by its schema, or one InputError listing
    every problem (``names``: how messages name each row)."""
    try:
        return spec.schema.validate(frame, lazy=True)
    except SchemaErrors as failed:
        errors = _errors_from_failures(spec.schema, failed.failure_cases, file, names)
    raise_all(errors)  # outside the except: no pandera traceback chained to the message


# --- rules across tables ------------------------------------------------------------------

@dataclass(frozen=True)
class Located:
    """A validated frame with where it came from: its file and each row's name for messages."""
    frame: pd.DataFrame
    file: Path
    names: tuple

    def errors(self, column: str, problem: Callable[[dict], str | None],
               fix: str) -> list[InputError]:
        """An InputError for every row (a dict of its cells) for which ``problem`` gives one."""
        return [InputError(self.file, message, row=name, column=column, fix=fix)
                for name, row in zip(self.names, self.frame.to_dict("records"))
                if (message := problem(row))]


def check_references(tables: Mapping[str, Located]) -> list[InputError]:
    """Every ``foreignKeys`` entry of data/tables.yaml: each value points at an existing row
    (``delimiter``: the cell is a list; ``when``: only rows with those values)."""
    errors = []
    for spec in TABLE_SPECS:
        for key in spec.resource["schema"].get("foreignKeys", []):
            column, target = key["fields"], key["reference"]
            known = set(tables[target["resource"]].frame[target["fields"]])
            target_file = tables[target["resource"]].file.name

            def dangling(row: dict) -> str | None:
                if not isinstance(row[column], str) or any(row[c] != v for c, v in
                                                           key.get("when", {}).items()):
                    return None
                values = row[column].split(key["delimiter"]) if "delimiter" in key else [row[column]]
                return next((f"no row of {target_file} has {target['fields']} {value!r}"
                             for value in values if value not in known), None)
            errors += tables[spec.name].errors(column, dangling, fix=f"use an existing "
                                               f"{target['fields']} or add the row to {target_file}")
    return errors


def check_paragraphs_in_range(tables: Mapping[str, Located]) -> list[InputError]:
    """A row of an article has a paragraph in 1..sources.paragraph_count; a row of a corpus
    has none (it cites its page instead)."""
    sources = tables["sources"].frame.set_index("source_id")

    def problem(row: dict) -> str | None:
        if row["source_id"] not in sources.index:
            return None  # reported by check_references
        paragraph, (count, kind) = row["paragraph"], \
            sources.loc[row["source_id"], ["paragraph_count", "kind"]]
        if kind == "article" and (pd.isna(paragraph) or not pd.isna(count)
                                  and not 1 <= paragraph <= count):
            return f"paragraph {describe(paragraph)} is outside 1..{count} of source " \
                   f"{row['source_id']}"
        if kind != "article" and not pd.isna(paragraph):
            return f"source {row['source_id']} is a {kind}: it has no paragraphs"
        return None
    return [error for located in tables.values() if {"paragraph", "source_id"} <= set(located.frame)
            for error in located.errors("paragraph", problem, fix="count paragraphs as "
                                        "data/README.md describes; a corpus row cites its page "
                                        "in source_note")]


def check_corpus_against_protocol(tables: Mapping[str, Located]) -> list[InputError]:
    """Corpus statements fall in their conflict's period (``periods`` in data/tables.yaml)
    and not after their page was read; no query keeps fewer rows than cite it; every
    linked_id of an exclusion names an existing row."""
    statements, log, exclusions = (tables[n] for n in ("corpus_statements", "corpus_search_log",
                                                       "corpus_exclusions"))
    periods = RESOURCES["corpus_statements"]["periods"]

    def outside(row: dict) -> str | None:
        first, last = periods.get(row["conflict_id"], (None, None))
        last = min(filter(None, (last, row["date_read"])), default=None)
        earliest = row["date_earliest"] if isinstance(row["date_earliest"], str) else None
        latest = row["date_latest"] if isinstance(row["date_latest"], str) else earliest
        if earliest and (first and latest < first or last and earliest > last):
            return f"dated {row['date_earliest']}..{row['date_latest']}, outside " \
                   f"{row['conflict_id']}'s period {first}..{last or 'read'}"
        return None
    kept = statements.frame["query_id"].value_counts()
    known = set(statements.frame["statement_id"]) | set(tables["statements"].frame["statement_id"]) \
        | set(exclusions.frame["exclusion_id"])
    return statements.errors("date_earliest", outside, fix="check the date; a statement outside "
                             "the period goes to corpus_exclusions.csv as outside_period") \
        + log.errors("rows_kept", lambda r: f"{kept[r['query_id']]} corpus statements cite this "
                     f"query, which kept {r['rows_kept']}" if kept.get(r["query_id"], 0)
                     > r["rows_kept"] else None, fix="correct rows_kept or the statements' query_id") \
        + exclusions.errors("linked_id", lambda r: f"no corpus statement, article statement or "
                            f"exclusion has id {r['linked_id']!r}" if isinstance(r["linked_id"], str)
                            and r["linked_id"] not in known else None,
                            fix="give the id of the row it repeats")


def check_article_rules(tables: Mapping[str, Located]) -> list[InputError]:
    """A group attribution names a group actor (and only then); every claim has evidence rows
    or an evidence_note; a conflict's start and end dates equal its war_start and war_end
    events, both ways; a response is not dated entirely before the statement it answers."""
    statements, claims, conflicts, responses = (tables[n] for n in (
        "statements", "claims", "conflicts", "statement_responses"))
    types = dict(zip(tables["actors"].frame["actor_id"], tables["actors"].frame["actor_type"]))
    errors = statements.errors("attribution", lambda r: f"attribution {r['attribution']!r} does "
                               f"not fit actor {r['actor_id']!r} of type {types[r['actor_id']]!r}"
                               if r["actor_id"] in types and (r["attribution"] == "group")
                               != (types[r["actor_id"]] == "group") else None,
                               fix="use 'group' exactly when the actor is a group")
    with_evidence = set(tables["claim_evidence"].frame["claim_id"])
    errors += claims.errors("evidence_note", lambda r: "no evidence rows in claim_evidence.csv and "
                            "no evidence_note" if r["claim_id"] not in with_evidence
                            and pd.isna(r["evidence_note"]) else None,
                            fix="link the statements or events the claim rests on, or say in "
                                "evidence_note that the source offers none")
    events = tables["events"].frame
    for column, event_type in (("date_start", "war_start"), ("date_end", "war_end")):
        def mismatch(row: dict) -> str | None:
            match = events[(events["conflict_id"] == row["conflict_id"])
                           & (events["event_type"] == event_type)]
            dates = set(match["date_earliest"].dropna()) | set(match["date_latest"].dropna())
            date = row[column] if isinstance(row[column], str) else None
            if (date is None and not match.empty) or (date is not None and dates != {date}):
                return f"{column} {date or 'empty'} does not match the {event_type} event(s) " \
                       f"in events.csv ({', '.join(sorted(dates)) or 'none'})"
            return None
        errors += conflicts.errors(column, mismatch,
                                   fix=f"make {column} and the {event_type} event's dates the same")
    dated = statements.frame.set_index("statement_id")

    def answered_before(row: dict) -> str | None:
        latest = dated["date_latest"].get(row["response_id"])
        earliest = dated["date_earliest"].get(row["answers_id"])
        if isinstance(latest, str) and isinstance(earliest, str) and latest < earliest:
            return f"{row['response_id']} (latest {latest}) is dated before {row['answers_id']} " \
                   f"(earliest {earliest}), which it answers"
        return None
    return errors + responses.errors("response_id", answered_before,
                                     fix="check the link or the statements' dates")


CROSS_TABLE_CHECKS = (check_references, check_paragraphs_in_range, check_article_rules,
                      check_corpus_against_protocol)


def check_across_tables(tables: Mapping[str, Located]) -> None:
    """Run every rule that needs two tables; raise one InputError listing what is wrong."""
    raise_all([error for check in CROSS_TABLE_CHECKS for error in check(tables)])
