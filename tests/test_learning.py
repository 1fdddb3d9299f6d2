"""The coder's development tools on small fixtures: the split filter, deterministic training,
and the evaluation report."""

import numpy as np
import pandas as pd
import pytest

from dronediplomacy.coding import learning

MOVES = ("credit_claiming", "private_agency")


def fixture(n: int = 12) -> pd.DataFrame:
    texts = [f"we won the battle number {i}" if i % 3 == 0 else
             f"a private company sold item {i}" if i % 3 == 1 else f"weather report {i}"
             for i in range(n)]
    return pd.DataFrame({"statement_id": [f"x{i}" for i in range(n)], "source": "corpus",
                         "text": texts, "credit_claiming": [int(i % 3 == 0) for i in range(n)],
                         "private_agency": [int(i % 3 == 1) for i in range(n)],
                         "named_agent": ["buyer_state", "turkish_company", "unspecified"] * (n // 3),
                         "alignment": [1, -2, 0] * (n // 3)})


def test_split_filter_never_lets_a_test_id_into_development():
    split = pd.DataFrame({"statement_id": ["a", "b", "c", "d"],
                          "set": ["development", "test", "test", "development"]})
    assert learning.split_ids(split, "development") == ["a", "d"]
    assert set(learning.split_ids(split, "test")).isdisjoint(learning.split_ids(split, "development"))
    with pytest.raises(ValueError):
        learning.split_ids(split, "all")


def test_training_is_deterministic_and_learns_the_fixture():
    frame = fixture()
    first, second = learning.train(frame, MOVES), learning.train(frame, MOVES)
    for target in (*MOVES, "named_agent", "alignment"):
        np.testing.assert_array_equal(first.classifiers[target].coef_,
                                      second.classifiers[target].coef_)
    x = first.features(["a private company sold it"])
    assert first.classifiers["private_agency"].predict(x)[0] == 1


def test_report_scores_a_perfect_and_an_empty_coder():
    hand = fixture()
    perfect = learning.report(hand, hand, MOVES, [-2, -1, 0, 1, 2], n_resamples=50)
    value = perfect.set_index(["measure", "code"])["value"]
    assert value[("macro_f1", "moves")] == 1 and value[("move_found", "moves")] == 1
    assert value[("accuracy", "named_agent")] == 1
    empty = hand.assign(credit_claiming=0, private_agency=0, named_agent="unspecified")
    value = learning.report(hand, empty, MOVES, [-2, -1, 0, 1, 2], n_resamples=50) \
        .set_index(["measure", "code"])["value"]
    assert value[("move_found", "moves")] == 0 and value[("recall", "private_agency")] == 0
    assert value[("accuracy", "named_agent")] == pytest.approx(1 / 3)
    assert "met" in learning.headline(perfect) and "missed" in learning.headline(
        learning.report(hand, empty, MOVES, [-2, -1, 0, 1, 2], n_resamples=50))
