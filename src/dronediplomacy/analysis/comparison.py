"""Nagorno-Karabakh against Ukraine, point by point: the comparison table. One column per war
(the conflicts with a start date, in table order), one row per point (:data:`POINTS`). Every cell
is computed from :mod:`summaries` and ends with the ids it rests on in brackets, ``[st01, st02]``
(SIPRI deal ids: ``[SIPRI 63668, 65290]``; SIPRI is context data, not the article).
"""

from pathlib import Path

import pandas as pd

from dronediplomacy import atomic, paths
from dronediplomacy.analysis import summaries
from dronediplomacy.analysis.summaries import TURKISH_SIDE
from dronediplomacy.coding.codebook import load_codebook
from dronediplomacy.inputs import sipri
from dronediplomacy.inputs.tables import Tables, load_tables

COMPARISON_CSV = paths.DATA_DERIVED / "comparison.csv"
#: The points of comparison, in order: key -> label shown in the table.
POINTS = {"posture": "Turkey's posture", "turkish_moves": "Moves of Turkish speakers",
          "named_agent": "Agent of the transfer named", "alignment": "Alignment presented",
          "pushback": "Who pushed back, against what", "sipri": "Deliveries context (SIPRI)"}
GROUPS = ("Turkish speakers", "others")


def cite(ids) -> str:
    """``[a, b, c]``: the ids, unique, in first-seen order (ValueError for none)."""
    ids = list(dict.fromkeys(str(i) for i in ids))
    if not ids:
        raise ValueError("a comparison cell must rest on at least one id")
    return "[" + ", ".join(ids) + "]"


def signed(value: float, decimals: int = 0) -> str:
    """+2, 0, −1 (decimals=0); +1.5, −1.6, 0.0 (decimals=1): a true minus sign."""
    rounded = round(float(value), decimals)
    return (f"{rounded:+.{decimals}f}" if rounded else f"{0:.{decimals}f}").replace("-", "\u2212")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _group(side: str) -> str:
    return GROUPS[side != TURKISH_SIDE]


def turkish_moves_cell(coded: pd.DataFrame, moves: pd.DataFrame, labels: dict[str, str]) -> str:
    """``coded``: the war's coded statements; ``moves``: its :func:`summaries.move_counts`."""
    turkish = coded[coded["speaker_side"] == TURKISH_SIDE]
    if turkish.empty:
        return f"no statement by a Turkish speaker {cite(coded['statement_id'])}"
    made = moves[(moves["speaker_side"] == TURKISH_SIDE) & (moves["count"] > 0)]
    counts = sorted(((labels[m].lower(), int(n)) for m, n in zip(made["move"], made["count"])),
                    key=lambda kv: (-kv[1], kv[0]))
    text = (f"{_plural(sum(n for _, n in counts), 'move')} in "
            f"{_plural(len(turkish), 'statement')}: {', '.join(f'{k} {n}' for k, n in counts)}")
    none = turkish.loc[turkish["moves"] == "", "statement_id"]
    if len(none):
        text += f"; no move in {', '.join(none)}"
    return f"{text} {cite(turkish['statement_id'])}"


def agent_cell(coded: pd.DataFrame, agents: pd.DataFrame, labels: dict[str, str]) -> str:
    """``agents``: the war's :func:`summaries.agent_counts`."""
    agents = agents[agents["count"] > 0]
    parts = []
    for name in GROUPS:
        mine = agents[agents["speaker_side"].map(_group) == name]
        ids = {a: sorted("; ".join(g["statement_ids"]).split("; "))
               for a, g in mine.groupby("named_agent")}
        items = [f"{labels[a]} ({', '.join(i)})"
                 for a, i in sorted(ids.items(), key=lambda kv: (-len(kv[1]), kv[0]))]
        parts.append(f"{name}: " + ("; ".join(items) if items else "none"))
    return " | ".join(parts) + f" {cite(coded['statement_id'])}"


def alignment_cell(coded: pd.DataFrame) -> str:
    grouped = coded.assign(speakers=coded["speaker_side"].map(_group))
    means = summaries.alignment_summary(grouped, by=("speakers",)).set_index("speakers")["mean"]
    parts = []
    for name in GROUPS:
        values = grouped[grouped["speakers"] == name].sort_values("statement_id")
        items = ", ".join(f"{r.statement_id} {signed(r.alignment_value)}"
                          for r in values.itertuples())
        parts.append(f"{name} {items} (mean {signed(means[name], 1)})" if items
                     else f"{name}: none")
    return " | ".join(parts) + f" {cite(coded['statement_id'])}"


def pushback_cell(coded: pd.DataFrame, links: pd.DataFrame, labels: dict[str, str]) -> str:
    """``links``: the war's rows of :func:`summaries.pushback`."""
    if links.empty:
        return f"no statement answers another and none contests {cite(coded['statement_id'])}"

    def moves_of(cells) -> str:
        made = {m for cell in cells for m in str(cell).split("; ") if m}
        return ", ".join(labels[m].lower() for m in labels if m in made) or "no coded move"

    parts, cited = [], []
    for response, group in links.groupby("response_id", sort=False):  # links, then the rest
        row = group.iloc[0]
        side, own = row["responder_side"].replace("_", " "), moves_of([row["response_moves"]])
        answered = sorted(group["answers_id"].dropna())  # none: contests without a link
        parts.append(f"{row['responder']} ({side}, {row['stance']}) answers {', '.join(answered)} "
                     f"({moves_of(group['answered_moves'])}) with {own}" if answered else
                     f"{row['responder']} ({side}) contests, answering no listed statement, with {own}")
        cited += [response, *answered]
    return "; ".join(parts) + f" {cite(sorted(cited))}"


def sipri_cell(s: dict) -> str:
    """``s``: one war's entry of :func:`summaries.war_deliveries`."""
    if not s["total"]:
        return f"SIPRI: no armed-UAV deliveries from Turkey to {s['recipient']} recorded [SIPRI]"
    return (f"SIPRI: {s['total']} armed UAVs delivered by Turkey to {s['recipient']} in "
            f"{s['first']}–{s['last']} ({s['estimated']} of them SIPRI estimates): {s['before']} "
            f"before {s['start']}, {s['during']} in {s['start']} (the war began), {s['after']} "
            f"after [SIPRI {', '.join(s['deals'])}]")


def comparison_table(tables: Tables | None = None,
                     sipri_csv: Path | str = summaries.SIPRI_CSV) -> pd.DataFrame:
    """The comparison: one row per point (POINTS: columns point, label), one column per
    war (its id). Every count and list is read from :mod:`summaries`."""
    tables = tables or load_tables()
    codebook = load_codebook(tables.input_dir / "codebook.yaml")
    coded = summaries.coded_statements(tables, codebook)
    move_labels = summaries.code_labels(codebook, "accountability_move")
    conflicts = summaries.wars(tables)
    moves = summaries.move_counts(coded, codebook, conflicts["conflict_id"])
    agents = summaries.agent_counts(coded, codebook, conflicts["conflict_id"])
    links = summaries.pushback(tables, coded)
    _, deliveries = summaries.war_deliveries(tables, sipri.read_trade_register(sipri_csv))
    columns = {}
    for conflict in conflicts.to_dict("records"):
        cid = conflict["conflict_id"]
        mine = coded[coded["conflict_id"] == cid]
        columns[cid] = [
            f"{conflict['turkey_posture']}: {conflict['posture_description']} {cite([cid])}",
            turkish_moves_cell(mine, moves[moves["conflict_id"] == cid], move_labels),
            agent_cell(mine, agents[agents["conflict_id"] == cid],
                       summaries.code_labels(codebook, "named_agent")),
            alignment_cell(mine),
            pushback_cell(mine, links[links["conflict_id"] == cid], move_labels),
            sipri_cell(deliveries[cid])]
    return pd.DataFrame({"point": list(POINTS), "label": list(POINTS.values()), **columns})


def column_titles(tables: Tables | None = None) -> dict[str, str]:
    """War id -> a column title for display: short name (id)."""
    tables = tables or load_tables()
    return {c.conflict_id: f"{summaries.conflict_short(c.conflict_id, c.name)} ({c.conflict_id})"
            for c in summaries.wars(tables).itertuples()}


def write_comparison(table: pd.DataFrame | None = None,
                     target: Path | str = COMPARISON_CSV) -> Path:
    """Write the comparison to data/derived/comparison.csv (atomically); return the path."""
    atomic.write_csv(target, comparison_table() if table is None else table)
    return Path(target)
