"""The comparison table: every cell computed from the tables and citing existing ids."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from dronediplomacy.analysis import comparison
from dronediplomacy.inputs import sipri
from dronediplomacy.analysis import summaries
from dronediplomacy.coding.codebook import load_codebook
from dronediplomacy.inputs.tables import load_tables


@pytest.fixture(scope="module")
def tables():
    return load_tables()


@pytest.fixture(scope="module")
def table(tables):
    return comparison.comparison_table(tables)


@pytest.fixture(scope="module")
def known_ids(tables):
    ids = set(tables.statements["statement_id"]) | set(tables.events["event_id"])
    ids |= set(tables.claims["claim_id"]) | set(tables.conflicts["conflict_id"])
    return ids


@pytest.fixture(scope="module")
def sipri_ids():
    export = sipri.read_trade_register(summaries.SIPRI_CSV)
    return {str(i) for i in export["SIPRI AT Database ID"]}


def war_columns(table: pd.DataFrame) -> list[str]:
    return [c for c in table.columns if c not in ("point", "label")]


def cited_ids(cell: str) -> list[str]:
    """The ids a cell cites in the bracket at its end; SIPRI deal ids as 'SIPRI <id>'."""
    match = re.search(r"\[([^\[\]]+)\]\s*$", cell)
    if not match:
        return []
    parts = [p.strip() for p in match.group(1).split(",")]
    if parts[0].startswith("SIPRI"):
        first = parts[0][len("SIPRI"):].strip()
        return [f"SIPRI {p}" for p in ([first] if first else []) + parts[1:]]
    return parts


def test_one_column_per_war_one_row_per_point(table, tables):
    wars = tables.conflicts[tables.conflicts["date_start"].notna()]["conflict_id"]
    assert war_columns(table) == list(wars)
    assert list(table["point"]) == list(comparison.POINTS)


def test_every_cell_cites_ids_that_exist(table, known_ids, sipri_ids):
    for column in war_columns(table):
        for point, cell in zip(table["point"], table[column]):
            ids = cited_ids(cell)
            assert ids, f"{point}/{column}: no bracketed ids at the end of {cell!r}"
            for cited in ids:
                if cited.startswith("SIPRI"):
                    assert point == "sipri"
                    assert cited.removeprefix("SIPRI ") in sipri_ids, (point, column, cited)
                else:
                    assert cited in known_ids, (point, column, cited)


def test_cells_of_a_war_cite_only_that_war(table, tables):
    conflict_of = dict(zip(tables.statements["statement_id"], tables.statements["conflict_id"]))
    for column in war_columns(table):
        for point, cell in zip(table["point"], table[column]):
            for cited in cited_ids(cell):
                if cited in conflict_of:
                    assert conflict_of[cited] == column, (point, column, cited)
                elif cited in set(tables.conflicts["conflict_id"]):
                    assert cited == column


def test_sipri_row_is_labelled_sipri_and_matches_the_export(table, tables):
    export = sipri.read_trade_register(summaries.SIPRI_CSV)
    row = table.set_index("point").loc["sipri"]
    assert "SIPRI" in row["label"]
    country = tables.actors.set_index("actor_id")["country"]
    for war in tables.conflicts[tables.conflicts["date_start"].notna()].itertuples():
        buyer = country[war.buyer_actor_id]
        cell = row[war.conflict_id]
        assert cell.startswith("SIPRI:") and buyer in cell
        deliveries = sipri.armed_uav_deliveries(export, (buyer,), summaries.SIPRI_FIRST_YEAR)
        mine = deliveries[deliveries["recipient"] == buyer]
        total = re.search(r"SIPRI: (\d+) armed UAVs", cell).group(1)
        assert int(total) == int(mine["delivered"].sum())
        deals = {i.strip() for ids in mine["sipri_ids"] for i in ids.split(";") if i.strip()}
        assert {i.removeprefix("SIPRI ") for i in cited_ids(cell)} == deals


def test_turkish_moves_are_counted_from_the_hand_coding(table, tables):
    codebook = load_codebook()
    coded = summaries.coded_statements(tables, codebook)
    row = table.set_index("point").loc["turkish_moves"]
    for cid in war_columns(table):
        turkish = coded[(coded["conflict_id"] == cid) & (coded["speaker_side"] == "turkey")]
        n_moves = int(turkish[codebook.move_ids].to_numpy().sum())
        assert row[cid].startswith(f"{n_moves} move{'s' if n_moves != 1 else ''} in "
                                   f"{len(turkish)} statement")
        assert cited_ids(row[cid]) == list(turkish["statement_id"])


def test_pushback_names_each_response_and_what_it_answers(table, tables):
    row = table.set_index("point").loc["pushback"]
    links = tables.statement_responses
    conflict_of = dict(zip(tables.statements["statement_id"], tables.statements["conflict_id"]))
    for response, group in links.groupby("response_id"):
        cell = row[conflict_of[response]]
        for answered in group["answers_id"]:
            assert answered in cell
        assert response in cited_ids(cell)
    # what each response answers is the answered statements' moves, from the summaries
    labels = summaries.code_labels(load_codebook(), "accountability_move")
    pushback = summaries.pushback(tables, summaries.coded_statements(tables, load_codebook()))
    for (cid, response), group in pushback.dropna(subset=["answers_id"]).groupby(
            ["conflict_id", "response_id"]):
        moves = {m for cell in group["response_moves"] for m in cell.split("; ") if m}
        for move in moves:
            assert labels[move].lower() in row[cid]


def test_cells_change_with_the_data(tables):
    """Nothing typed per conflict: swap the two wars' postures and the cells follow."""
    conflicts = tables.conflicts.copy()
    swapped = conflicts["turkey_posture"].tolist()
    swapped[0], swapped[1] = swapped[1], swapped[0]
    conflicts["turkey_posture"] = swapped
    import dataclasses
    altered = dataclasses.replace(tables, conflicts=conflicts)
    table = comparison.comparison_table(altered).set_index("point")
    first, second = conflicts["conflict_id"].iloc[:2]
    assert table.loc["posture", first].startswith(swapped[0] + ":")
    assert table.loc["posture", second].startswith(swapped[1] + ":")


def test_cite_and_cited_ids_round_trip():
    assert comparison.cite(["st02", "st01", "st02"]) == "[st02, st01]"
    assert cited_ids("text [st01, st02]") == ["st01", "st02"]
    assert cited_ids("SIPRI: 3 delivered [SIPRI 63668, 65290]") == \
        ["SIPRI 63668", "SIPRI 65290"]
    assert cited_ids("no citation") == []
    with pytest.raises(ValueError, match="at least one id"):
        comparison.cite([])


def test_written_csv_is_the_table(tmp_path, table):
    target = comparison.write_comparison(table, tmp_path / "comparison.csv")
    pd.testing.assert_frame_equal(pd.read_csv(target), table)
    assert not [p for p in tmp_path.iterdir() if p.name != "comparison.csv"]  # no temp left


def test_committed_comparison_is_current(table):
    on_disk = pd.read_csv(comparison.COMPARISON_CSV)
    pd.testing.assert_frame_equal(on_disk, table)
