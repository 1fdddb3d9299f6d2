"""Loading: one call gives every table, typed and frozen; messy-but-valid files load the
same; unreadable files stop with one message. Plus the facts the analysis relies on."""

from __future__ import annotations

import csv
import dataclasses

import pandas as pd
import pytest

from dronediplomacy.errors import InputError
from dronediplomacy.inputs.schemas import TABLE_SPECS
from dronediplomacy.inputs.tables import Tables, load_tables


@pytest.fixture(scope="module")
def tables() -> Tables:
    return load_tables()


def test_load_tables_returns_every_table_with_its_schema_columns(tables):
    for spec in TABLE_SPECS:
        frame = tables.frame(spec.name)
        assert list(frame.columns) == list(spec.schema.columns), spec.name
        assert len(frame) > 0, spec.name
    assert tables.statements["paragraph"].dtype == "Int64"
    assert tables.events["value"].dtype == "Float64"
    assert list(tables.summary()["table"]) == [spec.name for spec in TABLE_SPECS]


def test_bundle_is_frozen(tables):
    with pytest.raises(dataclasses.FrozenInstanceError):
        tables.statements = tables.statements.head(1)


def test_empty_cells_are_missing_not_empty_strings(tables):
    ukraine = tables.conflicts.set_index("conflict_id").loc["ukr2022"]
    assert pd.isna(ukraine["date_end"])
    assert not (tables.statements == "").any().any()


def _rewrite_messily(path):
    """Same cells, but with a BOM, CRLF line endings and spaces around every cell."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(
            [[f"  {cell} \t" if cell else " " for cell in row] for row in rows])


def test_bom_crlf_and_surrounding_whitespace_give_identical_frames(tables, input_tables_copy):
    for spec in TABLE_SPECS:
        _rewrite_messily(input_tables_copy.input_dir / spec.file)
    messy = load_tables(input_tables_copy.input_dir)
    assert (input_tables_copy.input_dir / "sources.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    for spec in TABLE_SPECS:
        pd.testing.assert_frame_equal(messy.frame(spec.name), tables.frame(spec.name))


def test_non_utf8_bytes_name_the_file_and_line(input_tables_copy):
    path = input_tables_copy.input_dir / "actors.csv"
    lines = path.read_bytes().split(b"\n")
    lines[2] = lines[2] + "é".encode("latin-1")
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(InputError) as caught:
        load_tables(input_tables_copy.input_dir)
    assert caught.value.file == "actors.csv"
    assert str(caught.value.row).endswith("(line 3)")   # the row's id, then its line
    assert caught.value.column == "source_note"            # the last cell of the line
    assert "UTF-8" in str(caught.value)


def test_missing_column_is_named(input_tables_copy):
    input_tables_copy.rename_column("events.csv", "qualifier", "hedge")
    with pytest.raises(InputError) as caught:
        load_tables(input_tables_copy.input_dir)
    assert (caught.value.file, caught.value.column) == ("events.csv", "qualifier")
    assert "missing required column" in str(caught.value)


def test_unknown_extra_column_is_named(input_tables_copy):
    path = input_tables_copy.input_dir / "claims.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(
            [rows[0] + ["strength"]] + [row + ["high"] for row in rows[1:]])
    with pytest.raises(InputError) as caught:
        load_tables(input_tables_copy.input_dir)
    assert (caught.value.file, caught.value.column) == ("claims.csv", "strength")
    assert "unknown column" in str(caught.value)


def test_row_with_too_many_cells_names_its_line(input_tables_copy):
    path = input_tables_copy.input_dir / "claim_evidence.csv"
    path.write_text(path.read_text(encoding="utf-8") + "cl01,statement,st01,extra\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_tables(input_tables_copy.input_dir)
    line_count = len(path.read_text(encoding="utf-8").splitlines())
    assert caught.value.row == line_count


def test_cite_gives_author_title_paragraph_file_and_row(tables):
    source = tables.sources.iloc[0]
    statement = tables.statements.iloc[0]
    citation = tables.cite(statement["statement_id"])
    assert citation.startswith(f'{source["author"]}, "{source["title"]}"')
    assert citation.endswith(f'para. {statement["paragraph"]} (statements.csv, '
                             f'{statement["statement_id"]})')
    with pytest.raises(KeyError):
        tables.cite("no-such-row")


# --- the facts the analysis relies on -------------------------------------------

def test_the_six_direct_quotations_are_attributed_as_the_article_does(tables):
    quotes = tables.statements[tables.statements["mode"] == "direct_quote"]
    assert set(zip(quotes["statement_id"], quotes["actor_id"])) == {
        ("st01", "erdogan"), ("st02", "erdogan"), ("st04", "az_state_newspaper"),
        ("st09", "kiran"), ("st10", "cavusoglu"), ("st11", "yerkhov")}
    assert (quotes["text_kind"] == "verbatim").all()


def test_sunni_ring_is_attributed_only_as_far_as_the_article_does(tables):
    row = tables.statements.set_index("statement_id").loc["st15"]
    assert (row["mode"], row["attribution"], row["text"]) == ("characterisation", "implied",
                                                              "Sunni ring")
    assert isinstance(row["note"], str) and "without saying who" in row["note"]


def test_responses_link_each_answer_to_what_it_answers(tables):
    links = set(zip(tables.statement_responses["response_id"],
                    tables.statement_responses["answers_id"]))
    assert links == {("st04", "st02"), ("st11", "st09"), ("st11", "st10"),
                     ("st12", "st08"), ("st12", "st09"), ("st12", "st10")}


def test_values_keep_units_and_qualifiers(tables):
    events = tables.events.set_index("event_id")
    assert (events.at["ev02", "value"], events.at["ev02", "unit"],
            events.at["ev02", "qualifier"]) == (80, "percent", "almost")
    assert (events.at["ev04", "value"], events.at["ev04", "unit"]) == (350, "million USD")
    assert pd.isna(events.at["ev04", "qualifier"])


def test_outside_facts_carry_a_citation(tables):
    dated = tables.conflicts[tables.conflicts["date_start"].notna()]
    assert dated["source_note"].notna().all()
    wars = tables.events[tables.events["event_type"].isin(["war_start", "war_end"])]
    assert wars["source_note"].notna().all()
    # the article says nothing about who owns a firm: any ownership we record is cited
    firms = tables.actors[tables.actors["relation_to_turkish_state"] == "state-owned enterprise"]
    assert firms["source_note"].notna().all()


def test_every_conflict_has_its_own_statements(tables):
    counts = tables.statements["conflict_id"].value_counts()
    assert set(counts.index) == set(tables.conflicts["conflict_id"])
