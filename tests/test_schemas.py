"""Validation: each kind of bad input stops loading with one message that names the file,
the row and the column, and says how to fix it; never a pandera traceback."""

from __future__ import annotations

import pytest

from dronediplomacy.errors import InputError
from dronediplomacy.inputs.schemas import (TABLE_SPECS, date_precision_problem, free_text_columns,
                                    sections_problem)
from dronediplomacy.inputs.tables import load_tables


def _load_error(folder) -> InputError:
    with pytest.raises(InputError) as caught:
        load_tables(folder)
    return caught.value


# (what, edit(tables), file, row id or line, column)
BREAKAGES = [
    ("duplicate id", lambda t: t.set("statements.csv", "st03", "statement_id", "st02"),
     "statements.csv", "st02", "statement_id"),
    ("dangling reference", lambda t: t.set("statements.csv", "st01", "actor_id", "nobody"),
     "statements.csv", "st01", "actor_id"),
    ("unknown conflict", lambda t: t.set("events.csv", "ev01", "conflict_id", "atlantis"),
     "events.csv", "ev01", "conflict_id"),
    ("unknown code value", lambda t: t.set("statements.csv", "st06", "mode", "stance"),
     "statements.csv", "st06", "mode"),
    ("malformed date", lambda t: t.set("events.csv", "ev03", "date_earliest", "24/02/2026"),
     "events.csv", "ev03", "date_earliest"),
    ("impossible date", lambda t: t.set("conflicts.csv", "nk2020", "date_end", "2020-11-31"),
     "conflicts.csv", "nk2020", "date_end"),
    ("dates out of order", lambda t: t.set("statements.csv", "st01", "date_latest", "2020-01-01"),
     "statements.csv", "st01", "date_latest"),
    ("precision does not fit", lambda t: t.set("events.csv", "ev04", "date_precision", "day"),
     "events.csv", "ev04", "date_precision"),
    ("paragraph beyond the source", lambda t: t.set("claims.csv", "cl01", "paragraph", "14"),
     "claims.csv", "cl01", "paragraph"),
    ("paragraph not a number", lambda t: t.set("actors.csv", "kiran", "paragraph", "six"),
     "actors.csv", "kiran", "paragraph"),
    ("anchor too long", lambda t: t.set("claims.csv", "cl02", "anchor",
                                        "one two three four five six seven eight nine"),
     "claims.csv", "cl02", "anchor"),
    ("empty required cell", lambda t: t.set("events.csv", "ev05", "description", "  "),
     "events.csv", "ev05", "description"),
    ("paraphrase marked verbatim", lambda t: t.set("statements.csv", "st03", "text_kind", "verbatim"),
     "statements.csv", "st03", "text_kind"),
    ("implied attribution without note", lambda t: t.set("statements.csv", "st15", "note", ""),
     "statements.csv", "st15", "note"),
    ("group attribution to a person", lambda t: t.set("statements.csv", "st08", "actor_id", "kiran"),
     "statements.csv", "st08", "attribution"),
    ("value without unit", lambda t: t.set("events.csv", "ev02", "unit", ""),
     "events.csv", "ev02", "unit"),
    ("qualifier without value", lambda t: t.set("events.csv", "ev01", "qualifier", "almost"),
     "events.csv", "ev01", "qualifier"),
    ("bad source id pattern", lambda t: t.set("claims.csv", "cl01", "claim_id", "claim-1"),
     "claims.csv", "claim-1", "claim_id"),
    ("sections leave a gap", lambda t: t.set("sources.csv", t.get("sources.csv", _first_source(t),
                                                                   "source_id"),
                                             "sections", "introduction:1;background:3-13"),
     "sources.csv", None, "sections"),
    ("claim with neither evidence nor note", lambda t: t.set("claims.csv", "cl19", "evidence_note", ""),
     "claims.csv", "cl19", "evidence_note"),
    ("statement answers itself", lambda t: t.add_row("statement_responses.csv",
                                                     {"response_id": "st05", "answers_id": "st05"}),
     "statement_responses.csv", "line", "answers_id"),
    ("evidence of the wrong type", lambda t: t.add_row("claim_evidence.csv",
                                                       {"claim_id": "cl01", "evidence_type": "event",
                                                        "evidence_id": "st01"}),
     "claim_evidence.csv", "line", "evidence_id"),
    ("war date differs from its event", lambda t: t.set("conflicts.csv", "ukr2022", "date_start",
                                                        "2022-02-25"),
     "conflicts.csv", "ukr2022", "date_start"),
    ("response dated before what it answers",
     lambda t: (t.set("statements.csv", "st04", "date_earliest", "2019-01-01"),
                t.set("statements.csv", "st04", "date_latest", "2019-12-31"),
                t.set("statements.csv", "st04", "date_precision", "year")),
     "statement_responses.csv", "line", "response_id"),
]


def _first_source(tables) -> str:
    import csv
    with open(tables.input_dir / "sources.csv", encoding="utf-8", newline="") as handle:
        return next(csv.DictReader(handle))["source_id"]


@pytest.mark.parametrize("what, edit, file, row, column", BREAKAGES,
                         ids=[case[0] for case in BREAKAGES])
def test_bad_input_gives_one_message_naming_file_row_and_column(input_tables_copy, what, edit,
                                                                file, row, column):
    edit(input_tables_copy)
    error = _load_error(input_tables_copy.input_dir)
    assert error.file == file
    assert error.column == column
    if row is not None:
        assert str(error.row).startswith(row), error
    first_line = str(error).splitlines()[0]
    assert first_line.startswith(f"{file}, row ")
    assert f"column {column}:" in first_line and " Fix: " in first_line
    for pandera_noise in ("SchemaError", "failure_cases", "Traceback", "pandera"):
        assert pandera_noise not in str(error)
    # no chained pandera exception in the traceback either
    assert error.__cause__ is None and (error.__context__ is None or error.__suppress_context__)


def test_several_problems_are_listed_one_per_line(input_tables_copy):
    input_tables_copy.set("statements.csv", "st06", "mode", "stance")
    input_tables_copy.set("statements.csv", "st07", "attribution", "rumoured")
    message = str(_load_error(input_tables_copy.input_dir))
    lines = message.splitlines()
    assert lines[0].startswith("statements.csv, row st06 (line 7), column mode:")
    assert lines[1] == "1 more problem(s):"
    assert lines[2].strip().startswith("statements.csv, row st07 (line 8), column attribution:")


def test_every_column_has_a_meaning():
    for spec in TABLE_SPECS:
        assert spec.schema.description, spec.name
        for name, column in spec.schema.columns.items():
            assert column.description and len(column.description) > 10, (spec.name, name)


def test_free_text_columns_are_ours_and_exclude_copied_fields():
    by_table = {spec.name: free_text_columns(spec) for spec in TABLE_SPECS}
    assert {"text", "note", "date_derivation"} <= set(by_table["statements"])
    assert "description" in by_table["events"] and "text" in by_table["claims"]
    assert "posture_description" in by_table["conflicts"]
    # copied from the source on purpose: titles, names and anchors are not our prose
    assert "title" not in by_table["sources"] and "name" not in by_table["actors"]
    assert not any("anchor" in columns for columns in by_table.values())


@pytest.mark.parametrize("precision, earliest, latest, ok", [
    ("day", "2020-09-27", "2020-09-27", True),
    ("day", "2020-09-27", "2020-09-28", False),
    ("month", "2024-02-01", "2024-02-29", True),   # leap year
    ("month", "2026-02-01", "2026-02-28", True),
    ("month", "2026-02-01", "2026-02-27", False),
    ("year", "2014-01-01", "2014-12-31", True),
    ("year", "2014-01-01", "2015-12-31", False),
    ("interval", None, "2020-11-10", True),
    ("interval", None, None, False),
    ("unknown", None, None, True),
    ("unknown", "2020-01-01", None, False),
])
def test_date_precision_must_fit_the_interval(precision, earliest, latest, ok):
    assert (date_precision_problem(precision, earliest, latest) is None) is ok


@pytest.mark.parametrize("sections, count, ok", [
    ("introduction:1;background:2-8;implications:9-11;conclusion:12-13", 13, True),
    ("a:1;b:2-3", 3, True),
    ("a:1;b:3-4", 4, False),     # gap
    ("a:1-2;b:2-3", 3, False),   # overlap
    ("a:1;b:2-3", 4, False),     # short of the count
])
def test_sections_cover_every_paragraph_once(sections, count, ok):
    assert (sections_problem(sections, count) is None) is ok
