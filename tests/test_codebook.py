"""The codebook and the hand coding, loaded and validated: on a tiny codebook and hand
coding (tests/coding_fixture.py), each broken in one place."""

from __future__ import annotations

import pandas as pd
import pytest

from coding_fixture import write
from dronediplomacy.coding import codebook as cb
from dronediplomacy.coding import hand_coding
from dronediplomacy.errors import InputError


@pytest.fixture
def files(tmp_path):
    return write(tmp_path)


def mutated(path, old: str, new: str):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_codebook_tables_have_one_row_per_code(files):
    book = cb.load_codebook(files["codebook"])
    table = cb.codebook_table(book)
    assert len(table) == sum(len(d["codes"]) for d in book.dimensions)
    assert table["example"].str.endswith("(constructed)").all()
    assert table.loc[table["dimension"] == "alignment", "value"].tolist() == [-1, 0, 1]
    assert table.loc[table["dimension"] != "alignment", "value"].isna().all()
    assert list(cb.codes_of("named_agent", book).index) == book.code_ids("named_agent")
    assert len(cb.dimensions_table(book)) == len(book.dimensions)
    assert set(cb.references_table(book)["reference"]) == set(book.references)
    assert book.version in cb.how_to_cite(book)


def test_unknown_top_level_keys_are_kept_for_extensions(files):
    mutated(files["codebook"], "title:", "ownership_score:\n  weights: {a: 1}\ntitle:")
    assert cb.load_codebook(files["codebook"]).data["ownership_score"] == {"weights": {"a": 1}}


@pytest.mark.parametrize("old, new, column, problem", [
    ("version: 1.0.0\n", "version: 1.0.0\nversion: 1.0.1\n", "version", "duplicate key 'version'"),
    ("- id: named_agent\n", "- id: named_agent\n  kind: [single\n", None, "YAML error"),
    ("title: Tiny codebook", 'title: !!python/object/apply:os.system ["true"]', None, "YAML error"),
    ("    definition: The statement shows private_agency.\n", "", "definition", "private_agency"),
    ("An example of credit_claiming.\n      constructed: true",
     "An example of credit_claiming.\n      constructed: false", "example.constructed", "constructed"),
    ("An example of credit_claiming.\n", "An example of credit_claiming.\n      speaker: someone\n",
     "example.speaker", "attributed to nobody"),
    ("  - weaver1986\n  - hood2011\n", "  - weaver1986\n  - hood2011\n  - smith2024\n", "references",
     "smith2024"),
    ("    value: -1\n", "    value: 3\n", "codes", "increasing"),
    ("    value: -1\n", "", "value", "lacks 'value'"),
    ("    value: -1\n", "    value: -1.5\n", "value", "whole number"),
    ("  - derived\n", "  - derived\n  - hand\n", "coded_by", "not also coded"),
    ("  derived_from: The speaker's country.\n", "", "derived_from", "lacks 'derived_from'"),
    ("  why_not_coded_by_the_dictionary: It needs the answered text.\n", "",
     "why_not_coded_by_the_dictionary", "lacks 'why_not_coded_by_the_dictionary'"),
    ("  weaver1986:\n", "  weaver_1986:\n", "references.weaver1986", "lacks 'weaver1986'"),
    ("- id: speaker_side\n", "- id: stance\n", "id", "'stance' is used twice"),
])
def test_bad_codebook_is_rejected_naming_line_and_key(files, old, new, column, problem):
    mutated(files["codebook"], old, new)
    with pytest.raises(InputError, match=problem) as error:
        cb.load_codebook(files["codebook"])
    assert "codebook.yaml" in str(error.value) and error.value.row and error.value.fix
    if column:
        assert error.value.column == column


def test_a_whole_number_written_with_a_zero_fraction_is_read_as_that_number(files):
    # JSON Schema (draft 6 on) reads 3.0 as the integer 3; the codebook hands out an int.
    mutated(files["codebook"], "    value: -1\n", "    value: -1.0\n")
    values = cb.load_codebook(files["codebook"]).ordinal_values("alignment")
    assert min(values.values()) == -1 and all(type(v) is int for v in values.values())


def test_yaml_words_and_dates_stay_the_text_typed(files):
    # YAML 1.1 would read `no` as a boolean and 2019-03-01 as a date (issue 15).
    mutated(files["codebook"], "- id: bloc_threat_perception", "- id: no")
    mutated(files["codebook"], "    citation: Constructed reference weaver1986.\n",
            "    citation: Constructed reference weaver1986.\n    used_for: 2019-03-01\n")
    book = cb.load_codebook(files["codebook"])
    assert book.move_ids[-1] == "no"
    assert book.references["weaver1986"]["used_for"] == "2019-03-01"


@pytest.mark.parametrize("old, new, key", [
    ("    label: private agency\n", "    label: 12\n", "label"),
    ("- id: bloc_threat_perception", "- id: true", "id"),
    ("  short: weaver1986\n", "  short: 1.5\n", "short"),
])
def test_a_number_or_boolean_where_text_belongs_names_line_key_and_quoting(files, old, new, key):
    mutated(files["codebook"], old, new)
    with pytest.raises(InputError, match="quotes") as error:
        cb.load_codebook(files["codebook"])
    lines = files["codebook"].read_text(encoding="utf-8").splitlines()
    assert error.value.column.endswith(key) and new.strip() in lines[error.value.row - 1]


def load_hand(files, statement_ids=("s1", "s2")):
    return hand_coding.load_hand_coding(files["hand_coding"], cb.load_codebook(files["codebook"]),
                                        list(statement_ids))


def test_hand_coding_loads_and_widens(files):
    long = load_hand(files)
    wide = hand_coding.hand_codes_wide(long, cb.load_codebook(files["codebook"]))
    assert wide["statement_id"].tolist() == ["s1", "s2"]
    assert wide[["credit_claiming", "private_agency"]].to_numpy().tolist() == [[1, 0], [0, 1]]
    assert wide["alignment"].tolist() == [1, -1]


def test_coded_frame_puts_the_hand_codes_beside_the_statements_in_their_order(files):
    statements = pd.DataFrame({"statement_id": ["s2", "s1"], "text": ["second", "first"]})
    book = cb.load_codebook(files["codebook"])
    long, frame = hand_coding.coded_frame(statements, book, files["hand_coding"], ("statement_id", "text"))
    assert set(long["statement_id"]) == {"s1", "s2"} and "rationale" in long
    assert frame["statement_id"].tolist() == ["s2", "s1"] and frame["text"].tolist() == ["second", "first"]
    assert frame[["credit_claiming", "private_agency"]].to_numpy().tolist() == [[0, 1], [1, 0]]
    with pytest.raises(InputError, match="unknown statement 's2'"):   # every coded id is a statement
        hand_coding.coded_frame(statements.iloc[1:], book, files["hand_coding"])


@pytest.mark.parametrize("old, new, column, problem", [
    ("s2,accountability_move,private_agency,", "s2,accountability_move,private_agencyy,", "code",
     "unknown code 'private_agencyy'"),
    ("s1,stance,none,", "s1,attitude,none,", "dimension", "unknown dimension"),
    ("s1,stance,none,", "s9,stance,none,", "statement_id", "unknown statement"),
    ('"Takes no position.",1.0.0', '"Takes no position.",0.9.0', "codebook_version",
     "coded under codebook"),
    ('"Takes no position."', '""', "rationale", "empty cell"),
    ('"Takes no position."', '"Takes no position"', "rationale", "one full sentence"),
    ('s1,named_agent,unspecified,"Names no agent.",1.0.0\n',
     's1,named_agent,unspecified,"Names no agent.",1.0.0\ns1,named_agent,turkish_state,"Also.",1.0.0\n',
     "code", "unspecified and turkish_state cannot go together on named_agent"),
    ("s1,named_agent,", 's1,accountability_move,none,"No move.",1.0.0\ns1,named_agent,', "code",
     "credit_claiming and none cannot go together on accountability_move"),
    ("s1,named_agent,", 's1,accountability_move,credit_claiming,"Again.",1.0.0\ns1,named_agent,',
     "code", "'credit_claiming' is given twice on accountability_move"),
])
def test_bad_hand_codes_are_rejected_naming_file_row_and_column(files, old, new, column, problem):
    mutated(files["hand_coding"], old, new)
    with pytest.raises(InputError, match=problem) as error:
        load_hand(files)
    assert error.value.column == column and "hand_coding.csv" in str(error.value)
    lines = files["hand_coding"].read_text(encoding="utf-8").splitlines()
    assert new.split("\n")[-2 if new.endswith("\n") else -1].split(",")[0] in lines[error.value.row - 1]


def test_a_missing_dimension_for_a_statement_is_reported(files):
    mutated(files["hand_coding"], 's2,stance,contests,"Answers a claim.",1.0.0\n', "")
    with pytest.raises(InputError) as error:
        load_hand(files)
    assert (error.value.row, error.value.column) == ("s2", "stance")
