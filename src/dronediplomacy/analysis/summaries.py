"""The tidy summaries behind every figure, the comparison table and the narrative report,
computed once from the input tables and the hand coding (never from a figure or a sentence):
:func:`coded_statements`, then :func:`move_counts`, :func:`agent_counts`,
:func:`alignment_summary` and :func:`pushback`, per source, conflict and speaker side
(``source_id`` keeps a second source apart wherever mixing would mislead). The ownership score
(figure 4's y axis) follows the ``ownership_score`` key of codebook.yaml (:func:`ownership_rule`).
"""

import re
from dataclasses import dataclass
from itertools import product
from typing import Sequence

import pandas as pd

from dronediplomacy.coding.codebook import Codebook, check, fail
from dronediplomacy.coding.codings import speaker_sides
from dronediplomacy.coding.hand_coding import HAND_CODING_PATH, coded_frame
from dronediplomacy import paths
from dronediplomacy.inputs import sipri
from dronediplomacy.inputs.tables import Tables

#: The speaker side of Turkish speakers (codebook dimension speaker_side).
TURKISH_SIDE = "turkey"

#: Short names of the conflicts for lanes, panels, legends and prose (the full names are in
#: data/input/conflicts.csv; :func:`conflict_short` covers a conflict missing here).
CONFLICT_SHORT: dict[str, str] = {
    "nk2020": "Nagorno-Karabakh",
    "ukr2022": "Ukraine",
    "context": "Industry and exports",
}

#: Columns of :func:`coded_statements` around the one 0/1 column per move.
CODED_LEAD = ("statement_id", "source_id", "conflict_id", "actor_id", "speaker", "speaker_side")
CODED_TAIL = ("moves", "named_agent", "alignment", "alignment_value", "stance", "ownership_score")
#: The default grouping of the summaries.
BY = ("source_id", "conflict_id", "speaker_side")
#: The SIPRI export (context data) and the first delivery year counted, everywhere.
SIPRI_CSV = paths.DATA_RAW / "sipri_trade_register_turkiye.csv"
SIPRI_FIRST_YEAR = 2014


# --------------------------------------------------------------------------- labels

def conflict_short(conflict_id: str, name: str | None = None) -> str:
    """A conflict's short name: CONFLICT_SHORT, else ``name`` (conflicts.csv) without a
    trailing parenthesis, else the id."""
    if conflict_id in CONFLICT_SHORT:
        return CONFLICT_SHORT[conflict_id]
    return re.sub(r"\s*\([^()]*\)$", "", str(name)) if name else str(conflict_id)


def speaker_label(name: str, actor_type: str) -> str:
    """A short speaker label from actors.csv: a person's last name; otherwise the name
    without the parenthesis the table adds (e.g. '(unnamed)')."""
    bare = re.sub(r"\s*\([^()]*\)", "", str(name)).strip()
    return bare.split()[-1] if actor_type == "person" else bare


def code_labels(codebook: Codebook, dimension: str) -> dict[str, str]:
    """code id -> its label in the codebook (KeyError for an unknown dimension)."""
    return {code["id"]: str(code["label"]).strip() for code in codebook.dimension(dimension)["codes"]}


def wars(tables: Tables) -> pd.DataFrame:
    """The conflicts compared: the rows of conflicts.csv with a start date, in table order."""
    return tables.conflicts[tables.conflicts["date_start"].notna()].reset_index(drop=True)


# --------------------------------------------------------------------------- ownership score

@dataclass(frozen=True)
class OwnershipRule:
    """The ownership-score rule of the codebook: ``rule`` (its wording, for captions and prose),
    ``weights`` (move -> int), ``turkish_speaker_only`` (moves weighing 0 unless the speaker
    side is ``turkey``)."""

    rule: str
    weights: dict[str, int]
    turkish_speaker_only: frozenset[str]

    def score(self, moves: Sequence[str], speaker_side: str) -> int:
        """The ownership a statement asserts for Turkey: the sum of its moves' weights,
        a Turkish-speaker-only move counting only for speaker side ``turkey``."""
        return sum(self.weights[m] for m in moves
                   if m not in self.turkish_speaker_only or speaker_side == TURKISH_SIDE)


def ownership_rule(codebook: Codebook) -> OwnershipRule:
    """The rule under the codebook's ``ownership_score`` key. InputError (file, line, key,
    fix) if the key, the rule's wording or a move's integer weight is missing, or a named
    move is not in the codebook."""
    path, moves = codebook.path, codebook.move_ids
    check(path, codebook.data, "ownership_score")
    block = codebook.data["ownership_score"]
    weights, only = block["weights"], block.get("turkish_speaker_only", [])
    fix = f"use the moves: {', '.join(moves)}."
    if unknown := [m for m in weights if m not in moves]:
        raise fail(path, weights, unknown[0], f"ownership_score.weights: {unknown[0]!r} is not a move "
                   "of the codebook.", fix, f"ownership_score.weights.{unknown[0]}")
    if not isinstance(only, list) or any(m not in moves for m in only):
        raise fail(path, block, "turkish_speaker_only", "ownership_score.turkish_speaker_only must "
                   "list moves of the codebook.", fix, "ownership_score.turkish_speaker_only")
    if missing := [m for m in moves if m not in weights]:
        raise fail(path, block, "weights", f"ownership_score: no weight for "
                   f"{', '.join(missing)}.", "give each new move a weight (0 if it does not bear on "
                   "ownership) and say so in the rule.", f"ownership_score.weights.{missing[0]}")
    return OwnershipRule(" ".join(block["rule"].split()), {m: int(w) for m, w in weights.items()},
                         frozenset(only))


# --------------------------------------------------------------------------- per statement

def coded_statements(tables: Tables, codebook: Codebook, corpus: bool = False) -> pd.DataFrame:
    """One row per statement (statements.csv order) with its hand codes, from the hand coding
    beside the tables (``tables.input_dir/hand_coding.csv``, validated against ``codebook``);
    with ``corpus=True`` corpus_statements.csv and corpus_hand_coding.csv. Columns: statement_id,
    source_id, conflict_id, actor_id, speaker (short label), speaker_side
    (:func:`dronediplomacy.coding.codings.speaker_sides`), one 0/1 int column per move
    (codebook order), moves (the ids made, "; "-joined, "" for none), named_agent, alignment
    (code id), alignment_value (Int64, -2..+2), stance, ownership_score (int,
    :func:`ownership_rule`). InputError from the hand coding or the ownership rule."""
    statements = tables.corpus_statements if corpus else tables.statements
    moves = codebook.move_ids
    coding = "corpus_hand_coding.csv" if corpus else HAND_CODING_PATH.name
    _long, frame = coded_frame(statements, codebook, tables.input_dir / coding,
                               ("statement_id", "source_id", "conflict_id", "actor_id"))
    labels = {a.actor_id: speaker_label(a.name, a.actor_type) for a in tables.actors.itertuples()}
    frame["speaker"] = frame["actor_id"].map(labels)
    frame["speaker_side"] = frame["statement_id"].map(speaker_sides(tables, statements))
    frame[moves] = frame[moves].astype(int)
    made = [tuple(m for m in moves if row[m] == 1) for _, row in frame[moves].iterrows()]
    frame["moves"] = ["; ".join(m) for m in made]
    by_value = {v: c for c, v in codebook.ordinal_values("alignment").items()}
    frame["alignment_value"] = frame["alignment"].astype(int).astype("Int64")
    frame["alignment"] = frame["alignment_value"].astype(int).map(by_value)
    rule = ownership_rule(codebook)
    frame["ownership_score"] = [rule.score(m, side) for m, side in zip(made, frame["speaker_side"])]
    return frame[[*CODED_LEAD, *moves, *CODED_TAIL]].reset_index(drop=True)


# --------------------------------------------------------------------------- per group

def _ids(values) -> str:
    return "; ".join(sorted(values))


def _counts(coded: pd.DataFrame, column: str, codes: Sequence[str], sides: Sequence[str],
            conflicts: Sequence[str] | None, hit) -> pd.DataFrame:
    conflicts = list(conflicts) if conflicts is not None else list(dict.fromkeys(coded["conflict_id"]))
    rows = []
    for source, cid, code, side in product(dict.fromkeys(coded["source_id"]), conflicts, codes, sides):
        mine = coded[(coded["source_id"] == source) & (coded["conflict_id"] == cid)
                     & (coded["speaker_side"] == side)]
        ids = mine.loc[hit(mine, code), "statement_id"]
        rows.append({"source_id": source, "conflict_id": cid, column: code, "speaker_side": side,
                     "count": len(ids), "statement_ids": _ids(ids)})
    return pd.DataFrame(rows, columns=["source_id", "conflict_id", column, "speaker_side",
                                       "count", "statement_ids"])


def move_counts(coded: pd.DataFrame, codebook: Codebook,
                conflicts: Sequence[str] | None = None) -> pd.DataFrame:
    """Statements making each move, long: one row per source x conflict x move x speaker
    side (codebook order; conflicts in the order given, default their order in
    ``coded``), zeros included. Columns: source_id, conflict_id, move, speaker_side,
    count (int), statement_ids ("st01; st02", sorted; "" for none)."""
    return _counts(coded, "move", codebook.move_ids, codebook.code_ids("speaker_side"),
                   conflicts, lambda frame, move: frame[move] == 1)


def agent_counts(coded: pd.DataFrame, codebook: Codebook,
                 conflicts: Sequence[str] | None = None) -> pd.DataFrame:
    """Statements naming each agent of the transfer, long, as :func:`move_counts` with
    the column named_agent instead of move."""
    return _counts(coded, "named_agent", codebook.code_ids("named_agent"),
                   codebook.code_ids("speaker_side"), conflicts,
                   lambda frame, agent: frame["named_agent"] == agent)


def alignment_summary(coded: pd.DataFrame, by: Sequence[str] = BY) -> pd.DataFrame:
    """The alignment presented, per group of ``by`` (default source, conflict and speaker
    side; groups in order of first appearance): n, mean (float, unrounded), min, max
    (int), statement_ids ("; "-joined, sorted)."""
    grouped = coded.assign(value=coded["alignment_value"].astype(int)).groupby(list(by), sort=False)
    return grouped.agg(n=("value", "size"), mean=("value", "mean"), min=("value", "min"),
                       max=("value", "max"), statement_ids=("statement_id", _ids)).reset_index()


def pushback(tables: Tables, coded: pd.DataFrame) -> pd.DataFrame:
    """Who pushed back, against what: one row per link of statement_responses.csv (by response
    id, then answered id), then one per statement contesting the Turkish framing without
    answering a listed one (answers_id missing). Columns: source_id, conflict_id, response_id,
    responder (short label), responder_side, stance, response_moves, answers_id,
    answered_speaker, answered_moves (moves "; "-joined, "" for none)."""
    by_id = coded.set_index("statement_id")
    links = tables.statement_responses.sort_values(["response_id", "answers_id"])
    unlinked = coded[(coded["stance"] == "contests")
                     & ~coded["statement_id"].isin(links["response_id"])]
    pairs = [*zip(links["response_id"], links["answers_id"]),
             *((s, None) for s in sorted(unlinked["statement_id"]))]
    rows = []
    for response, answered in pairs:
        r = by_id.loc[response]
        rows.append({"source_id": r["source_id"], "conflict_id": r["conflict_id"],
                     "response_id": response, "responder": r["speaker"],
                     "responder_side": r["speaker_side"], "stance": r["stance"],
                     "response_moves": r["moves"], "answers_id": answered,
                     "answered_speaker": by_id.loc[answered, "speaker"] if answered else None,
                     "answered_moves": by_id.loc[answered, "moves"] if answered else None})
    return pd.DataFrame(rows, columns=["source_id", "conflict_id", "response_id", "responder",
                                       "responder_side", "stance", "response_moves",
                                       "answers_id", "answered_speaker", "answered_moves"])


def war_deliveries(tables: Tables, export: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, dict]]:
    """The SIPRI context of each war (Turkish armed-UAV deliveries to its buyer) from ``export``
    (:func:`sipri.read_trade_register`): the deliveries per recipient and year from
    SIPRI_FIRST_YEAR (:func:`sipri.armed_uav_deliveries`) and, per war id, a dict: recipient,
    start (the year the war began), first, last (years of the export), total, estimated, before,
    during, after (systems delivered before, in and after the start year), deals (SIPRI ids)."""
    country = tables.actors.set_index("actor_id")["country"]
    conflicts = wars(tables)
    buyers = [country[a] for a in conflicts["buyer_actor_id"]]
    deliveries = sipri.armed_uav_deliveries(export, tuple(dict.fromkeys(buyers)), SIPRI_FIRST_YEAR)
    per_war = {}
    for cid, buyer, start in zip(conflicts["conflict_id"], buyers, conflicts["date_start"]):
        start = int(str(start)[:4])
        rows = deliveries[deliveries["recipient"] == buyer]
        years, n = rows["year"], rows["delivered"]
        per_war[cid] = {
            "recipient": buyer, "start": start, "first": int(deliveries["year"].min()),
            "last": int(deliveries["year"].max()), "total": int(n.sum()),
            "estimated": int(rows["estimated"].sum()), "before": int(n[years < start].sum()),
            "during": int(n[years == start].sum()), "after": int(n[years > start].sum()),
            "deals": sorted({i.strip() for c in rows["sipri_ids"] for i in str(c).split(";")
                             if i.strip()}, key=int)}
    return deliveries, per_war
