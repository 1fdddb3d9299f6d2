"""The rule-based coder: its dictionary, negation, unseen statements, and the prefilter.

Every sentence here is constructed for the test and attributed to nobody; none is one
of the article's statements, so these are the coder's unseen data.
"""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from dronediplomacy.coding import codebook as cb
from dronediplomacy.coding import coder
from dronediplomacy.coding import wordfilter
from dronediplomacy.errors import InputError


@pytest.fixture(scope="module")
def dictionary():
    return coder.default_dictionary()


def code_one(text: str, dictionary) -> pd.Series:
    return coder.code_statements(pd.DataFrame({"id": ["x"], "text": [text]}), dictionary).iloc[0]


# --------------------------------------------------------------------------- the dictionary

def test_dictionary_matches_the_codebook(dictionary):
    codebook = cb.load_codebook()
    assert dictionary.codebook_version == codebook.version
    assert list(dictionary.move_ids) == codebook.move_ids
    assert {r.code for r in dictionary.named_agent_rules} <= set(codebook.code_ids("named_agent"))
    assert {r.code for r in dictionary.alignment_rules} <= set(codebook.code_ids("alignment"))


def test_dictionary_is_compiled_once_per_process(dictionary):
    assert coder.default_dictionary() is dictionary


def test_output_columns_types_and_order(dictionary):
    frame = pd.DataFrame({"id": ["b", "a", "c"],
                          "text": ["We have no part in this war.", None, "Side by side with our "
                                   "allies we defeated the enemy."]})
    out = coder.code_statements(frame, dictionary)
    assert list(out.columns) == ["id", *dictionary.move_ids, "named_agent", "alignment"]
    assert out["id"].tolist() == ["b", "a", "c"]                  # input order kept
    assert out["alignment"].tolist() == [-2, 0, 2]
    assert all(out[m].dtype == np.int64 and out[m].isin([0, 1]).all() for m in dictionary.move_ids)
    assert out.loc[1, "named_agent"] == "unspecified"              # missing text: nothing found


def test_empty_input_gives_empty_output_with_the_columns(dictionary):
    out = coder.code_statements(pd.DataFrame({"id": [], "text": []}), dictionary)
    assert out.empty and list(out.columns) == ["id", *dictionary.move_ids, "named_agent", "alignment"]


def test_identical_texts_get_identical_codes(dictionary):
    text = "Once delivered, the drones belong to the buyer and are no longer Turkish."
    out = coder.code_statements(pd.DataFrame({"id": ["1", "2"], "text": [text, text]}), dictionary)
    assert out.drop(columns="id").iloc[0].equals(out.drop(columns="id").iloc[1])
    assert out.loc[0, "ownership_transfer"] == 1 and out.loc[0, "named_agent"] == "buyer_state"


# --------------------------------------------------------------------------- negation

@pytest.mark.parametrize("move, affirmed, negated", [
    ("responsibility_attribution", "Ankara is responsible for every strike these drones make.",
     "Ankara is not responsible for every strike these drones make."),
    ("bloc_threat_perception", "The new partnership is a threat to the region.",
     "The new partnership poses no threat to the region."),
    ("credit_acknowledgement", "The minister thanked the supplier for the drones.",
     "The minister never thanked the supplier for the drones."),
    ("sovereignty_self_reliance", "The programme serves national security.",
     "The programme doesn't serve national security."),
    ("mediation_balancing", "The country remains neutral in the conflict.",
     "The country is hardly neutral in the conflict."),
])
def test_a_negator_shortly_before_a_match_cancels_it(dictionary, move, affirmed, negated):
    assert code_one(affirmed, dictionary)[move] == 1
    assert code_one(negated, dictionary)[move] == 0


def test_negation_is_limited_to_three_tokens(dictionary):
    assert code_one("It is not, as they say, a threat.", dictionary)["bloc_threat_perception"] == 1
    assert code_one("We do not consider this deal a threat.", dictionary)["bloc_threat_perception"] == 1
    assert code_one("We do not see a threat.", dictionary)["bloc_threat_perception"] == 0


def test_negation_does_not_cross_clause_punctuation(dictionary):
    row = code_one("That excuse will not work, since your missiles are killing civilians.", dictionary)
    assert row["responsibility_attribution"] == 1 and row["named_agent"] == "turkish_state"


def test_not_only_does_not_negate(dictionary):
    row = code_one("This is not only a commercial deal but a strategic bond.", dictionary)
    assert row["commercial_normalisation"] == 1


def test_a_negated_match_does_not_hide_a_later_affirmed_one(dictionary):
    row = code_one("Not a threat today; tomorrow a threat.", dictionary)
    assert row["bloc_threat_perception"] == 1


def test_a_framing_quoted_to_be_rejected_is_not_coded_as_made(dictionary):
    made = code_one("For us it is ordinary business, like any other export.", dictionary)
    rejected = code_one("Calling these deliveries ordinary business will not hide what they are "
                        "used for.", dictionary)
    assert made["commercial_normalisation"] == 1
    assert rejected["commercial_normalisation"] == 0
    private = code_one("The ministry rejected the claim that the sales were private.", dictionary)
    assert private["private_agency"] == 0 and private["responsibility_attribution"] == 1


# --------------------------------------------------------------------------- unseen statements

#: Constructed statements with the codes the codebook gives them. A statement the
#: dictionary gets wrong stays in the list, marked as a known miss (strict xfail: the
#: test fails if the miss is ever fixed without updating the mark).
UNSEEN = [
    # text, moves expected present, named_agent, alignment
    ("The ministry insists the aircraft were sold by a privately owned firm, not the government.",
     {"private_agency"}, "turkish_company", -2),
    pytest.param(
        "If a buyer pays for the systems, what they do with them is up to them.",
        {"ownership_transfer"}, "buyer_state", 0,
        marks=pytest.mark.xfail(strict=True, reason="known miss of dictionary 1.0.0: 'pays' and "
                                "'systems' are not in the buyer rule's context list, so the "
                                "named agent falls to unspecified")),
    ("Your missiles are killing our civilians, and Ankara bears the responsibility.",
     {"responsibility_attribution"}, "turkish_state", 1),
    ("The occupiers must withdraw from our villages or they will pay a heavy price.",
     {"coercive_demand"}, "unspecified", 0),
    ("Our brothers across the sea stand with us, as one nation.",
     {"solidarity_appeal"}, "unspecified", 1),
    ("We will host talks between both sides and remain neutral.",
     {"mediation_balancing"}, "unspecified", -1),
    ("Domestic production of drones has ended our dependence on foreign suppliers.",
     {"sovereignty_self_reliance"}, "unspecified", 0),
    ("The deal forges a hostile axis that encircles our country.",
     {"bloc_threat_perception"}, "unspecified", 1),
    ("The weather in the capital was mild on the day of the parade.",
     set(), "unspecified", 0),
]


@pytest.mark.parametrize("text, moves, agent, alignment", UNSEEN)
def test_unseen_statements(dictionary, text, moves, agent, alignment):
    row = code_one(text, dictionary)
    assert {m for m in dictionary.move_ids if row[m] == 1} == moves
    assert row["named_agent"] == agent
    assert row["alignment"] == alignment


#: Codebook examples the frozen dictionary (1.0.0) codes differently from the codebook,
#: kept visible instead of tuning the dictionary after its agreement was computed.
KNOWN_MISSES = {
    ("accountability_move", "credit_claiming", "example"):
        "'our ... victory' allows two words between; here there are three",
    ("accountability_move", "responsibility_attribution", "counter_example"):
        "'bears responsibility' fires whoever bears it; the text does not say it is the buyer",
    ("accountability_move", "bloc_threat_perception", "example"):
        "'hems X in' allows one word between; 'hems our country in' has two",
    ("named_agent", "turkish_state", "example"):
        "'shipped' and 'systems' are not in the weapons-and-transfer context list",
    ("named_agent", "unspecified", "counter_example"):
        "'our government' could be anyone's: the text alone does not name the state",
}


def codebook_examples():
    codebook = cb.load_codebook()
    values = codebook.ordinal_values("alignment")
    for dimension in ("accountability_move", "named_agent", "alignment"):
        for code in codebook.dimension(dimension)["codes"]:
            for kind in ("example", "counter_example"):
                yield dimension, code["id"], kind, code[kind]["text"], values.get(code["id"])


@pytest.mark.parametrize("dimension, code, kind, text, value", list(codebook_examples()),
                         ids=lambda v: v if isinstance(v, str) and len(v) < 40 else None)
def test_codebook_examples_are_coded_as_the_codebook_says(dictionary, dimension, code, kind, text,
                                                          value):
    row = code_one(text, dictionary)
    if dimension == "accountability_move":
        has_code = row[code] == 1
    elif dimension == "named_agent":
        has_code = row["named_agent"] == code
    else:
        has_code = row["alignment"] == value
    expected = kind == "example"
    if (dimension, code, kind) in KNOWN_MISSES:
        assert has_code != expected, "a known miss now passes: remove it from KNOWN_MISSES"
    else:
        assert has_code == expected


# --------------------------------------------------------------------------- explain

def test_explain_shows_the_matched_words_and_negation(dictionary):
    explained = coder.explain("It poses no threat, but the new bloc is a menace.", dictionary)
    moves = explained[explained["code"] == "bloc_threat_perception"]
    assert set(moves["matched"]) >= {"threat", "bloc", "menace"}
    assert moves.loc[moves["matched"] == "threat", "negated"].all()
    assert moves.loc[moves["matched"] == "bloc", "counted"].all()


# --------------------------------------------------------------------------- dictionary errors

def write_patterns(tmp_path, old: str, new: str):
    text = coder.PATTERNS_PATH.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "coder_patterns.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("old, new, problem", [
    ("  credit_claiming:\n", "  credit_claimingg:\n", "unknown accountability move 'credit_claimingg'"),
    ("      - '\\bsisters?\\b'\n", "      - '\\bsisters?(\\b'\n", "not a valid regular expression"),
    ('codebook_version: "1.0.0"', 'codebook_version: "0.9.0"', "written for codebook 0.9.0"),
    ("    - code: turkish_company\n", "    - code: a_firm\n", "unknown code 'a_firm'"),
    ("  window_tokens: 3\n", "  window_tokens: 0\n", "window_tokens"),
    ("  credit_claiming:\n", "  credit_contestation:\n", "duplicate key 'credit_contestation'"),
])
def test_bad_dictionary_is_rejected(tmp_path, old, new, problem):
    with pytest.raises(InputError, match=problem) as error:
        coder.load_dictionary(write_patterns(tmp_path, old, new))
    assert "coder_patterns.yaml" in str(error.value)


# --------------------------------------------------------------------------- the prefilter

def test_requirements_are_read_from_the_parse_tree():
    assert ("back", True) in {f for req in wordfilter.requirements(r"\bback(?:s|ed|ing)\b") for f in req}
    need = wordfilter.requirements(r"\b(?:must|should)\W+(?:\w+\W+){0,2}?(?:withdraw|leave)\b")
    assert frozenset({("must", True), ("should", True)}) in need
    # "\W+(?:\w+\W+){0,2}?" always ends after a non-word character: the verb begins a word
    assert frozenset({("withdraw", True), ("leave", True)}) in need
    assert frozenset({("ed", False), ("ing", False)}) in wordfilter.requirements(r"\bback(?:ed|ing)\b")
    assert wordfilter.requirements(r"(?i)turkey") == []     # case-insensitive: no requirement
    assert wordfilter.requirements(r"\w+") == []


def test_prefilter_never_changes_a_code(dictionary):
    """The fast path (prefilter + shared pattern results) gives exactly what every rule
    gives when run on every text."""
    rng = random.Random(5)
    words = ("the we our not no never drones weapons sold private company government state "
             "brothers threat bloc ring neutral mediator sanctions imposed allies support "
             "business is trade customers national security no longer turkish belong buyer "
             "victory eliminated together responsible your killing rejected framing them "
             "during bring really finally making turkey ankara mke baykar kyiv don't isn't "
             "«baykar» mke-egypt so-called (private) \"threat\" , . ; ' -").split()
    texts = [" ".join(rng.choices(words, k=rng.randint(0, 25))) for _ in range(1500)]
    out = coder.code_statements(pd.DataFrame({"id": range(len(texts)), "text": texts}), dictionary)
    normalised = [coder.normalise_text(t) for t in texts]
    for rule in dictionary.moves:
        assert out[rule.code].tolist() == [int(rule.fires(t)) for t in normalised], rule.code
    agents = [next((r.code for r in dictionary.named_agent_rules if r.fires(t)),
                   dictionary.named_agent_default) for t in normalised]
    assert out["named_agent"].tolist() == agents
    alignment = [dictionary.alignment_values[next((r.code for r in dictionary.alignment_rules
                                                   if r.fires(t)), dictionary.alignment_default)]
                 for t in normalised]
    assert out["alignment"].tolist() == alignment
