"""The input tables' schemas, built from ``data/tables.yaml``, and the rules within a table a
descriptor cannot state: cell lengths (``CELL_RULES``), dates, sections and other row rules
(``ROW_RULES``). Their messages are in bad_inputs.yaml; rules across tables are in tables.py."""

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import pandas as pd
import pandera.pandas as pa
import yaml
from pandera.errors import SchemaErrors

from dronediplomacy.errors import InputError
from dronediplomacy.inputs.bad_inputs import MESSAGES, input_error
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


def _says(key: str, **values: object) -> dict:
    """A check's ``error`` (the problem) and ``description`` (the fix): MESSAGES[key], filled."""
    return {"error": MESSAGES[key]["problem"].format(**values),
            "description": MESSAGES[key]["fix"].format(**values)}


def _check(fn: Callable, key: str, *, column: str | None = None, element_wise: bool = False,
           **values: object) -> pa.Check:
    """A check saying MESSAGES[key]; a row rule keeps the column to blame in ``title``."""
    return pa.Check(fn, element_wise=element_wise, title=column, **_says(key, **values))


def is_calendar_date(value: object) -> bool:
    """Is ``value`` a YYYY-MM-DD string naming a day of the calendar?"""
    try:
        return isinstance(value, str) and len(value) == 10 and bool(dt.date.fromisoformat(value))
    except ValueError:
        return False


def precision_fits(precision: str, earliest: object, latest: object) -> bool:
    """Does ``precision`` fit the dates? day: earliest == latest; month: the first to the last
    day of one month; year: 1 January to 31 December; interval: at least one date; unknown:
    none. Missing dates are None or NaN; a malformed date fits (its column check reports it)."""
    given = [d for d in (earliest, latest) if isinstance(d, str)]
    if not all(map(is_calendar_date, given)):
        return True
    if precision in ("unknown", "interval"):
        return bool(given) == (precision == "interval")
    if len(given) < 2:
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
                     "anchor length", element_wise=True, least=ANCHOR_MIN_WORDS,
                     most=ANCHOR_MAX_WORDS),
    "excerpt": _check(lambda v: len(v.split()) <= MAX_EXCERPT_WORDS, "excerpt length",
                      element_wise=True, most=MAX_EXCERPT_WORDS),
}


def _rowwise(fn: Callable, *columns: str, skip_missing: bool = True) -> Callable:
    """A DataFrame check from a function of one row's cells; with ``skip_missing``, true where
    a cell is missing (the column checks report it)."""
    return lambda f: pd.Series([skip_missing and any(pd.isna(v) for v in row) or fn(*row)
                                for row in zip(*(f[c] for c in columns))], index=f.index, dtype=bool)


def _ordered(first: str, last: str) -> bool:
    return not (is_calendar_date(first) and is_calendar_date(last)) or first <= last


DATE_ROW_RULES = [
    _check(_rowwise(_ordered, "date_earliest", "date_latest"), "dates reversed",
           column="date_latest"),
    _check(_rowwise(precision_fits, "date_precision", "date_earliest", "date_latest",
                    skip_missing=False), "precision misfit", column="date_precision"),
]

ROW_RULES: dict[str, list[pa.Check]] = {
    "sources": [_check(_rowwise(sections_cover, "sections", "paragraph_count"),
                       "sections misfit", column="sections")],
    "conflicts": [_check(_rowwise(_ordered, "date_start", "date_end"), "war dates reversed",
                         column="date_end")],
    "statement_responses": [_check(lambda f: f["response_id"] != f["answers_id"],
                                   "answers itself", column="answers_id")],
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
    return pa.Check(check, error=rule["error"], description=rule["fix"], title=rule["column"])


# --- the schemas, built from the descriptor ---------------------------------------------

_DTYPES = {"string": str, "date": str, "integer": "Int64", "number": "Float64"}


def build_schema(resource: dict) -> pa.DataFrameSchema:
    """The pandera schema of a resource: each field typed (integer and number coerced from text, a date a
    YYYY-MM-DD string), its constraints and CELL_RULES as column checks, ROW_RULES, ``rowRules`` and
    (with date_precision) DATE_ROW_RULES as frame checks, a composite primaryKey unique together."""
    columns = {}
    for field in resource["schema"]["fields"]:
        rules, checks = field.get("constraints", {}), []
        if "enum" in rules:
            checks.append(pa.Check.isin(rules["enum"], **_says("not allowed",
                                                               values=" | ".join(rules["enum"]))))
        if "pattern" in rules:
            checks.append(pa.Check.str_matches(f"^(?:{rules['pattern']})$", **_says(
                "wrong form", example=field["example"], pattern=rules["pattern"])))
        if "minimum" in rules:
            checks.append(pa.Check.ge(rules["minimum"], **_says("too small", least=rules["minimum"])))
        if field["type"] == "date":
            checks.append(_check(is_calendar_date, "not a date", element_wise=True))
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


#: pandera's own checks -> (rank: of a cell's failures the lowest is reported, message key).
_BUILT_IN = {"multiple_fields_uniqueness": (1, "duplicate row"),
             "field_uniqueness": (1, "duplicate value"), "not_nullable": (1, "required cell empty")}


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
        position = -1 if case.index is None or pd.isna(case.index) else int(case.index)
        row = names[position] if position >= 0 else None
        if case.schema_context == "DataFrameSchema" and number is not None:
            rule = schema.checks[number]
            column, rank = rule.title, 3
            error = InputError(file, str(rule.error), row=row, column=column, fix=rule.description)
        elif check in _BUILT_IN:
            column = ",".join(schema.unique) if check == "multiple_fields_uniqueness" else column
            rank, key = _BUILT_IN[check]
            error = input_error(key, file, row=row, column=column, value=value)
        elif check.startswith(("coerce_dtype", "dtype(")):
            dtype = str(schema.columns[column].dtype)
            word = {"Int64": "whole number", "Float64": "number"}.get(dtype, dtype)
            rank, error = 0, input_error("wrong type", file, row=row, column=column, value=value,
                                         word=word)
        elif column is not None and number is not None:
            if value.startswith("'TypeError("):
                continue  # a follow-on of a failed type conversion, already reported
            rule = schema.columns[column].checks[number]
            rank, error = 2, InputError(file, f"{value} {rule.error}", row=row, column=column,
                                        fix=rule.description)
        else:  # anything pandera adds in future: still one readable line
            rank, error = 4, input_error("failed check", file, row=row, column=column,
                                         value=value, check=check)
        order = (position, columns.index(column) if column in columns else len(columns))
        if (position, column) not in found or found[position, column][0] > rank:
            found[position, column] = (rank, order, error)
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
