"""Figures 1–7: the article's tables and the coding, drawn for papers.

Each figure is one builder function registered with
:func:`dronediplomacy.reporting.figures.register` (the registry, the saving and the manifest
live in :mod:`dronediplomacy.reporting.figures`, which imports this module so every figure is
registered once the package's ``figures`` module is imported). A builder takes no
arguments, reads the tables through the package (:func:`dronediplomacy.inputs.tables.load_tables`
and the coding module), draws with :mod:`dronediplomacy.reporting.style` and returns ``(fig, data)``: ``data`` is
exactly what the figure plots, one row per drawn mark. No number in a figure is typed
here; every count, date and id comes from the tables.

Presentation choices kept in this module (not data): the short lane and speaker
labels, the order of conflicts (as in data/input/conflicts.csv), the marker shapes.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from dronediplomacy.coding.codebook import load_codebook
from dronediplomacy.reporting import style
from dronediplomacy.reporting.figures import WarPeriod, decimal_year, period_label, register, war_periods
from dronediplomacy.inputs.tables import Tables, load_tables

# -- shared helpers ---------------------------------------------------------------------------

#: Short names of the conflicts for lanes, panels and legends (presentation only; the
#: full names are in data/input/conflicts.csv).
CONFLICT_SHORT: dict[str, str] = {
    "nk2020": "Nagorno-Karabakh",
    "ukr2022": "Ukraine",
    "context": "Industry and exports",
}

#: Marker of a statement and of an event, in every figure that shows both.
STATEMENT_MARKER = "o"
EVENT_MARKER = "s"

#: Font size of small annotations (ids next to marks): above the 6 pt minimum.
LABEL_SIZE = 6.5


def conflict_order(tables: Tables) -> list[str]:
    """Conflict ids in the order of data/input/conflicts.csv."""
    return list(tables.conflicts["conflict_id"])


def conflict_short(conflict_id: str) -> str:
    """The short name of a conflict (its id if none is defined)."""
    return CONFLICT_SHORT.get(conflict_id, conflict_id)


def speaker_label(name: str, actor_type: str) -> str:
    """A short speaker label computed from actors.csv: a person's last name; otherwise
    the name without the parenthesis the table adds (e.g. '(unnamed)')."""
    bare = re.sub(r"\s*\([^()]*\)", "", str(name)).strip()
    if actor_type == "person":
        return bare.split()[-1]
    return bare


def speaker_labels(tables: Tables) -> dict[str, str]:
    """actor_id -> short speaker label."""
    return {row.actor_id: speaker_label(row.name, row.actor_type)
            for row in tables.actors.itertuples()}


def _as_date(value) -> date | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value).strip()
    return date.fromisoformat(text) if text else None


def _year_after(day: date) -> float:
    """The decimal-year position of the end of ``day`` (so a day has a width)."""
    return decimal_year(day + timedelta(days=1))


#: The derived coded tables (written by notebook 03 through
#: ``dronediplomacy.coding.codings.write_derived``) that figures 2–5 and 7 read.
CODED_HAND_CSV = "data/derived/coded_hand.csv"
AGREEMENT_CSV = "data/derived/agreement.csv"


def read_derived(name: str) -> pd.DataFrame:
    """A derived table of the coding module (``coding.DERIVED_FILES`` name), as written
    to data/derived/. Cells are read as text (``none`` is a code, not a missing value);
    an empty cell is missing. InputError, with the fix, if the file is not there."""
    from dronediplomacy.coding import codings as coding
    from dronediplomacy import paths
    from dronediplomacy.errors import InputError

    path = paths.DATA_DERIVED / coding.DERIVED_FILES[name]
    if not path.is_file():
        raise InputError(path, "is missing: the figures read the coding from it.",
                         fix="run notebook 03 (python -m dronediplomacy.running.runner 03), which writes "
                             "it through dronediplomacy.coding.codings.write_derived().")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return frame.replace("", np.nan)


def coded_statements(tables: Tables, codebook=None) -> pd.DataFrame:
    """One row per statement (statements.csv order) with its hand codes, from
    data/derived/coded_hand.csv: conflict, speaker (short label), speaker side (derived
    by the coding module), one 0/1 column per accountability move (codebook order),
    named agent, alignment code and its value (-2..+2), stance."""
    codebook = codebook or _codebook()
    hand = read_derived("coded_hand")
    moves = codebook.move_ids
    missing = sorted(set(tables.statements["statement_id"]) - set(hand["statement_id"]))
    if missing:
        from dronediplomacy.errors import InputError
        raise InputError(CODED_HAND_CSV, f"has no coding for {', '.join(missing)}.",
                         fix="rerun notebook 03 after coding every statement.")
    frame = tables.statements[["statement_id"]].merge(hand, on="statement_id", how="left")
    frame[moves] = frame[moves].astype(int)
    frame["alignment_value"] = frame["alignment"].astype(int)
    by_value = {v: c for c, v in codebook.ordinal_values("alignment").items()}
    frame["alignment"] = frame["alignment_value"].map(by_value)
    frame["alignment_value"] = frame["alignment_value"].astype("Int64")
    frame["speaker"] = frame["actor_id"].map(speaker_labels(tables))
    return frame[["statement_id", "conflict_id", "actor_id", "speaker", "speaker_side", *moves,
                  "named_agent", "alignment", "alignment_value", "stance"]]


def _lower_first(text: str) -> str:
    """'Stance toward the Turkish framing' -> 'stance toward the Turkish framing'."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _side_phrase(side: str) -> str:
    """'turkey' -> 'Turkish speakers', 'third_party' -> 'third-party speakers',
    'buyer' -> 'buyer-side speakers' (for alt texts)."""
    if side == TURKISH_SIDE:
        return "Turkish speakers"
    return f"{side.replace('_', '-')}{'' if side == 'third_party' else '-side'} speakers"


def _humanise(code: str) -> str:
    return str(code).replace("_", " ")


# -- figure 1: timeline -----------------------------------------------------------------------

#: The years the timeline spans (issue 6: 2014–2026); year Y is drawn over [Y, Y+1).
TIMELINE_FIRST_YEAR = 2014
TIMELINE_LAST_YEAR = 2026
FIG01_COLUMNS = ("layer", "panel", "conflict_id", "kind", "item_id", "label", "lane_row",
                 "date_earliest", "date_latest", "date_precision", "drawn_as", "x_start", "x_end")


def timeline_items(tables: Tables) -> pd.DataFrame:
    """Every statement and event as a timeline item: its lane, label, dates and how it
    is drawn.

    ``drawn_as`` is: ``point`` (earliest = latest, a day), ``interval`` (both bounds:
    a month, a year or a derived interval, drawn from the start of the earliest day to
    the end of the latest), ``open_end`` (only the earliest bound is known: drawn from
    it to the right edge, with an arrow), ``open_start`` (only the latest bound: from
    the left edge to it, with an arrow), ``undated`` (no bound: listed beside the lanes,
    never placed at a date). ``x_start``/``x_end`` are decimal years of the known
    bounds (empty where unknown).
    """
    speakers = speaker_labels(tables)
    rows = []
    for kind, frame, id_column in (("statement", tables.statements, "statement_id"),
                                   ("event", tables.events, "event_id")):
        for record in frame.to_dict("records"):
            earliest, latest = _as_date(record["date_earliest"]), _as_date(record["date_latest"])
            if kind == "statement":
                detail = speakers.get(record["actor_id"], record["actor_id"])
            else:
                detail = _humanise(record["event_type"])
            if earliest and latest:
                drawn_as = "point" if earliest == latest else "interval"
            elif earliest:
                drawn_as = "open_end"
            elif latest:
                drawn_as = "open_start"
            else:
                drawn_as = "undated"
            rows.append({
                "conflict_id": record["conflict_id"], "kind": kind,
                "item_id": record[id_column], "label": f"{record[id_column]} {detail}",
                "date_earliest": earliest.isoformat() if earliest else "",
                "date_latest": latest.isoformat() if latest else "",
                "date_precision": record["date_precision"], "drawn_as": drawn_as,
                "x_start": decimal_year(earliest) if earliest else np.nan,
                "x_end": _year_after(latest) if latest else np.nan,
            })
    items = pd.DataFrame(rows)
    # Lane rows: dated items in time order (open starts first), then undated ones in
    # id order, each in the lane of its conflict; undated items share rows with dated
    # ones (they are drawn in the separate 'undated' column).
    order = {cid: i for i, cid in enumerate(conflict_order(tables))}
    items["_lane"] = items["conflict_id"].map(order)
    items["_sort_start"] = items["x_start"].fillna(-np.inf)
    items["_sort_end"] = items["x_end"].fillna(np.inf)
    items["_undated"] = items["drawn_as"] == "undated"
    items = items.sort_values(["_lane", "_undated", "_sort_start", "_sort_end", "item_id"],
                              kind="stable")
    items["lane_row"] = items.groupby(["_lane", "_undated"]).cumcount()
    # An undated label wrapped over two lines takes two rows of its column.
    lines = items["label"].map(lambda text: len(_wrap_undated(text).splitlines()))
    undated_rows = lines.where(items["_undated"], 0).groupby(items["_lane"]).cumsum() - lines
    items["lane_row"] = items["lane_row"].where(~items["_undated"], undated_rows)
    items = items.drop(columns=["_lane", "_sort_start", "_sort_end", "_undated"])
    return items.reset_index(drop=True)


#: A war shorter than this (years) gets a detail panel below the timeline: at the
#: timeline's scale its dated intervals are too narrow to tell apart from days.
DETAIL_MAX_YEARS = 1.0
#: Days shown before and after the war in the detail panel.
DETAIL_PAD_DAYS = 40
_OPEN_STYLE = (0, (1.2, 1.2))


#: Undated labels longer than this (characters) wrap onto a second row.
UNDATED_WRAP = 24
#: Height of one row of the timeline (inches).
ROW_IN = 0.135


def _wrap_undated(text: str) -> str:
    import textwrap

    return textwrap.fill(text, UNDATED_WRAP, subsequent_indent="  ")


def _draw_open(ax, x_from: float, x_to: float, y: float, colour: str) -> None:
    """A bar at the known bound and a dotted line from it to the edge, with an arrowhead."""
    ax.annotate("", xy=(x_to, y), xytext=(x_from, y), xycoords="data",
                arrowprops=dict(arrowstyle="-|>", color=colour, linewidth=1.0,
                                linestyle=_OPEN_STYLE, shrinkA=0, shrinkB=0, mutation_scale=6))
    ax.plot([x_from, x_from], [y - 0.3, y + 0.3], color=colour, linewidth=1.2,
            solid_capstyle="butt", zorder=3)


def _draw_item(ax, item, y: float, x_min: float, x_max: float, label: str):
    """Draw one dated item on ``ax``, clipped to [x_min, x_max]; return its label text
    and the x where a label to the right of the mark would go (None: no room there)."""
    colour = style.conflict_colour(item.conflict_id)
    marker = STATEMENT_MARKER if item.kind == "statement" else EVENT_MARKER
    if item.drawn_as == "point":
        ax.plot([item.x_start], [y], marker=marker, color=colour, markersize=3.5,
                linestyle="none", zorder=3)
        left, right = item.x_start, item.x_start
    elif item.drawn_as == "interval":
        x0, x1 = max(item.x_start, x_min), min(item.x_end, x_max)
        ax.plot([x0, x1], [y, y], color=colour, linewidth=3.0, solid_capstyle="butt", zorder=3)
        left, right = x0, x1
    elif item.drawn_as == "open_end":
        _draw_open(ax, item.x_start, x_max, y, colour)
        left, right = item.x_start, None
    else:  # open_start
        _draw_open(ax, item.x_end, x_min, y, colour)
        left, right = None, item.x_end
    if left is not None:
        text = ax.annotate(label, (left, y), xytext=(-4, 0), textcoords="offset points",
                           ha="right", va="center", fontsize=LABEL_SIZE, zorder=4)
    else:
        text = ax.annotate(label, (right, y), xytext=(4, 0), textcoords="offset points",
                           ha="left", va="center", fontsize=LABEL_SIZE, zorder=4)
    return text, right


def _flip_labels_inside(fig: Figure, ax, labels) -> None:
    """A label that would run past the axes' left edge goes to the right of its mark."""
    fig.draw_without_rendering()
    x0_px = ax.get_window_extent().x0
    for text, right in labels:
        if text.get_window_extent().x0 < x0_px and right is not None:
            text.xy = (right, text.xy[1])
            text.set_position((4, 0))
            text.set_ha("left")


def _shade(ax, periods: Sequence[WarPeriod], x_min: float, x_max: float) -> list[WarPeriod]:
    shown = []
    for period in periods:
        x0 = max(decimal_year(period.start), x_min)
        x1 = min(_year_after(period.end) if period.end else x_max, x_max)
        if x1 <= x_min or x0 >= x_max:
            continue
        ax.axvspan(x0, x1, facecolor=style.conflict_colour(period.conflict_id),
                   alpha=style.SHADE_ALPHA, linewidth=0, zorder=0)
        shown.append(period)
    return shown


def detail_period(periods: Sequence[WarPeriod]) -> WarPeriod | None:
    """The shortest closed war shorter than DETAIL_MAX_YEARS (None if there is none)."""
    short = [p for p in periods if p.end is not None
             and _year_after(p.end) - decimal_year(p.start) < DETAIL_MAX_YEARS]
    return min(short, key=lambda p: (p.end - p.start, p.conflict_id), default=None)


@register(
    "fig-01-timeline",
    caption=lambda data: _fig01_caption(data),
    alt_text=lambda data: _fig01_alt_text(data),
    inputs=("data/input/statements.csv", "data/input/events.csv", "data/input/conflicts.csv",
            "data/input/actors.csv"),
)
def fig_01_timeline() -> tuple[Figure, pd.DataFrame]:
    """Figure 1: statements and events, 2014–2026, on one lane per conflict.

    Wars are shaded (conflicts.csv dates). A day is a marker (circle: statement,
    square: event); a month, a year or a derived interval is a bar over its span; a
    date known only from one side is drawn from that bound to the edge of the axis as
    a dotted arrow; undated items are listed in a column of their own beside their
    lane, never placed at a date. Every mark is labelled with its id. A war shorter
    than a year (Nagorno-Karabakh, 45 days) gets a detail panel below, with its lane's
    dated items at a scale where intervals and days can be told apart.
    """
    tables = load_tables()
    items = timeline_items(tables)
    periods = war_periods(tables.conflicts)
    lanes = conflict_order(tables)
    x_min, x_max = float(TIMELINE_FIRST_YEAR), float(TIMELINE_LAST_YEAR + 1)
    dated = items[items["drawn_as"] != "undated"]
    outside = dated[(dated["x_start"] >= x_max) | (dated["x_end"] <= x_min)]
    if not outside.empty:
        raise ValueError(f"items outside {TIMELINE_FIRST_YEAR}–{TIMELINE_LAST_YEAR}: "
                         f"{', '.join(outside['item_id'])}; widen the timeline")
    zoom = detail_period(periods)
    detail = dated[dated["conflict_id"] == zoom.conflict_id] if zoom else dated.iloc[:0]

    # Vertical layout: each lane has as many rows as it needs, lanes separated by a gap.
    gap = 0.9
    n_lines = items["label"].map(lambda t: _wrap_undated(t).count("\n") + 1)
    rows_used = items["lane_row"] + n_lines.where(items["drawn_as"] == "undated", 1)
    lane_rows = {cid: int(rows_used[items["conflict_id"] == cid].max())
                 if (items["conflict_id"] == cid).any() else 1 for cid in lanes}
    lane_top, top = {}, 0.0
    for cid in lanes:
        lane_top[cid] = top
        top -= lane_rows[cid] + gap
    main_rows = sum(lane_rows.values()) + gap * (len(lanes) - 1)
    detail_rows = int(detail["lane_row"].max() + 1) if not detail.empty else 0
    main_h = ROW_IN * main_rows + 0.45
    detail_h = ROW_IN * detail_rows + 0.42 if detail_rows else 0
    height = 0.55 + main_h + detail_h
    if detail_rows:
        fig, axes = style.new_figure(style.TWO_COLUMN, height, nrows=2, ncols=2, gridspec_kw={
            "width_ratios": [4.4, 1.5], "height_ratios": [main_h, detail_h], "wspace": 0.02})
        grid = axes[1, 0].get_gridspec()
        axes[1, 0].remove()
        axes[1, 1].remove()
        ax, ax_u = axes[0]
        ax_d = fig.add_subplot(grid[1, :])
    else:
        fig, (ax, ax_u) = style.new_figure(style.TWO_COLUMN, height, ncols=2, gridspec_kw={
            "width_ratios": [4.4, 1.5], "wspace": 0.02})
        ax_d = None
    ax_u.sharey(ax)

    def y_of(cid: str, row: int) -> float:
        return lane_top[cid] - row - 0.5

    shown_periods = _shade(ax, periods, x_min, x_max)
    labels = []
    for item in items.itertuples():
        y = y_of(item.conflict_id, item.lane_row)
        if item.drawn_as == "undated":
            marker = STATEMENT_MARKER if item.kind == "statement" else EVENT_MARKER
            ax_u.plot([0.05], [y], marker=marker, color=style.conflict_colour(item.conflict_id),
                      markersize=3.5, linestyle="none")
            label = _wrap_undated(item.label)
            n_lines = label.count("\n") + 1
            # Lines one row apart: the text is centred between its first and last row.
            ax_u.annotate(label, (0.05, y - (n_lines - 1) / 2), xytext=(4, 0),
                          textcoords="offset points", ha="left", va="center",
                          fontsize=LABEL_SIZE, linespacing=ROW_IN * 72 / (LABEL_SIZE * 1.2))
        else:
            labels.append(_draw_item(ax, item, y, x_min, x_max, item.label))

    ax.set_xlim(x_min, x_max)
    ax.set_ylim(top + gap, 0)
    years = range(TIMELINE_FIRST_YEAR, TIMELINE_LAST_YEAR + 2)
    ax.set_xticks(list(years), [str(y) if y <= TIMELINE_LAST_YEAR else "" for y in years])
    ax.xaxis.grid(True)
    ax.set_yticks([lane_top[cid] - lane_rows[cid] / 2 for cid in lanes],
                  [conflict_short(cid).replace(" and ", " and\n") for cid in lanes])
    ax.tick_params(axis="y", length=0)
    for tick, cid in zip(ax.get_yticklabels(), lanes):
        tick.set_color(style.conflict_colour(cid))
        tick.set_fontweight("bold")
    for cid in lanes[1:]:
        for a in (ax, ax_u):
            a.axhline(lane_top[cid] + gap / 2, color=style.NEUTRAL, linewidth=0.4)
    ax_u.set_xlim(0, 1)
    ax_u.set_xticks([])
    ax_u.tick_params(axis="y", length=0, labelleft=False)
    for side in ("left", "bottom"):
        ax_u.spines[side].set_visible(False)
    ax_u.set_facecolor(style.lighten(style.NEUTRAL, 0.88))
    ax_u.annotate("Undated in the source", (0.04, 1), xycoords="axes fraction",
                  xytext=(0, 3), textcoords="offset points", ha="left", va="bottom",
                  fontsize=7, fontstyle="italic")
    _flip_labels_inside(fig, ax, labels)

    detail_frame = detail.iloc[:0]
    if ax_d is not None:
        d_min = decimal_year(zoom.start - timedelta(days=DETAIL_PAD_DAYS))
        d_max = _year_after(zoom.end + timedelta(days=DETAIL_PAD_DAYS))
        _shade(ax_d, [zoom], d_min, d_max)
        d_labels = [_draw_item(ax_d, item, -item.lane_row - 0.5, d_min, d_max, item.label)
                    for item in detail.itertuples()]
        ax_d.set_xlim(d_min, d_max)
        ax_d.set_ylim(-detail_rows, 0)
        months = []
        day = date((zoom.start - timedelta(days=DETAIL_PAD_DAYS)).year,
                   (zoom.start - timedelta(days=DETAIL_PAD_DAYS)).month, 1)
        while decimal_year(day) <= d_max:
            if decimal_year(day) >= d_min:
                months.append(day)
            day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        ax_d.set_xticks([decimal_year(m) for m in months], [f"1 {m:%b %Y}" for m in months])
        ax_d.xaxis.grid(True)
        ax_d.set_yticks([-detail_rows / 2],
                        [f"{conflict_short(zoom.conflict_id)}\n(detail)"])
        ax_d.tick_params(axis="y", length=0)
        tick = ax_d.get_yticklabels()[0]
        tick.set_color(style.conflict_colour(zoom.conflict_id))
        tick.set_fontweight("bold")
        ax_d.set_xlabel("Date (detail of the shaded war above)")
        _flip_labels_inside(fig, ax_d, d_labels)
        detail_frame = detail.assign(layer="item", panel="detail")

    handles = [
        Line2D([], [], marker=STATEMENT_MARKER, color=style.NEUTRAL, linestyle="none",
               markersize=3.5, label="Statement (st) on one day"),
        Line2D([], [], marker=EVENT_MARKER, color=style.NEUTRAL, linestyle="none",
               markersize=3.5, label="Event (ev) on one day"),
        Line2D([], [], color=style.NEUTRAL, linewidth=3.0, solid_capstyle="butt",
               label="Dated within an interval"),
        Line2D([], [], color=style.NEUTRAL, linewidth=1.0, linestyle=_OPEN_STYLE,
               label="One bound known: dotted arrow to the axis edge"),
    ]
    handles += [Patch(facecolor=style.conflict_colour(p.conflict_id), alpha=style.SHADE_ALPHA,
                      edgecolor="none", label=period_label(p)) for p in shown_periods]
    fig.legend(handles=handles, loc="outside upper center", ncols=2, handlelength=2.0,
               columnspacing=1.2)

    wars = pd.DataFrame([{
        "layer": "war period", "panel": "timeline", "conflict_id": p.conflict_id,
        "label": p.label, "date_earliest": p.start.isoformat(),
        "date_latest": p.end.isoformat() if p.end else "", "drawn_as": "shaded",
        "x_start": decimal_year(p.start), "x_end": _year_after(p.end) if p.end else np.nan,
    } for p in shown_periods])
    main = items.assign(layer="item",
                        panel=np.where(items["drawn_as"] == "undated", "undated", "timeline"))
    data = pd.concat([main, detail_frame, wars], ignore_index=True)
    data = data.reindex(columns=list(FIG01_COLUMNS))
    data["lane_row"] = data["lane_row"].astype("Int64")
    data["x_start"] = data["x_start"].round(4)
    data["x_end"] = data["x_end"].round(4)
    return fig, data


def _fig01_caption(data: pd.DataFrame) -> str:
    items = data[(data["layer"] == "item") & (data["panel"] != "detail")]
    undated = items[items["drawn_as"] == "undated"]
    one_sided = items[items["drawn_as"].isin(["open_end", "open_start"])]
    wars = data[data["layer"] == "war period"]
    detail = data[data["panel"] == "detail"]
    text = (f"Timeline {TIMELINE_FIRST_YEAR}–{TIMELINE_LAST_YEAR} of the article's "
            f"{int((items['kind'] == 'statement').sum())} statements (st) and "
            f"{int((items['kind'] == 'event').sum())} events (ev), one lane and one colour per "
            "conflict. A marker is a day; a bar is a month, a year or an interval derived from "
            "the text; a dotted line ending in an arrow is an item known only to be after (or "
            "before) a date, drawn from that bound to the edge of the axis "
            f"({len(one_sided)} items). The {len(undated)} items the source does not date are "
            "listed in the right-hand column, not placed at a date. Shaded: the "
            f"{len(wars)} wars, dated from the outside sources cited in conflicts.csv.")
    if not detail.empty:
        cid = detail["conflict_id"].iloc[0]
        text += (f" Below: the {conflict_short(cid)} lane's {len(detail)} dated items at the "
                 "scale of days.")
    return text + " Dates and their derivation: statements.csv, events.csv."


def _fig01_alt_text(data: pd.DataFrame) -> str:
    items = data[(data["layer"] == "item") & (data["panel"] != "detail")]
    parts = []
    undated_share = {}
    for cid in dict.fromkeys(items["conflict_id"]):
        lane = items[items["conflict_id"] == cid]
        dated = lane[lane["drawn_as"] != "undated"]
        undated = lane[lane["drawn_as"] == "undated"]
        undated_share[cid] = len(undated) / len(lane)
        bounds = pd.concat([dated["x_start"], dated["x_end"]]).dropna()
        text = f"{conflict_short(cid)}: {len(dated)} dated items"
        if not bounds.empty:
            first, last = int(np.floor(bounds.min())), int(np.floor(bounds.max() - 1e-9))
            text += f" in {first}" if first == last else f" between {first} and {last}"
        text += (f" and {len(undated)} undated ({', '.join(undated['item_id'])})" if len(undated)
                 else " and none undated")
        parts.append(text)
    most = max(undated_share, key=lambda c: (undated_share[c], c))
    return ("Timeline of the article's statements and events on one lane per conflict, wars "
            "shaded. " + "; ".join(parts) + f". The {conflict_short(most)} lane has the largest "
            f"share of undated items ({round(100 * undated_share[most])}%).")


# -- figure 6: evidence map -------------------------------------------------------------------

FIG06_COLUMNS = ("claim_id", "claim_type", "paragraph", "evidence_type", "evidence_id",
                 "evidence_conflict_id", "linked", "row", "column")


def evidence_matrix(tables: Tables) -> pd.DataFrame:
    """Claims × evidence ids (every statement, then every event), one row per cell.

    ``linked`` is True where claim_evidence.csv lists the pair. Claims are ordered by
    type (in the schema's order) then id; evidence by kind then id. ``row`` and
    ``column`` are the cell's position in the drawn matrix (0 = top, left).
    """
    from dronediplomacy.inputs.schemas import CLAIM_TYPES

    claims = tables.claims.copy()
    claims["_type"] = claims["claim_type"].map({t: i for i, t in enumerate(CLAIM_TYPES)})
    claims = claims.sort_values(["_type", "claim_id"], kind="stable").reset_index(drop=True)
    evidence = pd.concat([
        tables.statements[["statement_id", "conflict_id"]]
        .rename(columns={"statement_id": "evidence_id"}).assign(evidence_type="statement"),
        tables.events[["event_id", "conflict_id"]]
        .rename(columns={"event_id": "evidence_id"}).assign(evidence_type="event"),
    ], ignore_index=True)
    evidence = evidence.sort_values(["evidence_type", "evidence_id"],
                                    key=lambda c: c.map({"statement": 0, "event": 1})
                                    if c.name == "evidence_type" else c,
                                    kind="stable").reset_index(drop=True)
    links = set(zip(tables.claim_evidence["claim_id"], tables.claim_evidence["evidence_id"]))
    rows = []
    for r, claim in claims.iterrows():
        for c, ev in evidence.iterrows():
            rows.append({
                "claim_id": claim["claim_id"], "claim_type": claim["claim_type"],
                "paragraph": int(claim["paragraph"]), "evidence_type": ev["evidence_type"],
                "evidence_id": ev["evidence_id"], "evidence_conflict_id": ev["conflict_id"],
                "linked": (claim["claim_id"], ev["evidence_id"]) in links, "row": r, "column": c,
            })
    return pd.DataFrame(rows, columns=list(FIG06_COLUMNS))


@register(
    "fig-06-evidence-map",
    caption=lambda data: _fig06_caption(data),
    alt_text=lambda data: _fig06_alt_text(data),
    inputs=("data/input/claims.csv", "data/input/claim_evidence.csv",
            "data/input/statements.csv", "data/input/events.csv"),
)
def fig_06_evidence_map() -> tuple[Figure, pd.DataFrame]:
    """Figure 6: which statements and events each of the article's claims rests on.

    A dot matrix, claims (rows, grouped by claim type) × evidence (columns: statements,
    then events), a dot where claim_evidence.csv links them, coloured by the conflict
    of the evidence. Margins count the links of each claim (right) and the claims
    resting on each piece of evidence (bottom); a claim with no evidence says so.
    """
    tables = load_tables()
    data = evidence_matrix(tables)
    claims = data.drop_duplicates("claim_id")[["claim_id", "claim_type", "paragraph", "row"]]
    evidence = data.drop_duplicates("evidence_id")[["evidence_id", "evidence_type",
                                                   "evidence_conflict_id", "column"]]
    n_rows, n_cols = len(claims), len(evidence)
    fig, ax = style.new_figure(style.TWO_COLUMN, 0.95 + 0.148 * n_rows)
    linked = data[data["linked"]]
    ax.scatter(data["column"], data["row"], s=1.5, color="#CFCFCF", linewidths=0, zorder=1)
    ax.scatter(linked["column"], linked["row"], s=22, zorder=3,
               color=[style.conflict_colour(c) for c in linked["evidence_conflict_id"]],
               linewidths=0)
    # Separators: between claim types, and between statements and events.
    types = list(dict.fromkeys(claims["claim_type"]))
    for claim_type in types[1:]:
        first = claims.loc[claims["claim_type"] == claim_type, "row"].min()
        ax.axhline(first - 0.5, color=style.NEUTRAL, linewidth=0.5)
    n_statements = int((evidence["evidence_type"] == "statement").sum())
    ax.axvline(n_statements - 0.5, color=style.NEUTRAL, linewidth=0.5)

    ax.set_xlim(-0.6, n_cols - 0.4)
    ax.set_ylim(n_rows - 0.5, -0.5)
    ax.set_yticks(claims["row"], [f"{r.claim_id} ¶{r.paragraph}" for r in claims.itertuples()])
    ax.xaxis.tick_top()
    ax.set_xticks(evidence["column"], evidence["evidence_id"], rotation=90)
    for tick, cid in zip(ax.get_xticklabels(), evidence["evidence_conflict_id"]):
        tick.set_color(style.conflict_colour(cid))
    ax.tick_params(axis="both", length=0, pad=2)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    # Claim-type group labels, left of the ids.
    for claim_type in types:
        group = claims[claims["claim_type"] == claim_type]
        y0, y1 = group["row"].min() - 0.35, group["row"].max() + 0.35
        ax.annotate("", xy=(-0.085, y0), xytext=(-0.085, y1),
                    xycoords=("axes fraction", "data"),
                    arrowprops=dict(arrowstyle="-", color=style.NEUTRAL, linewidth=0.6))
        ax.annotate(claim_type, xy=(-0.085, (y0 + y1) / 2), xycoords=("axes fraction", "data"),
                    xytext=(-3, 0), textcoords="offset points", rotation=90, ha="right",
                    va="center", fontsize=7)
    # Margins: links per claim (right), claims per piece of evidence (bottom).
    per_claim = linked.groupby("claim_id").size()
    for row in claims.itertuples():
        n = int(per_claim.get(row.claim_id, 0))
        if n:
            ax.annotate(str(n), (n_cols - 0.4, row.row), xytext=(4, 0),
                        textcoords="offset points", ha="left", va="center", fontsize=LABEL_SIZE)
        else:
            ax.annotate("no evidence cited: the article's own reasoning", (-0.3, row.row),
                        ha="left", va="center", fontsize=LABEL_SIZE, fontstyle="italic",
                        color="#555555", zorder=4,
                        bbox=dict(boxstyle="square,pad=0.3", facecolor="white", edgecolor="none"))
    per_evidence = linked.groupby("evidence_id").size()
    for ev in evidence.itertuples():
        n = int(per_evidence.get(ev.evidence_id, 0))
        ax.annotate(str(n), (ev.column, n_rows - 0.5), xytext=(0, -3),
                    textcoords="offset points", ha="center", va="top", fontsize=LABEL_SIZE,
                    color="#333333" if n else "#999999")
    ax.annotate("claims citing it", (n_cols - 0.4, n_rows - 0.5), xytext=(4, -3),
                textcoords="offset points", ha="left", va="top", fontsize=LABEL_SIZE)
    ax.annotate("links", (n_cols - 0.4, -0.5), xytext=(4, 2), textcoords="offset points",
                ha="left", va="bottom", fontsize=LABEL_SIZE)
    for kind, label in (("statement", "Statements"), ("event", "Events")):
        cols = evidence.loc[evidence["evidence_type"] == kind, "column"]
        if not cols.empty:
            ax.annotate(label, ((cols.min() + cols.max()) / 2, 1),
                        xycoords=("data", "axes fraction"), xytext=(0, 24),
                        textcoords="offset points", ha="center", va="bottom", fontsize=7)
    handles = [Line2D([], [], marker="o", linestyle="none", markersize=4.5,
                      color=style.conflict_colour(cid),
                      label=f"Evidence from: {conflict_short(cid)}")
               for cid in conflict_order(tables) if (linked["evidence_conflict_id"] == cid).any()]
    fig.legend(handles=handles, loc="outside lower center", ncols=len(handles))
    return fig, data


def _fig06_caption(data: pd.DataFrame) -> str:
    claims = data.drop_duplicates("claim_id")
    linked = data[data["linked"].astype(bool)]
    bare = sorted(set(claims["claim_id"]) - set(linked["claim_id"]))
    unused = sorted(set(data["evidence_id"]) - set(linked["evidence_id"]))
    return (f"Evidence map: the article's {len(claims)} claims (rows, grouped by claim type, "
            "with the paragraph they come from) and the statements (st) and events (ev) each "
            f"rests on (a dot: a link in claim_evidence.csv; {len(linked)} links), coloured by "
            "the conflict of the evidence. Right margin: links per claim; bottom margin: claims "
            f"citing each item. {len(bare)} claims cite no evidence ({', '.join(bare)}); "
            f"{len(unused)} items support no claim ({', '.join(unused)}).")


def _fig06_alt_text(data: pd.DataFrame) -> str:
    linked = data[data["linked"].astype(bool)]
    claims = data.drop_duplicates("claim_id")
    per_evidence = linked.groupby("evidence_id").size().sort_values(ascending=False, kind="stable")
    top = per_evidence[per_evidence == per_evidence.max()]
    by_type = claims.groupby("claim_type", sort=False).size()
    types = ", ".join(f"{n} {t}" for t, n in by_type.items())
    return (f"Dot matrix of {len(claims)} claims ({types}) against the statements and events "
            f"they cite, {len(linked)} links in all. The most-cited "
            f"{'item is' if len(top) == 1 else 'items are'} {', '.join(top.index)} "
            f"(cited by {int(per_evidence.max())} claims{'' if len(top) == 1 else ' each'}). "
            "Claims citing no evidence: "
            f"{', '.join(sorted(set(claims['claim_id']) - set(linked['claim_id'])))}.")


# -- codes: labels, side colours, shared drawing ----------------------------------------------

def _codebook():
    return load_codebook()


def code_labels(codebook, dimension: str) -> dict[str, str]:
    """code id -> its label in the codebook."""
    codes = codebook.dimension(dimension)["codes"]
    return {code["id"]: str(code["label"]).strip() for code in codes}


def side_colours(codebook) -> dict[str, str]:
    """Speaker side -> colour: the codebook's speaker sides, in order, take the
    palette's non-conflict colours in order (style.OTHER_COLOURS)."""
    sides = codebook.code_ids("speaker_side")
    if len(sides) > len(style.OTHER_COLOURS):
        raise ValueError("more speaker sides than colours in style.OTHER_COLOURS")
    return dict(zip(sides, style.OTHER_COLOURS))


def _ink_on(colour: str) -> str:
    """Black or white, whichever reads better on ``colour``."""
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(colour)
    return "white" if 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.45 else "black"


def _wrap(text: str, width: int) -> str:
    """Wrap a label onto lines of at most ``width`` characters (words kept whole)."""
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def _group_brackets(fig: Figure, ax, groups, *, fontsize: float = 7.0) -> None:
    """Brackets left of the y tick labels, one per group of rows, with the group's name
    rotated beside it. ``groups``: (name, colour, first_row, last_row) in data rows.
    Placed at a fixed distance (points) from the axes, so layout changes cannot move
    them onto the tick labels; the name wraps to fit the bracket's height."""
    from matplotlib import transforms

    fig.draw_without_rendering()
    ticks = [t.get_window_extent() for t in ax.get_yticklabels() if t.get_text()]
    box = ax.get_window_extent()
    left_px = min(t.x0 for t in ticks) if ticks else box.x0
    offset_pt = (box.x0 - left_px) * 72 / fig.dpi + 4
    shift = transforms.ScaledTranslation(-offset_pt / 72, 0, fig.dpi_scale_trans)
    trans = transforms.blended_transform_factory(ax.transAxes + shift, ax.transData)
    for name, colour, first, last in groups:
        y0, y1 = first - 0.35, last + 0.35
        rows_px = abs(ax.transData.transform((0, y1))[1] - ax.transData.transform((0, y0))[1])
        room = max(1, int(rows_px / (fontsize * 0.7 * fig.dpi / 72)))
        label = _wrap(name.replace("-", "- "), room).replace("- \n", "-\n").replace("- ", "-")
        ax.plot([0, 0], [y0, y1], transform=trans, color=colour, linewidth=1.0,
                clip_on=False, solid_capstyle="butt")
        ax.text(0, (first + last) / 2, label, transform=trans + transforms.ScaledTranslation(
                    -3 / 72, 0, fig.dpi_scale_trans), rotation=90, ha="right", va="center",
                fontsize=fontsize, fontweight="bold", color=colour, multialignment="center")


def _panel_label(ax, text: str, colour: str) -> None:
    """A panel's name above its top-left corner (not an axes title: no titles baked in)."""
    ax.annotate(text, (0, 1), xycoords="axes fraction", xytext=(0, 4),
                textcoords="offset points", ha="left", va="bottom", fontsize=7.5,
                fontweight="bold", color=colour)


def _count_panels(counts: pd.DataFrame, categories: Sequence[str], category_labels: dict,
                  sides: Sequence[str], colours: dict, conflicts: Sequence[str],
                  side_labels: dict, height: float, xlabel: str) -> Figure:
    """Small multiples, one panel per conflict: a stacked horizontal bar per category,
    one segment per speaker side, each segment's count written on it, the total at the
    bar's end (0 shown, in grey). ``counts``: conflict_id, category, speaker_side, count."""
    fig, axes = style.new_figure(style.TWO_COLUMN, height, ncols=len(conflicts), sharey=True,
                                 sharex=True)
    axes = np.atleast_1d(axes)
    top = int(counts.groupby(["conflict_id", "category"])["count"].sum().max())
    y = {category: i for i, category in enumerate(categories)}
    for ax, cid in zip(axes, conflicts):
        panel = counts[counts["conflict_id"] == cid]
        for category in categories:
            left = 0
            segments = [(side, int(panel.loc[(panel["category"] == category)
                                             & (panel["speaker_side"] == side), "count"].sum()))
                        for side in sides]
            segments = [(side, n) for side, n in segments if n]
            for side, n in segments:
                ax.barh(y[category], n, left=left, height=0.72, color=colours[side],
                        edgecolor="white", linewidth=0.5, zorder=2)
                if len(segments) > 1:  # a lone segment's count is the total, at the end
                    ax.annotate(str(n), (left + n / 2, y[category]), ha="center", va="center",
                                fontsize=LABEL_SIZE, color=_ink_on(colours[side]), zorder=3)
                left += n
            ax.annotate(str(left), (left, y[category]), xytext=(3, 0), textcoords="offset points",
                        ha="left", va="center", fontsize=LABEL_SIZE,
                        color="black" if left else "#999999")
        _panel_label(ax, conflict_short(cid), style.conflict_colour(cid))
        ax.set_xlim(0, top + 0.7)
        ax.xaxis.grid(True)
        ax.set_xticks(range(0, top + 1))
        ax.tick_params(axis="y", length=0)
    axes[0].set_yticks(range(len(categories)), [category_labels[c] for c in categories])
    axes[0].set_ylim(len(categories) - 0.5, -0.5)
    axes[len(axes) // 2].set_xlabel(xlabel)
    present = [s for s in sides if (counts.loc[counts["speaker_side"] == s, "count"] > 0).any()]
    handles = [Patch(facecolor=colours[s], label=side_labels[s]) for s in present]
    fig.legend(handles=[Patch(alpha=0, label="Speaker side:")] + handles,
               loc="outside lower center", ncols=len(handles) + 1, handlelength=1.2,
               handletextpad=0.5)
    return fig


# -- figure 2: coded matrix -------------------------------------------------------------------

FIG02_COLUMNS = ("statement_id", "conflict_id", "speaker", "speaker_side", "move", "move_label",
                 "coded", "row", "column")


@register(
    "fig-02-coded-matrix",
    caption=lambda data: _fig02_caption(data),
    alt_text=lambda data: _fig02_alt_text(data),
    inputs=(CODED_HAND_CSV, "data/input/codebook.yaml", "data/input/statements.csv",
            "data/input/actors.csv", "data/input/conflicts.csv"),
)
def fig_02_coded_matrix() -> tuple[Figure, pd.DataFrame]:
    """Figure 2: statements (rows, grouped by conflict, labelled by speaker) × the
    accountability moves of the codebook (columns), a dot where the hand coding
    assigns the move: filled for a Turkish speaker, open for any other speaker."""
    tables = load_tables()
    codebook = _codebook()
    coded = coded_statements(tables, codebook)
    moves = codebook.move_ids
    labels = code_labels(codebook, "accountability_move")
    order = {cid: i for i, cid in enumerate(conflict_order(tables))}
    coded = coded.assign(_c=coded["conflict_id"].map(order)).sort_values(
        ["_c", "statement_id"], kind="stable").reset_index(drop=True)
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
    for turkish, face in ((True, None), (False, "white")):
        part = hits[(hits["speaker_side"] == "turkey") == turkish]
        colours = [style.conflict_colour(c) for c in part["conflict_id"]]
        ax.scatter(part["column"], part["row"], s=34, zorder=3, linewidths=1.3,
                   facecolors=colours if face is None else face, edgecolors=colours)
    conflicts = list(dict.fromkeys(coded["conflict_id"]))
    for cid in conflicts[1:]:
        ax.axhline(coded.index[coded["conflict_id"] == cid].min() - 0.5, color=style.NEUTRAL,
                   linewidth=0.5)
    ax.set_xlim(-0.6, n_cols - 0.4)
    ax.set_ylim(n_rows - 0.5, -0.5)
    ax.set_yticks(range(n_rows), [f"{r.statement_id} {r.speaker}" for r in coded.itertuples()])
    ax.xaxis.tick_top()
    ax.set_xticks(range(n_cols), [_wrap(labels[m], 17) for m in moves], rotation=90,
                  ha="center", va="bottom", multialignment="left")
    ax.tick_params(axis="both", length=0, pad=3)
    groups = [(cid, coded.index[coded["conflict_id"] == cid]) for cid in conflicts]
    _group_brackets(fig, ax, [(conflict_short(cid), style.conflict_colour(cid),
                               rows.min(), rows.max()) for cid, rows in groups])
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    per_move = hits.groupby("move").size()
    for m, move in enumerate(moves):
        n = int(per_move.get(move, 0))
        ax.annotate(str(n), (m, n_rows - 0.5), xytext=(0, -3), textcoords="offset points",
                    ha="center", va="top", fontsize=LABEL_SIZE, color="black" if n else "#999999")
    ax.annotate("statements", (n_cols - 0.4, n_rows - 0.5), xytext=(2, -3),
                textcoords="offset points", ha="left", va="top", fontsize=LABEL_SIZE)
    handles = [
        Line2D([], [], marker="o", linestyle="none", markersize=5, color=style.NEUTRAL,
               markeredgewidth=1.3, label="Move made by a Turkish speaker"),
        Line2D([], [], marker="o", linestyle="none", markersize=5, markerfacecolor="white",
               markeredgecolor=style.NEUTRAL, markeredgewidth=1.3,
               label="Move made by another speaker"),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=2)
    return fig, data


def _fig02_caption(data: pd.DataFrame) -> str:
    n_st = data["statement_id"].nunique()
    n_moves = data["move"].nunique()
    hits = data[data["coded"] == 1]
    unused = sorted(set(data["move"]) - set(hits["move"]))
    text = (f"Hand coding of the {n_st} statements (rows, grouped by conflict, labelled by id "
            f"and speaker) on the {n_moves} accountability moves of the codebook (columns); a "
            "dot marks a move the statement makes (several per statement allowed), filled for "
            "a Turkish speaker and open for any other, in the conflict's colour. Bottom: "
            "statements making each move.")
    if unused:
        text += f" Never coded: {', '.join(m.replace('_', ' ') for m in unused)}."
    return text


def _fig02_alt_text(data: pd.DataFrame) -> str:
    hits = data[data["coded"] == 1]
    parts = []
    for cid in dict.fromkeys(data["conflict_id"]):
        mine = hits[hits["conflict_id"] == cid]
        sides = []
        for name, turkish in (("Turkish speakers", True), ("other speakers", False)):
            part = mine[(mine["speaker_side"] == "turkey") == turkish]
            if part.empty:
                continue
            counts = part.groupby("move_label", sort=False).size()
            sides.append(f"{name} " + ", ".join(f"{_lower_first(m)} ({n})"
                                                for m, n in counts.items()))
        parts.append(f"{conflict_short(cid)}: " + "; ".join(sides))
    return (f"Dot matrix of {data['statement_id'].nunique()} statements by "
            f"{data['move'].nunique()} accountability moves, {len(hits)} moves coded in all. "
            + ". ".join(parts) + ".")


# -- figure 3: move profile -------------------------------------------------------------------

FIG03_COLUMNS = ("conflict_id", "move", "move_label", "speaker_side", "speaker_side_label",
                 "count", "statement_ids")


def move_counts(coded: pd.DataFrame, moves: Sequence[str], sides: Sequence[str],
                conflicts: Sequence[str]) -> pd.DataFrame:
    """Statements making each move, by conflict and speaker side: every combination,
    zeros included, with the ids counted (``"st01; st02"``)."""
    rows = []
    for cid in conflicts:
        for move in moves:
            for side in sides:
                ids = coded.loc[(coded["conflict_id"] == cid) & (coded["speaker_side"] == side)
                                & (coded[move] == 1), "statement_id"]
                rows.append({"conflict_id": cid, "move": move, "speaker_side": side,
                             "count": len(ids), "statement_ids": "; ".join(sorted(ids))})
    return pd.DataFrame(rows, columns=["conflict_id", "move", "speaker_side", "count",
                                       "statement_ids"])


@register(
    "fig-03-move-profile",
    caption=lambda data: _fig03_caption(data),
    alt_text=lambda data: _fig03_alt_text(data),
    inputs=(CODED_HAND_CSV, "data/input/codebook.yaml", "data/input/statements.csv",
            "data/input/actors.csv", "data/input/conflicts.csv"),
)
def fig_03_move_profile() -> tuple[Figure, pd.DataFrame]:
    """Figure 3: how many statements make each accountability move, one panel per
    conflict, each bar split by speaker side (counts, not shares)."""
    tables = load_tables()
    codebook = _codebook()
    coded = coded_statements(tables, codebook)
    moves, sides = codebook.move_ids, codebook.code_ids("speaker_side")
    conflicts = [c for c in conflict_order(tables) if (coded["conflict_id"] == c).any()]
    data = move_counts(coded, moves, sides, conflicts)
    data["move_label"] = data["move"].map(code_labels(codebook, "accountability_move"))
    data["speaker_side_label"] = data["speaker_side"].map(code_labels(codebook, "speaker_side"))
    data = data[list(FIG03_COLUMNS)]
    fig = _count_panels(data.rename(columns={"move": "category"}), moves,
                        code_labels(codebook, "accountability_move"),
                        sides, side_colours(codebook), conflicts,
                        code_labels(codebook, "speaker_side"), 3.0,
                        "Statements making the move (hand coding)")
    return fig, data


def _fig03_caption(data: pd.DataFrame) -> str:
    n = {cid: len(set("; ".join(data.loc[data["conflict_id"] == cid, "statement_ids"]
                                 .fillna("")).replace(" ", "").split(";")) - {""})
         for cid in dict.fromkeys(data["conflict_id"])}
    per = "; ".join(f"{conflict_short(c)}: {k} statements with a move" for c, k in n.items())
    return ("Move profile: the number of statements making each accountability move (hand "
            "coding), one panel per conflict, each bar split by the speaker's side (derived "
            "from actors.csv and conflicts.csv). Counts, not shares; a statement can make "
            f"several moves, so bars can sum to more than the statements. {per}.")


def _fig03_alt_text(data: pd.DataFrame) -> str:
    parts = []
    for cid in dict.fromkeys(data["conflict_id"]):
        panel = data[(data["conflict_id"] == cid) & (data["count"] > 0)]
        by_side = []
        for side in dict.fromkeys(panel["speaker_side"]):
            rows = panel[panel["speaker_side"] == side]
            moves = ", ".join(f"{_lower_first(m)} {c}"
                              for m, c in zip(rows["move_label"], rows["count"]))
            by_side.append(f"{_side_phrase(side)}: {moves}")
        parts.append(f"{conflict_short(cid)}: " + "; ".join(by_side))
    return "Bar charts of accountability moves per conflict. " + ". ".join(parts) + "."


# -- figure 4: positioning map ----------------------------------------------------------------

#: The ownership-asserted rule (see :func:`ownership_score`): the weight of each
#: accountability move. Moves absent from this mapping weigh 0.
OWNERSHIP_WEIGHTS: dict[str, int] = {
    "credit_claiming": +1,            # counted only for a Turkish speaker (see below)
    "sovereignty_self_reliance": +1,  # counted only for a Turkish speaker (see below)
    "credit_acknowledgement": +1,
    "responsibility_attribution": +1,
    "private_agency": -1,
    "ownership_transfer": -1,
    "commercial_normalisation": -1,
    "credit_contestation": -1,
}
#: Moves that assert Turkish ownership only when a Turkish speaker makes them (a buyer
#: claiming its own victory, or speaking of its own self-reliance, claims nothing for
#: Turkey).
OWNERSHIP_TURKISH_SPEAKER_ONLY: frozenset[str] = frozenset({"credit_claiming",
                                                           "sovereignty_self_reliance"})
#: The speaker side of Turkish speakers (codebook dimension speaker_side).
TURKISH_SIDE = "turkey"

OWNERSHIP_RULE = (
    "Ownership asserted = +1 for each move that presents the transfer, the weapons or the "
    "outcome as Turkey's: credit claiming and sovereignty and self-reliance when the speaker is "
    "Turkish, credit acknowledgement and responsibility attribution by anyone; −1 for each move "
    "that takes them away from Turkey: private agency, ownership transfer, commercial "
    "normalisation and credit contestation; 0 for the other moves (solidarity, coercive demand, "
    "bloc or threat perception, mediation), which concern alignment or the opposing party, not "
    "ownership."
)


def ownership_score(moves: Sequence[str], speaker_side: str) -> int:
    """The ownership a statement asserts for Turkey, from its hand-coded moves.

    Rule (the caption of figure 4 states it too): +1 for each move that presents the
    transfer, the weapons or the outcome as Turkey's — credit_claiming and
    sovereignty_self_reliance when the speaker is Turkish (speaker_side ``turkey``),
    credit_acknowledgement and responsibility_attribution by any speaker (another
    party credits Turkey, or holds it answerable: "your drones"); −1 for each move
    that takes them away from Turkey — private_agency, ownership_transfer,
    commercial_normalisation (Hood's agency and presentational blame avoidance) and
    credit_contestation (the credit denied to Turkey); 0 for solidarity_appeal,
    coercive_demand, bloc_threat_perception and mediation_balancing, which concern
    alignment or the opposing party rather than whose the weapons are (alignment is
    the other axis). A move not in OWNERSHIP_WEIGHTS weighs 0; tests/test_figures_article.py
    fails when the codebook gains a move the rule (OWNERSHIP_RULE) does not name, so a
    new move gets a weight by decision, not by default.

    Worked example: st02 ("Together with our Azerbaijani brothers, we eliminated the
    enemy", Turkish speaker; credit_claiming + solidarity_appeal) scores +1 + 0 = +1;
    st04 (the buyer's newspaper: credit_contestation + credit_claiming +
    solidarity_appeal) scores −1 + 0 + 0 = −1, its credit claim being the buyer's own.
    """
    score = 0
    for move in moves:
        if move in OWNERSHIP_TURKISH_SPEAKER_ONLY and speaker_side != TURKISH_SIDE:
            continue
        score += OWNERSHIP_WEIGHTS.get(move, 0)
    return score


FIG04_COLUMNS = ("layer", "statement_id", "conflict_id", "speaker", "speaker_side", "moves",
                 "alignment", "alignment_value", "ownership_score", "x", "y",
                 "answers_id", "x_to", "y_to")
#: Horizontal spacing (alignment units) of statements sharing a position.
CLUSTER_SPACING = 0.3


def positioning(tables: Tables, codebook) -> pd.DataFrame:
    """One row per statement: alignment value (hand code) and ownership score, and the
    drawn position: statements sharing a position are spread side by side in id order,
    CLUSTER_SPACING apart, centred on it (deterministic, no random jitter)."""
    coded = coded_statements(tables, codebook)
    moves = codebook.move_ids
    coded["moves"] = coded.apply(lambda r: "; ".join(m for m in moves if r[m] == 1), axis=1)
    coded["ownership_score"] = coded.apply(
        lambda r: ownership_score([m for m in moves if r[m] == 1], r["speaker_side"]), axis=1)
    coded = coded.sort_values("statement_id", kind="stable").reset_index(drop=True)
    cell = coded.groupby(["alignment_value", "ownership_score"])
    rank, size = cell.cumcount(), cell["statement_id"].transform("size")
    coded["x"] = (coded["alignment_value"].astype(float)
                  + (rank - (size - 1) / 2) * CLUSTER_SPACING).round(4)
    coded["y"] = coded["ownership_score"].astype(float)
    return coded


@register(
    "fig-04-positioning-map",
    caption=lambda data: _fig04_caption(data),
    alt_text=lambda data: _fig04_alt_text(data),
    inputs=(CODED_HAND_CSV, "data/input/codebook.yaml", "data/input/statements.csv",
            "data/input/statement_responses.csv", "data/input/actors.csv",
            "data/input/conflicts.csv"),
)
def fig_04_positioning_map() -> tuple[Figure, pd.DataFrame]:
    """Figure 4: each statement's ownership score (y; rule: :func:`ownership_score`)
    against the alignment it presents (x, hand code −2..+2), an arrow from each
    response to each statement it answers (statement_responses.csv).

    Statements sharing a position sit side by side (deterministic offsets). Filled
    markers: Turkish speakers; open: others; colour: conflict.
    """
    tables = load_tables()
    codebook = _codebook()
    points = positioning(tables, codebook)
    where = points.set_index("statement_id")
    links = tables.statement_responses
    arrows = pd.DataFrame({
        "layer": "response", "statement_id": links["response_id"].to_numpy(),
        "answers_id": links["answers_id"].to_numpy(),
        "conflict_id": where.loc[links["response_id"], "conflict_id"].to_numpy(),
        "x": where.loc[links["response_id"], "x"].to_numpy(),
        "y": where.loc[links["response_id"], "y"].to_numpy(),
        "x_to": where.loc[links["answers_id"], "x"].to_numpy(),
        "y_to": where.loc[links["answers_id"], "y"].to_numpy(),
    })
    data = pd.concat([points.assign(layer="statement"), arrows], ignore_index=True)
    data = data.reindex(columns=list(FIG04_COLUMNS))
    data["alignment_value"] = data["alignment_value"].astype("Int64")
    data["ownership_score"] = data["ownership_score"].astype("Int64")

    fig, ax = style.new_figure(style.TWO_COLUMN, 3.5)
    y_lo, y_hi = int(min(points["y"].min(), -1)), int(max(points["y"].max(), 1))
    values = codebook.ordinal_values("alignment")
    x_lo, x_hi = min(values.values()), max(values.values())
    ax.grid(True)
    ax.axhline(0, color=style.NEUTRAL, linewidth=0.5, zorder=1)
    ax.axvline(0, color=style.NEUTRAL, linewidth=0.5, zorder=1)
    ax.set_xlim(x_lo - 0.55, x_hi + 0.55)
    ax.set_ylim(y_lo - 0.6, y_hi + 0.6)
    # An id goes above its marker, or below it when its arrows arrive or leave upwards.
    upward: dict[str, float] = {}
    for arrow in arrows.itertuples():
        dy = np.sign(arrow.y_to - arrow.y)
        upward[arrow.statement_id] = upward.get(arrow.statement_id, 0.0) + dy
        upward[arrow.answers_id] = upward.get(arrow.answers_id, 0.0) - dy
    label_below = {sid: v > 0 for sid, v in upward.items()}
    for row in points.itertuples():
        colour = style.conflict_colour(row.conflict_id)
        turkish = row.speaker_side == TURKISH_SIDE
        ax.plot([row.x], [row.y], marker="o", markersize=6, linestyle="none", zorder=3,
                markerfacecolor=colour if turkish else "white", markeredgecolor=colour,
                markeredgewidth=1.3)
        below = label_below.get(row.statement_id, False)
        ax.annotate(row.statement_id, (row.x, row.y), xytext=(0, -5.5 if below else 5.5),
                    textcoords="offset points", ha="center", va="top" if below else "bottom",
                    fontsize=LABEL_SIZE, zorder=4,
                    bbox=dict(boxstyle="square,pad=0.1", facecolor="white", edgecolor="none",
                              alpha=0.85))
    labels = {code["id"]: str(code["label"]).strip()
              for code in codebook.dimension("alignment")["codes"]}
    ax.set_xticks(list(values.values()),
                  [_wrap(labels[c].replace("-", "−", 1) if labels[c].startswith("-") else labels[c],
                         14) for c in values])
    ax.set_yticks(range(y_lo, y_hi + 1), [_signed(v) for v in range(y_lo, y_hi + 1)])
    ax.set_xlabel("Alignment with the buyer's war effort, as the statement presents it (hand code)")
    ax.set_ylabel("Ownership asserted for Turkey\n(score from the moves; − disowns, + claims)")
    ax.tick_params(axis="x", length=0)
    handles = [Line2D([], [], marker="o", linestyle="none", markersize=5,
                      color=style.conflict_colour(cid), label=conflict_short(cid))
               for cid in conflict_order(tables) if (points["conflict_id"] == cid).any()]
    handles += [
        Line2D([], [], marker="o", linestyle="none", markersize=5, color=style.NEUTRAL,
               markeredgewidth=1.3, label="Turkish speaker"),
        Line2D([], [], marker="o", linestyle="none", markersize=5, markerfacecolor="white",
               markeredgecolor=style.NEUTRAL, markeredgewidth=1.3, label="Other speaker"),
        Line2D([], [], color=style.NEUTRAL, linewidth=0.8, marker=">", markevery=[1],
               markersize=4, label="Response → statement answered"),
    ]
    fig.legend(handles=handles, loc="outside right center", ncols=1, handlelength=1.8)
    # Arrows (drawn last, under the points by zorder; bends computed once the layout is
    # final): each curved to keep clear of the other points and arrows.
    bends = _arrow_bends(fig, ax, points[["x", "y"]].to_numpy(),
                         arrows[["x", "y", "x_to", "y_to"]].to_numpy())
    for arrow, rad in zip(arrows.itertuples(), bends):
        ax.annotate("", xy=(arrow.x_to, arrow.y_to), xytext=(arrow.x, arrow.y),
                    arrowprops=dict(arrowstyle="-|>",
                                    color=style.conflict_colour(arrow.conflict_id),
                                    linewidth=0.8, alpha=0.75, shrinkA=5, shrinkB=5,
                                    mutation_scale=7, connectionstyle=f"arc3,rad={rad}"),
                    zorder=2)
    return fig, data


def _fig04_caption(data: pd.DataFrame) -> str:
    points = data[data["layer"] == "statement"]
    arrows = data[data["layer"] == "response"]
    return ("Positioning map: each of the "
            f"{len(points)} statements by the alignment with the buyer's war effort it presents "
            "(x, hand code from −2 explicit dissociation to +2 co-belligerence) and the ownership "
            f"of the transfer it asserts for Turkey (y). {OWNERSHIP_RULE} Statements at the same "
            f"position are set side by side. {len(arrows)} arrows run from each response to each "
            "statement it answers (statement_responses.csv). Colour: conflict; filled: Turkish "
            "speaker, open: other speaker.")


def _fig04_alt_text(data: pd.DataFrame) -> str:
    points = data[data["layer"] == "statement"]
    arrows = data[data["layer"] == "response"]
    parts = []
    for cid in dict.fromkeys(points["conflict_id"]):
        turkish = points[(points["conflict_id"] == cid) & (points["speaker_side"] == TURKISH_SIDE)]
        if turkish.empty:
            continue
        parts.append(f"{conflict_short(cid)} Turkish statements at alignment "
                     f"{_span(turkish['alignment_value'])} and ownership "
                     f"{_span(turkish['ownership_score'])}")
    answered = []
    for response, group in arrows.groupby("statement_id", sort=True):
        r = points[points["statement_id"] == response].iloc[0]
        answered.append(f"{response} (ownership {_signed(int(r['ownership_score']))}) answers "
                        f"{', '.join(group['answers_id'])}")
    return ("Scatter plot of statements, alignment against ownership asserted. "
            + "; ".join(parts) + ". Responses: " + "; ".join(answered) + ".")


def _signed(value: int) -> str:
    """+1, 0, −1 (a true minus sign)."""
    return f"{value:+d}".replace("-", "−") if value else "0"


#: Curvatures (matplotlib ``arc3`` rad) tried for each response arrow, in order of
#: preference (gentle bends first).
ARROW_BENDS = (0.0, 0.06, -0.06, 0.12, -0.12, 0.2, -0.2, 0.28, -0.28, 0.36, -0.36, 0.45, -0.45)
#: Clearance (points) from markers, labels and other arrows that counts as enough: the
#: first bend in ARROW_BENDS reaching it is taken.
ARROW_CLEARANCE_PT = 5.0
#: Two arrows closer than this (points) run along each other ...
ARROW_GAP_PT = 2.0
#: ... which is tolerated over at most this share of an arrow's middle (a crossing).
ARROW_MAX_ALONG = 0.1


def _arrow_bends(fig: Figure, ax, points: np.ndarray, arrows: np.ndarray) -> list[float]:
    """A curvature for each arrow (x, y, x_to, y_to) that keeps it clear of the markers
    it does not join, and then of the arrows already placed.

    Each candidate in ARROW_BENDS (gentlest first) is scored by its clearance from the
    markers (display units, capped at ARROW_CLEARANCE_PT: more is not
    better), then by how much of its middle runs along an arrow already placed
    (within ARROW_GAP_PT; up to ARROW_MAX_ALONG, a crossing, is fine); the best score
    wins, ties going to the gentler bend. Deterministic:
    same data and layout, same bends."""
    fig.draw_without_rendering()
    to_px = ax.transData.transform
    pts = to_px(points) if len(points) else np.empty((0, 2))
    # Obstacles: the markers (the id labels above them have a white background, so an
    # arrow passing behind one hides nothing).
    label_dy = (LABEL_SIZE / 2 + 6) * fig.dpi / 72
    t = np.linspace(0.02, 0.98, 240)[:, None]
    cap_marker = ARROW_CLEARANCE_PT * fig.dpi / 72
    cap_arrow = ARROW_GAP_PT * fig.dpi / 72

    def curve(start, end, rad):
        control = np.array([(start[0] + end[0]) / 2 + rad * (end[1] - start[1]),
                            (start[1] + end[1]) / 2 - rad * (end[0] - start[0])])
        return (1 - t) ** 2 * start + 2 * (1 - t) * t * control + t ** 2 * end

    def nearest(path, others) -> float:
        if not len(others):
            return np.inf
        return float(np.min(np.hypot(*(path[:, None, :] - others[None, :, :]).transpose(2, 0, 1))))

    placed: list[np.ndarray] = []
    bends = []
    for x0, y0, x1, y1 in arrows:
        start, end = to_px([(x0, y0), (x1, y1)])
        others = np.array([p for p in pts if min(np.hypot(*(p - start)), np.hypot(*(p - end)))
                           > label_dy * 1.3]).reshape(-1, 2)
        best, best_key = ARROW_BENDS[0], None
        for rad in ARROW_BENDS:
            path = curve(start, end, rad)
            middle = path[len(path) // 5: -(len(path) // 5)]  # arrows may share ends
            # Crossing another arrow is fine; running along it is not: the share of
            # this arrow's middle lying within cap_arrow of an earlier arrow.
            along = max([float(np.mean(np.min(np.hypot(*(middle[:, None, :] - p[None, :, :])
                                                        .transpose(2, 0, 1)), axis=1) < cap_arrow))
                         for p in placed] + [0.0])
            key = (min(nearest(path, others), cap_marker),
                   0.0 if along <= ARROW_MAX_ALONG else -along)
            if best_key is None or key > tuple(k + 1e-6 for k in best_key):
                best, best_key = rad, key
        placed.append(curve(start, end, best))
        bends.append(best)
    return bends


def _span(values: pd.Series) -> str:
    lo, hi = int(values.min()), int(values.max())
    return _signed(lo) if lo == hi else f"{_signed(lo)} to {_signed(hi)}"


# -- figure 5: named agent --------------------------------------------------------------------

FIG05_COLUMNS = ("conflict_id", "named_agent", "agent_label", "speaker_side",
                 "speaker_side_label", "count", "statement_ids")


def agent_counts(coded: pd.DataFrame, agents: Sequence[str], sides: Sequence[str],
                 conflicts: Sequence[str]) -> pd.DataFrame:
    """Statements naming each agent of the transfer, by conflict and speaker side:
    every combination, zeros included, with the ids counted."""
    rows = []
    for cid in conflicts:
        for agent in agents:
            for side in sides:
                ids = coded.loc[(coded["conflict_id"] == cid) & (coded["speaker_side"] == side)
                                & (coded["named_agent"] == agent), "statement_id"]
                rows.append({"conflict_id": cid, "named_agent": agent, "speaker_side": side,
                             "count": len(ids), "statement_ids": "; ".join(sorted(ids))})
    return pd.DataFrame(rows, columns=["conflict_id", "named_agent", "speaker_side", "count",
                                       "statement_ids"])


@register(
    "fig-05-named-agent",
    caption=lambda data: _fig05_caption(data),
    alt_text=lambda data: _fig05_alt_text(data),
    inputs=(CODED_HAND_CSV, "data/input/codebook.yaml", "data/input/statements.csv",
            "data/input/actors.csv", "data/input/conflicts.csv"),
)
def fig_05_named_agent() -> tuple[Figure, pd.DataFrame]:
    """Figure 5: the agent of the transfer or use each statement names (hand code),
    one panel per conflict, bars split by speaker side, same colours as figure 3."""
    tables = load_tables()
    codebook = _codebook()
    coded = coded_statements(tables, codebook)
    agents, sides = codebook.code_ids("named_agent"), codebook.code_ids("speaker_side")
    conflicts = [c for c in conflict_order(tables) if (coded["conflict_id"] == c).any()]
    data = agent_counts(coded, agents, sides, conflicts)
    data["agent_label"] = data["named_agent"].map(code_labels(codebook, "named_agent"))
    data["speaker_side_label"] = data["speaker_side"].map(code_labels(codebook, "speaker_side"))
    data = data[list(FIG05_COLUMNS)]
    fig = _count_panels(data.rename(columns={"named_agent": "category"}), agents,
                        code_labels(codebook, "named_agent"), sides, side_colours(codebook),
                        conflicts, code_labels(codebook, "speaker_side"), 1.9,
                        "Statements naming the agent (hand coding)")
    return fig, data


def _fig05_caption(data: pd.DataFrame) -> str:
    return ("Named agent of the transfer or use of the weapons in each statement (hand coding: "
            "Turkish state, Turkish company, buyer state, or unspecified), one panel per "
            "conflict, each bar split by the speaker's side (colours as in the move profile). "
            "Counts of statements; each statement names one agent.")


def _fig05_alt_text(data: pd.DataFrame) -> str:
    parts = []
    for cid in dict.fromkeys(data["conflict_id"]):
        panel = data[(data["conflict_id"] == cid) & (data["count"] > 0)]
        sides = []
        for side in dict.fromkeys(panel["speaker_side"]):
            rows = panel[panel["speaker_side"] == side]
            sides.append(f"{_side_phrase(side)} name " + ", ".join(
                f"{a} {n}" for a, n in zip(rows["agent_label"], rows["count"])))
        parts.append(f"{conflict_short(cid)}: " + "; ".join(sides))
    return ("Bar charts of the agent of the transfer each statement names, per conflict. "
            + ". ".join(parts) + ".")


# -- figure 7: agreement ----------------------------------------------------------------------

FIG07_COLUMNS = ("row", "dimension", "row_type", "code", "label", "status", "alpha",
                 "alpha_ci_low", "alpha_ci_high", "n_statements", "bootstrap_resamples",
                 "resamples_without_variation", "percent_agreement", "alpha_note")
#: Label of a variable whose alpha is undefined (figure 7 and its data).
UNDEFINED_LABEL = "undefined: no variation"


def agreement_rows(table: pd.DataFrame, codebook) -> pd.DataFrame:
    """The rows of agreement.csv that figure 7 draws, top to bottom: each
    accountability move, the moves pooled, each other dimension the dictionary codes,
    then the dimensions with no statistic (and why).

    ``status``: ``estimate`` (alpha and its bootstrap interval), ``undefined`` (alpha
    is 0/0: neither coding varies), ``not coded`` (no statistic: derived from the
    tables or coded by hand only)."""
    keep = table[table["row_type"].isin(["binary_code", "pooled_moves", "dimension", "not_coded"])]
    dimension_order = {d["id"]: i for i, d in enumerate(codebook.dimensions)}
    type_order = {"binary_code": 0, "pooled_moves": 1, "dimension": 2, "not_coded": 3}
    move_order = {m: i for i, m in enumerate(codebook.move_ids)}
    keep = keep.assign(
        _t=keep["row_type"].map(lambda t: 1 if t == "not_coded" else 0),
        _d=keep["dimension"].map(dimension_order),
        _r=keep["row_type"].map(type_order),
        _m=keep["code"].map(move_order).fillna(-1),
    ).sort_values(["_t", "_d", "_r", "_m"], kind="stable")
    move_labels = code_labels(codebook, "accountability_move")
    dim_labels = {d["id"]: str(d["label"]).strip() for d in codebook.dimensions}
    rows = []
    for i, r in enumerate(keep.itertuples()):
        if r.row_type == "binary_code":
            label = move_labels.get(r.code, r.code)
        elif r.row_type == "pooled_moves":
            label = "All moves pooled"
        else:
            label = dim_labels.get(r.dimension, r.dimension)
        alpha = pd.to_numeric(r.alpha)
        status = ("not coded" if r.row_type == "not_coded"
                  else "undefined" if pd.isna(alpha) else "estimate")
        rows.append({
            "row": i, "dimension": r.dimension, "row_type": r.row_type, "code": r.code,
            "label": label, "status": status, "alpha": alpha,
            "alpha_ci_low": pd.to_numeric(r.alpha_ci_low),
            "alpha_ci_high": pd.to_numeric(r.alpha_ci_high),
            "n_statements": pd.to_numeric(r.n_statements),
            "bootstrap_resamples": pd.to_numeric(r.bootstrap_resamples),
            "resamples_without_variation": pd.to_numeric(r.resamples_without_variation),
            "percent_agreement": pd.to_numeric(r.percent_agreement),
            "alpha_note": r.alpha_note if isinstance(r.alpha_note, str) else "",
        })
    data = pd.DataFrame(rows, columns=list(FIG07_COLUMNS))
    for column in ("n_statements", "bootstrap_resamples", "resamples_without_variation"):
        data[column] = data[column].astype("Int64")
    return data


@register(
    "fig-07-agreement",
    caption=lambda data: _fig07_caption(data),
    alt_text=lambda data: _fig07_alt_text(data),
    inputs=(AGREEMENT_CSV, "data/input/codebook.yaml"),
)
def fig_07_agreement() -> tuple[Figure, pd.DataFrame]:
    """Figure 7: Krippendorff's alpha of the dictionary against the hand coding, per
    accountability move, for the moves pooled and per dimension, with bootstrap 95%
    intervals (agreement.csv). An undefined alpha is drawn as an open marker beside the
    scale with the words 'undefined: no variation', never as a value; dimensions
    without a statistic say why. The right column counts the resamples without
    variation that the interval skipped."""
    codebook = _codebook()
    data = agreement_rows(read_derived("agreement"), codebook)
    n = len(data)
    fig, (ax, ax_note) = style.new_figure(style.TWO_COLUMN, 0.75 + 0.17 * n, ncols=2, sharey=True,
                                          gridspec_kw={"width_ratios": [2.2, 1.6], "wspace": 0.03})
    estimates = data[data["status"] == "estimate"]
    lo = min(-0.25, float(np.floor(min(estimates["alpha_ci_low"].min(),
                                       estimates["alpha"].min()) * 10) / 10 - 0.05))
    ax.axvline(0, color=style.NEUTRAL, linewidth=0.5, zorder=1)
    ax.axvline(1, color=style.NEUTRAL, linewidth=0.5, linestyle=(0, (2, 2)), zorder=1)
    for r in data.itertuples():
        pooled_or_dimension = r.row_type in ("pooled_moves", "dimension")
        if r.status == "estimate":
            ax.plot([r.alpha_ci_low, r.alpha_ci_high], [r.row, r.row], color="black",
                    linewidth=1.2, solid_capstyle="butt", zorder=2)
            ax.plot([r.alpha], [r.row], marker="D" if pooled_or_dimension else "o",
                    markersize=4.5 if pooled_or_dimension else 4, color="black",
                    linestyle="none", zorder=3)
            skipped = int(r.resamples_without_variation)
            note = (f"{skipped} of {int(r.bootstrap_resamples)} resamples without variation"
                    if skipped else "every resample varied")
            ax_note.annotate(note, (0.02, r.row), xycoords=("axes fraction", "data"),
                             ha="left", va="center", fontsize=LABEL_SIZE, color="#333333")
        elif r.status == "undefined":
            ax.axhspan(r.row - 0.4, r.row + 0.4, facecolor="#EBEBEB", edgecolor="none", zorder=0)
            ax.annotate("no value", (0.5, r.row), xycoords=("axes fraction", "data"),
                        ha="center", va="center", fontsize=LABEL_SIZE, color="#555555",
                        fontstyle="italic")
            ax_note.plot([0.035], [r.row], marker="o", markersize=4.5, markerfacecolor="white",
                         markeredgecolor="black", markeredgewidth=1.0, linestyle="none",
                         transform=ax_note.get_yaxis_transform(), clip_on=False)
            ax_note.annotate(UNDEFINED_LABEL + " (alpha is 0/0)", (0.07, r.row),
                             xycoords=("axes fraction", "data"), ha="left", va="center",
                             fontsize=LABEL_SIZE, fontweight="bold")
        else:
            reason = ("derived from the tables" if "derived" in r.alpha_note
                      else "coded by hand only")
            ax_note.annotate(f"no statistic: {reason}", (0.02, r.row),
                             xycoords=("axes fraction", "data"), ha="left", va="center",
                             fontsize=LABEL_SIZE, fontstyle="italic", color="#555555")
    # Group separators.
    groups = list(dict.fromkeys(zip(data["dimension"], data["row_type"] == "not_coded")))
    for dimension, not_coded in groups[1:]:
        first = data.loc[(data["dimension"] == dimension)
                         & ((data["row_type"] == "not_coded") == not_coded), "row"].min()
        for a in (ax, ax_note):
            a.axhline(first - 0.5, color="#BBBBBB", linewidth=0.5)
    ax.set_xlim(lo, 1.08)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_yticks(data["row"], data["label"])
    for tick, row_type in zip(ax.get_yticklabels(), data["row_type"]):
        if row_type in ("pooled_moves", "dimension"):
            tick.set_fontweight("bold")
    ax.set_xlabel("Krippendorff's alpha, dictionary vs hand coding (bootstrap 95% interval)")
    ax.xaxis.grid(True)
    ax.tick_params(axis="y", length=0)
    ax_note.set_xlim(0, 1)
    ax_note.set_xticks([])
    ax_note.tick_params(axis="y", length=0, labelleft=False)
    for side in ("left", "bottom"):
        ax_note.spines[side].set_visible(False)
    moves = data[data["row_type"] == "binary_code"]
    if not moves.empty:
        _group_brackets(fig, ax, [("Moves (each 0/1)", style.NEUTRAL, moves["row"].min(),
                                   moves["row"].max())], fontsize=6.5)
    handles = [
        Line2D([], [], marker="o", color="black", markersize=4, label="One move (binary, nominal)"),
        Line2D([], [], marker="D", color="black", markersize=4.5,
               label="Pooled moves or a dimension (nominal; alignment ordinal)"),
        Line2D([], [], marker="o", linestyle="none", markersize=4.5, markerfacecolor="white",
               markeredgecolor="black", label=UNDEFINED_LABEL),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=3)
    return fig, data


def _fig07_caption(data: pd.DataFrame) -> str:
    est = data[data["status"] == "estimate"]
    undefined = data[data["status"] == "undefined"]
    resamples = int(est["bootstrap_resamples"].max()) if not est.empty else 0
    text = ("Agreement of the rule-based dictionary with the hand coding (a validity check of "
            "the dictionary, not intercoder reliability): Krippendorff's alpha per "
            "accountability move (binary nominal), for all moves pooled, for the named agent "
            "(nominal) and for alignment (ordinal), with percentile bootstrap 95% intervals "
            f"({resamples} resamples of the {int(data['n_statements'].max())} statements). "
            "Resamples in which "
            "a variable does not vary give no alpha and are skipped; the right column counts "
            "them. With this few statements the intervals are wide.")
    if not undefined.empty:
        text += (f" Alpha is undefined (neither coding varies) for "
                 f"{', '.join(map(_lower_first, undefined['label']))}: shown as such, not as zero.")
    not_coded = data[data["status"] == "not coded"]
    if not not_coded.empty:
        text += (f" No statistic for {', '.join(map(_lower_first, not_coded['label']))} (derived "
                 "from the tables, or coded by hand only).")
    return text


def _fig07_alt_text(data: pd.DataFrame) -> str:
    est = data[data["status"] == "estimate"]
    dims = est[est["row_type"].isin(["pooled_moves", "dimension"])]
    parts = [f"{r.label} alpha {_num(r.alpha)} (95% interval {_num(r.alpha_ci_low)} to "
             f"{_num(r.alpha_ci_high)})" for r in dims.itertuples()]
    moves = est[est["row_type"] == "binary_code"]
    undefined = data[data["status"] == "undefined"]
    perfect = moves[moves["alpha"] >= 1]
    return ("Forest plot of Krippendorff's alpha between the dictionary and the hand coding. "
            + "; ".join(parts) + f". Per move, alpha ranges from {_num(moves['alpha'].min())} to "
            f"{_num(moves['alpha'].max())}; {len(perfect)} of {len(moves) + len(undefined)} moves "
            f"agree perfectly; alpha is undefined for {len(undefined)} "
            f"({', '.join(map(_lower_first, undefined['label'])) or 'none'}).")


def _num(value: float) -> str:
    """Two decimals with a true minus sign."""
    return f"{value:.2f}".replace("-", "−")
