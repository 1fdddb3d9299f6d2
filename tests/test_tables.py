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


def test_empty_cells_are_missing_not_empty_strings(made_up_source):
    tables, _ = made_up_source
    tables.set("conflicts.csv", "lamp_dispute", "note", "   ")
    loaded = load_tables(tables.input_dir)
    dispute = loaded.conflicts.set_index("conflict_id").loc["lamp_dispute"]
    assert pd.isna(dispute["date_end"]) and pd.isna(dispute["note"])
    assert not any((loaded.frame(spec.name) == "").any().any() for spec in TABLE_SPECS)


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


# --- what the loaded tables hold (on the made-up source of conftest.py) -----------------------

def test_values_keep_units_and_qualifiers(made_up_source):
    tables, _ = made_up_source
    events = load_tables(tables.input_dir).events.set_index("event_id")
    assert (events.at["ev01", "value"], events.at["ev01", "unit"],
            events.at["ev01", "qualifier"]) == (40, "percent", "almost")
    tables.set("events.csv", "ev01", "qualifier", "")
    tables.set("events.csv", "ev01", "value", "12.5")
    events = load_tables(tables.input_dir).events.set_index("event_id")
    assert events.at["ev01", "value"] == 12.5 and pd.isna(events.at["ev01", "qualifier"])


def test_one_response_may_answer_several_statements(made_up_source):
    tables, _ = made_up_source
    tables.add_row("statement_responses.csv", {"response_id": "st02", "answers_id": "st03"})
    links = load_tables(tables.input_dir).statement_responses
    assert set(zip(links["response_id"], links["answers_id"])) == {("st02", "st01"),
                                                                   ("st02", "st03")}


def test_find_row_and_cite_work_for_any_table_with_ids(made_up_source):
    tables, _ = made_up_source
    loaded = load_tables(tables.input_dir)
    assert loaded.find_row("ev01")[0] == "events"
    assert loaded.cite("cl01") == ('Test Author Who Does Not Exist, "Invented Example: Lighthouse '
                                   'Lamps as Diplomacy", para. 2 (claims.csv, cl01)')
