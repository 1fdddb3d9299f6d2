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
from dronediplomacy.analysis import summaries
from dronediplomacy.analysis.summaries import TURKISH_SIDE
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


def _signed(value: float, decimals: int = 0) -> str:
    text = f"{value:+.{decimals}f}" if round(value, decimals) else f"{0:.{decimals}f}"
    return text.replace("-", "\u2212")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _groups(frame: pd.DataFrame, side: str = "speaker_side") -> pd.Series:
    """'Turkish speakers' or 'others', by speaker side."""
    return frame[side].eq(TURKISH_SIDE).map({True: "Turkish speakers", False: "others"})


# -- the cells (each reads the summaries of one war) -------------------------------------------

def posture_cell(conflict: pd.Series) -> str:
    return (f"{conflict['turkey_posture']}: {conflict['posture_description']} "
            f"{cite([conflict['conflict_id']])}")


def turkish_moves_cell(coded: pd.DataFrame, moves: pd.DataFrame, labels: dict[str, str]) -> str:
    """``coded``: the war's coded statements; ``moves``: its :func:`summaries.move_counts`."""
    turkish = coded[coded["speaker_side"] == TURKISH_SIDE]
    if turkish.empty:
        raise ValueError("no Turkish statement in this conflict")
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
    agents = agents[agents["count"] > 0].assign(group=_groups(agents))
    parts = []
    for name in ("Turkish speakers", "others"):
        mine = agents[agents["group"] == name]
        ids = {a: sorted("; ".join(g["statement_ids"]).split("; "))
               for a, g in mine.groupby("named_agent")}
        items = [f"{labels[a]} ({', '.join(i)})"
                 for a, i in sorted(ids.items(), key=lambda kv: (-len(kv[1]), kv[0]))]
        parts.append(f"{name}: " + ("; ".join(items) if items else "none"))
    return " | ".join(parts) + f" {cite(coded['statement_id'])}"


def alignment_cell(coded: pd.DataFrame) -> str:
    grouped = coded.assign(speakers=_groups(coded))
    means = summaries.alignment_summary(grouped, by=("speakers",)).set_index("speakers")["mean"]
    parts = []
    for name in ("Turkish speakers", "others"):
        values = grouped[grouped["speakers"] == name].sort_values("statement_id")
        if values.empty:
            parts.append(f"{name}: none")
            continue
        items = ", ".join(f"{r.statement_id} {_signed(int(r.alignment_value))}"
                          for r in values.itertuples())
        parts.append(f"{name} {items} (mean {_signed(means[name], 1)})")
    return " | ".join(parts) + f" {cite(coded['statement_id'])}"


def pushback_cell(coded: pd.DataFrame, links: pd.DataFrame, labels: dict[str, str]) -> str:
    """``links``: the war's rows of :func:`summaries.pushback`."""
    if links.empty:
        return f"no statement answers another and none contests {cite(coded['statement_id'])}"

    def moves_of(cells) -> str:
        made = {m for cell in cells for m in str(cell).split("; ") if m}
        found = [labels[m].lower() for m in labels if m in made]
        return ", ".join(found) if found else "no coded move"

    parts, cited = [], []
    for response, group in links.groupby("response_id", sort=False):  # links, then the rest
        row = group.iloc[0]
        side = row["responder_side"].replace("_", " ")
        if group["answers_id"].isna().all():
            parts.append(f"{row['responder']} ({side}) contests, answering no listed statement, "
                         f"with {moves_of([row['response_moves']])}")
            cited.append(response)
            continue
        answered = sorted(group["answers_id"])
        parts.append(f"{row['responder']} ({side}, {row['stance']}) answers "
                     f"{', '.join(answered)} ({moves_of(group['answered_moves'])}) with "
                     f"{moves_of([row['response_moves']])}")
        cited += [response, *answered]
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

def comparison_table(tables: Tables | None = None, sipri_csv: Path | str = SIPRI_CSV
                     ) -> pd.DataFrame:
    """The comparison: one row per point (POINTS), one column per war (its id). Every
    count and list is read from :mod:`dronediplomacy.analysis.summaries`."""
    tables = tables or load_tables()
    codebook = load_codebook(tables.input_dir / "codebook.yaml")
    coded = summaries.coded_statements(tables, codebook)
    move_labels = summaries.code_labels(codebook, "accountability_move")
    agent_labels = summaries.code_labels(codebook, "named_agent")
    conflicts = summaries.wars(tables)
    moves = summaries.move_counts(coded, codebook, conflicts["conflict_id"])
    agents = summaries.agent_counts(coded, codebook, conflicts["conflict_id"])
    links = summaries.pushback(tables, coded)
    country = tables.actors.set_index("actor_id")["country"]
    buyers = [country[a] for a in conflicts["buyer_actor_id"]]
    deliveries = sipri.armed_uav_deliveries(sipri.read_trade_register(sipri_csv),
                                            tuple(dict.fromkeys(buyers)), SIPRI_FIRST_YEAR)
    columns = {}
    for conflict, buyer in zip(conflicts.to_dict("records"), buyers):
        cid = conflict["conflict_id"]
        mine = coded[coded["conflict_id"] == cid]
        cells = {
            "posture": posture_cell(pd.Series(conflict)),
            "turkish_moves": turkish_moves_cell(mine, moves[moves["conflict_id"] == cid],
                                                move_labels),
            "named_agent": agent_cell(mine, agents[agents["conflict_id"] == cid], agent_labels),
            "alignment": alignment_cell(mine),
            "pushback": pushback_cell(mine, links[links["conflict_id"] == cid], move_labels),
            "sipri": sipri_cell(deliveries, buyer, int(str(conflict["date_start"])[:4])),
        }
        columns[cid] = [cells[key] for key, _ in POINTS]
    return pd.DataFrame({"point": [k for k, _ in POINTS], "label": [l for _, l in POINTS],
                         **columns})


def column_titles(tables: Tables | None = None) -> dict[str, str]:
    """War id -> a column title for display: short name (id)."""
    tables = tables or load_tables()
    return {c.conflict_id: f"{summaries.conflict_short(c.conflict_id, c.name)} ({c.conflict_id})"
            for c in summaries.wars(tables).itertuples()}


def write_comparison(table: pd.DataFrame | None = None,
                     target: Path | str = COMPARISON_CSV) -> Path:
    """Write the comparison to data/derived/comparison.csv (atomically); return the path."""
    table = comparison_table() if table is None else table
    atomic.write_csv(target, table)
    return Path(target)
