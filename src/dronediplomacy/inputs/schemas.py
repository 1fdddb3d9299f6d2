"""The input tables' schemas, built from ``data/tables.yaml``, and the rules a descriptor cannot state.

``data/tables.yaml`` is the one source of truth for every table's columns (a Frictionless Data
Package descriptor, kept by hand): names, types, meanings, required cells, allowed values,
patterns, keys and references. :func:`build_schema` turns one resource into a pandera schema,
:func:`check_references` checks its ``foreignKeys``. What stays here is what a descriptor
cannot say: rules within a row (date intervals, sections, modes), a few cell rules (anchor and
excerpt length) and rules across tables (paragraph ranges, the corpus protocol), each with the
message a person editing the CSV reads and its fix.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Sequence

import pandas as pd
import pandera.pandas as pa
import yaml
from pandera.errors import SchemaErrors

from dronediplomacy.errors import InputError
from dronediplomacy.paths import DATA

DESCRIPTOR_PATH = DATA / "tables.yaml"
DESCRIPTOR: dict = yaml.safe_load(DESCRIPTOR_PATH.read_text(encoding="utf-8"))
RESOURCES: dict[str, dict] = {r["name"]: r for r in DESCRIPTOR["resources"]}


def allowed(table: str, column: str) -> tuple:
    """The allowed values of ``table.column`` (its ``enum`` in data/tables.yaml), in order."""
    field = next(f for f in RESOURCES[table]["schema"]["fields"] if f["name"] == column)
    return tuple(field["constraints"]["enum"])


MODES = allowed("statements", "mode")
CLAIM_TYPES = allowed("claims", "claim_type")
VERBATIM_MODES = ("direct_quote", "characterisation")
#: Columns of sources.csv that describe a text checked paragraph by paragraph (kind article).
TEXT_COLUMNS = ("text_file", "sha256", "paragraph_count", "title_line", "author_line", "sections")
ANCHOR_MIN_WORDS, ANCHOR_MAX_WORDS = 3, 8
MAX_EXCERPT_WORDS = 80
LINKED_REASONS = ("duplicate", "article_quotation")
#: The protocol's periods (corpus_protocol.md, inclusion rule 1): first and last day a corpus
#: statement of each conflict may have; None = up to the date its page was read.
CORPUS_PERIODS = {"nk2020": ("2020-07-01", "2021-12-31"), "ukr2022": ("2019-01-01", None)}


def _check(fn: Callable, *, error: str, fix: str, column: str | None = None,
           element_wise: bool = False) -> pa.Check:
    """A check whose ``error`` is the problem and ``description`` the fix; a row rule keeps
    the column to blame in ``title``."""
    return pa.Check(fn, element_wise=element_wise, error=error, description=fix, title=column)


def is_calendar_date(value: object) -> bool:
    try:
        return isinstance(value, str) and len(value) == 10 and bool(dt.date.fromisoformat(value))
    except ValueError:
        return False


# --- cell rules by column name, and row rules by table ----------------------------------

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


def _ordered(first: pd.Series, last: pd.Series) -> pd.Series:
    both = first.map(is_calendar_date).astype(bool) & last.map(is_calendar_date).astype(bool)
    return ~both | (first.fillna("") <= last.fillna(""))


def date_precision_problem(precision: str, earliest: object, latest: object) -> str | None:
    """Why an (earliest, latest, precision) triple is inconsistent, or None if it is fine."""
    has_e, has_l = isinstance(earliest, str), isinstance(latest, str)
    if precision == "unknown":
        return None if not (has_e or has_l) else "precision 'unknown' needs both dates empty"
    if precision == "interval":
        return None if (has_e or has_l) else "precision 'interval' needs at least one date"
    if not (is_calendar_date(earliest) and is_calendar_date(latest)):
        return f"precision {precision!r} needs both dates"
    first, last = dt.date.fromisoformat(earliest), dt.date.fromisoformat(latest)
    after = last + dt.timedelta(days=1)
    fits = {"day": first == last,
            "month": first.day == 1 and (first.year, first.month) == (last.year, last.month)
            and after.day == 1,
            "year": (first.month, first.day, last.month, last.day) == (1, 1, 12, 31)
            and first.year == last.year}
    return None if fits.get(precision, True) else f"precision {precision!r} does not fit the dates"


def _precision_fits(frame: pd.DataFrame) -> pd.Series:
    return pd.Series([any(isinstance(d, str) and not is_calendar_date(d) for d in (e, l))
                      or date_precision_problem(p, e, l) is None  # a bad date: reported on its own
                      for p, e, l in zip(frame["date_precision"], frame["date_earliest"],
                                         frame["date_latest"])], index=frame.index)


DATE_ROW_RULES = [
    _check(lambda f: _ordered(f["date_earliest"], f["date_latest"]), column="date_latest",
           error="date_latest is before date_earliest",
           fix="swap the dates, or correct the one that is wrong"),
    _check(_precision_fits, column="date_precision",
           error="does not fit the dates (day: earliest == latest; month: first to last day of one "
                 "month; year: 1 Jan to 31 Dec; interval: at least one date; unknown: no dates)",
           fix="make date_precision match date_earliest and date_latest"),
]


def sections_problem(sections: object, paragraph_count: object) -> str | None:
    """Why a sections string does not cover paragraphs 1..paragraph_count exactly once, or None."""
    if not isinstance(sections, str) or pd.isna(paragraph_count):
        return None  # reported by the column checks
    expected = 1
    for part in sections.split(";"):
        first, _, last = part.partition(":")[2].partition("-")
        if not (first.isdigit() and (last or first).isdigit()) or int(first) != expected \
                or int(last or first) < int(first):
            return f"section {part!r} should start at paragraph {expected}"
        expected = int(last or first) + 1
    if expected - 1 != int(paragraph_count):
        return f"sections end at paragraph {expected - 1}, paragraph_count is {paragraph_count}"
    return None


def _has(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame[column].notna()


ROW_RULES: dict[str, list[pa.Check]] = {
    "sources": [
        _check(lambda f: pd.Series([sections_problem(s, n) is None for s, n in
                                    zip(f["sections"], f["paragraph_count"])], index=f.index),
               column="sections", error="sections do not cover paragraphs 1..paragraph_count in "
               "order, once each", fix="make the ranges contiguous from 1 to paragraph_count"),
        _check(lambda f: f[list(TEXT_COLUMNS)].notna().all(axis=1).where(
                   f["kind"] == "article", ~f[list(TEXT_COLUMNS)].notna().any(axis=1)),
               column="kind", error="an article needs every text column (" + ", ".join(TEXT_COLUMNS)
               + "); a corpus has none of them",
               fix="fill in the text columns for an article, or empty them for a corpus")],
    "conflicts": [_check(lambda f: _ordered(f["date_start"], f["date_end"]), column="date_end",
                         error="date_end is before date_start", fix="correct the dates")],
    "actors": [_check(lambda f: (_has(f, "paragraph") == _has(f, "anchor"))
                      & (_has(f, "paragraph") | _has(f, "source_note")), column="paragraph",
                      error="give paragraph and anchor together; a row without them needs a "
                            "source_note citing the page that names the actor",
                      fix="fill in paragraph and anchor (an article's actor) or source_note (a "
                          "corpus speaker)")],
    "statements": [
        _check(lambda f: f["mode"].isin(VERBATIM_MODES) == (f["text_kind"] == "verbatim"),
               column="text_kind", error="does not fit mode (verbatim for direct_quote and "
               "characterisation, paraphrase otherwise)", fix="set text_kind to match mode"),
        _check(lambda f: (f["attribution"] != "implied") | _has(f, "note"), column="note",
               error="an implied attribution needs a note saying how far the source attributes it",
               fix="explain the attribution in note")],
    "events": [
        _check(lambda f: _has(f, "value") == _has(f, "unit"), column="unit",
               error="value and unit must be given together", fix="fill in both or neither"),
        _check(lambda f: ~_has(f, "qualifier") | _has(f, "value"), column="qualifier",
               error="a qualifier needs a value", fix="give the value or drop the qualifier")],
    "statement_responses": [_check(lambda f: f["response_id"] != f["answers_id"],
                                   column="answers_id", error="a statement cannot answer itself",
                                   fix="name the statement it answers")],
    "corpus_exclusions": [_check(lambda f: ~((f["stage"] == "review")
                                             & f["reason"].isin(LINKED_REASONS))
                                 | _has(f, "linked_id"), column="linked_id",
                                 error="a duplicate or article quotation dropped in review must "
                                       "name the row it repeats",
                                 fix="give the kept row's id in linked_id")],
}


# --- the schemas, built from the descriptor ---------------------------------------------

_DTYPES = {"string": str, "date": str, "integer": "Int64", "number": "Float64"}


def build_schema(resource: dict) -> pa.DataFrameSchema:
    """The pandera schema of one resource of data/tables.yaml: a column per field with its type
    (integer and number coerced from the CSV's text; a date stays text and must be a calendar
    date), ``required`` as not nullable, ``unique``, ``enum``, ``pattern`` (the whole cell) and
    ``minimum`` as checks, plus CELL_RULES by column name; ROW_RULES (and the date rules when
    the table has dated rows) as DataFrame checks; a composite primaryKey as unique together."""
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
    key = resource["schema"].get("primaryKey")
    dated = "date_precision" in columns
    return pa.DataFrameSchema(columns, checks=ROW_RULES.get(resource["name"], [])
                              + (DATE_ROW_RULES if dated else []),
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


# --- reporting ----------------------------------------------------------------------------

MAX_REPORTED = 20


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one cell (or row, or file)."""
    file: Path | str
    problem: str
    row: object = None
    column: str | None = None
    fix: str | None = None

    def error(self) -> InputError:
        return InputError(self.file, self.problem, row=self.row, column=self.column, fix=self.fix)


def raise_problems(problems: Sequence[Problem]) -> None:
    """Raise one InputError: the first problem in the standard one-line form, then the others,
    one per line (at most MAX_REPORTED). Does nothing when there are none."""
    if not problems:
        return
    error = problems[0].error()
    if len(problems) > 1:
        others = [f"  {p.error()}" for p in problems[1:MAX_REPORTED]]
        if len(problems) > MAX_REPORTED:
            others.append(f"  ... and {len(problems) - MAX_REPORTED} more")
        error.args = (f"{error}\n{len(problems) - 1} more problem(s):\n" + "\n".join(others),)
    raise error


RowNamer = Callable[[int], str]


def describe(value: object) -> str:
    return "empty" if value is None or (not isinstance(value, str) and pd.isna(value)) \
        else repr(value)


def _problems_from_failures(schema: pa.DataFrameSchema, failures: pd.DataFrame, file: Path,
                            row_name: RowNamer) -> list[Problem]:
    """Turn pandera's failure cases into one Problem per (row, column), in file order; when a
    cell fails several checks, the most basic (type, then required/unique, then value) wins."""
    found: dict[tuple, tuple[int, tuple, Problem]] = {}
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
            found[position, column] = (rank, order, Problem(
                file, problem, row=row_name(position) if position >= 0 else None, column=column,
                fix=fix))
    return [problem for _, _, problem in sorted(found.values(), key=lambda item: item[1])]


def validate_table(spec: TableSpec, frame: pd.DataFrame, file: Path, row_name: RowNamer,
                   problems: Sequence[Problem] = ()) -> pd.DataFrame:
    """Validate one table (string cells in, typed frame out) or raise one InputError listing
    ``problems`` found before (e.g. by the reader) and those of the schema."""
    try:
        typed = spec.schema.validate(frame, lazy=True)
    except SchemaErrors as errors:
        problems = [*problems, *_problems_from_failures(spec.schema, errors.failure_cases, file,
                                                        row_name)]
        typed = None
    raise_problems(problems)
    return typed


# --- rules across tables ------------------------------------------------------------------

@dataclass(frozen=True)
class Located:
    """A validated frame with where it came from, for messages."""
    frame: pd.DataFrame
    file: Path
    row_name: RowNamer


def _rows(located: Located):
    for position, row in enumerate(located.frame.to_dict("records")):
        yield located.row_name(position), row


def check_references(tables: Mapping[str, Located]) -> list[Problem]:
    """Every ``foreignKeys`` entry of data/tables.yaml: each value points at an existing row
    (``delimiter``: the cell is a list; ``when``: only rows with those values)."""
    problems = []
    for spec in TABLE_SPECS:
        for key in spec.resource["schema"].get("foreignKeys", []):
            column, target = key["fields"], key["reference"]
            known = set(tables[target["resource"]].frame[target["fields"]])
            source, target_file = tables[spec.name], tables[target["resource"]].file.name
            for name, row in _rows(source):
                if any(row[c] != v for c, v in key.get("when", {}).items()) \
                        or not isinstance(row[column], str):
                    continue
                values = row[column].split(key["delimiter"]) if "delimiter" in key else [row[column]]
                for value in values:
                    if value not in known:
                        problems.append(Problem(
                            source.file, f"no row of {target_file} has {target['fields']} "
                            f"{value!r}", row=name, column=column,
                            fix=f"use an existing {target['fields']} or add the row to "
                                f"{target_file}"))
    return problems


def check_paragraphs_in_range(tables: Mapping[str, Located]) -> list[Problem]:
    """A row of an article has a paragraph in 1..sources.paragraph_count; a row of a corpus
    has none (it cites its page instead)."""
    sources = tables["sources"].frame.set_index("source_id")
    problems = []
    for located in tables.values():
        if "paragraph" not in located.frame or "source_id" not in located.frame:
            continue
        for name, row in _rows(located):
            if row["source_id"] not in sources.index:
                continue  # reported by check_references
            paragraph, (count, kind) = row["paragraph"], \
                sources.loc[row["source_id"], ["paragraph_count", "kind"]]
            if kind == "article" and (pd.isna(paragraph) or not pd.isna(count)
                                      and not 1 <= paragraph <= count):
                problem = f"paragraph {describe(paragraph)} is outside 1..{count} of source " \
                          f"{row['source_id']}"
            elif kind != "article" and not pd.isna(paragraph):
                problem = f"source {row['source_id']} is a {kind}: it has no paragraphs"
            else:
                continue
            problems.append(Problem(located.file, problem, row=name, column="paragraph",
                                    fix="count paragraphs as data/README.md describes; a corpus "
                                        "row cites its page in source_note"))
    return problems


def check_corpus_against_protocol(tables: Mapping[str, Located]) -> list[Problem]:
    """Corpus statements fall in their conflict's period (CORPUS_PERIODS) and not after their
    page was read; no query keeps more rows than its log says; every linked_id of an exclusion
    names an existing row."""
    statements, log, exclusions = (tables[n] for n in ("corpus_statements", "corpus_search_log",
                                                       "corpus_exclusions"))
    problems = []
    for name, row in _rows(statements):
        first, last = CORPUS_PERIODS.get(row["conflict_id"], (None, None))
        last = min(filter(None, (last, row["date_read"])), default=None)
        earliest = row["date_earliest"] if isinstance(row["date_earliest"], str) else None
        latest = row["date_latest"] if isinstance(row["date_latest"], str) else earliest
        if earliest and (first and latest < first or last and earliest > last):
            problems.append(Problem(statements.file, f"dated {row['date_earliest']}.."
                                    f"{row['date_latest']}, outside {row['conflict_id']}'s period "
                                    f"{first}..{last or 'read'}", row=name, column="date_earliest",
                                    fix="check the date; a statement outside the period goes to "
                                        "corpus_exclusions.csv as outside_period"))
    kept = statements.frame["query_id"].value_counts()
    problems += [Problem(log.file, f"{kept[row['query_id']]} corpus statements cite this query, "
                         f"which kept {row['rows_kept']}", row=name, column="rows_kept",
                         fix="correct rows_kept or the statements' query_id")
                 for name, row in _rows(log) if kept.get(row["query_id"], 0) > row["rows_kept"]]
    known = set(statements.frame["statement_id"]) | set(tables["statements"].frame["statement_id"]) \
        | set(exclusions.frame["exclusion_id"])
    problems += [Problem(exclusions.file, f"no corpus statement, article statement or exclusion "
                         f"has id {row['linked_id']!r}", row=name, column="linked_id",
                         fix="give the id of the row it repeats")
                 for name, row in _rows(exclusions)
                 if isinstance(row["linked_id"], str) and row["linked_id"] not in known]
    return problems


def check_attribution_fits_actor(tables: Mapping[str, Located]) -> list[Problem]:
    """A statement attributed to a group names a group actor, and only then."""
    types = dict(zip(tables["actors"].frame["actor_id"], tables["actors"].frame["actor_type"]))
    statements = tables["statements"]
    return [Problem(statements.file, f"attribution {row['attribution']!r} does not fit actor "
                    f"{row['actor_id']!r} of type {types[row['actor_id']]!r}", row=name,
                    column="attribution", fix="use 'group' exactly when the actor is a group")
            for name, row in _rows(statements) if row["actor_id"] in types
            and (row["attribution"] == "group") != (types[row["actor_id"]] == "group")]


def check_claims_have_evidence(tables: Mapping[str, Located]) -> list[Problem]:
    """Every claim has evidence rows, or an evidence_note saying the source offers none."""
    with_evidence = set(tables["claim_evidence"].frame["claim_id"])
    claims = tables["claims"]
    return [Problem(claims.file, "no evidence rows in claim_evidence.csv and no evidence_note",
                    row=name, column="evidence_note",
                    fix="link the statements or events the claim rests on, or say in evidence_note "
                        "that the source offers none")
            for name, row in _rows(claims)
            if row["claim_id"] not in with_evidence and pd.isna(row["evidence_note"])]


def check_war_dates_match_events(tables: Mapping[str, Located]) -> list[Problem]:
    """A conflict's start and end dates equal its war_start and war_end events, both ways."""
    events, conflicts = tables["events"].frame, tables["conflicts"]
    problems = []
    for name, row in _rows(conflicts):
        for column, event_type in (("date_start", "war_start"), ("date_end", "war_end")):
            matching = events[(events["conflict_id"] == row["conflict_id"])
                              & (events["event_type"] == event_type)]
            dates = set(matching["date_earliest"].dropna()) | set(matching["date_latest"].dropna())
            date = row[column] if isinstance(row[column], str) else None
            if (date is None and not matching.empty) or (date is not None and dates != {date}):
                problems.append(Problem(
                    conflicts.file, f"{column} {date or 'empty'} does not match the {event_type} "
                    f"event(s) in events.csv ({', '.join(sorted(dates)) or 'none'})", row=name,
                    column=column, fix=f"make {column} and the {event_type} event's dates the same"))
    return problems


def check_responses_not_before_answers(tables: Mapping[str, Located]) -> list[Problem]:
    """A response cannot be dated entirely before the statement it answers."""
    dates = tables["statements"].frame.set_index("statement_id")
    responses = tables["statement_responses"]
    problems = []
    for name, row in _rows(responses):
        if row["response_id"] in dates.index and row["answers_id"] in dates.index:
            latest = dates.at[row["response_id"], "date_latest"]
            earliest = dates.at[row["answers_id"], "date_earliest"]
            if isinstance(latest, str) and isinstance(earliest, str) and latest < earliest:
                problems.append(Problem(
                    responses.file, f"{row['response_id']} (latest {latest}) is dated before "
                    f"{row['answers_id']} (earliest {earliest}), which it answers", row=name,
                    column="response_id", fix="check the link or the statements' dates"))
    return problems


CROSS_TABLE_CHECKS = (check_references, check_paragraphs_in_range, check_attribution_fits_actor,
                      check_claims_have_evidence, check_war_dates_match_events,
                      check_responses_not_before_answers, check_corpus_against_protocol)


def check_across_tables(tables: Mapping[str, Located]) -> None:
    """Run every rule that needs two tables; raise one InputError listing what is wrong."""
    raise_problems([problem for check in CROSS_TABLE_CHECKS for problem in check(tables)])
