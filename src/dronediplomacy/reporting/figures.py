"""The figure set: one registered builder per figure, saving, and the manifest.

A builder takes no arguments, reads its inputs (the tables, and the tidy summaries of
:mod:`dronediplomacy.analysis.summaries`), draws inside ``style.figure_style()`` with
``style.new_figure`` at one or two columns, puts no title in, and returns
``(fig, data)``: the figure and a DataFrame of exactly what it plots. It is registered
with its caption and alt text, strings or functions of that DataFrame *as read back
from its CSV* (so the numbers they state are the numbers plotted)::

    @register("fig-05-named-agent", caption=..., alt_text=lambda data: ..., inputs=(...))
    def fig_05_named_agent(): ...

``save(stem)`` builds, checks and writes ``figures/<stem>.{pdf,svg,png,csv}``;
``write_manifest()`` then generates ``figures/manifest.csv`` from the registry (never
edited by hand). Figure 8
(SIPRI deliveries) is built here; figures 1–7 in
:mod:`dronediplomacy.reporting.figures_article`, imported at the end of this module so
that importing it registers the whole set. ``python -m dronediplomacy.reporting.figures
[stem ...]`` rebuilds figures.
"""

from __future__ import annotations

import io
import re
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Callable, Iterable, Sequence, Union

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from dronediplomacy import atomic, paths
from dronediplomacy.analysis import summaries
from dronediplomacy.errors import InputError
from dronediplomacy.inputs import sipri
from dronediplomacy.inputs.tables import Tables
from dronediplomacy.reporting import figsave, style
from dronediplomacy.running import pipeline

TextSource = Union[str, Callable[[pd.DataFrame], str]]

#: The notebook that shows the figures (see pipeline.NOTEBOOKS).
DEFAULT_NOTEBOOK = "04-compare-conflicts.ipynb"
#: Columns of figures/manifest.csv, and the separator of its ``inputs`` cell.
MANIFEST_COLUMNS = figsave.MANIFEST_COLUMNS
MANIFEST_NAME = "manifest.csv"
INPUTS_SEPARATOR = "; "


@dataclass(frozen=True)
class FigureSpec:
    """One figure of the set: how to build it and how to describe it."""

    stem: str
    builder: Callable[[], "tuple[Figure, pd.DataFrame]"]
    caption: TextSource
    alt_text: TextSource
    inputs: tuple[str, ...]
    notebook: str = DEFAULT_NOTEBOOK

    def build(self) -> tuple[Figure, pd.DataFrame]:
        """Run the builder inside the pinned style; returns ``(fig, data)``."""
        with style.figure_style():
            fig, data = self.builder()
        return fig, data

    def describe(self, data: pd.DataFrame) -> tuple[str, str]:
        """Caption and alt text, from ``data`` as read back from the figure's CSV."""
        texts = [" ".join((source(data) if callable(source) else source).split())
                 for source in (self.caption, self.alt_text)]
        for what, text in zip(("caption", "alt_text"), texts):
            if not text:
                raise ValueError(f"{self.stem}: {what} must be a non-empty string")
        return texts[0], texts[1]


#: Every registered figure, by stem.
REGISTRY: dict[str, FigureSpec] = {}


def register(stem: str, *, caption: TextSource, alt_text: TextSource, inputs: Sequence[str],
             notebook: str = DEFAULT_NOTEBOOK):
    """Decorator: register the decorated function as the builder of figure ``stem``.
    ValueError for a malformed or repeated stem, no inputs, or an unknown notebook."""
    if not figsave.STEM_PATTERN.fullmatch(stem) or stem in REGISTRY:
        raise ValueError(f"{stem!r} is not a new figure stem of the form fig-NN-slug")
    if isinstance(inputs, str) or not inputs:
        raise ValueError(f"{stem}: inputs must be a non-empty sequence of table paths")
    if notebook not in pipeline.names():
        raise ValueError(f"{stem}: notebook {notebook!r} is not in pipeline.NOTEBOOKS")

    def decorate(builder):
        REGISTRY[stem] = FigureSpec(stem, builder, caption, alt_text, tuple(inputs), notebook)
        return builder
    return decorate


def spec(stem: str) -> FigureSpec:
    """The registry entry of ``stem``; KeyError naming the registered stems."""
    if stem not in REGISTRY:
        raise KeyError(f"no figure {stem!r} is registered; registered: {', '.join(sorted(REGISTRY))}")
    return REGISTRY[stem]


def build(stem: str) -> tuple[Figure, pd.DataFrame]:
    """Build figure ``stem`` without saving it: ``(fig, data)``."""
    return spec(stem).build()


def read_back(data: pd.DataFrame) -> pd.DataFrame:
    """``data`` as pandas reads it back from the CSV that save_figure writes."""
    return pd.read_csv(io.StringIO(data.to_csv(index=False, lineterminator="\n")))


def save(stem: str, out_dir: Path | str | None = None) -> figsave.SavedFigure:
    """Build figure ``stem`` and save its four files to ``out_dir`` (default ``figures/``).
    A notebook cell ending with the result shows the PNG written."""
    entry = spec(stem)
    fig, data = entry.build()
    caption, alt_text = entry.describe(read_back(data))
    return figsave.save_figure(fig, stem, data, caption=caption, alt_text=alt_text,
                               inputs=entry.inputs, notebook=entry.notebook, out_dir=out_dir)


def manifest_frame(out_dir: Path | str | None = None, *,
                   stems: Iterable[str] | None = None) -> pd.DataFrame:
    """The manifest as it must be: one row per registered stem (or per ``stems``), in
    stem order, captions and alt texts rendered from ``<stem>.csv`` in ``out_dir``.
    FileNotFoundError, naming the fix, if a CSV is missing."""
    out = Path(out_dir) if out_dir is not None else paths.FIGURES
    rows = []
    for stem in sorted(REGISTRY if stems is None else stems):
        csv_path = out / f"{stem}.csv"
        if not csv_path.is_file():
            raise FileNotFoundError(f"{paths.relative(csv_path)} is missing; "
                                    f"run dronediplomacy.reporting.figures.save({stem!r})")
        entry = spec(stem)
        caption, alt_text = entry.describe(pd.read_csv(csv_path))
        rows.append([stem, caption, alt_text, entry.notebook,
                     INPUTS_SEPARATOR.join(entry.inputs), paths.relative(csv_path)])
    return pd.DataFrame(rows, columns=list(MANIFEST_COLUMNS))


def write_manifest(out_dir: Path | str | None = None) -> Path:
    """Write ``manifest.csv`` for every registered figure saved in ``out_dir`` so far."""
    out = Path(out_dir) if out_dir is not None else paths.FIGURES
    saved = [stem for stem in REGISTRY if (out / f"{stem}.csv").is_file()]
    atomic.write_csv(out / MANIFEST_NAME, manifest_frame(out, stems=saved))
    return out / MANIFEST_NAME


# -- wars on a time axis -----------------------------------------------------------------

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

    def label_with_dates(self) -> str:
        """'Name (27 Sep–10 Nov 2020)', or 'Name (from 24 Feb 2022)'; a parenthesis
        ending the name (e.g. '(2020)') gives way to the exact dates."""
        name = re.sub(r"\s*\([^()]*\)\s*$", "", self.label) or self.label
        start, end = self.start, self.end
        if end is None:
            return f"{name} (from {start.day} {start:%b %Y})"
        first = f"{start.day} {start:%b}" + ("" if start.year == end.year else f" {start:%Y}")
        return f"{name} ({first}–{end.day} {end:%b %Y})"


def war_periods(tables: Tables) -> list[WarPeriod]:
    """The wars of the validated conflicts table (:func:`summaries.wars`: the rows with a
    start date); an empty end date means going on (shaded to the figure's edge)."""
    return [WarPeriod(row.conflict_id, str(row.name).strip(), date.fromisoformat(row.date_start),
                      date.fromisoformat(row.date_end) if isinstance(row.date_end, str) else None)
            for row in summaries.wars(tables).itertuples()]


def decimal_year(day: date) -> float:
    """A date as a position on a year axis where year Y spans [Y, Y+1)."""
    first = date(day.year, 1, 1)
    return day.year + (day - first).days / (date(day.year + 1, 1, 1) - first).days


def year_after(day: date) -> float:
    """The decimal-year position of the end of ``day`` (so a day has a width)."""
    return decimal_year(day + timedelta(days=1))


def shade_wars(ax, periods: Sequence[WarPeriod], x_min: float, x_max: float) -> list[WarPeriod]:
    """Shade each war over its days, clipped to [x_min, x_max]; returns those shown."""
    shown = []
    for period in periods:
        x0 = max(decimal_year(period.start), x_min)
        x1 = min(year_after(period.end) if period.end else x_max, x_max)
        if x1 > x_min and x0 < x_max:
            ax.axvspan(x0, x1, facecolor=style.conflict_colour(period.conflict_id),
                       alpha=style.SHADE_ALPHA, linewidth=0, zorder=0)
            shown.append(period)
    return shown


def war_handles(periods: Sequence[WarPeriod]) -> list[Patch]:
    """Legend keys of shaded wars, labelled with their dates."""
    return [Patch(facecolor=style.conflict_colour(p.conflict_id), alpha=style.SHADE_ALPHA,
                  edgecolor="none", label=p.label_with_dates()) for p in periods]


def war_rows(periods: Sequence[WarPeriod], **columns) -> pd.DataFrame:
    """The shaded wars as rows of a figure's data (label with the dates, start and end as
    ISO text)."""
    return pd.DataFrame([{"layer": "war period", "conflict_id": p.conflict_id, **columns,
                          "label": p.label_with_dates(), "start": p.start.isoformat(),
                          "end": p.end.isoformat() if p.end else ""} for p in periods])


# -- figure 8: SIPRI deliveries --------------------------------------------------------

#: Each recipient series takes the colour of the conflict whose buyer it is.
RECIPIENT_CONFLICT: dict[str, str] = {"Azerbaijan": "nk2020", "Ukraine": "ukr2022",
                                      sipri.ALL_RECIPIENTS: "context"}
FIG08_COLUMNS = ("layer", "series", "year", "delivered", "includes_estimate",
                 "conflict_id", "label", "start", "end")


def plot_sipri_deliveries(deliveries: pd.DataFrame, periods: Sequence[WarPeriod], *,
                          generated: str | None = None) -> tuple[Figure, pd.DataFrame]:
    """Grouped bars of armed-UAV deliveries per year (two columns wide), bars that
    include a SIPRI estimate hatched, wars shaded. ``deliveries``:
    :func:`dronediplomacy.inputs.sipri.armed_uav_deliveries`; ``generated``: the export's
    "Data generated" text, for the credit line. Year Y is drawn over [Y, Y+1); the axis
    ends with the last year in ``deliveries``. Returns ``(fig, data)``, ``data`` holding
    the bars and the shaded wars (column ``layer``). Call inside ``style.figure_style()``."""
    series = list(dict.fromkeys(deliveries["recipient"]))
    first, last = int(deliveries["year"].min()), int(deliveries["year"].max())
    fig, ax = style.new_figure(style.TWO_COLUMN, 2.9)
    shown = shade_wars(ax, periods, first, last + 1)
    bar_width = 0.84 / len(series)
    for i, name in enumerate(series):
        colour = style.conflict_colour(RECIPIENT_CONFLICT.get(name, "context"))
        rows = deliveries[(deliveries["recipient"] == name) & (deliveries["delivered"] > 0)]
        for row in rows.itertuples():
            x = row.year + 0.5 + (i - (len(series) - 1) / 2) * bar_width
            ax.bar(x, row.delivered, width=bar_width * 0.92, zorder=2, linewidth=0.6,
                   facecolor=style.lighten(colour, 0.55) if row.includes_estimate else colour,
                   edgecolor=colour, hatch=style.ESTIMATE_HATCH if row.includes_estimate else None)
            ax.annotate(f"{int(row.delivered)}", (x, row.delivered), xytext=(0, 1.5),
                        textcoords="offset points", ha="center", va="bottom", fontsize=6)
    years = range(first, last + 1)
    ax.set_xlim(first, last + 1)
    ax.set_xticks([y + 0.5 for y in years], [str(y) for y in years])
    ax.tick_params(axis="x", length=0)
    for boundary in years[1:]:
        ax.axvline(boundary, color="#E6E6E6", linewidth=0.4, zorder=1)
    ax.set_ylim(0, max(int(deliveries["delivered"].max()), 1) * 1.12)
    ax.set_ylabel("Armed UAVs delivered (systems)")
    ax.yaxis.grid(True)
    export = f", export of {' '.join(generated.split()[:3])}" if generated else ""
    ax.annotate(f"Data: SIPRI Arms Transfers Database{export} (deliveries recorded to {last}).",
                xy=(0, 0), xycoords="axes fraction", xytext=(0, -14), textcoords="offset points",
                ha="left", va="top", fontsize=6.5, color="#333333")
    handles = [Patch(facecolor=style.conflict_colour(RECIPIENT_CONFLICT.get(name, "context")),
                     label=f"To {name[0].lower() + name[1:] if name == sipri.ALL_RECIPIENTS else name}")
               for name in series]
    handles.append(Patch(facecolor=style.lighten(style.NEUTRAL, 0.55), edgecolor=style.NEUTRAL,
                         hatch=style.ESTIMATE_HATCH, label="Number includes a SIPRI estimate"))
    ax.legend(handles=handles + war_handles(shown), loc="upper left", handlelength=1.6,
              borderaxespad=0.2)
    bars = deliveries.rename(columns={"recipient": "series"}).assign(layer="deliveries")
    data = pd.concat([bars, war_rows(shown)], ignore_index=True).reindex(columns=list(FIG08_COLUMNS))
    return fig, data.astype({"year": "Int64", "delivered": "Int64", "includes_estimate": "boolean"})


def _fig08_caption(data: pd.DataFrame) -> str:
    bars = data[data["layer"] == "deliveries"]
    first, last = int(bars["year"].min()), int(bars["year"].max())
    to = [f"to {s}" for s in dict.fromkeys(bars["series"]) if s != sipri.ALL_RECIPIENTS]
    to.append("to all recipients")
    wars = "; ".join(data.loc[data["layer"] == "war period", "label"])
    return (f"Turkish armed UAVs delivered per year, {first}–{last}, "
            f"{', '.join(to[:-1])} and {to[-1]} (SIPRI's “Numbers delivered”; hatched bars include SIPRI "
            f"estimates). Shaded: {wars}. The export's last delivery year is {last}. Context data "
            "from the SIPRI Arms Transfers Database, not from the article.")


def _fig08_alt_text(data: pd.DataFrame) -> str:
    bars = data[(data["layer"] == "deliveries") & (data["delivered"] > 0)]
    parts = []
    for name, rows in bars.groupby("series", sort=False):
        peak = rows.loc[rows["delivered"].idxmax()]
        parts.append(f"{name}: {int(rows['delivered'].sum())} in all, the first in "
                     f"{int(rows['year'].min())}, most ({int(peak['delivered'])}) in {int(peak['year'])}")
    years = data.loc[data["layer"] == "deliveries", "year"]
    return (f"Bar chart of Turkish armed-drone systems delivered per year, {int(years.min())} to "
            f"{int(years.max())}, from SIPRI data. " + "; ".join(parts) + f". "
            f"{int(bars['includes_estimate'].astype(bool).sum())} of the {len(bars)} bars include "
            "SIPRI estimates.")


@register("fig-08-sipri-deliveries", caption=_fig08_caption, alt_text=_fig08_alt_text,
          inputs=("data/raw/sipri_trade_register_turkiye.csv", "data/input/conflicts.csv"))
def fig_08_sipri_deliveries() -> tuple[Figure, pd.DataFrame]:
    """Figure 8: Turkish armed-UAV deliveries (SIPRI) to the two buyers and to everyone,
    from 2014 to the export's last delivery year, the wars of conflicts.csv shaded."""
    from dronediplomacy.inputs.tables import load_tables

    tables, export = load_tables(), sipri.read_trade_register(summaries.SIPRI_CSV)
    return plot_sipri_deliveries(summaries.war_deliveries(tables, export)[0], war_periods(tables),
                                 generated=export.attrs.get("generated"))


# Figures 1-7, registered by their own module.
from dronediplomacy.reporting import figures_article  # noqa: E402,F401
from dronediplomacy.reporting import figures_corpus  # noqa: E402,F401  (figures 9-11)


def main(argv: list[str] | None = None) -> int:
    """``python -m dronediplomacy.reporting.figures [stem ...]``: save the named (default
    every) figure."""
    try:
        for stem in (argv if argv is not None else sys.argv[1:]) or sorted(REGISTRY):
            print(f"wrote {', '.join(paths.relative(p) for p in save(stem).files)}")
        print(f"wrote {paths.relative(write_manifest())}")
    except (InputError, KeyError, figsave.FigureRuleError) as exc:
        print(f"figures: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # run the imported module, whose registry holds every figure
    from dronediplomacy.reporting.figures import main as imported_main

    sys.exit(imported_main())
