"""Small-sample inference (dronediplomacy.analysis.inference) on fixtures worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from dronediplomacy.analysis import inference
from dronediplomacy.errors import InputError
from dronediplomacy.reporting import answer

WARS = ("a", "b")


def coded(rows) -> pd.DataFrame:
    """Turkish statements: (id, war, credit_claiming 0/1, alignment, outlet)."""
    frame = pd.DataFrame(rows, columns=["statement_id", "conflict_id", "credit_claiming",
                                        "alignment_value", "outlet"])
    for move in inference.MOVES[1:]:
        frame[move] = 0
    return frame.assign(speaker_side="turkey", named_agent="unspecified")


def test_holm_adjusts_a_known_vector_and_leaves_missing_values_out():
    assert np.allclose(inference.holm([0.01, 0.04, 0.03]), [0.03, 0.06, 0.06])
    adjusted = inference.holm([0.02, np.nan, 0.5])
    assert np.isnan(adjusted[1]) and np.allclose(adjusted[[0, 2]], [0.04, 0.5])


def test_newcombe_interval_reproduces_newcombe_1998_example():
    low, high = inference.newcombe(56, 70, 48, 80)  # Newcombe (1998), table II, method 10
    assert (round(low, 4), round(high, 4)) == (0.0524, 0.3339)


def test_smallest_p_of_a_share_is_the_smallest_p_of_any_two_by_two_table():
    every = [inference.boschloo(k1, 2, k2, 3) for k1 in range(3) for k2 in range(4)]
    assert inference.smallest_p(2, 3, share=True) == pytest.approx(min(every))
    assert inference.boschloo(0, 2, 0, 3) == 1.0  # nobody makes the move: nothing to test


def test_two_against_three_permutation_p_is_the_two_extreme_splits_of_ten():
    frame = coded([("s1", "a", 1, 3, "x"), ("s2", "a", 1, 4, "x"), ("s3", "b", 0, 0, "y"),
                   ("s4", "b", 0, 1, "y"), ("s5", "b", 0, 2, "z")])
    row = inference.infer(frame, WARS).set_index("headline").loc["alignment:mean"]
    assert row["difference"] == pytest.approx(2.5)
    assert row["p"] == pytest.approx(2 / math.comb(5, 2)) == row["p_min"]
    assert row["test"] == "permutation, every split"
    credit = inference.infer(frame, WARS).set_index("headline").loc["accountability_move:credit_claiming"]
    assert (credit["k_a"], credit["n_a"], credit["k_b"], credit["n_b"]) == (2, 2, 0, 3)
    assert credit["p"] == pytest.approx(credit["p_min"])  # the most extreme table there is


def test_leave_one_out_on_three_statements_gives_the_range_by_hand():
    frame = coded([("s1", "a", 1, 1, "x"), ("s2", "a", 0, 0, "y"), ("s3", "b", 0, 0, "y")])
    table = inference.sensitivity(frame, WARS, outlet=True).set_index("headline")
    credit = table.loc["accountability_move:credit_claiming"]
    assert credit["estimate"] == 0.5
    # without s1: 0 - 0; without s2: 1 - 0; without s3 war b is empty (left out of the range)
    assert (credit["drop_statement_min"], credit["drop_statement_max"]) == (0.0, 1.0)
    # without outlet x: 0; without outlet y (s2 and s3): war b empty
    assert (credit["drop_outlet_min"], credit["drop_outlet_max"]) == (0.0, 0.0)


def test_answer_names_the_notebook_when_its_tables_are_missing(tmp_path):
    with pytest.raises(InputError, match=r"inference\.csv: is missing\. Fix: run notebooks/05-test-the-arg"):
        answer.facts(tmp_path)


def test_a_headline_is_labelled_from_the_codebook_and_an_unknown_code_is_an_error(tmp_path):
    from coding_fixture import write
    from dronediplomacy.coding.codebook import load_codebook

    codebook = load_codebook(write(tmp_path)["codebook"])
    move = codebook.move_ids[0]
    label = next(c["label"] for c in codebook.dimension("accountability_move")["codes"] if c["id"] == move)
    assert label in answer.headline_label(f"accountability_move:{move}", codebook, "figure")
    assert answer.headline_label("alignment:mean", codebook)  # alignment needs no code
    with pytest.raises(KeyError):
        answer.headline_label("accountability_move:no_such_move", codebook)
