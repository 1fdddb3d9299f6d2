"""Agreement statistics, checked against examples worked by hand."""

from __future__ import annotations

import math
from fractions import Fraction

import krippendorff
import numpy as np
import pandas as pd
import pytest

from dronediplomacy.coding import agreement
from dronediplomacy.coding import codings as coding
from coding_fixture import write
from dronediplomacy.coding import codebook as cb
from dronediplomacy.coding import coder


@pytest.fixture
def files(tmp_path):
    return write(tmp_path)


@pytest.fixture
def codebook(files):
    """The tiny codebook of tests/coding_fixture.py."""
    return cb.load_codebook(files["codebook"])


# --------------------------------------------------------------------------- alpha by hand

def test_binary_nominal_alpha_matches_the_hand_worked_value():
    # Six statements, one move. hand: 1 1 0 0 0 0; rules: 1 0 0 0 0 0.
    # Coincidence matrix (each unit has 2 values, so each unit adds 2 pairable values):
    #   unit 1 (1,1): o11 += 2;  unit 2 (1,0): o10 += 1, o01 += 1;  units 3-6 (0,0): o00 += 2 each
    #   o00 = 8, o01 = o10 = 1, o11 = 2;  n0 = 9, n1 = 3, n = 12.
    # Observed disagreement  Do = (o01 + o10) / n = 2/12
    # Expected disagreement  De = 2 * n0 * n1 / (n (n - 1)) = 54/132
    # alpha = 1 - Do/De = 1 - (2/12) / (54/132) = 1 - 11/27 = 16/27 = 0.592593...
    hand = [1, 1, 0, 0, 0, 0]
    rules = [1, 0, 0, 0, 0, 0]
    expected = 1 - Fraction(2, 12) / Fraction(54, 132)
    assert expected == Fraction(16, 27)
    assert agreement.alpha(hand, rules, "nominal", [0, 1]) == pytest.approx(float(expected))


def test_ordinal_alpha_matches_the_hand_worked_value():
    # Four statements coded on alignment. hand: -1 0 1 1; rules: -1 1 1 0.
    # Coincidences: (-1,-1) x2 from unit 1; (0,1) and (1,0) once each from units 2 and 4;
    # (1,1) x2 from unit 3.  So o(0,1) = o(1,0) = 2, o(-1,-1) = 2, o(1,1) = 2.
    # Marginals: n(-1) = 2, n(0) = 2, n(1) = 4, n = 8.
    # Ordinal distance d(c,k) = (sum of n_g for g from c to k  -  (n_c + n_k)/2)^2:
    #   d(-1,0) = (4 - 2)^2 = 4;  d(0,1) = (6 - 3)^2 = 9;  d(-1,1) = (8 - 3)^2 = 25.
    # Do = (o(0,1) + o(1,0)) * 9 / n = 36/8 = 4.5
    # De = 2 * (2*2*4 + 2*4*25 + 2*4*9) / (n (n - 1)) = 576/56
    # alpha = 1 - 4.5 / (576/56) = 1 - 0.4375 = 0.5625
    hand = [-1, 0, 1, 1]
    rules = [-1, 1, 1, 0]
    expected = 1 - Fraction(9, 2) / Fraction(576, 56)
    assert expected == Fraction(9, 16)
    assert agreement.alpha(hand, rules, "ordinal", [-2, -1, 0, 1, 2]) == pytest.approx(0.5625)


def test_ordinal_and_nominal_differ_on_the_same_data():
    # Nominal treats every disagreement alike: with these data nominal alpha is
    # 1 - (4/8) / (2*(2*2 + 2*4 + 2*4)/56) = 1 - 0.5/(40/56) = 0.3
    hand, rules = [-1, 0, 1, 1], [-1, 1, 1, 0]
    assert agreement.alpha(hand, rules, "nominal", [-2, -1, 0, 1, 2]) == pytest.approx(0.3)


def test_perfect_agreement_is_one_and_systematic_disagreement_is_negative():
    assert agreement.alpha([0, 1, 0, 1], [0, 1, 0, 1], "nominal", [0, 1]) == pytest.approx(1.0)
    assert agreement.alpha([0, 1, 0, 1], [1, 0, 1, 0], "nominal", [0, 1]) < 0


def test_alpha_is_undefined_without_variation():
    assert math.isnan(agreement.alpha([0, 0, 0], [0, 0, 0], "nominal", [0, 1]))
    low, high, skipped = agreement.bootstrap_alpha(
        np.zeros(5), np.zeros(5), "nominal", [0, 1], agreement.resample_indices(5, 100))
    assert math.isnan(low) and math.isnan(high) and skipped == 100


# --------------------------------------------------------------------------- precision, recall, F1

def test_precision_recall_f1_by_hand():
    # hand 1 1 0 0; rules 1 0 1 0: TP 1, FP 1, FN 1 -> P = 1/2, R = 1/2, F1 = 2/(2+1+1) = 1/2
    result = agreement.precision_recall_f1(np.array([1, 1, 0, 0]) == 1, np.array([1, 0, 1, 0]) == 1)
    assert (result["precision"], result["recall"], result["f1"]) == (0.5, 0.5, 0.5)
    assert (result["hand_count"], result["rules_count"], result["both_count"]) == (2, 2, 1)
    assert result["prf_note"] == ""


def test_undefined_precision_recall_and_f1_are_nan_with_a_reason():
    never_by_rules = agreement.precision_recall_f1(np.array([True, False]), np.array([False, False]))
    assert math.isnan(never_by_rules["precision"]) and never_by_rules["recall"] == 0
    assert never_by_rules["f1"] == 0          # the rules miss every hand code: F1 is 0, not undefined
    assert "the rule coder never assigns this code" in never_by_rules["prf_note"]
    never_by_hand = agreement.precision_recall_f1(np.array([False, False]), np.array([True, False]))
    assert math.isnan(never_by_hand["recall"]) and never_by_hand["precision"] == 0
    assert "the hand coding never assigns this code" in never_by_hand["prf_note"]
    nobody = agreement.precision_recall_f1(np.array([False, False]), np.array([False, False]))
    assert all(math.isnan(nobody[k]) for k in ("precision", "recall", "f1"))
    assert "neither coding assigns this code" in nobody["prf_note"]


# --------------------------------------------------------------------------- bootstrap

def test_bootstrap_is_reproducible_and_counts_resamples_without_variation():
    # One positive statement out of 16, coded alike: a resample varies only if it draws
    # that statement, which it misses with probability (15/16)^16 = 0.356, i.e. about
    # 712 of 2000 resamples have no variation and are skipped.
    hand = np.zeros(16, dtype=int)
    hand[3] = 1
    resamples = agreement.resample_indices(16)
    assert resamples.shape == (agreement.BOOTSTRAP_RESAMPLES, 16)
    first = agreement.bootstrap_alpha(hand, hand, "nominal", [0, 1], resamples)
    again = agreement.bootstrap_alpha(hand, hand, "nominal", [0, 1], agreement.resample_indices(16))
    assert first == again
    low, high, skipped = first
    assert (low, high) == (1.0, 1.0)
    assert 600 < skipped < 820


def test_bootstrap_interval_contains_the_point_estimate_for_noisy_data():
    rng = np.random.default_rng(1)
    hand = rng.integers(0, 2, 40)
    rules = np.where(rng.random(40) < 0.8, hand, 1 - hand)
    value = agreement.alpha(hand, rules, "nominal", [0, 1])
    low, high, skipped = agreement.bootstrap_alpha(hand, rules, "nominal", [0, 1],
                                                   agreement.resample_indices(40))
    assert low < value < high and skipped == 0


# Each case has two statements that differ from the common value and n statements in
# all: about (1 - 2/n)^n of the resamples (8-10%) draw neither and have no variation.
BOOTSTRAP_CASES = {
    "nominal binary": (np.array([1, 1, 0, 0, 0, 0, 0, 0]),
                       np.array([1, 0, 0, 0, 0, 0, 0, 0]), "nominal", [0, 1]),
    # named_agent-like: codes 4 and 5 are in the domain but never used
    "nominal, unused domain values": (np.array([2, 2, 2, 2, 2, 2, 0, 3]),
                                      np.array([2, 2, 2, 2, 2, 2, 1, 2]), "nominal", range(6)),
    # alignment-like: -2 and 2 unused; d(-1, 1) spans the 0s, whose count varies by resample
    "ordinal, unused domain values": (np.array([0, 0, 0, 0, 0, 0, -1, 1]),
                                      np.array([0, 0, 0, 0, 0, 0, 1, 1]), "ordinal",
                                      [-2, -1, 0, 1, 2]),
    # pooled moves: statements x variables, every cell a unit
    "pooled 2-D": (np.array([[0, 0, 0]] * 4 + [[1, 0, 1], [0, 0, 0]]),
                   np.array([[0, 0, 0]] * 4 + [[1, 0, 0], [0, 1, 0]]), "nominal", [0, 1]),
}


@pytest.mark.parametrize("case", BOOTSTRAP_CASES)
def test_bootstrap_skips_exactly_the_resamples_without_variation(case):
    hand, rules, level, domain = BOOTSTRAP_CASES[case]
    resamples = agreement.resample_indices(len(hand), 300, seed=11)
    values = []
    for rows in resamples:
        h, r = np.ravel(hand[rows]).astype(float), np.ravel(rules[rows]).astype(float)
        if len(set(h) | set(r)) > 1:  # alpha is defined only where the codings vary
            values.append(krippendorff.alpha(reliability_data=np.vstack([h, r]),
                                             level_of_measurement=level, value_domain=list(domain)))
    undefined = len(resamples) - len(values)
    assert 10 < undefined < 290  # both kinds of resample occur
    low, high, skipped = agreement.bootstrap_alpha(hand, rules, level, domain, resamples)
    assert skipped == undefined
    assert (low, high) == pytest.approx(tuple(np.percentile(values, agreement.INTERVAL)), abs=1e-12)


def test_bootstrap_is_undefined_for_a_single_unit_as_alpha_is():
    # one statement coded 0 and 1 varies, but alpha() calls fewer than two units undefined
    assert math.isnan(agreement.alpha([0], [1], "nominal", [0, 1]))
    low, high, skipped = agreement.bootstrap_alpha([0], [1], "nominal", [0, 1],
                                                   np.zeros((3, 1), dtype=int))
    assert math.isnan(low) and math.isnan(high) and skipped == 3


def test_alpha_takes_the_domain_as_any_iterable_of_values():
    # notebook 07 passes codebook.ordinal_values(...).values(), a view, not a list
    domain = {"a": -1, "b": 0, "c": 1}.values()
    assert agreement.alpha([-1, 0, 1, 1], [-1, 0, 1, 0], "ordinal", domain) == pytest.approx(
        agreement.alpha([-1, 0, 1, 1], [-1, 0, 1, 0], "ordinal", [-1, 0, 1]))


def test_alpha_refuses_values_outside_the_domain():
    with pytest.raises(ValueError, match="out-of-domain"):
        agreement.alpha([0, 1, 2], [0, 1, 1], "nominal", [0, 1])


# --------------------------------------------------------------------------- the tables

def small_codings(codebook):
    moves = codebook.move_ids
    ids = ["a", "b", "c", "d"]
    hand = pd.DataFrame({"statement_id": ids, **{m: [0, 0, 0, 0] for m in moves}})
    rules = hand.copy()
    hand["private_agency"] = [1, 1, 0, 0]
    rules["private_agency"] = [1, 0, 0, 0]
    rules["bloc_threat_perception"] = [0, 0, 0, 1]
    hand["named_agent"] = ["turkish_company", "turkish_company", "turkish_state", "unspecified"]
    rules["named_agent"] = ["turkish_company", "turkish_state", "turkish_state", "unspecified"]
    hand["alignment"] = [-1, -1, 1, 0]
    rules["alignment"] = [-1, 0, 1, 0]
    return hand, rules


def test_agreement_table_rows_and_reasons(codebook):
    hand, rules = small_codings(codebook)
    table = agreement.agreement_table(hand, rules, codebook, n_resamples=200)
    moves = table[table["row_type"] == "binary_code"].set_index("code")
    assert list(moves.index) == codebook.move_ids
    # private_agency: hand 1 1 0 0, rules 1 0 0 0. Coincidences o11 = 2, o10 = o01 = 1,
    # o00 = 4; n1 = 3, n0 = 5, n = 8: alpha = 1 - (2/8) / (2*3*5/56) = 1 - 56/120 = 0.5333
    assert moves.loc["private_agency", "alpha"] == pytest.approx(round(1 - 56 / 120, 4))
    assert moves.loc["private_agency", "percent_agreement"] == 0.75
    assert (moves.loc["private_agency", "precision"], moves.loc["private_agency", "recall"]) == (1.0, 0.5)
    # a move nobody codes: alpha undefined, with the reason, and every resample skipped
    assert math.isnan(moves.loc["credit_claiming", "alpha"])
    assert "no variation" in moves.loc["credit_claiming", "alpha_note"]
    assert moves.loc["credit_claiming", "resamples_without_variation"] == 200
    assert math.isnan(moves.loc["credit_claiming", "precision"])
    # a move only the rules code: recall undefined (NaN), precision 0
    assert moves.loc["bloc_threat_perception", "precision"] == 0
    assert math.isnan(moves.loc["bloc_threat_perception", "recall"])
    dims = table[table["row_type"] == "dimension"].set_index("dimension")
    assert dims.loc["alignment", "level_of_measurement"] == "ordinal"
    assert dims.loc["named_agent", "level_of_measurement"] == "nominal"
    assert dims.loc["named_agent", "percent_agreement"] == 0.75
    not_coded = table[table["row_type"] == "not_coded"].set_index("dimension")
    assert set(not_coded.index) == {"speaker_side", "stance"}
    assert not_coded["alpha"].isna().all()
    assert "derived from the tables" in not_coded.loc["speaker_side", "alpha_note"]
    assert "does not code it" in not_coded.loc["stance", "alpha_note"]


def assert_every_missing_value_has_a_reason(table):
    for row in table.itertuples():
        if any(math.isnan(getattr(row, c)) for c in ("precision", "recall", "f1")):
            assert row.prf_note, row
        if math.isnan(row.alpha):
            assert row.alpha_note, row


def test_every_missing_statistic_says_why(codebook):
    hand, rules = small_codings(codebook)
    assert_every_missing_value_has_a_reason(agreement.agreement_table(hand, rules, codebook,
                                                                      n_resamples=50))


def test_disagreements_list_both_codes_and_the_hand_rationale(codebook, files):
    hand, rules = small_codings(codebook)
    hand_long = pd.DataFrame([
        {"statement_id": "a", "dimension": "accountability_move", "code": "private_agency",
         "rationale": "A firm sold it."},
        {"statement_id": "b", "dimension": "accountability_move", "code": "private_agency",
         "rationale": "A firm sold it too."},
        {"statement_id": "b", "dimension": "named_agent", "code": "turkish_company",
         "rationale": "The firm is the seller."},
        {"statement_id": "b", "dimension": "alignment", "code": "dissociation",
         "rationale": "The state denies a part."},
        {"statement_id": "d", "dimension": "accountability_move", "code": "none",
         "rationale": "No move."},
    ])
    statements = pd.DataFrame({"statement_id": list("abcd"), "conflict_id": "x", "actor_id": "y",
                               "text": ["A private company sold it.", "The firm's sale.",
                                        "Turkey supplied them.", "A hostile bloc."]})
    dictionary = coder.load_dictionary(files["patterns"], codebook)
    table = agreement.disagreements(hand, rules, hand_long, statements, codebook, dictionary)
    keyed = table.set_index(["statement_id", "dimension", "code"])
    assert len(table) == 4
    row = keyed.loc[("b", "accountability_move", "private_agency")]
    assert (row["hand"], row["rules"], row["hand_rationale"]) == ("1", "0", "A firm sold it too.")
    assert keyed.loc[("b", "alignment", ""), "hand"] == "dissociation (-1)"
    assert keyed.loc[("b", "alignment", ""), "rules"] == "no_alignment (0)"
    assert keyed.loc[("b", "named_agent", ""), "hand_rationale"] == "The firm is the seller."
    extra = keyed.loc[("d", "accountability_move", "bloc_threat_perception")]
    assert extra["rules"] == "1" and "none: No move." in extra["hand_rationale"]
    assert extra["rules_evidence"].startswith("matched: ")


def test_project_coding_builds_and_writes_identical_bytes(tmp_path, monkeypatch):
    monkeypatch.setattr(coding.paths, "DATA_DERIVED", tmp_path)
    built = coding.build(n_resamples=100)
    written = coding.write_derived(built)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(coding.DERIVED_FILES.values())
    first = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    coding.write_derived(coding.build(n_resamples=100))
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == first
    assert set(written) == set(coding.DERIVED_FILES)
    assert_every_missing_value_has_a_reason(built.agreement)
    # every statement is coded both ways, and the hand codes keep the derived speaker side
    assert built.coded_hand["statement_id"].tolist() == built.coded_rules["statement_id"].tolist()
    assert set(built.coded_hand["speaker_side"]) <= set(built.codebook.code_ids("speaker_side"))


def test_one_statement_leaves_every_statistic_undefined_with_the_reason(codebook):
    hand, rules = (frame.iloc[:1] for frame in small_codings(codebook))
    table = agreement.agreement_table(hand, rules, codebook, n_resamples=50)
    coded = table[table["row_type"] != "not_coded"]
    assert set(coded["row_type"]) == {"binary_code", "pooled_moves", "dimension", "category"}
    assert coded[["alpha", "alpha_ci_low", "alpha_ci_high", "precision", "recall", "f1"]] \
        .isna().all().all()
    assert (coded["alpha_note"] == "undefined: fewer than two statements").all()
    assert (coded["prf_note"] == "undefined: fewer than two statements").all()
    note = agreement.reading_note(table)
    assert note.startswith("With 1 statement, ") and "nan" not in note
    assert "alpha undefined: fewer than two statements" in note


def test_reading_note_states_only_what_the_table_shows(codebook):
    hand, _ = small_codings(codebook)
    table = agreement.agreement_table(hand, hand.copy(), codebook, n_resamples=50)
    rows = table[table["row_type"].isin(["pooled_moves", "dimension"])]
    widest = (rows["alpha_ci_high"] - rows["alpha_ci_low"]).max()
    note = agreement.reading_note(table)
    assert ("most of the distance" in note) == (widest > 0.5)
    # a move both codings give every statement is undefined too, but is not "never assigned"
    everywhere = codebook.move_ids[0]
    table = agreement.agreement_table(hand.assign(**{everywhere: 1}), hand.assign(**{everywhere: 1}),
                                      codebook, n_resamples=50)
    note = agreement.reading_note(table)
    assert everywhere not in note.split("Alpha is undefined for")[-1].split(":")[0]


def test_reading_note_without_variation_prints_no_nan(codebook):
    hand, _ = small_codings(codebook)
    hand = hand.assign(**{m: 0 for m in codebook.move_ids}, named_agent="unspecified", alignment=0)
    table = agreement.agreement_table(hand, hand.copy(), codebook, n_resamples=50)
    pooled = table[table["row_type"] == "pooled_moves"].iloc[0]
    assert math.isnan(pooled["alpha"]) and "no variation" in pooled["alpha_note"]
    note = agreement.reading_note(table)
    assert note.startswith("With 4 statements, ") and "nan" not in note.lower()
    assert_every_missing_value_has_a_reason(table)
