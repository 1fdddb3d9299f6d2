"""Validation: each kind of bad input stops loading with one message that names the file,
the row and the column, and says how to fix it; never a pandera traceback. Every case breaks
the made-up source of conftest.py (tmp_path), never today's data."""

from __future__ import annotations

import pandas as pd
import pytest

from dronediplomacy.errors import InputError
from dronediplomacy.inputs.schemas import (TABLE_SPECS, free_text_columns, precision_fits,
                                           row_rule, sections_cover)
from dronediplomacy.inputs.tables import load_tables


def _load_error(folder) -> InputError:
    with pytest.raises(InputError) as caught:
        load_tables(folder)
    return caught.value


def _set_all(tables, file, row, **values):
    for column, value in values.items():
        tables.set(file, row, column, value)


# (what, edit(tables), file, row id or line, column)
BREAKAGES = [
    ("duplicate id", lambda t: t.set("statements.csv", "st03", "statement_id", "st02"),
     "statements.csv", "st02", "statement_id"),
    ("dangling reference", lambda t: t.set("statements.csv", "st01", "actor_id", "nobody"),
     "statements.csv", "st01", "actor_id"),
    ("unknown conflict", lambda t: t.set("events.csv", "ev01", "conflict_id", "atlantis"),
     "events.csv", "ev01", "conflict_id"),
    ("unknown code value", lambda t: t.set("statements.csv", "st02", "mode", "stance"),
     "statements.csv", "st02", "mode"),
    ("malformed date", lambda t: t.set("events.csv", "ev01", "date_earliest", "24/02/2031"),
     "events.csv", "ev01", "date_earliest"),
    ("impossible date", lambda t: t.set("events.csv", "ev01", "date_latest", "2031-11-31"),
     "events.csv", "ev01", "date_latest"),
    ("dates out of order", lambda t: _set_all(t, "statements.csv", "st01", date_earliest="2031-02-01",
                                              date_latest="2031-01-01", date_precision="interval"),
     "statements.csv", "st01", "date_latest"),
    ("precision does not fit", lambda t: t.set("events.csv", "ev01", "date_precision", "day"),
     "events.csv", "ev01", "date_precision"),
    ("paragraph beyond the source", lambda t: t.set("claims.csv", "cl01", "paragraph", "14"),
     "claims.csv", "cl01", "paragraph"),
    ("paragraph not a number", lambda t: t.set("actors.csv", "rival_fleet", "paragraph", "six"),
     "actors.csv", "rival_fleet", "paragraph"),
    ("anchor too long", lambda t: t.set("claims.csv", "cl01", "anchor",
                                        "one two three four five six seven eight nine"),
     "claims.csv", "cl01", "anchor"),
    ("empty required cell", lambda t: t.set("events.csv", "ev01", "description", "  "),
     "events.csv", "ev01", "description"),
    ("paraphrase marked verbatim", lambda t: t.set("statements.csv", "st03", "text_kind", "verbatim"),
     "statements.csv", "st03", "text_kind"),
    ("implied attribution without note", lambda t: t.set("statements.csv", "st03", "attribution",
                                                         "implied"),
     "statements.csv", "st03", "note"),
    ("group attribution to a person", lambda t: t.set("statements.csv", "st01", "attribution",
                                                      "group"),
     "statements.csv", "st01", "attribution"),
    ("value without unit", lambda t: t.set("events.csv", "ev01", "unit", ""),
     "events.csv", "ev01", "unit"),
    ("qualifier without value", lambda t: _set_all(t, "events.csv", "ev01", value="", unit=""),
     "events.csv", "ev01", "qualifier"),
    ("bad id pattern", lambda t: t.set("claims.csv", "cl01", "claim_id", "claim-1"),
     "claims.csv", "claim-1", "claim_id"),
    ("sections leave a gap", lambda t: t.set("sources.csv", "madeup-lamps", "sections",
                                             "opening:1;body:3-3"),
     "sources.csv", "madeup-lamps", "sections"),
    ("claim with neither evidence nor note", lambda t: t.drop_rows("claim_evidence.csv",
                                                                   lambda row: False),
     "claims.csv", "cl01", "evidence_note"),
    ("statement answers itself", lambda t: t.add_row("statement_responses.csv",
                                                     {"response_id": "st01", "answers_id": "st01"}),
     "statement_responses.csv", "line", "answers_id"),
    ("evidence of the wrong type", lambda t: t.add_row("claim_evidence.csv",
                                                       {"claim_id": "cl01", "evidence_type": "event",
                                                        "evidence_id": "st01"}),
     "claim_evidence.csv", "line", "evidence_id"),
    ("war date differs from its event", lambda t: t.add_row("events.csv", dict(
        event_id="ev02", source_id="madeup-lamps", conflict_id="lamp_dispute", event_type="war_start",
        description="The dispute began.", date_earliest="2031-02-25", date_latest="2031-02-25",
        date_precision="day", date_derivation="Invented.", paragraph="3",
        anchor="shipped almost 40% of its")),
     "conflicts.csv", "lamp_dispute", "date_start"),
    ("response dated before what it answers",
     lambda t: (_set_all(t, "statements.csv", "st01", date_earliest="2031-01-01",
                         date_latest="2031-12-31", date_precision="year"),
                _set_all(t, "statements.csv", "st02", date_earliest="2030-01-01",
                         date_latest="2030-12-31", date_precision="year")),
     "statement_responses.csv", "line", "response_id"),
    ("no-break space in a quotation", lambda t: t.set("statements.csv", "st02", "text",
                                                      "Your lamps\u00a0blind our sailors."),
     "statements.csv", "st02", "text"),
    ("zero-width space in a name", lambda t: t.set("actors.csv", "rival_fleet", "name",
                                                   "Imaginary\u200b rival fleet"),
     "actors.csv", "rival_fleet", "name"),
]


@pytest.mark.parametrize("what, edit, file, row, column", BREAKAGES,
                         ids=[case[0] for case in BREAKAGES])
def test_bad_input_gives_one_message_naming_file_row_and_column(made_up_source, what, edit,
                                                                file, row, column):
    tables, _ = made_up_source
    load_tables(tables.input_dir)  # valid before the edit
    edit(tables)
    error = _load_error(tables.input_dir)
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


def test_several_problems_are_listed_one_per_line_in_file_order(made_up_source):
    tables, _ = made_up_source
    tables.set("statements.csv", "st03", "mode", "stance")
    tables.set("statements.csv", "st02", "attribution", "rumoured")
    lines = str(_load_error(tables.input_dir)).splitlines()
    assert lines[0].startswith("statements.csv, row st02 (line 3), column attribution:")
    assert lines[1] == "1 more problem(s):"
    assert lines[2].strip().startswith("statements.csv, row st03 (line 4), column mode:")


@pytest.mark.parametrize("cell, name", [("a\u00a0b", "NO-BREAK SPACE"),
                                        ("a\u200bb", "ZERO WIDTH SPACE"),
                                        ("Cafe\u0301", "COMBINING ACUTE ACCENT"),
                                        ("a\u00adb", "SOFT HYPHEN")])
def test_a_non_canonical_cell_is_reported_with_the_characters_name(made_up_source, cell, name):
    tables, _ = made_up_source
    tables.set("statements.csv", "st03", "note", cell)
    error = _load_error(tables.input_dir)
    assert (error.file, error.column) == ("statements.csv", "note")
    assert str(error.row).startswith("st03") and name in error.problem and error.fix


def test_letters_with_their_own_marks_are_canonical(made_up_source):
    """Composed letters, and marks that compose with nothing (Arabic vowel signs), are fine."""
    tables, _ = made_up_source
    tables.set("statements.csv", "st03", "note", "Erdo\u011fan, T\u00fcrkiye, \u0628\u064e")
    load_tables(tables.input_dir)


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
    ("day", "2020-13-01", "2020-09-27", True),   # malformed: left to the column's date check
])
def test_date_precision_must_fit_the_interval(precision, earliest, latest, ok):
    assert precision_fits(precision, earliest, latest) is ok


@pytest.mark.parametrize("sections, count, ok", [
    ("introduction:1;background:2-8;implications:9-11;conclusion:12-13", 13, True),
    ("a:1;b:2-3", 3, True),
    ("a:1;b:3-4", 4, False),     # gap
    ("a:1-2;b:2-3", 3, False),   # overlap
    ("a:1;b:2-3", 4, False),     # short of the count
])
def test_sections_cover_every_paragraph_once(sections, count, ok):
    assert sections_cover(sections, count) is ok


def test_a_row_rule_of_the_descriptor_reads_as_its_comment_says():
    """`if` -> `then`; bothWays: only rows meeting `if` meet `then`; given, empty, allowed values."""
    frame = pd.DataFrame({"a": ["x", "x", "y", "y", None], "b": ["1", None, "1", None, "1"]})
    one_way = {"column": "b", "error": "e", "fix": "f",
               "require": [{"if": {"a": ["x"]}, "then": {"b": "given"}}]}
    both_ways = {**one_way, "require": [{**one_way["require"][0], "bothWays": True}]}
    always = {**one_way, "require": [{"then": {"a": "given"}},
                                     {"if": {"a": "empty"}, "then": {"b": "empty"}}]}
    assert row_rule(one_way)(frame).check_output.tolist() == [True, False, True, True, True]
    assert row_rule(both_ways)(frame).check_output.tolist() == [True, False, False, True, False]
    assert row_rule(always)(frame).check_output.tolist() == [True, True, True, True, False]
