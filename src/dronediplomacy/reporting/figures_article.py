"""Figures 1–7: the article's tables and the coding, drawn for papers.

Each builder is registered with :func:`dronediplomacy.reporting.figures.register` and
returns ``(fig, data)``, ``data`` being exactly what the figure plots, one row per mark.
The coded statements, the counts and the ownership score come from
:mod:`dronediplomacy.analysis.summaries` (computed there once); the agreement of the
dictionary with the hand coding from data/derived/agreement.csv (notebook 03). Nothing
is counted or typed here that a table does not hold; captions and alt texts are
functions of the plotted data.
"""

from __future__ import annotations

import textwrap
from datetime import date, timedelta
from typing import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from dronediplomacy import paths
from dronediplomacy.analysis import summaries
from dronediplomacy.analysis.comparison import signed as _signed
from dronediplomacy.analysis.summaries import TURKISH_SIDE, code_labels, conflict_short
from dronediplomacy.coding.codebook import load_codebook
from dronediplomacy.errors import InputError
from dronediplomacy.inputs.schemas import CLAIM_TYPES
from dronediplomacy.inputs.tables import Tables, load_tables
from dronediplomacy.reporting import style
from dronediplomacy.reporting.narrative import decimal as _num, lower_first as _lower_first
from dronediplomacy.reporting.figures import (decimal_year, register, shade_wars, war_handles,
                                              war_periods, war_rows, year_after)

LABEL_SIZE = style.LABEL_SIZE
#: Marker of a statement and of an event, in every figure that shows both.
STATEMENT_MARKER, EVENT_MARKER = "o", "s"
HAND_CODING = "data/input/hand_coding.csv"
CODED_INPUTS = (HAND_CODING, "data/input/codebook.yaml", "data/input/statements.csv",
                "data/input/actors.csv", "data/input/conflicts.csv")
AGREEMENT_CSV = "data/derived/agreement.csv"


def _inputs():
    """The tables, the codebook and the coded statements (summaries.coded_statements)."""
    tables, codebook = load_tables(), load_codebook()
    return tables, codebook, summaries.coded_statements(tables, codebook)


def _conflicts(tables: Tables, coded: pd.DataFrame) -> list[str]:
    """The conflicts that have statements, in the order of conflicts.csv."""
    return [c for c in tables.conflicts["conflict_id"] if (coded["conflict_id"] == c).any()]


def _side_phrase(side: str) -> str:
    """'turkey' -> 'Turkish speakers', 'buyer' -> 'buyer-side speakers'."""
    if side == TURKISH_SIDE:
        return "Turkish speakers"
    return f"{side.replace('_', '-')}{'' if side == 'third_party' else '-side'} speakers"


def _minus(label: str) -> str:
    """A label's leading hyphen as a true minus sign ('-2 explicit ...' -> '−2 explicit ...')."""
    return "−" + label[1:] if label.startswith("-") else label


def _strip_spines(ax) -> None:
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)


def _colour_ticks(labels, conflicts: Sequence[str], bold: bool = True) -> None:
    for tick, cid in zip(labels, conflicts):
        tick.set_color(style.conflict_colour(cid))
        if bold:
            tick.set_fontweight("bold")


def _conflict_handles(conflicts: Sequence[str], prefix: str = "") -> list[Line2D]:
    return [Line2D([], [], marker="o", linestyle="none", markersize=5,
                   color=style.conflict_colour(c), label=prefix + conflict_short(c))
            for c in conflicts]


def _speaker_handles() -> list[Line2D]:
    """Filled marker: Turkish speaker; open: any other."""
    return [Line2D([], [], marker="o", linestyle="none", markersize=5, color=style.NEUTRAL,
                   markeredgewidth=1.3, label="Turkish speaker"),
            Line2D([], [], marker="o", linestyle="none", markersize=5, markerfacecolor="white",
                   markeredgecolor=style.NEUTRAL, markeredgewidth=1.3, label="Other speaker")]


# -- figure 1: timeline -----------------------------------------------------------------------

#: The years the timeline spans; year Y is drawn over [Y, Y+1).
TIMELINE_FIRST_YEAR, TIMELINE_LAST_YEAR = 2014, 2026
#: A war shorter than a year gets a detail panel, padded by this many days.
DETAIL_PAD_DAYS = 40
#: Undated labels wrap at this many characters; one timeline row is this high (inches).
UNDATED_WRAP = 24
ROW_IN = 0.135
_DOTTED = (0, (1.2, 1.2))
FIG01_COLUMNS = ("layer", "panel", "conflict_id", "kind", "item_id", "label", "lane_row",
                 "date_earliest", "date_latest", "date_precision", "drawn_as", "x_start", "x_end")


def _wrap_undated(text: str) -> str:
    return textwrap.fill(text, UNDATED_WRAP, subsequent_indent="  ")


def timeline_items(tables: Tables) -> pd.DataFrame:
    """Every statement and event as a timeline item, lane by lane (conflicts.csv order).

    ``drawn_as``: ``point`` (one day), ``interval`` (both bounds: a month, a year or a
    derived interval), ``open_end`` / ``open_start`` (only the earliest / latest bound
    known: drawn from it to the axis edge), ``undated`` (listed beside the lanes, never
    placed at a date). ``x_start``/``x_end``: decimal years of the known bounds.
    ``lane_row``: dated items in time order; undated ones in id order, a wrapped label
    taking two rows."""
    speakers = {a.actor_id: summaries.speaker_label(a.name, a.actor_type)
                for a in tables.actors.itertuples()}
    rows = []
    for kind, frame, id_column in (("statement", tables.statements, "statement_id"),
                                   ("event", tables.events, "event_id")):
        for r in frame.to_dict("records"):
            early, late = (date.fromisoformat(r[c]) if isinstance(r[c], str) else None
                           for c in ("date_earliest", "date_latest"))
            detail = (speakers.get(r["actor_id"], r["actor_id"]) if kind == "statement"
                      else str(r["event_type"]).replace("_", " "))
            drawn_as = ("undated" if not (early or late) else "open_start" if not early
                        else "open_end" if not late else "point" if early == late else "interval")
            rows.append({"conflict_id": r["conflict_id"], "kind": kind, "item_id": r[id_column],
                         "label": f"{r[id_column]} {detail}",
                         "date_earliest": early.isoformat() if early else "",
                         "date_latest": late.isoformat() if late else "",
                         "date_precision": r["date_precision"], "drawn_as": drawn_as,
                         "x_start": decimal_year(early) if early else np.nan,
                         "x_end": year_after(late) if late else np.nan})
    items = pd.DataFrame(rows)
    lane = items["conflict_id"].map({c: i for i, c in enumerate(tables.conflicts["conflict_id"])})
    undated = items["drawn_as"] == "undated"
    items = items.assign(_lane=lane, _undated=undated, _s=items["x_start"].fillna(-np.inf),
                         _e=items["x_end"].fillna(np.inf)).sort_values(
        ["_lane", "_undated", "_s", "_e", "item_id"], kind="stable")
    lines = items["label"].map(lambda t: _wrap_undated(t).count("\n") + 1).where(items["_undated"], 1)
    items["lane_row"] = lines.groupby([items["_lane"], items["_undated"]]).cumsum() - lines
    return items.drop(columns=["_lane", "_undated", "_s", "_e"]).reset_index(drop=True)


def _draw_item(ax, item, y: float, x_min: float, x_max: float) -> None:
    """One dated item, clipped to [x_min, x_max], with its label left of the mark (right
    of it near the left edge, where a left label would run off the axes)."""
    colour = style.conflict_colour(item.conflict_id)
    if item.drawn_as == "point":
        ax.plot([item.x_start], [y], marker=STATEMENT_MARKER if item.kind == "statement"
                else EVENT_MARKER, color=colour, markersize=3.5, linestyle="none", zorder=3)
        left, right = item.x_start, item.x_start
    elif item.drawn_as == "interval":
        left, right = max(item.x_start, x_min), min(item.x_end, x_max)
        ax.plot([left, right], [y, y], color=colour, linewidth=3.0, solid_capstyle="butt", zorder=3)
    else:  # a bar at the known bound, a dotted arrow to the edge
        bound, edge = ((item.x_start, x_max) if item.drawn_as == "open_end"
                       else (item.x_end, x_min))
        ax.annotate("", xy=(edge, y), xytext=(bound, y), arrowprops=dict(
            arrowstyle="-|>", color=colour, linewidth=1.0, linestyle=_DOTTED, shrinkA=0,
            shrinkB=0, mutation_scale=6))
        ax.plot([bound, bound], [y - 0.3, y + 0.3], color=colour, linewidth=1.2, zorder=3)
        left, right = (bound, None) if item.drawn_as == "open_end" else (None, bound)
    near_left = left is None or left - x_min < 0.22 * (x_max - x_min)
    if near_left and right is not None:
        ax.annotate(item.label, (right, y), xytext=(4, 0), textcoords="offset points",
                    ha="left", va="center", fontsize=LABEL_SIZE, zorder=4)
    else:
        ax.annotate(item.label, (left, y), xytext=(-4, 0), textcoords="offset points",
                    ha="right", va="center", fontsize=LABEL_SIZE, zorder=4)


@register("fig-01-timeline", caption=lambda d: _fig01_caption(d), alt_text=lambda d: _fig01_alt(d),
          inputs=("data/input/statements.csv", "data/input/events.csv",
                  "data/input/conflicts.csv", "data/input/actors.csv"))
def fig_01_timeline() -> tuple[Figure, pd.DataFrame]:
    """Figure 1: statements and events, 2014–2026, one lane per conflict, wars shaded.

    A day is a marker (circle: statement, square: event); a month, a year or a derived
    interval a bar; a date known from one side only a dotted arrow from that bound to
    the axis edge; undated items are listed in a column of their own. The shortest war
    shorter than a year gets a detail panel at the scale of days."""
    tables = load_tables()
    items = timeline_items(tables)
    periods = war_periods(tables)
    lanes = list(tables.conflicts["conflict_id"])
    x_min, x_max = float(TIMELINE_FIRST_YEAR), float(TIMELINE_LAST_YEAR + 1)
    dated = items[items["drawn_as"] != "undated"]
    outside = dated[(dated["x_start"] >= x_max) | (dated["x_end"] <= x_min)]
    if not outside.empty:
        raise ValueError(f"items outside {TIMELINE_FIRST_YEAR}–{TIMELINE_LAST_YEAR}: "
                         f"{', '.join(outside['item_id'])}; widen the timeline")
    short = [p for p in periods if p.end and year_after(p.end) - decimal_year(p.start) < 1]
    zoom = min(short, key=lambda p: p.end - p.start, default=None)
    detail = dated[dated["conflict_id"] == zoom.conflict_id] if zoom else dated.iloc[:0]
    if zoom:  # one row per item, in time order
        detail = detail.assign(lane_row=range(len(detail)))

    gap = 0.9
    used = items["lane_row"] + items["label"].map(
        lambda t: _wrap_undated(t).count("\n") + 1).where(items["drawn_as"] == "undated", 1)
    lane_rows = {c: int(used[items["conflict_id"] == c].max()) if (items["conflict_id"] == c).any()
                 else 1 for c in lanes}
    lane_top = dict(zip(lanes, -np.cumsum([0] + [lane_rows[c] + gap for c in lanes[:-1]])))
    main_h = ROW_IN * (sum(lane_rows.values()) + gap * (len(lanes) - 1)) + 0.45
    detail_h = ROW_IN * len(detail) + 0.42 if len(detail) else 0
    fig = Figure(figsize=(style.TWO_COLUMN, 0.55 + main_h + detail_h), layout="constrained")
    grid = fig.add_gridspec(2 if zoom else 1, 2, width_ratios=[4.4, 1.5], wspace=0.02,
                            height_ratios=[main_h, detail_h] if zoom else None)
    ax = fig.add_subplot(grid[0, 0])
    ax_u = fig.add_subplot(grid[0, 1], sharey=ax)
    shown = shade_wars(ax, periods, x_min, x_max)
    for item in items.itertuples():
        y = lane_top[item.conflict_id] - item.lane_row - 0.5
        if item.drawn_as != "undated":
            _draw_item(ax, item, y, x_min, x_max)
            continue
        label = _wrap_undated(item.label)
        ax_u.plot([0.05], [y], marker=STATEMENT_MARKER if item.kind == "statement" else EVENT_MARKER,
                  color=style.conflict_colour(item.conflict_id), markersize=3.5, linestyle="none")
        ax_u.annotate(label, (0.05, y - label.count("\n") / 2), xytext=(4, 0),
                      textcoords="offset points", ha="left", va="center", fontsize=LABEL_SIZE,
                      linespacing=ROW_IN * 72 / (LABEL_SIZE * 1.2))
    ax.set_xlim(x_min, x_max)
    ax.set_ylim(lane_top[lanes[-1]] - lane_rows[lanes[-1]], 0)
    years = range(TIMELINE_FIRST_YEAR, TIMELINE_LAST_YEAR + 2)
    ax.set_xticks(list(years), [str(y) if y <= TIMELINE_LAST_YEAR else "" for y in years])
    ax.xaxis.grid(True)
    ax.set_yticks([lane_top[c] - lane_rows[c] / 2 for c in lanes],
                  [conflict_short(c).replace(" and ", " and\n") for c in lanes])
    _colour_ticks(ax.get_yticklabels(), lanes)
    for cid in lanes[1:]:
        for a in (ax, ax_u):
            a.axhline(lane_top[cid] + gap / 2, color=style.NEUTRAL, linewidth=0.4)
    ax_u.set_xlim(0, 1)
    ax_u.set_xticks([])
    ax_u.set_facecolor(style.lighten(style.NEUTRAL, 0.88))
    ax_u.annotate("Undated in the source", (0.04, 1), xycoords="axes fraction", xytext=(0, 3),
                  textcoords="offset points", va="bottom", fontsize=7, fontstyle="italic")
    for a in (ax, ax_u):
        a.tick_params(axis="y", length=0, labelleft=a is ax)
    for side in ("left", "bottom"):
        ax_u.spines[side].set_visible(False)

    if zoom:
        ax_d = fig.add_subplot(grid[1, :])
        first, last = zoom.start - timedelta(days=DETAIL_PAD_DAYS), zoom.end + timedelta(days=DETAIL_PAD_DAYS)
        d_min, d_max = decimal_year(first), year_after(last)
        shade_wars(ax_d, [zoom], d_min, d_max)
        for item in detail.itertuples():
            _draw_item(ax_d, item, -item.lane_row - 0.5, d_min, d_max)
        months = [d for d in pd.date_range(first, last, freq="MS").date]
        ax_d.set_xlim(d_min, d_max)
        ax_d.set_ylim(-len(detail), 0)
        ax_d.set_xticks([decimal_year(m) for m in months], [f"1 {m:%b %Y}" for m in months])
        ax_d.xaxis.grid(True)
        ax_d.set_yticks([-len(detail) / 2], [f"{conflict_short(zoom.conflict_id)}\n(detail)"])
        ax_d.tick_params(axis="y", length=0)
        _colour_ticks(ax_d.get_yticklabels(), [zoom.conflict_id])
        ax_d.set_xlabel("Date (detail of the shaded war above)")
    handles = [
        Line2D([], [], marker=STATEMENT_MARKER, color=style.NEUTRAL, linestyle="none",
               markersize=3.5, label="Statement (st) on one day"),
        Line2D([], [], marker=EVENT_MARKER, color=style.NEUTRAL, linestyle="none",
               markersize=3.5, label="Event (ev) on one day"),
        Line2D([], [], color=style.NEUTRAL, linewidth=3.0, label="Dated within an interval"),
        Line2D([], [], color=style.NEUTRAL, linewidth=1.0, linestyle=_DOTTED,
               label="One bound known: dotted arrow to the axis edge")]
    fig.legend(handles=handles + war_handles(shown), loc="outside upper center", ncols=2,
               columnspacing=1.2)
    wars = war_rows(shown, panel="timeline", drawn_as="shaded").rename(
        columns={"start": "date_earliest", "end": "date_latest"})
    wars["x_start"] = [decimal_year(p.start) for p in shown]
    wars["x_end"] = [year_after(p.end) if p.end else np.nan for p in shown]
    main = items.assign(layer="item", panel=np.where(items["drawn_as"] == "undated",
                                                      "undated", "timeline"))
    data = pd.concat([main, detail.assign(layer="item", panel="detail"), wars], ignore_index=True)
    data = data.reindex(columns=list(FIG01_COLUMNS))
    return fig, data.astype({"lane_row": "Int64"}).round({"x_start": 4, "x_end": 4})


def _fig01_caption(data: pd.DataFrame) -> str:
    items = data[(data["layer"] == "item") & (data["panel"] != "detail")]
    detail = data[data["panel"] == "detail"]
    kinds = items["kind"].value_counts()
    text = (f"Timeline {TIMELINE_FIRST_YEAR}–{TIMELINE_LAST_YEAR} of {kinds.get('statement', 0)} "
            f"statements (st) and {kinds.get('event', 0)} events (ev), one lane and one colour per "
            "conflict. A marker is a day; a bar a month, a year or an interval derived from the "
            "text; a dotted arrow an item known only to be after (or before) a date, drawn from "
            f"that bound to the axis edge ({items['drawn_as'].isin(['open_end', 'open_start']).sum()} "
            f"items). The {(items['drawn_as'] == 'undated').sum()} items the source does not date "
            "are listed in the right-hand column. Shaded: "
            f"{'; '.join(data.loc[data['layer'] == 'war period', 'label'])} (dates from the "
            "sources cited in conflicts.csv).")
    if not detail.empty:
        text += (f" Below: the {conflict_short(detail['conflict_id'].iloc[0])} lane's "
                 f"{len(detail)} dated items at the scale of days.")
    return text


def _fig01_alt(data: pd.DataFrame) -> str:
    items = data[(data["layer"] == "item") & (data["panel"] != "detail")]
    parts = []
    for cid, lane in items.groupby("conflict_id", sort=False):
        undated = lane[lane["drawn_as"] == "undated"]
        bounds = pd.concat([lane["x_start"], lane["x_end"] - 1e-9]).dropna().astype(int)
        span = (f" in {bounds.min()}" if bounds.min() == bounds.max()
                else f" between {bounds.min()} and {bounds.max()}") if len(bounds) else ""
        parts.append(f"{conflict_short(cid)}: {len(lane) - len(undated)} dated items{span}, "
                     f"{len(undated)} undated" + (f" ({', '.join(undated['item_id'])})"
                                                  if len(undated) else ""))
    return ("Timeline of statements and events on one lane per conflict, wars shaded. "
            + "; ".join(parts) + ".")


# -- figure 2: coded matrix -------------------------------------------------------------------

FIG02_COLUMNS = ("statement_id", "conflict_id", "speaker", "speaker_side", "move", "move_label",
                 "coded", "row", "column")


@register("fig-02-coded-matrix", caption=lambda d: _fig02_caption(d),
          alt_text=lambda d: _fig02_alt(d), inputs=CODED_INPUTS)
def fig_02_coded_matrix() -> tuple[Figure, pd.DataFrame]:
    """Figure 2: statements (rows, grouped by conflict, labelled by id and speaker, in the
    conflict's colour) by the codebook's accountability moves (columns), a dot where
    the hand coding assigns the move: filled for a Turkish speaker, open for others."""
    tables, codebook, coded = _inputs()
    moves, labels = codebook.move_ids, code_labels(codebook, "accountability_move")
    order = {c: i for i, c in enumerate(tables.conflicts["conflict_id"])}
    coded = coded.sort_values("conflict_id", key=lambda s: s.map(order), kind="stable",
                              ).reset_index(drop=True)
    data = coded.melt(id_vars=["statement_id", "conflict_id", "speaker", "speaker_side"],
                      value_vars=moves, var_name="move", value_name="coded")
    data["row"] = data["statement_id"].map({s: i for i, s in enumerate(coded["statement_id"])})
    data["column"] = data["move"].map({m: i for i, m in enumerate(moves)})
    data["move_label"] = data["move"].map(labels)
    data = data.sort_values(["row", "column"]).reset_index(drop=True)[list(FIG02_COLUMNS)]
    n_rows, n_cols = len(coded), len(moves)
    fig, ax = style.new_figure(style.TWO_COLUMN, 1.35 + 0.16 * n_rows)
    ax.scatter(data["column"], data["row"], s=1.5, color="#BDBDBD", linewidths=0, zorder=1)
    hits = data[data["coded"] == 1]
    for turkish in (True, False):
        part = hits[(hits["speaker_side"] == TURKISH_SIDE) == turkish]
        colours = [style.conflict_colour(c) for c in part["conflict_id"]]
        ax.scatter(part["column"], part["row"], s=34, zorder=3, linewidths=1.3,
                   facecolors=colours if turkish else "white", edgecolors=colours)
    conflicts = list(dict.fromkeys(coded["conflict_id"]))
    for cid in conflicts[1:]:
        ax.axhline(coded.index[coded["conflict_id"] == cid].min() - 0.5, color=style.NEUTRAL,
                   linewidth=0.5)
    ax.set_xlim(-0.6, n_cols - 0.4)
    ax.set_ylim(n_rows - 0.5, -0.5)
    ax.set_yticks(range(n_rows), [f"{r.statement_id} {r.speaker}" for r in coded.itertuples()])
    _colour_ticks(ax.get_yticklabels(), coded["conflict_id"], bold=False)
    ax.xaxis.tick_top()
    ax.set_xticks(range(n_cols), [textwrap.fill(labels[m], 17) for m in moves], rotation=90,
                  ha="center", va="bottom", multialignment="left")
    ax.tick_params(axis="both", length=0, pad=3)
    _strip_spines(ax)
    per_move = hits.groupby("move").size()
    for m, move in enumerate(moves):
        n = int(per_move.get(move, 0))
        ax.annotate(str(n), (m, n_rows - 0.5), xytext=(0, -3), textcoords="offset points",
                    ha="center", va="top", fontsize=LABEL_SIZE, color="black" if n else "#999999")
    ax.annotate("statements", (n_cols - 0.4, n_rows - 0.5), xytext=(2, -3),
                textcoords="offset points", ha="left", va="top", fontsize=LABEL_SIZE)
    fig.legend(handles=_conflict_handles(conflicts) + _speaker_handles(),
               loc="outside lower center", ncols=len(conflicts) + 2)
    return fig, data


def _fig02_caption(data: pd.DataFrame) -> str:
    hits = data[data["coded"] == 1]
    unused = [m for m in dict.fromkeys(data["move_label"]) if m not in set(hits["move_label"])]
    return (f"Hand coding of {data['statement_id'].nunique()} statements (rows, grouped by "
            "conflict and in its colour, labelled by id and speaker) on the "
            f"{data['move'].nunique()} accountability moves of the codebook (columns); a dot marks "
            "a move the statement makes (several per statement allowed), filled for a Turkish "
            "speaker and open for any other. Bottom: statements making each move."
            + (f" Never coded: {', '.join(map(_lower_first, unused))}." if unused else ""))


def _fig02_alt(data: pd.DataFrame) -> str:
    hits = data[data["coded"] == 1]
    parts = []
    for cid, mine in hits.groupby("conflict_id", sort=False):
        sides = []
        for name, part in (("Turkish speakers", mine[mine["speaker_side"] == TURKISH_SIDE]),
                           ("other speakers", mine[mine["speaker_side"] != TURKISH_SIDE])):
            if len(part):
                counts = part.groupby("move_label", sort=False).size()
                sides.append(f"{name} " + ", ".join(f"{_lower_first(m)} ({n})"
                                                    for m, n in counts.items()))
        parts.append(f"{conflict_short(cid)}: " + "; ".join(sides))
    return (f"Dot matrix of {data['statement_id'].nunique()} statements by "
            f"{data['move'].nunique()} accountability moves, {len(hits)} moves coded in all. "
            + ". ".join(parts) + ".")


# -- figures 3 and 5: counts by conflict and speaker side -------------------------------------

def _count_figure(counts: pd.DataFrame, column: str, codebook, conflicts: Sequence[str],
                  height: float, xlabel: str) -> tuple[Figure, pd.DataFrame]:
    """Small multiples, one panel per conflict: a horizontal bar per code of ``column``,
    stacked by speaker side (colours: style.OTHER_COLOURS in codebook order), counts on
    the segments and the total at the end. ``counts``: summaries.move_counts or
    agent_counts (summed over sources). Returns ``(fig, data)``."""
    sides = codebook.code_ids("speaker_side")
    colours = dict(zip(sides, style.OTHER_COLOURS))
    dimension = "accountability_move" if column == "move" else column
    labels, side_labels = code_labels(codebook, dimension), code_labels(codebook, "speaker_side")
    data = (counts.groupby(["conflict_id", column, "speaker_side"], sort=False)
            .agg(count=("count", "sum"), statement_ids=("statement_ids", lambda s: "; ".join(
                sorted(i for ids in s for i in ids.split("; ") if i)))).reset_index())
    data.insert(2, "label", data[column].map(labels))
    data["speaker_side_label"] = data["speaker_side"].map(side_labels)
    codes = list(labels)
    fig, axes = style.new_figure(style.TWO_COLUMN, height, ncols=len(conflicts), sharey=True,
                                 sharex=True, squeeze=False)
    top = int(data.groupby(["conflict_id", column])["count"].sum().max())
    for ax, cid in zip(axes[0], conflicts):
        panel = data[data["conflict_id"] == cid]
        for y, code in enumerate(codes):
            left = 0
            bar = panel[(panel[column] == code) & (panel["count"] > 0)]
            for row in bar.itertuples():
                ax.barh(y, row.count, left=left, height=0.72, color=colours[row.speaker_side],
                        edgecolor="white", linewidth=0.5, zorder=2)
                if len(bar) > 1:  # a lone segment's count is the total, at the end
                    ax.annotate(str(row.count), (left + row.count / 2, y), ha="center",
                                va="center", fontsize=LABEL_SIZE,
                                color=style.ink_on(colours[row.speaker_side]))
                left += row.count
            ax.annotate(str(left), (left, y), xytext=(3, 0), textcoords="offset points",
                        va="center", fontsize=LABEL_SIZE, color="black" if left else "#999999")
        ax.annotate(conflict_short(cid), (0, 1), xycoords="axes fraction", xytext=(0, 4),
                    textcoords="offset points", va="bottom", fontsize=7.5, fontweight="bold",
                    color=style.conflict_colour(cid))
        ax.set_xlim(0, top + 0.7)
        ax.set_xticks(range(top + 1))
        ax.xaxis.grid(True)
        ax.tick_params(axis="y", length=0)
    axes[0, 0].set_yticks(range(len(codes)), [labels[c] for c in codes])
    axes[0, 0].set_ylim(len(codes) - 0.5, -0.5)
    axes[0, len(conflicts) // 2].set_xlabel(xlabel)
    present = [s for s in sides if (data.loc[data["speaker_side"] == s, "count"] > 0).any()]
    fig.legend(handles=[Patch(alpha=0, label="Speaker side:")]
               + [Patch(facecolor=colours[s], label=side_labels[s]) for s in present],
               loc="outside lower center", ncols=len(present) + 1, handlelength=1.2)
    return fig, data


def _count_alt(data: pd.DataFrame, verb: str) -> str:
    parts = []
    for cid, panel in data[data["count"] > 0].groupby("conflict_id", sort=False):
        parts.append(f"{conflict_short(cid)}: " + "; ".join(
            f"{_side_phrase(side)}{verb}" + ", ".join(
                f"{label} {n}" for label, n in zip(rows["label"], rows["count"]))
            for side, rows in panel.groupby("speaker_side", sort=False)))
    return ". ".join(parts) + "."


@register("fig-03-move-profile", caption=lambda d: _fig03_caption(d),
          alt_text=lambda d: "Bar charts of accountability moves per conflict. " + _count_alt(d, ": "),
          inputs=CODED_INPUTS)
def fig_03_move_profile() -> tuple[Figure, pd.DataFrame]:
    """Figure 3: statements making each accountability move (summaries.move_counts), one
    panel per conflict, bars split by speaker side (counts, not shares)."""
    tables, codebook, coded = _inputs()
    conflicts = _conflicts(tables, coded)
    return _count_figure(summaries.move_counts(coded, codebook, conflicts), "move", codebook,
                         conflicts, 3.0, "Statements making the move (hand coding)")


def _fig03_caption(data: pd.DataFrame) -> str:
    per = "; ".join(
        f"{conflict_short(cid)}: {len({i for s in g['statement_ids'].dropna() for i in s.split('; ')})}"
        " statements with a move" for cid, g in data.groupby("conflict_id", sort=False))
    return ("Move profile: statements making each accountability move (hand coding), one panel "
            "per conflict, each bar split by the speaker's side (derived from actors.csv and "
            "conflicts.csv). Counts, not shares; a statement can make several moves, so bars can "
            f"sum to more than the statements. {per}.")


@register("fig-05-named-agent", caption=lambda d: _fig05_caption(d),
          alt_text=lambda d: ("Bar charts of the agent of the transfer each statement names, per "
                              "conflict. " + _count_alt(d, " name ")), inputs=CODED_INPUTS)
def fig_05_named_agent() -> tuple[Figure, pd.DataFrame]:
    """Figure 5: the agent of the transfer or use each statement names
    (summaries.agent_counts), one panel per conflict, bars split by speaker side."""
    tables, codebook, coded = _inputs()
    conflicts = _conflicts(tables, coded)
    return _count_figure(summaries.agent_counts(coded, codebook, conflicts), "named_agent",
                         codebook, conflicts, 1.9, "Statements naming the agent (hand coding)")


def _fig05_caption(data: pd.DataFrame) -> str:
    agents = ", ".join(dict.fromkeys(data["label"]))
    return (f"Named agent of the transfer or use of the weapons in each statement (hand coding: "
            f"{agents}), one panel per conflict, each bar split by the speaker's side (colours as "
            "in the move profile). Counts of statements; each statement names one agent.")


# -- figure 4: positioning map ----------------------------------------------------------------

FIG04_COLUMNS = ("layer", "statement_id", "conflict_id", "speaker", "speaker_side", "moves",
                 "alignment", "alignment_value", "ownership_score", "x", "y",
                 "answers_id", "x_to", "y_to")
#: Horizontal spacing (alignment units) of statements sharing a position.
CLUSTER_SPACING = 0.3
#: Curvatures tried for each response arrow, gentlest first; the first keeping
#: ARROW_CLEARANCE (in axis fractions) from the other markers and arrows is taken.
ARROW_BENDS = (0.0, 0.12, -0.12, 0.25, -0.25, 0.4, -0.4)
ARROW_CLEARANCE = 0.03


def arrow_bends(arrows: np.ndarray, points: np.ndarray, scale: np.ndarray) -> list[float]:
    """A curvature (``arc3`` rad) per arrow (x, y, x_to, y_to) that keeps it clear of
    the markers it does not join and of the arrows placed before it, measured in axis
    fractions (``scale``: the axis spans). Deterministic."""
    t = np.linspace(0.15, 0.85, 60)[:, None]
    placed, bends = [np.empty((0, 2))], []
    for x0, y0, x1, y1 in arrows:
        start, end = np.array([x0, y0]) / scale, np.array([x1, y1]) / scale
        others = np.array([p for p in points / scale if min(np.hypot(*(p - start)),
                                                              np.hypot(*(p - end))) > 1e-9])

        def path(rad):
            control = (start + end) / 2 + rad * np.array([end[1] - start[1], start[0] - end[0]])
            return (1 - t) ** 2 * start + 2 * (1 - t) * t * control + t ** 2 * end

        def clearance(rad):
            obstacles = np.vstack([others.reshape(-1, 2), *placed])
            if not len(obstacles):
                return np.inf
            return float(np.min(np.hypot(*(path(rad)[:, None] - obstacles[None]).transpose(2, 0, 1))))

        best = next((r for r in ARROW_BENDS if clearance(r) >= ARROW_CLEARANCE),
                    max(ARROW_BENDS, key=clearance))
        placed.append(path(best))
        bends.append(best)
    return bends


@register("fig-04-positioning-map", caption=lambda d: _fig04_caption(d),
          alt_text=lambda d: _fig04_alt(d),
          inputs=(*CODED_INPUTS, "data/input/statement_responses.csv"))
def fig_04_positioning_map() -> tuple[Figure, pd.DataFrame]:
    """Figure 4: each statement's ownership score (y; the codebook's ``ownership_score``
    rule, computed by summaries) against the alignment it presents (x, hand code), an
    arrow from each response to each statement it answers. Statements sharing a position
    sit side by side, CLUSTER_SPACING apart in id order. Filled: Turkish speaker."""
    tables, codebook, coded = _inputs()
    points = coded.sort_values("statement_id", kind="stable").reset_index(drop=True)
    cell = points.groupby(["alignment_value", "ownership_score"])
    offset = cell.cumcount() - (cell["statement_id"].transform("size") - 1) / 2
    points["x"] = (points["alignment_value"].astype(float) + offset * CLUSTER_SPACING).round(4)
    points["y"] = points["ownership_score"].astype(float)
    where = points.set_index("statement_id")
    links = tables.statement_responses
    arrows = pd.DataFrame({
        "layer": "response", "statement_id": links["response_id"].to_numpy(),
        "answers_id": links["answers_id"].to_numpy(),
        "conflict_id": where.loc[links["response_id"], "conflict_id"].to_numpy(),
        "x": where.loc[links["response_id"], "x"].to_numpy(),
        "y": where.loc[links["response_id"], "y"].to_numpy(),
        "x_to": where.loc[links["answers_id"], "x"].to_numpy(),
        "y_to": where.loc[links["answers_id"], "y"].to_numpy()})
    data = pd.concat([points.assign(layer="statement"), arrows], ignore_index=True)
    data = data.reindex(columns=list(FIG04_COLUMNS)).astype(
        {"alignment_value": "Int64", "ownership_score": "Int64"})

    fig, ax = style.new_figure(style.TWO_COLUMN, 3.5)
    values = codebook.ordinal_values("alignment")
    x_lim = (min(values.values()) - 0.55, max(values.values()) + 0.55)
    y_lo, y_hi = int(min(points["y"].min(), -1)), int(max(points["y"].max(), 1))
    ax.set_xlim(*x_lim)
    ax.set_ylim(y_lo - 0.6, y_hi + 0.6)
    ax.grid(True)
    ax.axhline(0, color=style.NEUTRAL, linewidth=0.5, zorder=1)
    ax.axvline(0, color=style.NEUTRAL, linewidth=0.5, zorder=1)
    # An id goes above its marker, or below it when more of its arrows run upwards.
    upward = pd.concat([pd.Series(np.sign(arrows["y_to"] - arrows["y"]).to_numpy(),
                                  index=arrows["statement_id"]),
                        pd.Series(np.sign(arrows["y"] - arrows["y_to"]).to_numpy(),
                                  index=arrows["answers_id"])]).groupby(level=0).sum()
    for row in points.itertuples():
        colour = style.conflict_colour(row.conflict_id)
        ax.plot([row.x], [row.y], marker="o", markersize=6, linestyle="none", zorder=3,
                markerfacecolor=colour if row.speaker_side == TURKISH_SIDE else "white",
                markeredgecolor=colour, markeredgewidth=1.3)
        below = upward.get(row.statement_id, 0) > 0
        ax.annotate(row.statement_id, (row.x, row.y), xytext=(0, -5.5 if below else 5.5),
                    textcoords="offset points", ha="center", va="top" if below else "bottom",
                    fontsize=LABEL_SIZE, zorder=4, bbox=dict(boxstyle="square,pad=0.1",
                                                             facecolor="white", edgecolor="none",
                                                             alpha=0.85))
    labels = code_labels(codebook, "alignment")
    ax.set_xticks(list(values.values()), [textwrap.fill(_minus(labels[c]), 14) for c in values])
    ax.set_yticks(range(y_lo, y_hi + 1), [_signed(v) for v in range(y_lo, y_hi + 1)])
    ax.set_xlabel("Alignment with the buyer's war effort, as the statement presents it (hand code)")
    ax.set_ylabel("Ownership asserted for Turkey\n(score from the moves; − disowns, + claims)")
    ax.tick_params(axis="x", length=0)
    arrow_key = Line2D([], [], color=style.NEUTRAL, linewidth=0.8, marker=">", markevery=[1],
                       markersize=4, label="Response → statement answered")
    fig.legend(handles=_conflict_handles(_conflicts(tables, points)) + _speaker_handles()
               + [arrow_key], loc="outside right center", handlelength=1.8)
    scale = np.array([x_lim[1] - x_lim[0], y_hi - y_lo + 1.2])
    bends = arrow_bends(arrows[["x", "y", "x_to", "y_to"]].to_numpy(float),
                         points[["x", "y"]].to_numpy(float), scale)
    for arrow, rad in zip(arrows.itertuples(), bends):
        ax.annotate("", xy=(arrow.x_to, arrow.y_to), xytext=(arrow.x, arrow.y), zorder=2,
                    arrowprops=dict(arrowstyle="-|>", color=style.conflict_colour(arrow.conflict_id),
                                    linewidth=0.8, alpha=0.75, shrinkA=5, shrinkB=5,
                                    mutation_scale=7, connectionstyle=f"arc3,rad={rad}"))
    return fig, data


def _fig04_caption(data: pd.DataFrame) -> str:
    points, arrows = data[data["layer"] == "statement"], data[data["layer"] == "response"]
    codebook = load_codebook()
    rule, scale = summaries.ownership_rule(codebook).rule, codebook.ordinal_values("alignment")
    low, high = (_minus(code_labels(codebook, "alignment")[c])
                 for c in (min(scale, key=scale.get), max(scale, key=scale.get)))
    return (f"Positioning map: each of the {len(points)} statements by the alignment with the "
            f"buyer's war effort it presents (x, hand code from {low} to {high}) and the ownership of the "
            f"transfer it asserts for Turkey (y). {rule} Statements at the same position are set "
            f"side by side. {len(arrows)} arrows run from each response to the statement it answers "
            "(statement_responses.csv). Colour: conflict; filled: Turkish speaker, open: other.")


def _fig04_alt(data: pd.DataFrame) -> str:
    points, arrows = data[data["layer"] == "statement"], data[data["layer"] == "response"]

    def span(values):
        lo, hi = int(values.min()), int(values.max())
        return _signed(lo) if lo == hi else f"{_signed(lo)} to {_signed(hi)}"
    turkish = points[points["speaker_side"] == TURKISH_SIDE]
    parts = [f"{conflict_short(cid)} Turkish statements at alignment {span(g['alignment_value'])} "
             f"and ownership {span(g['ownership_score'])}"
             for cid, g in turkish.groupby("conflict_id", sort=False)]
    score = points.set_index("statement_id")["ownership_score"]
    answers = [f"{r} (ownership {_signed(int(score[r]))}) answers {', '.join(g['answers_id'])}"
               for r, g in arrows.groupby("statement_id")]
    return ("Scatter plot of statements, alignment against ownership asserted. "
            + "; ".join(parts) + ". Responses: " + ("; ".join(answers) or "none") + ".")


# -- figure 6: evidence map -------------------------------------------------------------------

FIG06_COLUMNS = ("claim_id", "claim_type", "paragraph", "evidence_type", "evidence_id",
                 "evidence_conflict_id", "linked", "row", "column")


def evidence_matrix(tables: Tables) -> pd.DataFrame:
    """Claims (by type in the schema's order, then id) x evidence (statements, then
    events, by id), one row per cell; ``linked`` where claim_evidence.csv lists the pair;
    ``row``/``column``: the cell's place in the drawn matrix (0 = top, left)."""
    claims = tables.claims.sort_values(
        ["claim_type", "claim_id"], key=lambda s: s.map(CLAIM_TYPES.index)
        if s.name == "claim_type" else s, kind="stable").reset_index(drop=True)
    evidence = pd.concat([
        tables.statements.sort_values("statement_id")[["statement_id", "conflict_id"]]
        .set_axis(["evidence_id", "evidence_conflict_id"], axis=1).assign(evidence_type="statement"),
        tables.events.sort_values("event_id")[["event_id", "conflict_id"]]
        .set_axis(["evidence_id", "evidence_conflict_id"], axis=1).assign(evidence_type="event"),
    ], ignore_index=True)
    data = claims[["claim_id", "claim_type", "paragraph"]].assign(row=claims.index).merge(
        evidence.assign(column=evidence.index), how="cross")
    links = set(zip(tables.claim_evidence["claim_id"], tables.claim_evidence["evidence_id"]))
    data["linked"] = [pair in links for pair in zip(data["claim_id"], data["evidence_id"])]
    return data.astype({"paragraph": int})[list(FIG06_COLUMNS)]


@register("fig-06-evidence-map", caption=lambda d: _fig06_caption(d),
          alt_text=lambda d: _fig06_alt(d),
          inputs=("data/input/claims.csv", "data/input/claim_evidence.csv",
                  "data/input/statements.csv", "data/input/events.csv"))
def fig_06_evidence_map() -> tuple[Figure, pd.DataFrame]:
    """Figure 6: the article's claims (rows, by type) by the statements and events they
    rest on (columns), a dot per claim_evidence.csv link in the evidence's conflict
    colour; margins count links per claim and claims per item."""
    tables = load_tables()
    data = evidence_matrix(tables)
    claims = data.drop_duplicates("claim_id")
    evidence = data.drop_duplicates("evidence_id")
    n_rows, n_cols = len(claims), len(evidence)
    fig, ax = style.new_figure(style.TWO_COLUMN, 0.95 + 0.148 * n_rows)
    linked = data[data["linked"]]
    ax.scatter(data["column"], data["row"], s=1.5, color="#CFCFCF", linewidths=0, zorder=1)
    ax.scatter(linked["column"], linked["row"], s=22, linewidths=0, zorder=3,
               color=[style.conflict_colour(c) for c in linked["evidence_conflict_id"]])
    for claim_type, group in claims.groupby("claim_type", sort=False):
        y0, y1 = group["row"].min() - 0.35, group["row"].max() + 0.35
        if y0 > 0:
            ax.axhline(y0 - 0.15, color=style.NEUTRAL, linewidth=0.5)
        ax.annotate("", xy=(-0.085, y0), xytext=(-0.085, y1), xycoords=("axes fraction", "data"),
                    arrowprops=dict(arrowstyle="-", color=style.NEUTRAL, linewidth=0.6))
        ax.annotate(claim_type, xy=(-0.085, (y0 + y1) / 2), xycoords=("axes fraction", "data"),
                    xytext=(-3, 0), textcoords="offset points", rotation=90, ha="right",
                    va="center", fontsize=7)
    statements = evidence[evidence["evidence_type"] == "statement"]
    ax.axvline(len(statements) - 0.5, color=style.NEUTRAL, linewidth=0.5)
    ax.set_xlim(-0.6, n_cols - 0.4)
    ax.set_ylim(n_rows - 0.5, -0.5)
    ax.set_yticks(claims["row"], [f"{r.claim_id} ¶{r.paragraph}" for r in claims.itertuples()])
    ax.xaxis.tick_top()
    ax.set_xticks(evidence["column"], evidence["evidence_id"], rotation=90)
    _colour_ticks(ax.get_xticklabels(), evidence["evidence_conflict_id"], bold=False)
    ax.tick_params(axis="both", length=0, pad=2)
    _strip_spines(ax)
    per_claim, per_item = linked.groupby("claim_id").size(), linked.groupby("evidence_id").size()
    for row in claims.itertuples():
        n = int(per_claim.get(row.claim_id, 0))
        if n:
            ax.annotate(str(n), (n_cols - 0.4, row.row), xytext=(4, 0), textcoords="offset points",
                        va="center", fontsize=LABEL_SIZE)
        else:
            ax.annotate("no evidence cited: the article's own reasoning", (-0.3, row.row),
                        va="center", fontsize=LABEL_SIZE, fontstyle="italic", color="#555555",
                        zorder=4, bbox=dict(boxstyle="square,pad=0.3", facecolor="white",
                                            edgecolor="none"))
    for item in evidence.itertuples():
        n = int(per_item.get(item.evidence_id, 0))
        ax.annotate(str(n), (item.column, n_rows - 0.5), xytext=(0, -3), textcoords="offset points",
                    ha="center", va="top", fontsize=LABEL_SIZE, color="#333333" if n else "#999999")
    ax.annotate("claims citing it", (n_cols - 0.4, n_rows - 0.5), xytext=(4, -3),
                textcoords="offset points", va="top", fontsize=LABEL_SIZE)
    ax.annotate("links", (n_cols - 0.4, -0.5), xytext=(4, 2), textcoords="offset points",
                va="bottom", fontsize=LABEL_SIZE)
    for kind, group in evidence.groupby("evidence_type", sort=False):
        ax.annotate(f"{kind.capitalize()}s", ((group["column"].min() + group["column"].max()) / 2, 1),
                    xycoords=("data", "axes fraction"), xytext=(0, 24), textcoords="offset points",
                    ha="center", va="bottom", fontsize=7)
    cited = [c for c in tables.conflicts["conflict_id"] if (linked["evidence_conflict_id"] == c).any()]
    fig.legend(handles=_conflict_handles(cited, "Evidence from: "), loc="outside lower center",
               ncols=max(len(cited), 1))
    return fig, data


def _fig06_caption(data: pd.DataFrame) -> str:
    linked = data[data["linked"].astype(bool)]
    bare = sorted(set(data["claim_id"]) - set(linked["claim_id"]))
    unused = sorted(set(data["evidence_id"]) - set(linked["evidence_id"]))
    return (f"Evidence map: the article's {data['claim_id'].nunique()} claims (rows, grouped by "
            "claim type, with the paragraph they come from) and the statements (st) and events "
            f"(ev) each rests on (a dot: a link in claim_evidence.csv; {len(linked)} links), "
            "coloured by the conflict of the evidence. Right margin: links per claim; bottom "
            f"margin: claims citing each item. {len(bare)} claims cite no evidence "
            f"({', '.join(bare) or 'none'}); {len(unused)} items support no claim "
            f"({', '.join(unused) or 'none'}).")


def _fig06_alt(data: pd.DataFrame) -> str:
    linked = data[data["linked"].astype(bool)]
    claims = data.drop_duplicates("claim_id")
    per_item = linked.groupby("evidence_id").size()
    top = sorted(per_item[per_item == per_item.max()].index) if len(per_item) else []
    types = ", ".join(f"{n} {t}" for t, n in claims.groupby("claim_type", sort=False).size().items())
    return (f"Dot matrix of {len(claims)} claims ({types}) against the statements and events they "
            f"cite, {len(linked)} links in all. Most cited: {', '.join(top) or 'none'}"
            + (f" (by {int(per_item.max())} claims{' each' if len(top) > 1 else ''})."
               if top else ".")
            + " Claims citing no evidence: "
            + (", ".join(sorted(set(claims["claim_id"]) - set(linked["claim_id"]))) or "none") + ".")


# -- figure 7: agreement ----------------------------------------------------------------------

FIG07_COLUMNS = ("row", "dimension", "row_type", "code", "label", "status", "alpha",
                 "alpha_ci_low", "alpha_ci_high", "n_statements", "bootstrap_resamples",
                 "resamples_without_variation", "percent_agreement", "alpha_note")
UNDEFINED_LABEL = "undefined: no variation"
_ROW_TYPES = ("binary_code", "pooled_moves", "dimension", "not_coded")


def read_agreement() -> pd.DataFrame:
    """data/derived/agreement.csv (notebook 03); InputError naming the fix if missing."""
    path = paths.ROOT / AGREEMENT_CSV
    if not path.is_file():
        raise InputError(path, "is missing: figure 7 reads the agreement from it.",
                         fix="run notebook 03 (python -m dronediplomacy.running.runner 03).")
    return pd.read_csv(path, keep_default_na=False, na_values=[""])


def agreement_rows(table: pd.DataFrame, codebook) -> pd.DataFrame:
    """The rows of agreement.csv that figure 7 draws, top to bottom: each accountability
    move, the moves pooled, each other dimension, then those with no statistic.
    ``status``: ``estimate`` (alpha and its interval), ``undefined`` (alpha is 0/0:
    neither coding varies) or ``not coded`` (derived from the tables, or hand only)."""
    dims = {d["id"]: i for i, d in enumerate(codebook.dimensions)}
    moves = {m: i for i, m in enumerate(codebook.move_ids)}
    keep = table[table["row_type"].isin(_ROW_TYPES)]
    keep = keep.assign(_t=keep["row_type"] == "not_coded", _d=keep["dimension"].map(dims),
                       _r=keep["row_type"].map(_ROW_TYPES.index),
                       _m=keep["code"].map(moves).fillna(-1)).sort_values(["_t", "_d", "_r", "_m"],
                                                                          kind="stable")
    names = {d["id"]: str(d["label"]).strip() for d in codebook.dimensions}
    move_labels = code_labels(codebook, "accountability_move")
    data = keep.reset_index(drop=True).assign(row=lambda f: f.index)
    data["label"] = [move_labels.get(c, c) if t == "binary_code" else "All moves pooled"
                     if t == "pooled_moves" else names.get(d, d)
                     for t, c, d in zip(data["row_type"], data["code"], data["dimension"])]
    for column in ("alpha", "alpha_ci_low", "alpha_ci_high", "percent_agreement"):
        data[column] = pd.to_numeric(data[column])
    data["status"] = np.where(data["row_type"] == "not_coded", "not coded",
                              np.where(data["alpha"].isna(), "undefined", "estimate"))
    data["alpha_note"] = data["alpha_note"].fillna("")
    data = data.reindex(columns=list(FIG07_COLUMNS))
    return data.astype({c: "Int64" for c in ("n_statements", "bootstrap_resamples",
                                              "resamples_without_variation")})


@register("fig-07-agreement", caption=lambda d: _fig07_caption(d), alt_text=lambda d: _fig07_alt(d),
          inputs=(AGREEMENT_CSV, "data/input/codebook.yaml"))
def fig_07_agreement() -> tuple[Figure, pd.DataFrame]:
    """Figure 7: Krippendorff's alpha of the dictionary against the hand coding per move,
    pooled and per dimension, with bootstrap 95% intervals. An undefined alpha is marked
    'undefined: no variation' beside the scale, never drawn as a value; the right column
    counts the resamples without variation the interval skipped."""
    data = agreement_rows(read_agreement(), load_codebook())
    fig, (ax, ax_note) = style.new_figure(style.TWO_COLUMN, 0.75 + 0.17 * len(data), ncols=2,
                                          sharey=True, gridspec_kw={"width_ratios": [2.2, 1.6],
                                                                    "wspace": 0.03})
    est = data[data["status"] == "estimate"]
    lo = min(-0.25, float(np.floor(min(est["alpha_ci_low"].min(), est["alpha"].min()) * 10) / 10
                          - 0.05)) if len(est) else -0.25
    ax.axvline(0, color=style.NEUTRAL, linewidth=0.5, zorder=1)
    ax.axvline(1, color=style.NEUTRAL, linewidth=0.5, linestyle=(0, (2, 2)), zorder=1)

    def note(text, x=0.02, **kw):
        ax_note.annotate(text, (x, r.row), xycoords=("axes fraction", "data"), va="center",
                         fontsize=LABEL_SIZE, **kw)
    for r in data.itertuples():
        summary = r.row_type != "binary_code"
        if r.status == "estimate":
            ax.plot([r.alpha_ci_low, r.alpha_ci_high], [r.row, r.row], color="black",
                    linewidth=1.2, solid_capstyle="butt", zorder=2)
            ax.plot([r.alpha], [r.row], marker="D" if summary else "o", color="black",
                    markersize=4.5 if summary else 4, linestyle="none", zorder=3)
            skipped = int(r.resamples_without_variation)
            note(f"{skipped} of {int(r.bootstrap_resamples)} resamples without variation"
                 if skipped else "every resample varied", color="#333333")
        elif r.status == "undefined":
            ax.axhspan(r.row - 0.4, r.row + 0.4, facecolor="#EBEBEB", edgecolor="none", zorder=0)
            ax.annotate("no value", (0.5, r.row), xycoords=("axes fraction", "data"), ha="center",
                        va="center", fontsize=LABEL_SIZE, color="#555555", fontstyle="italic")
            ax_note.plot([0.035], [r.row], marker="o", markersize=4.5, markerfacecolor="white",
                         markeredgecolor="black", linestyle="none",
                         transform=ax_note.get_yaxis_transform(), clip_on=False)
            note(UNDEFINED_LABEL + " (alpha is 0/0)", x=0.07, fontweight="bold")
        else:
            note("no statistic: " + ("derived from the tables" if "derived" in r.alpha_note
                                     else "coded by hand only"), fontstyle="italic", color="#555555")
    group = list(zip(data["dimension"], data["row_type"] == "not_coded"))
    for i in range(1, len(data)):
        if group[i] != group[i - 1]:
            for a in (ax, ax_note):
                a.axhline(i - 0.5, color="#BBBBBB", linewidth=0.5)
    ax.set_xlim(lo, 1.08)
    ax.set_ylim(len(data) - 0.5, -0.5)
    ax.set_yticks(data["row"], data["label"])
    for tick, row_type in zip(ax.get_yticklabels(), data["row_type"]):
        tick.set_fontweight("bold" if row_type in ("pooled_moves", "dimension") else "normal")
    ax.set_xlabel("Krippendorff's alpha, dictionary vs hand coding (bootstrap 95% interval)")
    ax.xaxis.grid(True)
    ax.tick_params(axis="y", length=0)
    ax_note.set_xlim(0, 1)
    ax_note.set_xticks([])
    ax_note.tick_params(axis="y", length=0, labelleft=False)
    for side in ("left", "bottom"):
        ax_note.spines[side].set_visible(False)
    fig.legend(handles=[
        Line2D([], [], marker="o", color="black", markersize=4, label="One move (binary, nominal)"),
        Line2D([], [], marker="D", color="black", markersize=4.5,
               label="Pooled moves or a dimension (bold; alignment ordinal)"),
        Line2D([], [], marker="o", linestyle="none", markersize=4.5, markerfacecolor="white",
               markeredgecolor="black", label=UNDEFINED_LABEL)], loc="outside lower center", ncols=3)
    return fig, data


def _fig07_caption(data: pd.DataFrame) -> str:
    est = data[data["status"] == "estimate"]
    undefined, not_coded = data[data["status"] == "undefined"], data[data["status"] == "not coded"]
    text = ("Agreement of the rule-based dictionary with the hand coding (a validity check of the "
            "dictionary, not intercoder reliability): Krippendorff's alpha per accountability move "
            "(binary nominal), for the moves pooled and per dimension, with percentile bootstrap "
            f"95% intervals ({int(est['bootstrap_resamples'].max()) if len(est) else 0} resamples of "
            f"the {int(data['n_statements'].max())} statements). Resamples in which a variable does "
            "not vary give no alpha and are skipped; the right column counts them.")
    if len(undefined):
        text += (f" Alpha is undefined (neither coding varies) for "
                 f"{', '.join(map(_lower_first, undefined['label']))}: shown as such, not as zero.")
    if len(not_coded):
        text += (f" No statistic for {', '.join(map(_lower_first, not_coded['label']))} (derived "
                 "from the tables, or coded by hand only).")
    return text


def _fig07_alt(data: pd.DataFrame) -> str:
    est = data[data["status"] == "estimate"]
    dims = est[est["row_type"] != "binary_code"]
    moves = est[est["row_type"] == "binary_code"]
    undefined = data[data["status"] == "undefined"]
    parts = [f"{r.label} alpha {_num(r.alpha)} (95% interval {_num(r.alpha_ci_low)} to "
             f"{_num(r.alpha_ci_high)})" for r in dims.itertuples()]
    text = "Forest plot of Krippendorff's alpha between the dictionary and the hand coding. "
    text += "; ".join(parts) + "."
    if len(moves):
        text += (f" Per move, alpha ranges from {_num(moves['alpha'].min())} to "
                 f"{_num(moves['alpha'].max())}; {int((moves['alpha'] >= 1).sum())} of "
                 f"{len(moves) + len(undefined)} moves agree perfectly.")
    return text + (f" Alpha is undefined for {len(undefined)} "
                   f"({', '.join(map(_lower_first, undefined['label'])) or 'none'}).")
