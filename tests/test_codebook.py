"""The codebook (data/input/codebook.yaml) and the hand coding validated against it."""

from __future__ import annotations

from pathlib import Path

import pytest

from dronediplomacy.coding import codebook as cb
from dronediplomacy.coding import hand_coding
from dronediplomacy.inputs import tables
from dronediplomacy.errors import InputError

DESIGN_MOVES = {"credit_claiming", "solidarity_appeal", "coercive_demand", "private_agency",
                "ownership_transfer", "commercial_normalisation", "responsibility_attribution",
                "credit_contestation", "sovereignty_self_reliance", "bloc_threat_perception"}


@pytest.fixture(scope="module")
def codebook():
    return cb.load_codebook()


def mutated(tmp_path, old: str, new: str, source=None) -> Path:
    """A copy of the real codebook with one text replacement (which must apply)."""
    text = (source or cb.CODEBOOK_PATH).read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in the codebook"
    path = tmp_path / "codebook.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the real codebook

def test_real_codebook_is_versioned_and_has_the_design_dimensions(codebook):
    assert codebook.version == "1.0.0"
    assert [d["id"] for d in codebook.dimensions] == [
        "accountability_move", "named_agent", "alignment", "speaker_side", "stance"]
    assert DESIGN_MOVES <= set(codebook.move_ids)
    assert codebook.code_ids("named_agent") == ["turkish_state", "turkish_company", "buyer_state",
                                                "unspecified"]
    assert codebook.code_ids("speaker_side") == ["turkey", "buyer", "target", "third_party"]
    assert codebook.code_ids("stance") == ["endorses", "contests", "none", "not_applicable"]


def test_alignment_is_ordinal_from_minus_two_to_plus_two_with_a_definition_per_level(codebook):
    alignment = codebook.dimension("alignment")
    assert alignment["level_of_measurement"] == "ordinal"
    assert list(codebook.ordinal_values("alignment").values()) == [-2, -1, 0, 1, 2]
    assert all(code["definition"].strip() for code in alignment["codes"])


def test_every_code_has_its_fields_and_constructed_unattributed_examples(codebook):
    for dimension in codebook.dimensions:
        for code in dimension["codes"]:
            for field in cb.CODE_FIELDS:
                assert code.get(field), (dimension["id"], code.get("id"), field)
            for key in ("example", "counter_example"):
                assert code[key]["constructed"] is True
                assert set(code[key]) == {"text", "constructed"}


def test_design_references_are_listed_in_full_and_cited_by_dimensions(codebook):
    refs = codebook.references
    assert "Journal of Public Policy 6 (4)" in refs["weaver1986"]["citation"]
    assert "The Blame Game" in refs["hood2011"]["citation"]
    assert "Journal of Communication 50 (2)" in refs["semetko2000"]["citation"]
    assert "Journal of Communication 43 (4)" in refs["entman1993"]["citation"]
    cited = {ref for d in codebook.dimensions for ref in d["references"]}
    assert set(cb.REQUIRED_REFERENCES) <= cited
    assert all(d["references"] for d in codebook.dimensions)


def test_speaker_side_is_derived_and_stance_says_why_the_dictionary_skips_it(codebook):
    assert codebook.dimension("speaker_side")["coded_by"] == ["derived"]
    assert codebook.dimensions_coded_by("rules") == ["accountability_move", "named_agent", "alignment"]
    assert "relational" in codebook.dimension("stance")["why_not_coded_by_the_dictionary"]


def test_codebook_table_has_one_row_per_code_with_readable_examples(codebook):
    table = cb.codebook_table(codebook)
    assert len(table) == sum(len(d["codes"]) for d in codebook.dimensions)
    assert list(table.columns[:4]) == ["dimension", "code", "value", "label"]
    assert table["example"].str.endswith("(constructed)").all()
    assert table.loc[table["dimension"] == "alignment", "value"].tolist() == [-2, -1, 0, 1, 2]
    assert table.loc[table["dimension"] != "alignment", "value"].isna().all()
    refs = cb.references_table(codebook)
    assert refs.loc[refs["reference"] == "Weaver 1986", "citation"].str.contains(
        "https://doi.org/10.1017/S0143814X00004219").all()


# --------------------------------------------------------------------------- strict loading

def test_duplicate_key_is_rejected_with_its_line(tmp_path):
    path = mutated(tmp_path, 'version: "1.0.0"\n', 'version: "1.0.0"\nversion: "1.0.1"\n')
    with pytest.raises(InputError) as error:
        cb.load_codebook(path)
    message = str(error.value)
    assert "duplicate key 'version'" in message and "codebook.yaml" in message
    line = path.read_text().splitlines().index('version: "1.0.1"') + 1
    assert f"row {line}" in message


def test_duplicate_key_deep_inside_a_code_is_rejected(tmp_path):
    path = mutated(tmp_path, '        label: "Credit claiming"\n',
                   '        label: "Credit claiming"\n        label: "Claiming credit"\n')
    with pytest.raises(InputError, match="duplicate key 'label'"):
        cb.load_codebook(path)


def test_yaml_syntax_error_names_the_line(tmp_path):
    path = mutated(tmp_path, "  - id: named_agent\n", "  - id: named_agent\n    kind: [single\n")
    with pytest.raises(InputError) as error:
        cb.load_codebook(path)
    assert "YAML error" in str(error.value) and "row " in str(error.value)


def test_unsafe_yaml_tags_are_refused(tmp_path):
    path = mutated(tmp_path, 'title: "', 'title: !!python/object/apply:os.system ["true"]\nx: "')
    with pytest.raises(InputError, match="YAML error"):
        cb.load_codebook(path)


def test_missing_definition_is_rejected_naming_the_code_and_key(tmp_path):
    path = mutated(tmp_path, """      - id: private_agency
        label: "Private agency"
        definition: >-""", """      - id: private_agency
        label: "Private agency"
        note: >-""")
    with pytest.raises(InputError) as error:
        cb.load_codebook(path)
    assert error.value.column == "definition" and "private_agency" in str(error.value)


def test_example_must_be_marked_constructed(tmp_path):
    path = mutated(tmp_path, """          text: "Our engineers and our soldiers made this victory possible."
          constructed: true""", """          text: "Our engineers and our soldiers made this victory possible."
          constructed: false""")
    with pytest.raises(InputError) as error:
        cb.load_codebook(path)
    assert error.value.column == "example.constructed"


def test_example_may_not_name_a_speaker(tmp_path):
    path = mutated(tmp_path, """          text: "Our engineers and our soldiers made this victory possible."
          constructed: true""", """          text: "Our engineers and our soldiers made this victory possible."
          constructed: true
          speaker: erdogan""")
    with pytest.raises(InputError, match="attributed to nobody") as error:
        cb.load_codebook(path)
    assert error.value.column == "example.speaker"


def test_unknown_reference_and_uncited_design_reference_are_rejected(tmp_path):
    path = mutated(tmp_path, "references: [hood2011, semetko2000]",
                   "references: [hood2011, semetko2000, smith2024]")
    with pytest.raises(InputError, match="smith2024"):
        cb.load_codebook(path)
    path = mutated(tmp_path, "references: [entman1993]\n", "references: [hood2011]\n")
    path = mutated(tmp_path, "references: [entman1993, semetko2000]",
                   "references: [semetko2000]", source=path)
    path = mutated(tmp_path, "references: [weaver1986, hood2011, semetko2000, entman1993]",
                   "references: [weaver1986, hood2011, semetko2000]", source=path)
    path = mutated(tmp_path, "references: [weaver1986, hood2011, entman1993]",
                   "references: [weaver1986, hood2011]", source=path)
    with pytest.raises(InputError, match="no dimension cites"):
        cb.load_codebook(path)


def test_ordinal_codes_need_increasing_integer_values(tmp_path):
    path = mutated(tmp_path, "        value: -1\n", "        value: -3\n")
    with pytest.raises(InputError, match="increasing"):
        cb.load_codebook(path)


# --------------------------------------------------------------------------- hand coding

@pytest.fixture(scope="module")
def statement_ids():
    return tables.load_tables().statements["statement_id"].tolist()


def hand_file(tmp_path, old: str, new: str):
    text = hand_coding.HAND_CODING_PATH.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "hand_coding.csv"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_real_hand_coding_covers_every_statement_and_dimension(codebook, statement_ids):
    long = hand_coding.load_hand_coding(codebook=codebook, statement_ids=statement_ids)
    assert set(long["statement_id"]) == set(statement_ids)
    assert (long["codebook_version"] == codebook.version).all()
    assert long["rationale"].str.len().gt(20).all()
    wide = hand_coding.hand_codes_wide(long, codebook)
    assert len(wide) == len(statement_ids)
    assert wide["alignment"].between(-2, 2).all()
    assert wide.loc[wide["statement_id"] == "st02", ["credit_claiming", "solidarity_appeal"]].eq(1).all(axis=None)


def test_unknown_code_is_rejected_naming_file_row_and_column(tmp_path, codebook, statement_ids):
    path = hand_file(tmp_path, "st09,accountability_move,private_agency,",
                     "st09,accountability_move,private_agencyy,")
    with pytest.raises(InputError) as error:
        hand_coding.load_hand_coding(path, codebook, statement_ids)
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if "private_agencyy" in text)
    assert error.value.row == line and error.value.column == "code"
    assert "hand_coding.csv" in str(error.value) and "unknown code 'private_agencyy'" in str(error.value)


@pytest.mark.parametrize("old, new, column, problem", [
    ("st05,stance,none,", "st05,attitude,none,", "dimension", "unknown dimension"),
    ("st05,stance,none,", "st05,speaker_side,buyer,", "dimension", "unknown dimension"),
    ("st05,stance,none,", "st99,stance,none,", "statement_id", "unknown statement"),
    (",1.0.0\nst01,named_agent", ",0.9.0\nst01,named_agent", "codebook_version", "coded under codebook"),
    ("st13,alignment,no_alignment,", "st13,alignment,0,", "code", "unknown code"),
    ("st05,stance,none,\"The buyer states its own demand and takes no position on a Turkish "
     "framing.\"", "st05,stance,none,", "rationale", "empty cell"),
    ("takes no position on a Turkish framing.", "takes no position on a Turkish framing",
     "rationale", "one full sentence"),
])
def test_bad_hand_codes_are_rejected(tmp_path, codebook, statement_ids, old, new, column, problem):
    path = hand_file(tmp_path, old, new)
    with pytest.raises(InputError, match=problem) as error:
        hand_coding.load_hand_coding(path, codebook, statement_ids)
    assert error.value.column == column


def test_two_values_on_a_single_valued_dimension_are_rejected(tmp_path, codebook, statement_ids):
    path = hand_file(tmp_path, "st01,named_agent,unspecified,\"The threat names no one who supplies "
                               "or uses weapons.\",1.0.0\n",
                     "st01,named_agent,unspecified,\"The threat names no one who supplies or uses "
                     "weapons.\",1.0.0\nst01,named_agent,turkish_state,\"Erdogan speaks.\",1.0.0\n")
    with pytest.raises(InputError, match="more than one code on named_agent"):
        hand_coding.load_hand_coding(path, codebook, statement_ids)


def test_a_missing_dimension_for_a_statement_is_reported(tmp_path, codebook, statement_ids):
    path = hand_file(tmp_path, "st05,stance,none,\"The buyer states its own demand and takes no "
                               "position on a Turkish framing.\",1.0.0\n", "")
    with pytest.raises(InputError) as error:
        hand_coding.load_hand_coding(path, codebook, statement_ids)
    assert error.value.row == "st05" and error.value.column == "stance"


def test_none_and_a_move_together_are_rejected(tmp_path, codebook, statement_ids):
    path = hand_file(tmp_path, "st05,named_agent,",
                     "st05,accountability_move,none,\"No move.\",1.0.0\nst05,named_agent,")
    with pytest.raises(InputError, match="'none' and also with a move"):
        hand_coding.load_hand_coding(path, codebook, statement_ids)
