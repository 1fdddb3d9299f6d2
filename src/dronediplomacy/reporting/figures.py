"""The figure set. A builder (:func:`register`) draws with ``style.new_figure`` and returns
``(fig, data)``, ``data`` being exactly what it plots; the macros ``caption()`` and ``alt_text()``
of ``templates/figures/<stem>.txt.j2`` describe ``data`` as read back from its CSV. :func:`save`
writes ``figures/<stem>.{pdf,svg,png,csv}`` atomically and byte-stably, :func:`write_manifest` the
manifest; ``python -m dronediplomacy.reporting.figures [stem ...]`` rebuilds figures."""

import contextlib
import io
import re
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Callable, Sequence

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.text import Text

from dronediplomacy import atomic, paths
from dronediplomacy.analysis import summaries
from dronediplomacy.errors import InputError
from dronediplomacy.inputs.bad_inputs import input_error
from dronediplomacy.reporting import narrative, style
from dronediplomacy import pipeline

#: A figure's stem: ``fig-NN-slug``; the files written for it.
STEM_PATTERN = re.compile(r"fig-\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*")
SUFFIXES: tuple[str, ...] = (".pdf", ".svg", ".png", ".csv")
#: The screen copy shown in notebooks and on the site: dpi, colours, CSS px per inch.
SCREEN_DPI, SCREEN_COLOURS, SCREEN_SHOWN_PX_PER_INCH = 150, 256, 100
MANIFEST_COLUMNS: tuple[str, ...] = ("stem", "caption", "alt_text", "notebook", "inputs", "data_csv")
MANIFEST_NAME, INPUTS_SEPARATOR = "manifest.csv", "; "
DEFAULT_NOTEBOOK = "04-compare-conflicts.ipynb"
#: Captions and alt texts: :func:`narrative.environment` (undefined is an error), with ``short``
#: and ``groups`` (``(key, rows)`` in order).
TEMPLATES = Path(__file__).parent / "templates" / "figures"
TEXTS = narrative.environment(TEMPLATES)
TEXTS.filters.update(short=summaries.conflict_short,
                     groups=lambda frame, by: list(frame.groupby(by, sort=False)))
TEXTS.globals["TURKISH_SIDE"] = summaries.TURKISH_SIDE


class FigureRuleError(ValueError):
    """A figure breaks a rule of the figure set (size, font size, clipping, title)."""


@dataclass(frozen=True)
class SavedFigure:
    """The files :func:`save_figure` wrote; a notebook cell ending with it shows the PNG."""

    stem: str
    pdf: Path
    svg: Path
    png: Path
    csv: Path
    data: pd.DataFrame = field(repr=False, compare=False)
    alt_text: str

    @property
    def files(self) -> tuple[Path, ...]:
        return (self.pdf, self.svg, self.png, self.csv)

    def screen_copy(self) -> tuple[bytes, dict[str, int | str]]:
        """The PNG as shown on screen (:func:`screen_png`), its CSS width and alt text."""
        png, inches = screen_png(self.png)
        return png, {"width": round(inches * SCREEN_SHOWN_PX_PER_INCH), "alt": self.alt_text}

    _repr_png_ = screen_copy  # IPython's display protocol

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # IPython's text form
        printer.text(f"{self.stem}: {paths.relative(self.png.parent)}/{self.stem}"
                     f".{{{','.join(suffix[1:] for suffix in SUFFIXES)}}}")


def metadata(fmt: str, *, title: str, description: str) -> dict[str, str | None]:
    """The metadata of one format: caption and alt text; no dates, no software version."""
    return {"pdf": {"Title": title, "Subject": description, "Creator": None, "Producer": None,
                    "CreationDate": None, "ModDate": None},
            "svg": {"Title": title, "Description": description, "Date": None, "Creator": None},
            "png": {"Title": title, "Description": description, "Software": None}}[fmt]


def visible_texts(fig: Figure) -> list[Text]:
    """Every visible, non-empty text of the figure (labels, tick labels, legends, notes)."""
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def check_figure(fig: Figure) -> None:
    """FigureRuleError unless the figure is one or two columns wide (within 5%), untitled,
    no text under ``style.MIN_FONT_SIZE`` and nothing past its edges (within one pixel)."""
    width, height = fig.get_size_inches()
    if not any(abs(width - w) <= style.WIDTH_TOLERANCE * w for w in style.WIDTHS):
        raise FigureRuleError(f"figure is {width:.2f} in wide; use style.ONE_COLUMN "
                              f"({style.ONE_COLUMN} in) or style.TWO_COLUMN ({style.TWO_COLUMN} in)")
    titles = [ax.get_title(loc) for ax in fig.axes for loc in ("left", "center", "right")]
    titles = [t for t in titles + [fig.get_suptitle()] if t.strip()]
    if titles:
        raise FigureRuleError(f"figure has a title baked in; put it in the caption instead "
                              f"(titles: {titles})")
    fig.draw_without_rendering()
    for text in visible_texts(fig):
        if text.get_fontsize() < style.MIN_FONT_SIZE - 1e-9:
            raise FigureRuleError(f"text {text.get_text()!r} is {text.get_fontsize():g} pt; "
                                  f"the minimum is {style.MIN_FONT_SIZE:g} pt at print size")
    box, tol, page = fig.get_tightbbox(), 1 / fig.dpi, fig.bbox.padded(1)
    if box.x0 < -tol or box.y0 < -tol or box.x1 > width + tol or box.y1 > height + tol:
        def outside(box) -> bool:
            return box is not None and not all(page.contains(*c) for c in box.corners())
        axes = [axis for ax in fig.axes for axis in (ax.xaxis, ax.yaxis)]
        in_axes = {t for axis in axes for t in axis.findobj(Text)}  # tick labels: per axis
        culprits = ([f"tick labels of {axis.get_label_text() or axis.axis_name + ' axis'}"
                     for axis in axes if outside(axis.get_tightbbox())]
                    + [t.get_text() for t in visible_texts(fig) if t not in in_axes
                       and t.get_in_layout() and outside(t.get_window_extent())])
        raise FigureRuleError(f"text {culprits[0] if culprits else ''!r} reaches outside the "
                              "figure (it would be cut off); make room for it in the layout")


def screen_png(png: Path | str) -> tuple[bytes, float]:
    """A saved PNG resampled to SCREEN_DPI (box filter) and SCREEN_COLOURS colours, undithered
    (a third of the size, no visible loss), and its width in inches. Same file, same bytes."""
    from PIL import Image

    with Image.open(png) as image:
        source_dpi = image.info.get("dpi", (style.PNG_DPI,))[0]
        inches = image.width / source_dpi
        flat = image.convert("RGB")  # the figures are opaque (white face colour)
    size = (round(inches * SCREEN_DPI), round(flat.height * SCREEN_DPI / source_dpi))
    small = flat.resize(size, Image.Resampling.BOX).quantize(
        colors=SCREEN_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    small.save(buffer, format="PNG")
    return buffer.getvalue(), inches


def save_figure(fig: Figure, stem: str, data: pd.DataFrame, *, caption: str, alt_text: str,
                out_dir: Path | str | None = None) -> SavedFigure:
    """Check ``fig``, write ``<stem>.pdf/.svg/.png/.csv`` (the CSV: ``data``) to ``out_dir``
    (default ``figures/``), all four or none, with caption and alt text as metadata.
    ValueError for a bad stem, empty texts or data; FigureRuleError for a broken rule."""
    if not STEM_PATTERN.fullmatch(stem):
        raise ValueError(f"stem {stem!r} is not of the form fig-NN-slug (e.g. fig-08-sipri-deliveries)")
    for name, value in (("caption", caption), ("alt_text", alt_text)):
        if not value.strip():
            raise ValueError(f"{stem}: {name} must not be empty")
    if data.empty:
        raise ValueError(f"{stem}: data must be the non-empty DataFrame the figure plots")
    targets = {suffix: Path(out_dir or paths.FIGURES) / f"{stem}{suffix}" for suffix in SUFFIXES}
    with style.figure_style():
        check_figure(fig)
        with contextlib.ExitStack() as stack:  # renamed onto the targets only if all succeed
            tmp = {suffix: stack.enter_context(atomic.atomic_path(target))
                   for suffix, target in targets.items()}
            tmp[".csv"].write_bytes(data.to_csv(index=False, lineterminator="\n").encode("utf-8"))
            for fmt in ("pdf", "svg", "png"):
                fig.savefig(tmp[f".{fmt}"], format=fmt, dpi=style.PNG_DPI,
                            metadata=metadata(fmt, title=caption, description=alt_text))
    return SavedFigure(stem, *targets.values(), data=data, alt_text=alt_text)


# -- the registry and the manifest ----------------------------------------------------------

@dataclass(frozen=True)
class FigureSpec:
    """One figure of the set: its builder, the tables it reads and its notebook; ``values``
    gives its template what it cannot compute from the data."""

    stem: str
    builder: Callable[[], "tuple[Figure, pd.DataFrame]"]
    inputs: tuple[str, ...]
    notebook: str = DEFAULT_NOTEBOOK
    values: Callable[[pd.DataFrame], dict] | None = None

    def build(self) -> tuple[Figure, pd.DataFrame]:
        with style.figure_style():
            return self.builder()

    def describe(self, data: pd.DataFrame) -> tuple[str, str]:
        """Caption and alt text: the template's macros, given ``d`` (``data`` as read back
        from the figure's CSV) and ``values(d)``; jinja2.UndefinedError for a misspelt name."""
        context = {"d": data, **(self.values(data) if self.values else {})}
        texts = TEXTS.get_template(f"{self.stem}.txt.j2").make_module(context)
        return " ".join(texts.caption().split()), " ".join(texts.alt_text().split())


#: Every registered figure, by stem.
REGISTRY: dict[str, FigureSpec] = {}


def register(stem: str, *, inputs: Sequence[str], notebook: str = DEFAULT_NOTEBOOK, values=None):
    """Decorator registering the builder of figure ``stem`` (see :class:`FigureSpec`).
    ValueError for a malformed or repeated stem, no inputs, or an unknown notebook."""
    if not STEM_PATTERN.fullmatch(stem) or stem in REGISTRY:
        raise ValueError(f"{stem!r} is not a new figure stem of the form fig-NN-slug")
    if isinstance(inputs, str) or not inputs:
        raise ValueError(f"{stem}: inputs must be a non-empty sequence of table paths")
    if notebook not in pipeline.NAMES:
        raise ValueError(f"{stem}: notebook {notebook!r} is not in pipeline.NOTEBOOKS")

    def decorate(builder):
        REGISTRY[stem] = FigureSpec(stem, builder, tuple(inputs), notebook, values)
        return builder
    return decorate


def spec(stem: str) -> FigureSpec:
    """The registry entry of ``stem``; KeyError naming the registered stems."""
    if stem not in REGISTRY:
        raise KeyError(f"no figure {stem!r} is registered; registered: {', '.join(sorted(REGISTRY))}")
    return REGISTRY[stem]


def read_back(data: pd.DataFrame) -> pd.DataFrame:
    """``data`` as pandas reads it back from the CSV that save_figure writes."""
    return pd.read_csv(io.StringIO(data.to_csv(index=False, lineterminator="\n")))


def save(stem: str, out_dir: Path | str | None = None) -> SavedFigure:
    """Build figure ``stem`` and save its four files to ``out_dir`` (default ``figures/``)."""
    entry = spec(stem)
    fig, data = entry.build()
    caption, alt_text = entry.describe(read_back(data))
    return save_figure(fig, stem, data, caption=caption, alt_text=alt_text, out_dir=out_dir)


def manifest_frame(out_dir: Path | str | None = None) -> pd.DataFrame:
    """The manifest as it must be: a row per registered figure saved in ``out_dir`` (default
    ``figures/``), in stem order, described from its CSV."""
    rows = []
    for stem, entry in sorted(REGISTRY.items()):
        csv_path = Path(out_dir or paths.FIGURES) / f"{stem}.csv"
        if csv_path.is_file():
            rows.append([stem, *entry.describe(pd.read_csv(csv_path)), entry.notebook,
                         INPUTS_SEPARATOR.join(entry.inputs), paths.relative(csv_path)])
    return pd.DataFrame(rows, columns=list(MANIFEST_COLUMNS))


def write_manifest(out_dir: Path | str | None = None) -> Path:
    """Write :func:`manifest_frame` to ``out_dir/manifest.csv``; returns its path."""
    target = Path(out_dir or paths.FIGURES) / MANIFEST_NAME
    atomic.write_csv(target, manifest_frame(out_dir))
    return target


def read_manifest(manifest: Path | str, missing_ok: bool = False) -> list[dict[str, str]]:
    """The rows of a manifest.csv, in file order ([] if it is missing and ``missing_ok``).
    InputError (file, line, column, fix) for a missing file or column or an empty stem."""
    manifest = Path(manifest)
    if not manifest.is_file():
        if missing_ok:
            return []
        raise input_error("output missing", manifest, notebook=DEFAULT_NOTEBOOK, number=DEFAULT_NOTEBOOK[:2])
    rows = pd.read_csv(manifest, dtype=str, keep_default_na=False).map(str.strip)
    missing = [c for c in MANIFEST_COLUMNS if c not in rows.columns]
    if missing:
        raise InputError(manifest, f"missing column(s) {', '.join(missing)}.", column=missing[0],
                         fix=f"the manifest needs the columns {', '.join(MANIFEST_COLUMNS)}.")
    for line, stem in enumerate(rows["stem"], start=2):
        if not stem:
            raise InputError(manifest, "empty figure stem.", row=line, column="stem")
    return rows.to_dict("records")


def note(ax, text: str, xy, dx: float = 0, dy: float = 0, **kw):
    """A small label (``style.LABEL_SIZE`` unless ``fontsize``) ``dx``/``dy`` points from ``xy``
    (data coordinates unless ``xycoords``); the matplotlib Annotation."""
    return ax.annotate(text, xy, xytext=(dx, dy), textcoords="offset points",
                       fontsize=kw.pop("fontsize", style.LABEL_SIZE), **kw)


# -- wars on a time axis ----------------------------------------------------------------------

@dataclass(frozen=True)
class WarPeriod:
    """A shaded war (conflicts.csv, validated start <= end); ``end`` None: still going on."""

    conflict_id: str
    label: str
    start: date
    end: date | None = None

    def label_with_dates(self) -> str:
        """'Name (27 Sep–10 Nov 2020)' or 'Name (from 24 Feb 2022)'; a trailing '(...)' gives way."""
        name = re.sub(r"\s*\([^()]*\)\s*$", "", self.label) or self.label
        start, end = self.start, self.end
        if end is None:
            return f"{name} (from {start.day} {start:%b %Y})"
        first = f"{start.day} {start:%b}" + ("" if start.year == end.year else f" {start:%Y}")
        return f"{name} ({first}–{end.day} {end:%b %Y})"


def war_periods(tables) -> list[WarPeriod]:
    """The wars of the conflicts table (:func:`summaries.wars`); no end date: going on."""
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
    for p in periods:
        x0, x1 = max(decimal_year(p.start), x_min), min(year_after(p.end) if p.end else x_max, x_max)
        if x1 > x_min and x0 < x_max:
            ax.axvspan(x0, x1, facecolor=style.conflict_colour(p.conflict_id),
                       alpha=style.SHADE_ALPHA, linewidth=0, zorder=0)
            shown.append(p)
    return shown


def war_handles(periods: Sequence[WarPeriod]) -> list[Patch]:
    """Legend keys of shaded wars, labelled with their dates."""
    return [Patch(facecolor=style.conflict_colour(p.conflict_id), alpha=style.SHADE_ALPHA,
                  edgecolor="none", label=p.label_with_dates()) for p in periods]


def war_rows(periods: Sequence[WarPeriod], **columns) -> pd.DataFrame:
    """The shaded wars as rows of a figure's data: label with dates, ISO start and end,
    their decimal years ``x_start`` and ``x_end`` (NaN: going on)."""
    return pd.DataFrame([{"layer": "war period", "conflict_id": p.conflict_id, **columns,
                          "label": p.label_with_dates(), "start": p.start.isoformat(),
                          "end": p.end.isoformat() if p.end else "", "x_start": decimal_year(p.start),
                          "x_end": year_after(p.end) if p.end else float("nan")} for p in periods])


# The builders of the figure set register themselves.
from dronediplomacy.reporting import figures_article  # noqa: E402,F401
from dronediplomacy.reporting import figures_corpus  # noqa: E402,F401  (figures 9-11)


def main(argv: list[str] | None = None) -> int:
    """Save the named (default every) figure and the manifest; 1 on an error."""
    try:
        for stem in (argv if argv is not None else sys.argv[1:]) or sorted(REGISTRY):
            print(f"wrote {', '.join(paths.relative(p) for p in save(stem).files)}")
        print(f"wrote {paths.relative(write_manifest())}")
    except (InputError, KeyError, FigureRuleError) as exc:
        print(f"figures: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # run the imported module, whose registry holds every figure
    from dronediplomacy.reporting.figures import main as imported_main

    sys.exit(imported_main())
