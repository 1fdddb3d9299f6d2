"""Figures 1-8 (notebook 04): the article's tables, the coding and the SIPRI context. Each builder
(:mod:`dronediplomacy.reporting.figures`) returns ``(fig, data)``, a row of ``data`` per mark; counts,
codes and the ownership score come from :mod:`dronediplomacy.analysis.summaries`, the agreement
from data/derived/agreement.csv."""

import re
import textwrap
from datetime import date, timedelta

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from dronediplomacy.analysis import summaries
from dronediplomacy.analysis.comparison import signed
from dronediplomacy.analysis.summaries import TURKISH_SIDE, code_labels, conflict_short
from dronediplomacy.coding.codebook import load_codebook
from dronediplomacy.inputs import sipri
from dronediplomacy.inputs.schemas import CLAIM_TYPES
from dronediplomacy.inputs.tables import Tables, load_tables
from dronediplomacy.reporting import style
from dronediplomacy.reporting.figures import (decimal_year, note, register, shade_wars, war_handles,
                                              war_periods, war_rows, year_after)
from dronediplomacy.reporting.narrative import capitalise, read_derived

CODED_INPUTS = ("data/input/hand_coding.csv", "data/input/codebook.yaml",
                "data/input/statements.csv", "data/input/actors.csv", "data/input/conflicts.csv")


def _inputs():
    tables, codebook = load_tables(), load_codebook()
    return tables, codebook, summaries.coded_statements(tables, codebook)


def _conflicts(tables: Tables, ids: pd.Series) -> list[str]:
    return [c for c in tables.conflicts["conflict_id"] if c in set(ids)]


def _colour_ticks(ticks, conflicts) -> None:
    for tick, cid in zip(ticks, conflicts):
        tick.set_color(style.conflict_colour(cid))


def _dot(label: str, filled: str | None = None, edge: str = style.NEUTRAL, marker="o") -> Line2D:
    return Line2D([], [], marker=marker, linestyle="none", markersize=5, markeredgewidth=1.3,
                  markerfacecolor=filled or "white", markeredgecolor=edge, label=label)


def _conflict_keys(conflicts, prefix: str = "", speakers: bool = True) -> list[Line2D]:
    """Legend keys: a filled dot per conflict colour, then (``speakers``) filled/open."""
    return ([_dot(prefix + conflict_short(c), *(style.conflict_colour(c),) * 2) for c in conflicts]
            + ([_dot("Turkish speaker", style.NEUTRAL), _dot("Other speaker")] if speakers else []))


def _rules(ax, groups) -> None:
    """A grey rule between consecutive rows (0, 1, ...) whose group differs."""
    groups = list(groups)
    for i, (above, below) in enumerate(zip(groups, groups[1:])):
        if above != below:
            ax.axhline(i + 0.5, color=style.NEUTRAL, linewidth=0.5)


def _matrix(ax, data: pd.DataFrame, hit: str, rows, columns, counted: str) -> None:
    """A dot matrix's frame: grey dots, row and column labels, each column's ``hit`` counted."""
    n_rows, n_cols = len(rows), len(columns)
    ax.scatter(data["column"], data["row"], s=1.5, color="#C8C8C8", linewidths=0, zorder=1)
    ax.set(xlim=(-0.6, n_cols - 0.4), ylim=(n_rows - 0.5, -0.5))
    ax.set_yticks(range(n_rows), rows)
    ax.xaxis.tick_top()
    ax.set_xticks(range(n_cols), columns, rotation=90, va="bottom", multialignment="left")
    ax.tick_params(axis="both", length=0, pad=3)
    ax.spines[:].set_visible(False)
    for c, n in data.groupby("column")[hit].sum().astype(int).items():
        note(ax, str(n), (c, n_rows - 0.5), 0, -3, ha="center", va="top", color="black" if n else "#999999")
    note(ax, counted, (n_cols - 0.4, n_rows - 0.5), 3, -3, va="top")


# -- figure 1: timeline -----------------------------------------------------------------------

#: The years the timeline spans; year Y is drawn over [Y, Y+1).
TIMELINE_FIRST_YEAR, TIMELINE_LAST_YEAR = 2014, 2026
#: A war shorter than a year gets a detail panel, padded by this many days.
DETAIL_PAD_DAYS = 40
#: One timeline row is this high (inches).
ROW_IN = 0.135
DOTTED = (0, (1.2, 1.2))
FIG01_COLUMNS = ("layer", "panel", "conflict_id", "kind", "item_id", "label", "lane_row",
                 "date_earliest", "date_latest", "date_precision", "drawn_as", "x_start", "x_end")


def _wrap(text: str) -> str:
    return textwrap.fill(text, 24, subsequent_indent="  ")


def timeline_items(tables: Tables) -> pd.DataFrame:
    """Every statement and event, a row each, lane by lane (conflicts.csv order). ``drawn_as``:
    point, interval, open_end / open_start (one bound known) or undated; ``x_start``/``x_end``:
    decimal years; ``lane_row``: dated items by time, then undated ones by id (wrapped)."""
    speakers = {a.actor_id: summaries.speaker_label(a.name, a.actor_type) for a in tables.actors.itertuples()}
    st, ev = tables.statements, tables.events
    items = pd.concat([st.assign(kind="statement", item_id=st["statement_id"],
                                 detail=st["actor_id"].map(lambda actor: speakers.get(actor, actor))),
                       ev.assign(kind="event", item_id=ev["event_id"],
                                 detail=ev["event_type"].str.replace("_", " "))], ignore_index=True)
    early, late = items["date_earliest"], items["date_latest"]  # ISO dates, or missing
    items = items.assign(
        label=items["item_id"] + " " + items["detail"],
        date_earliest=early.fillna(""), date_latest=late.fillna(""),
        x_start=early.map(lambda d: decimal_year(date.fromisoformat(d)), na_action="ignore"),
        x_end=late.map(lambda d: year_after(date.fromisoformat(d)), na_action="ignore"),
        drawn_as=np.select([early.isna() & late.isna(), early.isna(), late.isna(), early == late],
                           ["undated", "open_start", "open_end", "point"], "interval"))
    lane = items["conflict_id"].map({c: i for i, c in enumerate(tables.conflicts["conflict_id"])})
    items = items.assign(_lane=lane, _undated=items["drawn_as"] == "undated",
                         _s=items["x_start"].fillna(-np.inf), _e=items["x_end"].fillna(np.inf)).sort_values(
        ["_lane", "_undated", "_s", "_e", "item_id"], kind="stable")
    lines = items["label"].map(lambda t: _wrap(t).count("\n") + 1).where(items["_undated"], 1)
    items["lane_row"] = lines.groupby([items["_lane"], items["_undated"]]).cumsum() - lines
    items["_rows"] = items["lane_row"] + lines
    return items.drop(columns=["_lane", "_undated", "_s", "_e"]).reset_index(drop=True)


def _draw_item(ax, item, y: float, x_min: float, x_max: float) -> None:
    """A point, interval or one known bound (dotted arrow to the edge), labelled where there is room."""
    colour = style.conflict_colour(item.conflict_id)
    left, right = item.x_start, item.x_end
    if item.drawn_as == "point":
        right = left
        ax.plot([left], [y], marker="o" if item.kind == "statement" else "s", color=colour,
                markersize=3.5, zorder=3)
    elif item.drawn_as == "interval":
        left, right = max(left, x_min), min(right, x_max)
        ax.plot([left, right], [y, y], color=colour, linewidth=3.0, solid_capstyle="butt", zorder=3)
    else:
        end = item.drawn_as == "open_end"
        bound, edge = (left, x_max) if end else (right, x_min)
        ax.annotate("", xy=(edge, y), xytext=(bound, y), arrowprops=dict(
            arrowstyle="-|>", color=colour, linewidth=1.0, linestyle=DOTTED, shrinkA=0, shrinkB=0,
            mutation_scale=6))
        ax.plot([bound, bound], [y - 0.3, y + 0.3], color=colour, linewidth=1.2, zorder=3)
        left, right = (bound, np.nan) if end else (np.nan, bound)
    on_right = not np.isnan(right) and (np.isnan(left) or left - x_min < 0.22 * (x_max - x_min))
    note(ax, item.label, (right if on_right else left, y), 4 if on_right else -4, va="center",
         ha="left" if on_right else "right", zorder=4)


@register("fig-01-timeline", inputs=("data/input/statements.csv", "data/input/events.csv",
                                     "data/input/conflicts.csv", "data/input/actors.csv"),
          values=lambda d: {"first_year": TIMELINE_FIRST_YEAR, "last_year": TIMELINE_LAST_YEAR})
def fig_01_timeline():
    """Figure 1: items per conflict lane, wars shaded, undated items in a column, the shortest
    war under a year in a detail panel. ValueError for an item outside the years drawn."""
    tables = load_tables()
    items, periods, lanes = timeline_items(tables), war_periods(tables), list(tables.conflicts["conflict_id"])
    x_min, x_max = float(TIMELINE_FIRST_YEAR), float(TIMELINE_LAST_YEAR + 1)
    dated = items[items["drawn_as"] != "undated"]
    outside = dated[(dated["x_start"] >= x_max) | (dated["x_end"] <= x_min)]
    if not outside.empty:
        raise ValueError(f"items outside {TIMELINE_FIRST_YEAR}–{TIMELINE_LAST_YEAR}: "
                         f"{', '.join(outside['item_id'])}; widen the timeline")
    zoom = min((p for p in periods if p.end and year_after(p.end) - decimal_year(p.start) < 1),
               key=lambda p: p.end - p.start, default=None)  # the shortest war under a year
    detail = dated[dated["conflict_id"] == (zoom.conflict_id if zoom else None)]
    detail = detail.assign(lane_row=range(len(detail)))
    gap, rows = 0.9, items.groupby("conflict_id")["_rows"].max()
    lane_rows = {c: int(rows.get(c, 1)) for c in lanes}
    lane_top = dict(zip(lanes, -np.cumsum([0] + [lane_rows[c] + gap for c in lanes[:-1]])))
    main_h = ROW_IN * (sum(lane_rows.values()) + gap * (len(lanes) - 1)) + 0.45
    detail_h = ROW_IN * len(detail) + 0.42 if zoom else 0
    fig, axes = style.new_figure(style.TWO_COLUMN, 0.55 + main_h + detail_h, squeeze=False,
                                 nrows=2 if zoom else 1, ncols=2, gridspec_kw=dict(
                                     width_ratios=[4.4, 1.5], wspace=0.02,
                                     height_ratios=[main_h, detail_h] if zoom else None))
    ax, ax_u = axes[0]
    ax_u.sharey(ax)
    shown = shade_wars(ax, periods, x_min, x_max)
    for item in items.itertuples():
        y = lane_top[item.conflict_id] - item.lane_row - 0.5
        if item.drawn_as != "undated":
            _draw_item(ax, item, y, x_min, x_max)
            continue
        label = _wrap(item.label)
        ax_u.plot([0.05], [y], marker="o" if item.kind == "statement" else "s",
                  color=style.conflict_colour(item.conflict_id), markersize=3.5)
        note(ax_u, label, (0.05, y - label.count("\n") / 2), 4, va="center",
             linespacing=ROW_IN * 72 / (style.LABEL_SIZE * 1.2))
    ax.set(xlim=(x_min, x_max), ylim=(lane_top[lanes[-1]] - lane_rows[lanes[-1]], 0))
    years = range(TIMELINE_FIRST_YEAR, TIMELINE_LAST_YEAR + 2)
    ax.set_xticks(list(years), [str(y) if y <= TIMELINE_LAST_YEAR else "" for y in years])
    ax.xaxis.grid(True)
    ax.set_yticks([lane_top[c] - lane_rows[c] / 2 for c in lanes],
                  [conflict_short(c).replace(" and ", " and\n") for c in lanes], fontweight="bold")
    _colour_ticks(ax.get_yticklabels(), lanes)
    for a in (ax, ax_u):
        for cid in lanes[1:]:
            a.axhline(lane_top[cid] + gap / 2, color=style.NEUTRAL, linewidth=0.4)
        a.tick_params(axis="y", length=0, labelleft=a is ax)
    ax_u.set(xlim=(0, 1), xticks=[], facecolor=style.lighten(style.NEUTRAL, 0.88))
    ax_u.spines[:].set_visible(False)
    note(ax_u, "Undated in the source", (0.04, 1), 0, 3, xycoords="axes fraction", va="bottom",
         fontsize=7, fontstyle="italic")
    if zoom:
        axes[1, 1].remove()
        ax_d, pad = axes[1, 0], timedelta(days=DETAIL_PAD_DAYS)
        ax_d.set_subplotspec(axes[1, 0].get_gridspec()[1, :])
        d_min, d_max = decimal_year(zoom.start - pad), year_after(zoom.end + pad)
        shade_wars(ax_d, [zoom], d_min, d_max)
        for item in detail.itertuples():
            _draw_item(ax_d, item, -item.lane_row - 0.5, d_min, d_max)
        months = pd.date_range(zoom.start - pad, zoom.end + pad, freq="MS").date
        ax_d.set(xlim=(d_min, d_max), ylim=(-len(detail), 0), xlabel="Date (detail of the shaded war above)")
        ax_d.set_xticks([decimal_year(m) for m in months], [f"1 {m:%b %Y}" for m in months])
        ax_d.xaxis.grid(True)
        ax_d.set_yticks([-len(detail) / 2], [f"{conflict_short(zoom.conflict_id)}\n(detail)"],
                        fontweight="bold", color=style.conflict_colour(zoom.conflict_id))
        ax_d.tick_params(axis="y", length=0)
    grey = style.NEUTRAL
    handles = [_dot("Statement (st) on one day", grey, grey), _dot("Event (ev) on one day", grey, grey, "s"),
               Line2D([], [], color=grey, linewidth=3.0, label="Dated within an interval"),
               Line2D([], [], color=grey, linewidth=1.0, linestyle=DOTTED,
                      label="One bound known: dotted arrow to the axis edge")]
    fig.legend(handles=handles + war_handles(shown), loc="outside upper center", ncols=2, columnspacing=1.2)
    wars = war_rows(shown, panel="timeline", drawn_as="shaded").rename(
        columns={"start": "date_earliest", "end": "date_latest"})
    main = items.assign(layer="item", panel=np.where(items["drawn_as"] == "undated", "undated", "timeline"))
    data = pd.concat([main, detail.assign(layer="item", panel="detail"), wars], ignore_index=True)
    return fig, data.reindex(columns=list(FIG01_COLUMNS)).astype({"lane_row": "Int64"}).round(
        {"x_start": 4, "x_end": 4})


# -- figure 2: coded matrix -------------------------------------------------------------------

@register("fig-02-coded-matrix", inputs=CODED_INPUTS)
def fig_02_coded_matrix():
    """Figure 2: statements (rows, by conflict) by accountability moves (columns), a dot
    where the hand coding assigns the move: filled for a Turkish speaker, open otherwise."""
    tables, codebook, coded = _inputs()
    moves, labels = codebook.move_ids, code_labels(codebook, "accountability_move")
    order = {c: i for i, c in enumerate(tables.conflicts["conflict_id"])}
    coded = coded.sort_values("conflict_id", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)
    data = coded.melt(id_vars=["statement_id", "conflict_id", "speaker", "speaker_side"], value_vars=moves,
                      var_name="move", value_name="coded", ignore_index=False)  # index: the row
    data = data.assign(move_label=data["move"].map(labels), row=data.index,
                       column=data["move"].map(moves.index))
    data = data.sort_values(["row", "column"]).reset_index(drop=True)
    fig, ax = style.new_figure(style.TWO_COLUMN, 1.35 + 0.16 * len(coded))
    _matrix(ax, data, "coded", [f"{r.statement_id} {r.speaker}" for r in coded.itertuples()],
            [textwrap.fill(labels[m], 17) for m in moves], "statements")
    _colour_ticks(ax.get_yticklabels(), coded["conflict_id"])
    _rules(ax, coded["conflict_id"])
    hits = data[data["coded"] == 1]
    for turkish in (True, False):
        part = hits[(hits["speaker_side"] == TURKISH_SIDE) == turkish]
        colours = [style.conflict_colour(c) for c in part["conflict_id"]]
        ax.scatter(part["column"], part["row"], s=34, zorder=3, linewidths=1.3,
                   facecolors=colours if turkish else "white", edgecolors=colours)
    conflicts = _conflicts(tables, coded["conflict_id"])
    fig.legend(handles=_conflict_keys(conflicts), loc="outside lower center", ncols=len(conflicts) + 2)
    return fig, data[["statement_id", "conflict_id", "speaker", "speaker_side", "move", "move_label",
                      "coded", "row", "column"]]


# -- figures 3 and 5: counts by conflict and speaker side -------------------------------------

def _count_figure(count, column: str, height: float, xlabel: str):
    """A panel per conflict, a bar per code split by speaker side, counts inside and at the end;
    ``count``: :func:`summaries.move_counts` or :func:`summaries.agent_counts`."""
    tables, codebook, coded = _inputs()
    conflicts = _conflicts(tables, coded["conflict_id"])
    sides = codebook.code_ids("speaker_side")
    colours, side_labels = dict(zip(sides, style.OTHER_COLOURS)), code_labels(codebook, "speaker_side")
    labels = code_labels(codebook, "accountability_move" if column == "move" else column)
    # the figure pools the sources
    data = count(coded.assign(source_id=""), codebook, conflicts).drop(columns="source_id")
    data.insert(2, "label", data[column].map(labels))
    data["speaker_side_label"] = data["speaker_side"].map(side_labels)
    fig, axes = style.new_figure(style.TWO_COLUMN, height, ncols=len(conflicts), sharey=True,
                                 sharex=True, squeeze=False)
    top = int(data.groupby(["conflict_id", column])["count"].sum().max())
    for ax, cid in zip(axes[0], conflicts):
        panel = data[(data["conflict_id"] == cid) & (data["count"] > 0)]
        for y, code in enumerate(labels):
            left, bar = 0, panel[panel[column] == code]
            for row in bar.itertuples():
                colour = colours[row.speaker_side]
                ax.barh(y, row.count, left=left, height=0.72, color=colour, edgecolor="white", zorder=2)
                if len(bar) > 1:  # a lone segment's count is the total, at the end
                    note(ax, str(row.count), (left + row.count / 2, y), ha="center", va="center",
                         color=style.ink_on(colour))
                left += row.count
            note(ax, str(left), (left, y), 3, va="center", color="black" if left else "#999999")
        note(ax, conflict_short(cid), (0, 1), 0, 4, xycoords="axes fraction", va="bottom",
             fontsize=7.5, fontweight="bold", color=style.conflict_colour(cid))
        ax.set(xlim=(0, top + 0.7), xticks=range(top + 1))
        ax.xaxis.grid(True)
        ax.tick_params(axis="y", length=0)
    axes[0, 0].set(yticks=range(len(labels)), yticklabels=labels.values(), ylim=(len(labels) - 0.5, -0.5))
    axes[0, len(conflicts) // 2].set_xlabel(xlabel)
    present = [s for s in sides if (data.loc[data["speaker_side"] == s, "count"] > 0).any()]
    fig.legend(handles=[Patch(alpha=0, label="Speaker side:")]
               + [Patch(facecolor=colours[s], label=side_labels[s]) for s in present],
               loc="outside lower center", ncols=len(present) + 1, handlelength=1.2)
    return fig, data


@register("fig-03-move-profile", inputs=CODED_INPUTS)
def fig_03_move_profile():
    """Figure 3: statements making each accountability move per conflict, by speaker side."""
    return _count_figure(summaries.move_counts, "move", 3.0, "Statements making the move (hand coding)")


@register("fig-05-named-agent", inputs=CODED_INPUTS)
def fig_05_named_agent():
    """Figure 5: the agent each statement names, per conflict, by speaker side."""
    return _count_figure(summaries.agent_counts, "named_agent", 1.9,
                         "Statements naming the agent (hand coding)")


# -- figure 4: positioning map ----------------------------------------------------------------

FIG04_COLUMNS = ("layer", "statement_id", "conflict_id", "speaker", "speaker_side", "moves",
                 "alignment", "alignment_value", "ownership_score", "x", "y", "answers_id", "x_to", "y_to")


@register("fig-04-positioning-map",
          values=lambda d: {"ownership_rule": summaries.ownership_rule(load_codebook()).rule},
          inputs=(*CODED_INPUTS, "data/input/statement_responses.csv"))
def fig_04_positioning_map():
    """Figure 4: ownership score (y) against alignment (x), an arrow from each response to the
    statement it answers; statements at one position sit 0.3 alignment units apart, by id."""
    tables, codebook, coded = _inputs()
    points = coded.sort_values("statement_id", kind="stable").reset_index(drop=True)
    cell = points.groupby(["alignment_value", "ownership_score"])
    offset = cell.cumcount() - (cell["statement_id"].transform("size") - 1) / 2
    points["x"] = (points["alignment_value"].astype(float) + offset * 0.3).round(4)
    points["y"] = points["ownership_score"].astype(float)
    xy = points[["statement_id", "conflict_id", "x", "y"]]  # arrows: response -> statement answered
    arrows = (tables.statement_responses.rename(columns={"response_id": "statement_id"}).merge(xy)
              .merge(xy.drop(columns="conflict_id").set_axis(["answers_id", "x_to", "y_to"], axis=1))
              .assign(layer="response"))
    data = pd.concat([points.assign(layer="statement"), arrows], ignore_index=True).reindex(
        columns=list(FIG04_COLUMNS)).astype({"alignment_value": "Int64", "ownership_score": "Int64"})
    fig, ax = style.new_figure(style.TWO_COLUMN, 3.5)
    values, labels = codebook.ordinal_values("alignment"), code_labels(codebook, "alignment")
    y_lo, y_hi = int(min(points["y"].min(), -1)), int(max(points["y"].max(), 1))
    ax.set(xlim=(min(values.values()) - 0.55, max(values.values()) + 0.55), ylim=(y_lo - 0.6, y_hi + 0.6))
    ax.grid(True)
    ax.axhline(0, color=style.NEUTRAL, linewidth=0.5, zorder=1)
    ax.axvline(0, color=style.NEUTRAL, linewidth=0.5, zorder=1)
    below = set(arrows.loc[arrows["y"] > arrows["y_to"], "answers_id"])  # answered from above: id below
    for row in points.itertuples():
        colour, down = style.conflict_colour(row.conflict_id), row.statement_id in below
        ax.plot([row.x], [row.y], marker="o", markersize=6, zorder=3, markeredgewidth=1.3, mec=colour,
                mfc=colour if row.speaker_side == TURKISH_SIDE else "white")
        note(ax, row.statement_id, (row.x, row.y), 0, -5.5 if down else 5.5, ha="center", zorder=4,
             va="top" if down else "bottom", bbox=dict(boxstyle="square,pad=0.1", facecolor="white",
                                                       edgecolor="none", alpha=0.85))
    for a in arrows.itertuples():
        ax.annotate("", xy=(a.x_to, a.y_to), xytext=(a.x, a.y), zorder=2, arrowprops=dict(
            arrowstyle="-|>", color=style.conflict_colour(a.conflict_id), linewidth=0.8, alpha=0.75,
            shrinkA=5, shrinkB=5, mutation_scale=7, connectionstyle="arc3,rad=0.25"))
    ax.set_xticks(list(values.values()),  # a leading "-" is a minus sign; "co-belligerence" keeps its hyphen
                  [textwrap.fill(re.sub(r"^-", "\u2212", labels[c]), 14, break_on_hyphens=False,
                                 break_long_words=False) for c in values])
    ax.set_yticks(range(y_lo, y_hi + 1), [signed(v) for v in range(y_lo, y_hi + 1)])
    ax.set_xlabel("Alignment with the buyer's war effort, as the statement presents it (hand code)")
    ax.set_ylabel("Ownership asserted for Turkey\n(score from the moves; − disowns, + claims)")
    ax.tick_params(axis="x", length=0)
    arrow_key = Line2D([], [], color=style.NEUTRAL, linewidth=0.8, marker=">", markevery=[1],
                       markersize=4, label="Response → statement answered")
    fig.legend(handles=_conflict_keys(_conflicts(tables, points["conflict_id"])) + [arrow_key],
               loc="outside right center", handlelength=1.8)
    return fig, data


# -- figure 6: evidence map -------------------------------------------------------------------

def evidence_matrix(tables: Tables) -> pd.DataFrame:
    """Claims (by type in schema order, then id) x evidence (statements, then events, by
    id), one row per cell; ``linked`` where claim_evidence.csv lists the pair."""
    claims = tables.claims.assign(_t=tables.claims["claim_type"].map(CLAIM_TYPES.index)).sort_values(
        ["_t", "claim_id"], kind="stable").reset_index(drop=True)
    evidence = pd.concat([
        frame.sort_values(column)[[column, "conflict_id"]].set_axis(
            ["evidence_id", "evidence_conflict_id"], axis=1).assign(evidence_type=kind)
        for kind, frame, column in (("statement", tables.statements, "statement_id"),
                                    ("event", tables.events, "event_id"))], ignore_index=True)
    data = claims[["claim_id", "claim_type", "paragraph"]].assign(row=claims.index).merge(
        evidence.assign(column=evidence.index), how="cross")
    links = set(zip(tables.claim_evidence["claim_id"], tables.claim_evidence["evidence_id"]))
    data["linked"] = [pair in links for pair in zip(data["claim_id"], data["evidence_id"])]
    return data.astype({"paragraph": int})[["claim_id", "claim_type", "paragraph", "evidence_type",
                                            "evidence_id", "evidence_conflict_id", "linked", "row", "column"]]


@register("fig-06-evidence-map", inputs=("data/input/claims.csv", "data/input/claim_evidence.csv",
                                         "data/input/statements.csv", "data/input/events.csv"))
def fig_06_evidence_map():
    """Figure 6: claims (rows, by type) by the statements and events they rest on
    (columns), a dot per link in the evidence's conflict colour, link counts in the margins."""
    tables = load_tables()
    data = evidence_matrix(tables)
    claims, evidence = data.drop_duplicates("claim_id"), data.drop_duplicates("evidence_id")
    fig, ax = style.new_figure(style.TWO_COLUMN, 0.95 + 0.148 * len(claims))
    _matrix(ax, data, "linked", [f"{r.claim_id} ¶{r.paragraph}" for r in claims.itertuples()],
            evidence["evidence_id"], "claims citing it")
    _colour_ticks(ax.get_xticklabels(), evidence["evidence_conflict_id"])
    _rules(ax, claims["claim_type"])
    ax.axvline((evidence["evidence_type"] == "statement").sum() - 0.5, color=style.NEUTRAL, linewidth=0.5)
    linked = data[data["linked"]]
    ax.scatter(linked["column"], linked["row"], s=22, linewidths=0, zorder=3,
               color=[style.conflict_colour(c) for c in linked["evidence_conflict_id"]])
    for claim_type, group in claims.groupby("claim_type", sort=False):
        note(ax, claim_type, (-0.085, group["row"].mean()), -3, xycoords=("axes fraction", "data"),
             rotation=90, ha="right", va="center", fontsize=7)
    for row in claims.itertuples():
        if n := int(linked["claim_id"].eq(row.claim_id).sum()):
            note(ax, str(n), (len(evidence) - 0.4, row.row), 4, va="center")
        else:
            note(ax, "no evidence cited: the article's own reasoning", (-0.3, row.row), va="center",
                 fontstyle="italic", color="#555555", zorder=4)
    note(ax, "links", (len(evidence) - 0.4, -0.5), 4, 2, va="bottom")
    for kind, group in evidence.groupby("evidence_type", sort=False):
        note(ax, f"{kind.capitalize()}s", (group["column"].mean(), 1), 0, 24, fontsize=7,
             xycoords=("data", "axes fraction"), ha="center", va="bottom")
    cited = _conflicts(tables, linked["evidence_conflict_id"])
    fig.legend(handles=_conflict_keys(cited, "Evidence from: ", speakers=False),
               loc="outside lower center", ncols=max(len(cited), 1))
    return fig, data


# -- figure 7: agreement ----------------------------------------------------------------------

FIG07_COLUMNS = ("row", "dimension", "row_type", "code", "label", "status", "alpha",
                 "alpha_ci_low", "alpha_ci_high", "n_statements", "bootstrap_resamples",
                 "resamples_without_variation", "percent_agreement", "alpha_note")
UNDEFINED_LABEL = "undefined: no variation"
ROW_TYPES = ("binary_code", "pooled_moves", "dimension", "not_coded")


def agreement_rows(table: pd.DataFrame, codebook) -> pd.DataFrame:
    """The rows of agreement.csv figure 7 draws, top to bottom: moves, moves pooled, other
    dimensions, no statistic. ``status``: estimate, undefined (alpha 0/0) or not coded."""
    dims = {d["id"]: i for i, d in enumerate(codebook.dimensions)}
    keep = table[table["row_type"].isin(ROW_TYPES)]
    keep = keep.assign(_t=keep["row_type"] == "not_coded", _d=keep["dimension"].map(dims),
                       _r=keep["row_type"].map(ROW_TYPES.index),
                       _m=keep["code"].map({m: i for i, m in enumerate(codebook.move_ids)}).fillna(-1))
    data = keep.sort_values(["_t", "_d", "_r", "_m"], kind="stable").reset_index(drop=True)
    names = {d["id"]: str(d["label"]).strip() for d in codebook.dimensions}
    move_labels = code_labels(codebook, "accountability_move")
    data["row"] = data.index
    data["label"] = [move_labels.get(c, c) if t == "binary_code" else "All moves pooled"
                     if t == "pooled_moves" else names.get(d, d)
                     for t, c, d in zip(data["row_type"], data["code"], data["dimension"])]
    data["status"] = np.where(data["row_type"] == "not_coded", "not coded",
                              np.where(data["alpha"].isna(), "undefined", "estimate"))
    data["alpha_note"] = data["alpha_note"].fillna("")
    return data.reindex(columns=list(FIG07_COLUMNS)).astype(
        {c: "Int64" for c in ("n_statements", "bootstrap_resamples", "resamples_without_variation")})


@register("fig-07-agreement", inputs=("data/derived/agreement.csv", "data/input/codebook.yaml"))
def fig_07_agreement():
    """Figure 7: Krippendorff's alpha, dictionary vs hand coding, bootstrap 95% intervals,
    resamples without variation on the right; an undefined alpha is marked, never drawn."""
    data = agreement_rows(read_derived("agreement"), load_codebook())
    fig, ax = style.new_figure(style.TWO_COLUMN, 0.75 + 0.17 * len(data))
    est = data[data["status"] == "estimate"]
    lo = min(-0.25, float(np.floor(min(est["alpha_ci_low"].min(), est["alpha"].min()) * 10) / 10 - 0.05)
             if len(est) else -0.25)
    ax.axvline(0, color=style.NEUTRAL, linewidth=0.5, zorder=1)
    ax.axvline(1, color=style.NEUTRAL, linewidth=0.5, linestyle=(0, (2, 2)), zorder=1)
    for r in data.itertuples():
        kw = {}
        if r.status == "estimate":
            summary = r.row_type != "binary_code"
            ax.plot([r.alpha_ci_low, r.alpha_ci_high], [r.row, r.row], color="black", linewidth=1.2,
                    solid_capstyle="butt", zorder=2)
            ax.plot([r.alpha], [r.row], marker="D" if summary else "o", color="black",
                    markersize=4.5 if summary else 4, zorder=3)
            skipped = int(r.resamples_without_variation)
            text = (f"{skipped} of {int(r.bootstrap_resamples)} resamples without variation"
                    if skipped else "every resample varied")
        elif r.status == "undefined":
            ax.axhspan(r.row - 0.4, r.row + 0.4, facecolor="#EBEBEB", edgecolor="none", zorder=0)
            note(ax, "no value", (0.5, r.row), xycoords=("axes fraction", "data"), ha="center",
                 va="center", color="#555555", fontstyle="italic")
            text, kw = f"○ {UNDEFINED_LABEL} (alpha is 0/0)", {"fontweight": "bold"}
        else:
            text = "no statistic: " + ("derived from the tables" if "derived" in r.alpha_note
                                       else "coded by hand only")
            kw = {"fontstyle": "italic"}
        note(ax, text, (1, r.row), 8, xycoords=("axes fraction", "data"), va="center", color="#333333", **kw)
    _rules(ax, zip(data["dimension"], data["status"] == "not coded"))
    ax.set(xlim=(lo, 1.08), ylim=(len(data) - 0.5, -0.5),
           xlabel="Krippendorff's alpha, dictionary vs hand coding (bootstrap 95% interval)")
    ax.set_yticks(data["row"], data["label"])
    for tick, row_type in zip(ax.get_yticklabels(), data["row_type"]):
        tick.set_fontweight("bold" if row_type in ("pooled_moves", "dimension") else "normal")
    ax.xaxis.grid(True)
    ax.tick_params(axis="y", length=0)
    fig.legend(handles=[_dot("One move (binary, nominal)", "black", "black"),
                        _dot("Pooled moves or a dimension (bold; alignment ordinal)", "black", "black", "D"),
                        _dot(UNDEFINED_LABEL, None, "black")], loc="outside lower center", ncols=3)
    return fig, data


# -- figure 8: SIPRI deliveries ---------------------------------------------------------------

#: Each recipient series takes the colour of the conflict whose buyer it is.
RECIPIENT_CONFLICT = {"Azerbaijan": "nk2020", "Ukraine": "ukr2022", sipri.ALL_RECIPIENTS: "context"}
FIG08_COLUMNS = ("layer", "series", "year", "delivered", "includes_estimate",
                 "conflict_id", "label", "start", "end")


def _to(recipient: str) -> str:
    return "to " + (recipient.lower() if recipient == sipri.ALL_RECIPIENTS else recipient)


def plot_sipri_deliveries(deliveries: pd.DataFrame, periods, *, generated: str | None = None):
    """``(fig, data)``: bars of armed-UAV deliveries per year (:func:`sipri.armed_uav_deliveries`),
    estimates hatched, wars shaded, a credit line naming the export (``generated``)."""
    series = list(dict.fromkeys(deliveries["recipient"]))
    first, last = int(deliveries["year"].min()), int(deliveries["year"].max())
    fig, ax = style.new_figure(style.TWO_COLUMN, 2.9)
    shown, width = shade_wars(ax, periods, first, last + 1), 0.84 / len(series)
    colours = {name: style.conflict_colour(RECIPIENT_CONFLICT.get(name, "context")) for name in series}
    for i, name in enumerate(series):
        for row in deliveries[(deliveries["recipient"] == name) & (deliveries["delivered"] > 0)].itertuples():
            x, estimate = row.year + 0.5 + (i - (len(series) - 1) / 2) * width, row.includes_estimate
            ax.bar(x, row.delivered, width=width * 0.92, zorder=2, edgecolor=colours[name],
                   facecolor=style.lighten(colours[name], 0.55) if estimate else colours[name],
                   hatch=style.ESTIMATE_HATCH if estimate else None)
            note(ax, f"{int(row.delivered)}", (x, row.delivered), 0, 1.5, ha="center", va="bottom",
                 fontsize=6)
    years = range(first, last + 1)
    ax.set(xlim=(first, last + 1), ylim=(0, max(int(deliveries["delivered"].max()), 1) * 1.12),
           ylabel="Armed UAVs delivered (systems)")
    ax.set_xticks([y + 0.5 for y in years], [str(y) for y in years])
    ax.tick_params(axis="x", length=0)
    for boundary in years[1:]:
        ax.axvline(boundary, color="#E6E6E6", linewidth=0.4, zorder=1)
    ax.yaxis.grid(True)
    export = f", export of {' '.join(generated.split()[:3])}" if generated else ""
    note(ax, f"Data: SIPRI Arms Transfers Database{export} (deliveries recorded to {last}).", (0, 0),
         0, -14, xycoords="axes fraction", va="top", color="#333333")
    handles = [Patch(facecolor=colours[name], label=capitalise(_to(name))) for name in series]
    handles.append(Patch(facecolor=style.lighten(style.NEUTRAL, 0.55), edgecolor=style.NEUTRAL,
                         hatch=style.ESTIMATE_HATCH, label="Number includes a SIPRI estimate"))
    ax.legend(handles=handles + war_handles(shown), loc="upper left", handlelength=1.6, borderaxespad=0.2)
    bars = deliveries.rename(columns={"recipient": "series"}).assign(layer="deliveries")
    data = pd.concat([bars, war_rows(shown)], ignore_index=True).reindex(columns=list(FIG08_COLUMNS))
    return fig, data.astype({"year": "Int64", "delivered": "Int64", "includes_estimate": "boolean"})


@register("fig-08-sipri-deliveries",
          inputs=("data/raw/sipri_trade_register_turkiye.csv", "data/input/conflicts.csv"),
          values=lambda d: {"recipients": [_to(s) for s in
                                           d.query("layer == 'deliveries'")["series"].unique()]})
def fig_08_sipri_deliveries():
    """Figure 8: Turkish armed-UAV deliveries (SIPRI) to the two buyers and to everyone."""
    tables, export = load_tables(), sipri.read_trade_register(summaries.SIPRI_CSV)
    return plot_sipri_deliveries(summaries.war_deliveries(tables, export)[0], war_periods(tables),
                                 generated=export.attrs.get("generated"))
