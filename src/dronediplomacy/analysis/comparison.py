"""Nagorno-Karabakh against Ukraine, point by point: the comparison table.

One column per war (the conflicts of data/input/conflicts.csv that have a start date,
in table order), one row per point of comparison:

- Turkey's posture (conflicts.csv);
- the accountability moves of Turkish speakers (hand coding);
- the agent of the transfer the statements name, Turkish speakers and others;
- the alignment with the buyer's war effort the statements present;
- who pushed back and against what (statement_responses.csv, the responders' stance
  and moves, the moves of the statements they answer);
- the deliveries context from SIPRI (labelled SIPRI: context data, not the article).

Every cell is a short text computed from the tables (counts and lists, nothing typed
per conflict) and ends with the ids it rests on in brackets, e.g. ``[st01, st02]``;
SIPRI cells cite the SIPRI deal ids, ``[SIPRI 63668]``. :func:`write_comparison`
writes the table to data/derived/comparison.csv, atomically.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from dronediplomacy import atomic
from dronediplomacy.coding.codebook import load_codebook
from dronediplomacy import paths
from dronediplomacy.inputs import sipri
from dronediplomacy.reporting.figures_article import (TURKISH_SIDE, code_labels, coded_statements,
                              conflict_short)
from dronediplomacy.inputs.tables import Tables, load_tables

COMPARISON_CSV = paths.DATA_DERIVED / "comparison.csv"
SIPRI_CSV = paths.DATA_RAW / "sipri_trade_register_turkiye.csv"
#: First year of the SIPRI deliveries summed in the context row (as in figure 8).
SIPRI_FIRST_YEAR = 2014

#: The points of comparison, in order: (key, label shown in the table).
POINTS: tuple[tuple[str, str], ...] = (
    ("posture", "Turkey's posture"),
    ("turkish_moves", "Moves of Turkish speakers"),
    ("named_agent", "Agent of the transfer named"),
    ("alignment", "Alignment presented"),
    ("pushback", "Who pushed back, against what"),
    ("sipri", "Deliveries context (SIPRI)"),
)
#: Columns of comparison.csv before the one column per war.
LEAD_COLUMNS = ("point", "label")

#: An id citation at the end of a cell: ``[st01, st02]`` or ``[SIPRI 63668, 65290]``.
CITATION = re.compile(r"\[([^\[\]]+)\]\s*$")


def cite(ids) -> str:
    """``[a, b, c]``: the ids, unique, in first-seen order."""
    ids = list(dict.fromkeys(str(i) for i in ids))
    if not ids:
        raise ValueError("a comparison cell must rest on at least one id")
    return "[" + ", ".join(ids) + "]"


def cited_ids(cell: str) -> list[str]:
    """The ids a cell cites (the bracket at its end); SIPRI ids keep their prefix
    stripped and are returned as ``SIPRI <id>``."""
    match = CITATION.search(cell)
    if not match:
        return []
    parts = [p.strip() for p in match.group(1).split(",")]
    if parts and parts[0].startswith("SIPRI"):
        first = parts[0][len("SIPRI"):].strip()
        return [f"SIPRI {p}" for p in ([first] if first else []) + parts[1:]]
    return parts


def _signed(value: int) -> str:
    return f"{value:+d}".replace("-", "−") if value else "0"


def _counted(counts: dict[str, int]) -> str:
    """'a 2, b 1' in descending count, then name."""
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# -- the cells --------------------------------------------------------------------------------

def posture_cell(conflict: pd.Series) -> str:
    return (f"{conflict['turkey_posture']}: {conflict['posture_description']} "
            f"{cite([conflict['conflict_id']])}")


def turkish_moves_cell(coded: pd.DataFrame, moves: list[str], labels: dict[str, str]) -> str:
    turkish = coded[coded["speaker_side"] == TURKISH_SIDE]
    if turkish.empty:
        raise ValueError("no Turkish statement in this conflict")
    counts = {labels[m].lower(): int(turkish[m].sum()) for m in moves if turkish[m].sum()}
    none = turkish[turkish[moves].sum(axis=1) == 0]
    text = (f"{_plural(sum(counts.values()), 'move')} in "
            f"{_plural(len(turkish), 'statement')}: {_counted(counts)}")
    if not none.empty:
        text += f"; no move in {', '.join(none['statement_id'])}"
    return f"{text} {cite(turkish['statement_id'])}"


def agent_cell(coded: pd.DataFrame, labels: dict[str, str]) -> str:
    parts = []
    for name, group in (("Turkish speakers", coded[coded["speaker_side"] == TURKISH_SIDE]),
                        ("others", coded[coded["speaker_side"] != TURKISH_SIDE])):
        if group.empty:
            parts.append(f"{name}: none")
            continue
        counts = group.groupby("named_agent")["statement_id"].apply(list)
        items = [f"{labels[agent]} ({', '.join(ids)})" for agent, ids
                 in sorted(counts.items(), key=lambda kv: (-len(kv[1]), kv[0]))]
        parts.append(f"{name}: " + "; ".join(items))
    return " | ".join(parts) + f" {cite(coded['statement_id'])}"


def alignment_cell(coded: pd.DataFrame) -> str:
    parts = []
    for name, group in (("Turkish speakers", coded[coded["speaker_side"] == TURKISH_SIDE]),
                        ("others", coded[coded["speaker_side"] != TURKISH_SIDE])):
        if group.empty:
            parts.append(f"{name}: none")
            continue
        values = group.sort_values("statement_id")
        items = ", ".join(f"{r.statement_id} {_signed(int(r.alignment_value))}"
                          for r in values.itertuples())
        mean = round(float(values["alignment_value"].astype(float).mean()), 1)
        mean_text = f"{mean:+.1f}".replace("-", "−") if mean else "0.0"
        parts.append(f"{name} {items} (mean {mean_text})")
    return " | ".join(parts) + f" {cite(coded['statement_id'])}"


def pushback_cell(coded: pd.DataFrame, responses: pd.DataFrame, moves: list[str],
                  move_labels: dict[str, str], speakers: dict[str, str]) -> str:
    by_id = coded.set_index("statement_id")
    ids = set(coded["statement_id"])
    links = responses[responses["response_id"].isin(ids) | responses["answers_id"].isin(ids)]
    contesting = coded[(coded["stance"] == "contests")]
    if links.empty and contesting.empty:
        return f"no statement answers another and none contests {cite(coded['statement_id'])}"
    parts, cited = [], []

    def moves_of(statement_ids) -> str:
        found = [move_labels[m].lower() for m in moves
                 if any(by_id.loc[s, m] for s in statement_ids)]
        return ", ".join(found) if found else "no coded move"

    for response, group in links.groupby("response_id", sort=True):
        row = by_id.loc[response]
        answered = sorted(group["answers_id"])
        parts.append(f"{speakers[response]} ({row['speaker_side'].replace('_', ' ')}, "
                     f"{row['stance']}) answers {', '.join(answered)} "
                     f"({moves_of(answered)}) with {moves_of([response])}")
        cited += [response, *answered]
    unlinked = contesting[~contesting["statement_id"].isin(links["response_id"])]
    for row in unlinked.itertuples():
        parts.append(f"{speakers[row.statement_id]} ({row.speaker_side.replace('_', ' ')}) "
                     "contests, answering no listed statement, with "
                     f"{moves_of([row.statement_id])}")
        cited.append(row.statement_id)
    return "; ".join(parts) + f" {cite(sorted(cited))}"


def sipri_cell(deliveries: pd.DataFrame, country: str, war_start_year: int) -> str:
    rows = deliveries[(deliveries["recipient"] == country)]
    if rows.empty:
        return f"SIPRI: no armed-UAV deliveries from Turkey to {country} recorded [SIPRI]"
    first, last = int(rows["year"].min()), int(rows["year"].max())
    total, estimated = int(rows["delivered"].sum()), int(rows["estimated"].sum())
    before = int(rows.loc[rows["year"] < war_start_year, "delivered"].sum())
    during = int(rows.loc[rows["year"] == war_start_year, "delivered"].sum())
    after = int(rows.loc[rows["year"] > war_start_year, "delivered"].sum())
    ids = sorted({i.strip() for cell in rows["sipri_ids"] for i in str(cell).split(";")
                  if i.strip()}, key=int)
    text = (f"SIPRI: {total} armed UAVs delivered by Turkey to {country} in {first}–{last} "
            f"({estimated} of them SIPRI estimates): {before} before {war_start_year}, "
            f"{during} in {war_start_year} (the war began), {after} after")
    return f"{text} " + ("[SIPRI " + ", ".join(ids) + "]" if ids else "[SIPRI]")


# -- the table --------------------------------------------------------------------------------

def wars(tables: Tables) -> pd.DataFrame:
    """The conflicts compared: those with a start date (the wars), in table order."""
    return tables.conflicts[tables.conflicts["date_start"].notna()].reset_index(drop=True)


def comparison_table(tables: Tables | None = None, sipri_csv: Path | str = SIPRI_CSV
                     ) -> pd.DataFrame:
    """The comparison: one row per point (POINTS), one column per war (its id)."""
    tables = tables or load_tables()
    codebook = load_codebook()
    coded = coded_statements(tables, codebook)
    moves = codebook.move_ids
    move_labels = code_labels(codebook, "accountability_move")
    agent_labels = code_labels(codebook, "named_agent")
    speakers = dict(zip(coded["statement_id"], coded["speaker"]))
    country = tables.actors.set_index("actor_id")["country"]
    export = sipri.read_trade_register(sipri_csv)
    conflicts = wars(tables)
    buyers = [country[a] for a in conflicts["buyer_actor_id"]]
    deliveries = sipri.armed_uav_deliveries(export, tuple(dict.fromkeys(buyers)), SIPRI_FIRST_YEAR)

    columns = {}
    for conflict, buyer in zip(conflicts.to_dict("records"), buyers):
        cid = conflict["conflict_id"]
        mine = coded[coded["conflict_id"] == cid]
        cells = {
            "posture": posture_cell(pd.Series(conflict)),
            "turkish_moves": turkish_moves_cell(mine, moves, move_labels),
            "named_agent": agent_cell(mine, agent_labels),
            "alignment": alignment_cell(mine),
            "pushback": pushback_cell(mine, tables.statement_responses, moves, move_labels,
                                      speakers),
            "sipri": sipri_cell(deliveries, buyer, int(str(conflict["date_start"])[:4])),
        }
        columns[cid] = [cells[key] for key, _ in POINTS]
    table = pd.DataFrame({"point": [k for k, _ in POINTS], "label": [l for _, l in POINTS],
                          **columns})
    return table


def column_titles(tables: Tables | None = None) -> dict[str, str]:
    """War id -> a column title for display: short name (id)."""
    tables = tables or load_tables()
    return {cid: f"{conflict_short(cid)} ({cid})" for cid in wars(tables)["conflict_id"]}


def write_comparison(table: pd.DataFrame | None = None,
                     target: Path | str = COMPARISON_CSV) -> Path:
    """Write the comparison to data/derived/comparison.csv (atomically); return the path."""
    table = comparison_table() if table is None else table
    atomic.write_csv(target, table)
    return Path(target)
