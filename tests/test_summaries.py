"""The summaries everything reports (analysis/summaries.py), on small fixtures in tmp_path.

The fixtures are copies of data/input/ changed in one place; every expectation is computed
from the tables themselves, so a researcher who adds a statement or revises the codebook
does not turn these tests red.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from dronediplomacy import paths
from dronediplomacy.analysis import summaries
from dronediplomacy.coding.codebook import load_codebook
from dronediplomacy.errors import InputError
from dronediplomacy.inputs.tables import load_tables


@pytest.fixture(scope="module")
def inputs():
    tables = load_tables()
    codebook = load_codebook()
    return tables, codebook, summaries.coded_statements(tables, codebook)


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "input"
    shutil.copytree(paths.DATA_INPUT, target)
    return target


def test_one_row_per_statement_in_table_order(inputs):
    tables, codebook, coded = inputs
    assert list(coded["statement_id"]) == list(tables.statements["statement_id"])
    assert list(coded.columns) == [*summaries.CODED_LEAD, *codebook.move_ids, *summaries.CODED_TAIL]
    made = coded[codebook.move_ids].apply(lambda r: "; ".join(m for m in codebook.move_ids if r[m]),
                                          axis=1)
    assert list(made) == list(coded["moves"])
    values = codebook.ordinal_values("alignment")
    assert all(values[c] == v for c, v in zip(coded["alignment"], coded["alignment_value"]))


def test_ownership_score_follows_the_rule_in_the_codebook(inputs):
    tables, codebook, coded = inputs
    rule = summaries.ownership_rule(codebook)
    assert set(rule.weights) == set(codebook.move_ids)
    for row in coded.itertuples():
        moves = [m for m in row.moves.split("; ") if m]
        expected = sum(rule.weights[m] for m in moves
                       if m not in rule.turkish_speaker_only or row.speaker_side == "turkey")
        assert row.ownership_score == expected


def test_changing_a_weight_in_the_codebook_changes_the_score(tmp_path, inputs):
    tables, codebook, coded = inputs
    folder = _copy(tmp_path)
    data = yaml.safe_load((folder / "codebook.yaml").read_text(encoding="utf-8"))
    move = next(m for m in codebook.move_ids if coded[m].sum())
    data["ownership_score"]["weights"][move] += 5
    data["ownership_score"]["turkish_speaker_only"] = []
    (folder / "codebook.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    changed = summaries.coded_statements(load_tables(folder), load_codebook(folder / "codebook.yaml"))
    with_move = coded[move] == 1
    assert (changed.loc[with_move, "ownership_score"] != coded.loc[with_move, "ownership_score"]).all()


def test_a_weight_written_with_a_zero_fraction_is_read_as_a_whole_number(tmp_path):
    folder = _copy(tmp_path)
    path = folder / "codebook.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    move = next(iter(data["ownership_score"]["weights"]))
    data["ownership_score"]["weights"][move] = 2.0
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    weights = summaries.ownership_rule(load_codebook(path)).weights
    assert weights[move] == 2 and all(type(w) is int for w in weights.values())


def test_a_move_without_a_weight_is_an_error_naming_the_key(tmp_path):
    folder = _copy(tmp_path)
    path = folder / "codebook.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    move = next(iter(data["ownership_score"]["weights"]))
    del data["ownership_score"]["weights"][move]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError, match=f"codebook.yaml.*ownership_score.weights.*{move}"):
        summaries.ownership_rule(load_codebook(path))


def test_counts_cover_every_combination_and_match_the_coded_rows(inputs):
    tables, codebook, coded = inputs
    moves = summaries.move_counts(coded, codebook)
    sides = codebook.code_ids("speaker_side")
    n_conflicts = coded["conflict_id"].nunique()
    assert len(moves) == coded["source_id"].nunique() * n_conflicts * len(codebook.move_ids) * len(sides)
    for row in moves.itertuples():
        mine = coded[(coded["conflict_id"] == row.conflict_id) & (coded["speaker_side"] == row.speaker_side)
                     & (coded[row.move] == 1)]
        assert row.count == len(mine)
        assert row.statement_ids == "; ".join(sorted(mine["statement_id"]))
    agents = summaries.agent_counts(coded, codebook)
    assert agents["count"].sum() == len(coded)          # each statement names one agent


def test_alignment_summary_per_group(inputs):
    _, _, coded = inputs
    table = summaries.alignment_summary(coded)
    assert table["n"].sum() == len(coded)
    for row in table.itertuples():
        values = coded[(coded["conflict_id"] == row.conflict_id)
                       & (coded["speaker_side"] == row.speaker_side)]["alignment_value"].astype(int)
        assert (row.n, row.min, row.max) == (len(values), values.min(), values.max())
        assert row.mean == pytest.approx(values.mean())


def test_a_second_source_is_kept_apart(tmp_path, inputs):
    """Statements moved to a second source are counted in their own rows."""
    tables, codebook, coded = inputs
    folder = _copy(tmp_path)
    sources = pd.read_csv(folder / "sources.csv", dtype=str, keep_default_na=False)
    second = sources.iloc[[0]].assign(source_id="second-source")
    pd.concat([sources, second]).to_csv(folder / "sources.csv", index=False)
    statements = pd.read_csv(folder / "statements.csv", dtype=str, keep_default_na=False)
    moved = statements["statement_id"].iloc[0]
    statements.loc[0, "source_id"] = "second-source"
    statements.to_csv(folder / "statements.csv", index=False)
    try:
        two = load_tables(folder)
    except InputError as error:       # the schema may tie a statement to its source's text
        pytest.skip(f"a second source needs more than a row here: {error}")
    recoded = summaries.coded_statements(two, codebook)
    counts = summaries.move_counts(recoded, codebook)
    assert set(counts["source_id"]) == {sources["source_id"].iloc[0], "second-source"}
    theirs = counts[counts["source_id"] == "second-source"]
    assert set("; ".join(theirs["statement_ids"]).replace(" ", "").split(";")) - {""} <= {moved}


def test_pushback_has_one_row_per_response_link(inputs):
    tables, _, coded = inputs
    table = summaries.pushback(tables, coded)
    linked = table.dropna(subset=["answers_id"])
    assert sorted(zip(linked["response_id"], linked["answers_id"])) == sorted(
        zip(tables.statement_responses["response_id"], tables.statement_responses["answers_id"]))
    unlinked = table[table["answers_id"].isna()]
    assert (unlinked["stance"] == "contests").all()
    assert not set(unlinked["response_id"]) & set(tables.statement_responses["response_id"])
