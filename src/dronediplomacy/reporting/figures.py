"""The figure set: one registered builder function per figure, and the manifest.

Every published figure is an entry of :data:`REGISTRY` (stem -> :class:`FigureSpec`),
made by decorating its builder function with :func:`register`::

    @register("fig-05-named-agent",
              caption="Agent of the transfer named in each statement, by conflict.",
              alt_text=lambda data: f"... {data['count'].max()} ...",
              inputs=("data/derived/coded_hand.csv", "data/input/conflicts.csv"))
    def fig_05_named_agent() -> tuple[Figure, pd.DataFrame]:
        ...read the inputs, draw with style.new_figure(...)...
        return fig, plotted_data

A builder takes no arguments, reads its inputs (``paths``), draws the figure with
:func:`dronediplomacy.reporting.style.new_figure` at ``style.ONE_COLUMN`` or
``style.TWO_COLUMN`` width (it runs inside ``style.figure_style()``), puts no title in
it, and returns the figure and a DataFrame of exactly what it plots. ``caption`` and
``alt_text`` are strings, or functions of that DataFrame *as read back from its CSV*
(so numbers in an alt text always match the data). ``save(stem)`` builds, checks and
writes ``figures/<stem>.{pdf,svg,png,csv}`` and regenerates ``figures/manifest.csv``
from the registry; ``save_all()`` does every figure.

The manifest is never edited by hand: tests/test_figures.py checks that the file on
disk equals :func:`manifest_frame` and that every registered stem has its four files.

Figure 8 (SIPRI deliveries) is built in this module; figures 1–7 (the article's
tables and the coding) are built in :mod:`dronediplomacy.reporting.figures_article`, which this
module imports at its end, so importing ``dronediplomacy.reporting.figures`` registers the whole
set. In a notebook, ``show_and_save(stem)`` saves a figure and shows the PNG it wrote.

Run ``python -m dronediplomacy.reporting.figures`` to rebuild every registered figure.
"""

from __future__ import annotations

import io
import re
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable, Iterable, Sequence, Union

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from dronediplomacy import atomic
from dronediplomacy.reporting import figsave
from dronediplomacy import paths
from dronediplomacy.running import pipeline
from dronediplomacy.inputs import sipri
from dronediplomacy.reporting import style
from dronediplomacy.errors import InputError

TextSource = Union[str, Callable[[pd.DataFrame], str]]
Builder = Callable[[], "tuple[Figure, pd.DataFrame]"]

#: The notebook that shows the figures (see pipeline.NOTEBOOKS).
DEFAULT_NOTEBOOK = "04-compare-conflicts.ipynb"

#: The figure set, in order (issue 6). A stem can be registered only if listed here,
#: so numbering and file names stay stable.
PLANNED_STEMS: tuple[str, ...] = (
    "fig-01-timeline",
    "fig-02-coded-matrix",
    "fig-03-move-profile",
    "fig-04-positioning-map",
    "fig-05-named-agent",
    "fig-06-evidence-map",
    "fig-07-agreement",
    "fig-08-sipri-deliveries",
)

#: Columns of figures/manifest.csv, in order.
MANIFEST_COLUMNS: tuple[str, ...] = ("stem", "caption", "alt_text", "notebook", "inputs", "data_csv")
MANIFEST_NAME = "manifest.csv"
#: Separator of the table paths in the manifest's ``inputs`` cell.
INPUTS_SEPARATOR = "; "


@dataclass(frozen=True)
class FigureSpec:
    """One figure of the set: how to build it and how to describe it."""

    stem: str
    builder: Builder
    caption: TextSource
    alt_text: TextSource
    inputs: tuple[str, ...]
    notebook: str = DEFAULT_NOTEBOOK

    def build(self) -> tuple[Figure, pd.DataFrame]:
        """Run the builder inside the pinned style; returns ``(fig, data)``."""
        with style.figure_style():
            result = self.builder()
        if (not isinstance(result, tuple) or len(result) != 2
                or not isinstance(result[0], Figure) or not isinstance(result[1], pd.DataFrame)):
            raise TypeError(f"{self.stem}: the builder {self.builder.__name__} must return "
                            "(matplotlib Figure, pandas DataFrame of the plotted data)")
        return result

    def caption_for(self, data: pd.DataFrame) -> str:
        """The caption; ``data`` is the figure's CSV as read back (see module doc)."""
        return _render(self.caption, data, self.stem, "caption")

    def alt_text_for(self, data: pd.DataFrame) -> str:
        """The alt text; ``data`` is the figure's CSV as read back (see module doc)."""
        return _render(self.alt_text, data, self.stem, "alt_text")


#: Every registered figure, by stem.
REGISTRY: dict[str, FigureSpec] = {}


def register(stem: str, *, caption: TextSource, alt_text: TextSource, inputs: Sequence[str],
             notebook: str = DEFAULT_NOTEBOOK) -> Callable[[Builder], Builder]:
    """Decorator: register the decorated function as the builder of figure ``stem``."""
    if stem not in PLANNED_STEMS:
        raise ValueError(f"{stem!r} is not a planned figure stem; planned: {', '.join(PLANNED_STEMS)}")
    if stem in REGISTRY:
        raise ValueError(f"figure {stem!r} is registered twice")
    if isinstance(inputs, str) or not inputs:
        raise ValueError(f"{stem}: inputs must be a non-empty sequence of table paths")
    if notebook not in pipeline.names():
        raise ValueError(f"{stem}: notebook {notebook!r} is not in pipeline.NOTEBOOKS")

    def decorate(builder: Builder) -> Builder:
        REGISTRY[stem] = FigureSpec(stem, builder, caption, alt_text, tuple(inputs), notebook)
        return builder

    return decorate


def spec(stem: str) -> FigureSpec:
    """The registry entry of ``stem``; KeyError naming the registered stems."""
    try:
        return REGISTRY[stem]
    except KeyError:
        raise KeyError(f"no figure {stem!r} is registered; registered: "
                       f"{', '.join(sorted(REGISTRY)) or 'none'}") from None


def build(stem: str) -> tuple[Figure, pd.DataFrame]:
    """Build figure ``stem`` (without saving): ``(fig, data)``."""
    return spec(stem).build()


def save(stem: str, out_dir: Path | str | None = None) -> figsave.SavedFigure:
    """Build figure ``stem``, save its four files, regenerate the manifest.

    ``out_dir`` defaults to ``figures/``. Returns a :class:`figsave.SavedFigure`: the
    paths written (end a notebook cell with it to show the saved PNG), ``.figure`` and
    ``.data``.
    """
    entry = spec(stem)
    fig, data = entry.build()
    as_read = _read_back(data)
    saved = figsave.save_figure(
        fig, stem, data,
        caption=entry.caption_for(as_read), alt_text=entry.alt_text_for(as_read),
        inputs=entry.inputs, notebook=entry.notebook, out_dir=out_dir)
    write_manifest(out_dir)
    return saved


def show_and_save(stem: str, out_dir: Path | str | None = None) -> figsave.SavedFigure:
    """Save figure ``stem`` like :func:`save`, for a notebook cell to end with: it is
    shown as the PNG just written (a screen copy; see ``figsave.SavedFigure``), and its
    text form names the files, the same on every run."""
    return save(stem, out_dir)


def save_all(out_dir: Path | str | None = None) -> list[figsave.SavedFigure]:
    """Save every registered figure, in stem order, then write the manifest."""
    return [save(stem, out_dir) for stem in sorted(REGISTRY)]


def manifest_frame(out_dir: Path | str | None = None, *,
                   stems: Iterable[str] | None = None) -> pd.DataFrame:
    """The manifest as it must be: one row per registered stem, in stem order.

    Captions and alt texts that are functions are rendered from ``<stem>.csv`` in
    ``out_dir`` (default ``figures/``): FileNotFoundError if that file is missing.
    """
    out = Path(out_dir) if out_dir is not None else paths.FIGURES
    rows = []
    for stem in sorted(REGISTRY if stems is None else stems):
        entry = spec(stem)
        csv_path = out / f"{stem}.csv"
        if not csv_path.is_file():
            raise FileNotFoundError(f"{paths.relative(csv_path)} is missing; "
                                    f"run dronediplomacy.reporting.figures.save({stem!r})")
        data = pd.read_csv(csv_path)
        rows.append({
            "stem": stem,
            "caption": entry.caption_for(data),
            "alt_text": entry.alt_text_for(data),
            "notebook": entry.notebook,
            "inputs": INPUTS_SEPARATOR.join(entry.inputs),
            "data_csv": paths.relative(csv_path),
        })
    return pd.DataFrame(rows, columns=list(MANIFEST_COLUMNS))


def write_manifest(out_dir: Path | str | None = None) -> Path:
    """Write ``manifest.csv`` from the registry, for every registered figure saved so far.

    A registered figure whose CSV is not there yet is left out (it is added when it is
    saved); the completeness test requires every registered figure in the end.
    """
    out = Path(out_dir) if out_dir is not None else paths.FIGURES
    saved = [stem for stem in sorted(REGISTRY) if (out / f"{stem}.csv").is_file()]
    target = out / MANIFEST_NAME
    atomic.write_csv(target, manifest_frame(out, stems=saved))
    return target


def _render(source: TextSource, data: pd.DataFrame, stem: str, what: str) -> str:
    text = source(data) if callable(source) else source
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"{stem}: {what} must be a non-empty string")
    return " ".join(text.split())


def _read_back(data: pd.DataFrame) -> pd.DataFrame:
    """``data`` as pandas reads it back from the CSV that save_figure writes."""
    return pd.read_csv(io.StringIO(data.to_csv(index=False, lineterminator="\n")))


# -- war periods (shading) -------------------------------------------------------------

@dataclass(frozen=True)
class WarPeriod:
    """A war drawn as a shaded period: ``end`` None means still going on."""

    conflict_id: str
    label: str
    start: date
    end: date | None = None

    def __post_init__(self) -> None:
        style.conflict_colour(self.conflict_id)  # an unknown id fails here, clearly
        if self.end is not None and self.end < self.start:
            raise ValueError(f"{self.conflict_id}: war period ends ({self.end}) before it "
                             f"starts ({self.start})")


CONFLICTS_CSV = paths.DATA_INPUT / "conflicts.csv"
#: Columns of the conflicts table read for the war periods (see dronediplomacy.inputs.schemas).
CONFLICT_ID_COLUMN = "conflict_id"
CONFLICT_LABEL_COLUMN = "name"
CONFLICT_START_COLUMN = "date_start"
CONFLICT_END_COLUMN = "date_end"


def war_periods(conflicts: pd.DataFrame | Path | str = CONFLICTS_CSV) -> list[WarPeriod]:
    """The wars of the conflicts table as shaded periods: the rows with a start date.

    ``conflicts`` is the table (e.g. the validated frame from ``dronediplomacy.inputs.tables``)
    or the path of its CSV (default data/input/conflicts.csv). Dates are ISO
    (YYYY-MM-DD); an empty end date means the war is going on (or its end is unknown),
    and it is shaded to the end of the figure. The context row has no dates and is
    skipped.
    """
    if isinstance(conflicts, pd.DataFrame):
        table, where = conflicts, CONFLICTS_CSV
    else:
        where = Path(conflicts)
        if not where.is_file():
            raise InputError(where, "is missing: the war periods shaded in the figures come "
                             "from it.", fix="Write the conflicts table, or pass the war "
                             "periods to the figure function explicitly.")
        table = pd.read_csv(where, dtype=str, keep_default_na=False)
    needed = (CONFLICT_ID_COLUMN, CONFLICT_LABEL_COLUMN, CONFLICT_START_COLUMN, CONFLICT_END_COLUMN)
    for column in needed:
        if column not in table.columns:
            raise InputError(where, f"has no column {column!r} (the war periods read "
                             f"{', '.join(needed)}).", column=column)
    periods = []
    for record in table.to_dict("records"):
        conflict = str(record[CONFLICT_ID_COLUMN])
        begin = _as_date(record[CONFLICT_START_COLUMN], where, conflict, CONFLICT_START_COLUMN)
        if begin is None:
            continue
        end = _as_date(record[CONFLICT_END_COLUMN], where, conflict, CONFLICT_END_COLUMN)
        periods.append(WarPeriod(conflict, str(record[CONFLICT_LABEL_COLUMN]).strip(), begin, end))
    return periods


def _as_date(value: object, where: Path, row: str, column: str) -> date | None:
    """A table cell as a date: None for an empty cell."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(where, f"{text!r} is not a date YYYY-MM-DD.", row=row,
                         column=column) from None


def decimal_year(day: date) -> float:
    """A date as a position on a year axis where year Y spans [Y, Y+1)."""
    first = date(day.year, 1, 1)
    length = (date(day.year + 1, 1, 1) - first).days
    return day.year + (day - first).days / length


# -- figure 8: SIPRI deliveries --------------------------------------------------------

SIPRI_CSV = paths.DATA_RAW / "sipri_trade_register_turkiye.csv"
#: Each recipient series takes the colour of the conflict whose buyer it is.
RECIPIENT_CONFLICT: dict[str, str] = {"Azerbaijan": "nk2020", "Ukraine": "ukr2022",
                                      sipri.ALL_RECIPIENTS: "context"}
SIPRI_CREDIT = "Data: SIPRI Arms Transfers Database"
FIG08_COLUMNS = ("layer", "series", "year", "delivered", "includes_estimate",
                 "conflict_id", "start", "end")


def plot_sipri_deliveries(deliveries: pd.DataFrame, periods: Sequence[WarPeriod], *,
                          generated: str | None = None,
                          width: float = style.TWO_COLUMN) -> tuple[Figure, pd.DataFrame]:
    """Grouped bars of armed-UAV deliveries per year, estimates hatched, wars shaded.

    ``deliveries`` is :func:`dronediplomacy.inputs.sipri.armed_uav_deliveries`'s result;
    ``periods`` the wars to shade (see :func:`war_periods`); ``generated`` the export's
    "Data generated" text for the credit line. The x axis runs over exactly the years
    in ``deliveries`` (year Y drawn over [Y, Y+1), so a war's dates fall inside their
    year); a war still going on is shaded to the end of the last covered year. Returns
    ``(fig, data)``, ``data`` holding the bars and the shaded periods (column
    ``layer``). Call inside ``style.figure_style()``.
    """
    series = list(dict.fromkeys(deliveries["recipient"]))
    years = sorted(set(int(y) for y in deliveries["year"]))
    first, last = years[0], years[-1]
    if years != list(range(first, last + 1)):
        raise ValueError("deliveries must hold every year of its range")
    fig, ax = style.new_figure(width, 2.9)

    # Shaded wars, behind the bars; clipped to the covered years.
    shown_periods = []
    for period in periods:
        x0 = max(decimal_year(period.start), first)
        x1 = min(decimal_year(period.end) if period.end else last + 1, last + 1)
        if x1 <= first or x0 >= last + 1:
            continue
        colour = style.conflict_colour(period.conflict_id)
        ax.axvspan(x0, x1, facecolor=colour, alpha=style.SHADE_ALPHA, linewidth=0, zorder=0)
        shown_periods.append(period)

    n = len(series)
    group = 0.84
    bar_width = group / n
    top = int(deliveries["delivered"].max())
    for i, name in enumerate(series):
        colour = style.conflict_colour(RECIPIENT_CONFLICT.get(name, "context"))
        rows = deliveries[deliveries["recipient"] == name].sort_values("year")
        x = rows["year"].to_numpy() + 0.5 + (i - (n - 1) / 2) * bar_width
        for xi, value, estimate in zip(x, rows["delivered"], rows["includes_estimate"]):
            if value == 0:
                continue
            ax.bar(xi, value, width=bar_width * 0.92, zorder=2,
                   facecolor=style.lighten(colour, 0.55) if estimate else colour,
                   edgecolor=colour, hatch=style.ESTIMATE_HATCH if estimate else None,
                   linewidth=0.6)
            ax.annotate(f"{int(value)}", (xi, value), xytext=(0, 1.5),
                        textcoords="offset points", ha="center", va="bottom", fontsize=6)

    ax.set_xlim(first, last + 1)
    ax.set_xticks([y + 0.5 for y in years], [str(y) for y in years])
    ax.tick_params(axis="x", length=0)
    for boundary in range(first + 1, last + 1):
        ax.axvline(boundary, color="#E6E6E6", linewidth=0.4, zorder=1)
    ax.set_ylim(0, top * 1.12 if top else 1)
    ax.set_ylabel("Armed UAVs delivered (systems)")
    ax.yaxis.grid(True)
    credit = SIPRI_CREDIT + (f", export of {_short_date(generated)}" if generated else "")
    credit += f" (deliveries recorded to {last})."
    ax.annotate(credit, xy=(0, 0), xycoords="axes fraction", xytext=(0, -14),
                textcoords="offset points", ha="left", va="top", fontsize=6.5, color="#333333")

    handles = [Patch(facecolor=style.conflict_colour(RECIPIENT_CONFLICT.get(name, "context")),
                     edgecolor="none", label=f"To {name}" if name != sipri.ALL_RECIPIENTS
                     else "To all recipients") for name in series]
    handles.append(Patch(facecolor=style.lighten(style.NEUTRAL, 0.55), edgecolor=style.NEUTRAL,
                         hatch=style.ESTIMATE_HATCH, linewidth=0.6,
                         label="Number includes a SIPRI estimate"))
    for period in shown_periods:
        handles.append(Patch(facecolor=style.conflict_colour(period.conflict_id),
                             alpha=style.SHADE_ALPHA, edgecolor="none",
                             label=period_label(period)))
    ax.legend(handles=handles, loc="upper left", ncols=1, handlelength=1.6,
              borderaxespad=0.2)

    bars = deliveries.assign(layer="deliveries", series=deliveries["recipient"])
    bars = bars[["layer", "series", "year", "delivered", "includes_estimate"]]
    shades = pd.DataFrame([{
        "layer": "war period", "series": p.label, "conflict_id": p.conflict_id,
        "start": p.start.isoformat(), "end": p.end.isoformat() if p.end else "",
    } for p in shown_periods])
    data = pd.concat([bars, shades], ignore_index=True).reindex(columns=list(FIG08_COLUMNS))
    data = data.astype({"year": "Int64", "delivered": "Int64", "includes_estimate": "boolean"})
    return fig, data


def period_label(period: WarPeriod) -> str:
    """'Name (27 Sep–10 Nov 2020)', or 'Name (from 24 Feb 2022)' for an ongoing war.

    A parenthesis that ends the name (the conflicts table writes the years there, e.g.
    "(2020)") is replaced by the exact dates.
    """
    name = re.sub(r"\s*\([^()]*\)\s*$", "", period.label) or period.label
    start, end = period.start, period.end
    if end is None:
        return f"{name} (from {start.day} {start:%b %Y})"
    if start.year == end.year:
        return f"{name} ({start.day} {start:%b}–{end.day} {end:%b %Y})"
    return f"{name} ({start.day} {start:%b %Y}–{end.day} {end:%b %Y})"


def _short_date(generated: str) -> str:
    """'12 Feb 2026 12:26:12 PM' -> '12 Feb 2026'."""
    return " ".join(generated.split()[:3])


def _fig08_wars(data: pd.DataFrame) -> list[WarPeriod]:
    """The shaded wars as written in the figure's CSV (read back: empty end is NaN)."""
    rows = data[data["layer"] == "war period"]
    return [WarPeriod(str(r["conflict_id"]), str(r["series"]), date.fromisoformat(str(r["start"])),
                      None if pd.isna(r["end"]) or not str(r["end"]).strip()
                      else date.fromisoformat(str(r["end"])))
            for _, r in rows.iterrows()]


def _fig08_caption(data: pd.DataFrame) -> str:
    bars = data[data["layer"] == "deliveries"]
    first, last = int(bars["year"].min()), int(bars["year"].max())
    wars = "; ".join(period_label(p) for p in _fig08_wars(data))
    return (f"Turkish armed UAVs delivered per year, {first}–{last}, to Azerbaijan, to Ukraine "
            "and to all recipients (SIPRI's “Numbers delivered”; hatched bars include SIPRI "
            f"estimates). Shaded: {wars}. The export's last delivery year is {last}; later "
            "years are not shown. Context data from the SIPRI Arms Transfers Database, not "
            "from the article.")


def _fig08_alt_text(data: pd.DataFrame) -> str:
    bars = data[data["layer"] == "deliveries"]
    first, last = int(bars["year"].min()), int(bars["year"].max())
    war_start = {p.conflict_id: p.start.year for p in _fig08_wars(data)}

    def series(name: str) -> pd.DataFrame:
        return bars[bars["series"] == name]

    def summary(name: str, conflict_id: str | None) -> str:
        rows = series(name)
        total = int(rows["delivered"].sum())
        if total == 0:
            return f"{name} received none"
        best = rows.loc[rows["delivered"].idxmax()]
        year = int(best["year"])
        text = f"{name} received {total}, most ({int(best['delivered'])}) in {year}"
        if conflict_id in war_start and war_start[conflict_id] == year:
            text += " (the shaded war began that year)"
        return text

    everyone = series(sipri.ALL_RECIPIENTS)
    nonzero = everyone[everyone["delivered"] > 0]
    if nonzero.empty:
        overall = "No deliveries to any recipient are recorded"
    else:
        peak = nonzero.loc[nonzero["delivered"].idxmax()]
        overall = (f"Deliveries to all recipients are recorded from {int(nonzero['year'].min())}, "
                   f"peak at {int(peak['delivered'])} in {int(peak['year'])} and total "
                   f"{int(nonzero['delivered'].sum())}")
    shown = bars[bars["delivered"] > 0]
    estimated = int(shown["includes_estimate"].astype(bool).sum())
    return (f"Bar chart of Turkish armed-drone systems delivered per year, {first} to {last}, "
            f"from SIPRI data. {overall}. {summary('Ukraine', 'ukr2022')}; "
            f"{summary('Azerbaijan', 'nk2020')}. {estimated} of the {len(shown)} bars include "
            "SIPRI estimates.")


@register(
    "fig-08-sipri-deliveries",
    caption=_fig08_caption,
    alt_text=_fig08_alt_text,
    inputs=("data/raw/sipri_trade_register_turkiye.csv", "data/input/conflicts.csv"),
)
def fig_08_sipri_deliveries(periods: Sequence[WarPeriod] | None = None) -> tuple[Figure, pd.DataFrame]:
    """Figure 8: Turkish armed-UAV deliveries (SIPRI), 2014 to the last covered year.

    ``periods`` default to :func:`war_periods` of data/input/conflicts.csv.
    """
    export = sipri.read_trade_register(SIPRI_CSV)
    deliveries = sipri.armed_uav_deliveries(export, ("Azerbaijan", "Ukraine"), 2014)
    return plot_sipri_deliveries(deliveries, war_periods() if periods is None else periods,
                                 generated=export.attrs.get("generated"))


# -- figures 1-7 --------------------------------------------------------------------------
# Registered by their own module (one builder per figure, from the article's tables and
# the coding); imported here so that importing this module registers the whole set.
from dronediplomacy.reporting import figures_article  # noqa: E402,F401  (import for its registrations)


def main(argv: list[str] | None = None) -> int:
    """``python -m dronediplomacy.reporting.figures [stem ...]``: save the named (default: all) figures."""
    stems = (argv if argv is not None else sys.argv[1:]) or sorted(REGISTRY)
    try:
        for stem in stems:
            saved = save(stem)
            print(f"wrote {', '.join(paths.relative(p) for p in saved.files)}")
    except (InputError, KeyError, figsave.FigureRuleError) as exc:
        print(f"figures: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
