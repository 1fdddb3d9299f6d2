"""The rule-based coder on a tiny dictionary (tests/coding_fixture.py): negation, rejection,
context, ordered rules, explanations, and the literal-start filter. Every sentence is
constructed for the test and attributed to nobody."""

from __future__ import annotations

import dataclasses
import random
import re
import unicodedata

import numpy as np
import pandas as pd
import hypothesis
import pytest

from coding_fixture import write
from dronediplomacy.coding import codebook as cb
from dronediplomacy.coding import coder
from dronediplomacy.errors import InputError
from dronediplomacy.text import normalise


@pytest.fixture
def files(tmp_path):
    return write(tmp_path)


@pytest.fixture
def dictionary(files):
    return coder.load_dictionary(files["patterns"], cb.load_codebook(files["codebook"]))


def code_one(text: str, dictionary) -> pd.Series:
    return coder.code_statements(pd.DataFrame({"id": ["x"], "text": [text]}), dictionary).iloc[0]


def test_output_columns_types_and_order(dictionary):
    frame = pd.DataFrame({"id": ["b", "a", "c"],
                          "text": ["A private firm sold them.", None, "Turkey supports the war."]})
    out = coder.code_statements(frame, dictionary)
    assert list(out.columns) == ["id", "credit_claiming", "private_agency", "bloc_threat_perception",
                                 "named_agent", "alignment"]
    assert out["id"].tolist() == ["b", "a", "c"]
    assert out["private_agency"].tolist() == [1, 0, 0]
    assert out["alignment"].tolist() == [-1, 0, 1]
    assert out["named_agent"].tolist() == ["turkish_company", "unspecified", "unspecified"]
    assert all(out[m].dtype == np.int64 for m in ("credit_claiming", "private_agency", "alignment"))


def test_empty_input_gives_empty_output_with_the_columns(dictionary):
    out = coder.code_statements(pd.DataFrame({"id": [], "text": []}), dictionary)
    assert out.empty and list(out.columns) == ["id", *dictionary.move_ids, "named_agent", "alignment"]


def test_typographic_quotes_and_case_are_normalised(dictionary):
    assert code_one("OUR \u201cGREAT\u201d VICTORY.", dictionary)["credit_claiming"] == 1


@pytest.mark.parametrize("text, claimed", [
    ("This was our victory.", 1),
    ("This was not our victory.", 0),                       # negator just before
    ("We do not say, as they do, our victory.", 1),         # clause punctuation ends the scope
    ("Not that anyone ever said our victory.", 1),          # more than three tokens before
    ("This is not only our victory.", 1),                   # "not only" does not negate
    ("Not our victory then; later our victory.", 1),        # a later affirmed match counts
    ("It isn't our victory.", 1 - 1),
])
def test_negation_window(dictionary, text, claimed):
    assert code_one(text, dictionary)["credit_claiming"] == claimed


def test_a_rejection_pattern_cancels_the_code(dictionary):
    assert code_one("The ministry rejected the private company story.", dictionary)["private_agency"] == 0


def test_context_patterns_are_required_and_the_first_rule_decides(dictionary):
    assert code_one("Ankara spoke.", dictionary)["named_agent"] == "unspecified"
    assert code_one("Ankara sent drones.", dictionary)["named_agent"] == "turkish_state"
    row = code_one("Ankara says a private firm sold the drones, and supports them.", dictionary)
    assert row["named_agent"] == "turkish_company" and row["alignment"] == -1


def test_explain_is_the_evidence_of_the_codes(dictionary):
    text = "Not our victory, but our victory; a private firm, rejected."
    explained = coder.explain(text, dictionary)
    claims = explained[explained["code"] == "credit_claiming"]
    assert claims["negated"].tolist() == [True, False] and claims["counted"].tolist() == [False, True]
    firm = explained[(explained["code"] == "private_agency")]
    assert firm["rejected"].all() and not firm["counted"].any()
    row = code_one(text, dictionary)
    for code in dictionary.move_ids:
        counted = explained[(explained["code"] == code) & explained["counted"]]
        assert row[code] == int(not counted.empty)


@pytest.mark.parametrize("source, starts", [
    (r"\bour\W+win\b", {"our"}),
    (r"\b(?:we|i)\W+won\b", {"we", "i"}),
    (r"\b(?:the|a) (?:firm|company)s?\b", {"the", "a"}),
    (r"\b(?:drones?|uavs?|(?:home|at) home)\b", {"drone", "uav", "home", "at"}),
    (r"\b(?:strategic )?autonomy\b", None),
    (r"\bfoo|bar", {"foo", "bar"}),
    (r"\bback(?:s|ed)\b", {"back"}),
    (r"\bthe buyer'?s\b", {"the buyer"}),
    (r"(?:a\)|b)c", {"a", "b"}),
    (r"\bs?ide", None), (r"\b(?:a|b)*c", None), (r"\b\w+n't", None), (r"\b[ab]x", None),
    (r"(?i)turkey", None), (r"[\]|]x", None), (r"(?:[\])|]x|y)z", None),
    (r"(?:a[)]|b)c", {"a", "b"}), (r"\b(?:a|b)??c", None), (r"ab{2}", {"a"}), (r"a|", None),
    (r"(?:a|b", None), (r"\bab+c", {"ab"}),
])
def test_literal_starts_are_read_from_the_pattern(source, starts):
    assert coder.literal_starts(source) == (None if starts is None else frozenset(starts))


def test_the_literal_start_filter_never_changes_a_code():
    """On the project's dictionary (whatever its patterns), random runs of the patterns'
    own words code the same with the filter as without it."""
    dictionary = coder.load_dictionary()
    unfiltered = dataclasses.replace(dictionary, by_start={},
                                     unfiltered=frozenset(dictionary.compiled))
    rng = random.Random(5)
    words = sorted({w for s in dictionary.compiled for w in re.findall(r"[a-z']+", s)})
    words += [",", ".", ";", "not", "no", "never", "«x»", "(y)", "-"]
    texts = [" ".join(rng.choices(words, k=rng.randint(0, 25))) for _ in range(600)]
    texts += ["".join(rng.choices(words, k=rng.randint(1, 5))) for _ in range(200)]
    for text in texts:
        assert coder.code_text(text, dictionary) == coder.code_text(text, unfiltered), text


@pytest.mark.parametrize("old, new, problem", [
    ("  credit_claiming:\n", "  credit_claimingg:\n", "unknown accountability move 'credit_claimingg'"),
    ("      - '\\bthanks to us\\b'\n", "      - '\\bthanks to (us\\b'\n", "not a valid regular expression"),
    ('codebook_version: "1.0.0"', 'codebook_version: "0.9.0"', "written for codebook 0.9.0"),
    ("    - code: turkish_company\n", "    - code: a_firm\n", "unknown code 'a_firm'"),
    ("  default: unspecified\n", "  default: nobody\n", "unknown code 'nobody'"),
    ("  window_tokens: 3\n", "  window_tokens: 0\n", "window_tokens"),
    ("  credit_claiming:\n", "  private_agency:\n", "duplicate key 'private_agency'"),
    ("      - '\\bthanks to us\\b'\n", "      - ''\n", "non-empty pattern"),
    ("      - '\\bthanks to us\\b'\n", "      - 12\n", "write the value in quotes"),
    ("  window_tokens: 3\n", "  window_tokens: '3'\n", "window_tokens must be a whole number"),
])
def test_bad_dictionary_is_rejected_naming_file_line_and_key(files, old, new, problem):
    text = files["patterns"].read_text(encoding="utf-8")
    assert old in text
    files["patterns"].write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputError, match=problem) as error:
        coder.load_dictionary(files["patterns"], cb.load_codebook(files["codebook"]))
    assert "coder_patterns.yaml" in str(error.value) and error.value.row and error.value.fix


def test_a_window_written_with_a_zero_fraction_is_the_same_window(files):
    book = cb.load_codebook(files["codebook"])
    plain = coder.load_dictionary(files["patterns"], book).negation
    text = files["patterns"].read_text(encoding="utf-8")
    files["patterns"].write_text(text.replace("window_tokens: 3\n", "window_tokens: 3.0\n"),
                                 encoding="utf-8")
    assert coder.load_dictionary(files["patterns"], book).negation.pattern == plain.pattern


# --------------------------------------------------------------------------- one normalisation
# The inputs of issue 15 that coded differently from their plain form before the coder
# used dronediplomacy.text.normalise; each is coded like its plain form now.
VARIANTS = [
    ("TÜRKİYE SOLD THE DRONES.", "türkiye sold the drones."),     # Turkish capital İ
    ("It is time\u00a0to pay.", "It is time to pay."),             # NO-BREAK SPACE
    ("We aren`t responsible.", "We aren't responsible."),          # grave accent as apostrophe
    ("Thanks  to\u2009us,\r\nbrothers.", "Thanks to us, brothers."),   # double, thin, line break
]


@pytest.mark.parametrize("variant, plain", VARIANTS)
def test_a_variant_of_a_text_codes_like_the_plain_text(variant, plain):
    dictionary = coder.load_dictionary()  # the project's, whatever its patterns
    assert coder.code_text(variant, dictionary) == coder.code_text(plain, dictionary)
    assert normalise(variant) == normalise(plain)


@pytest.mark.parametrize("text, code, value", [
    ("TÜRKİYE SOLD THE DRONES.", "named_agent", "turkish_state"),
    ("THANKS\u00a0TO US.", "credit_claiming", 1),
    ("Thanks to\nus.", "credit_claiming", 1),
    ("It isn`t our victory.", "credit_claiming", 0),
    ("It isn\u00b4t our victory.", "credit_claiming", 0),
    ("A priv\u00adate\u200b firm.", "private_agency", 1),
])
def test_patterns_match_normalised_text(dictionary, text, code, value):
    assert code_one(text, dictionary)[code] == value


def test_variants_get_the_same_codes_property():
    """Property (hypothesis): a text and its variants (decomposed accents, upper case with
    Turkish İ, odd Unicode spaces and line breaks, apostrophe and quotation-mark variants,
    soft hyphens and zero-width characters) normalise alike and get the same codes and
    evidence from the project's dictionary."""
    st = hypothesis.strategies
    dictionary = coder.load_dictionary()
    words = ["our", "victory", "thanks", "to", "us", "it", "is", "time", "pay", "not", "isn't",
             "we", "aren't", "responsible", "a", "private", "firm", "sold", "the", "drones",
             "türkiye", "turkey", "ankara", "baykar", "brothers", "support", "hostile", "bloc",
             "café", "kıran", "şahin", "\"quoted\"", ",", ".", ";", "business", "is", "no", "longer"]
    spaces = [" ", "\u00a0", "\u2009", "\u202f", "\u3000", "\n", "\r\n", "\t", "  ", "\u2028"]
    apostrophes = ["'", "\u2019", "\u2018", "\u02bc", "`", "\u00b4"]
    quotes = ['"', "\u201c", "\u201d", "\u00ab", "\u00bb"]
    invisible = ["", "", "\u00ad", "\u200b", "\u200c", "\u200d", "\u2060"]

    @hypothesis.settings(max_examples=150, deadline=None, derandomize=True, database=None)
    @hypothesis.given(st.lists(st.sampled_from(words), max_size=20), st.data())
    def check(chosen, data):
        plain = " ".join(chosen)
        variant = data.draw(st.sampled_from([str.upper, str.lower, str.title, lambda t: t]))(plain)
        variant = unicodedata.normalize(data.draw(st.sampled_from(["NFC", "NFD"])), variant)
        variant = "".join(
            data.draw(st.sampled_from(spaces)) if char == " "
            else data.draw(st.sampled_from(apostrophes)) if char == "'"
            else data.draw(st.sampled_from(quotes)) if char == '"'
            else data.draw(st.sampled_from(["I", "\u0130"])) if char == "I"
            else char + data.draw(st.sampled_from(invisible)) for char in variant)
        assert normalise(variant) == normalise(plain)
        assert coder.code_text(variant, dictionary) == coder.code_text(plain, dictionary)

    check()


def test_yaml_words_and_dates_in_the_dictionary_stay_text(files, dictionary):
    """Unquoted `no` and a date are the text typed (YAML 1.2 core), not a boolean and a date."""
    text = files["patterns"].read_text(encoding="utf-8")
    files["patterns"].write_text(text.replace("      - '\\bthanks to us\\b'\n",
                                              "      - no\n      - 2019-03-01\n", 1), encoding="utf-8")
    reread = coder.load_dictionary(files["patterns"], cb.load_codebook(files["codebook"]))
    assert {"no", "2019-03-01"} <= set(reread.rules[0].patterns)
    assert code_one("It happened on 2019-03-01.", reread)["credit_claiming"] == 1
