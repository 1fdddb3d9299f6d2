"""Saving a figure for papers: PDF, SVG, 300-dpi PNG and the CSV of what it plots.

:func:`save_figure` checks a figure against the rules of the figure set
(:func:`check_figure`) and writes ``<stem>.pdf`` (TrueType fonts embedded, as
matplotlib embeds them), ``<stem>.svg`` (text as paths, fixed ``svg.hashsalt``),
``<stem>.png`` (300 dpi) and ``<stem>.csv`` (exactly the data plotted), all four
atomically: a failure leaves the previous set intact. Dates and software versions are
left out of the metadata, so the same figure gives the same bytes in every process;
the caption and alt text are written into it, so they travel with a copied file.
Figures are saved at their declared size (no tight bounding box).
"""

from __future__ import annotations

import contextlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.text import Text

from dronediplomacy import atomic, paths
from dronediplomacy.errors import InputError
from dronediplomacy.reporting import style

#: A figure's stem: ``fig-NN-slug`` (NN two digits, slug lower-case words with hyphens).
STEM_PATTERN = re.compile(r"fig-\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*")
#: The files written for each stem.
SUFFIXES: tuple[str, ...] = (".pdf", ".svg", ".png", ".csv")
#: The screen copy shown in notebooks and on the site: dots per inch, colours kept, and
#: CSS pixels per printed inch it is shown at.
SCREEN_DPI = 150
SCREEN_COLOURS = 256
SCREEN_SHOWN_PX_PER_INCH = 100
#: Columns of figures/manifest.csv.
MANIFEST_COLUMNS: tuple[str, ...] = ("stem", "caption", "alt_text", "notebook", "inputs", "data_csv")


class FigureRuleError(ValueError):
    """A figure breaks a rule of the figure set (size, font size, clipping, title)."""


@dataclass(frozen=True)
class SavedFigure:
    """The files :func:`save_figure` wrote. A notebook cell ending with it shows the PNG
    written (its screen copy, :func:`screen_png`), with the alt text."""

    stem: str
    pdf: Path
    svg: Path
    png: Path
    csv: Path
    figure: Figure | None = field(default=None, repr=False, compare=False)
    data: pd.DataFrame | None = field(default=None, repr=False, compare=False)
    alt_text: str = ""

    @property
    def files(self) -> tuple[Path, ...]:
        return (self.pdf, self.svg, self.png, self.csv)

    def screen_copy(self) -> tuple[bytes, dict[str, int | str]]:
        """The PNG shown on screen (:func:`screen_png`), its width in CSS pixels and alt text."""
        png, inches = screen_png(self.png)
        shown: dict[str, int | str] = {"width": round(inches * SCREEN_SHOWN_PX_PER_INCH)}
        if self.alt_text:
            shown["alt"] = self.alt_text
        return png, shown

    def _repr_png_(self):  # IPython's display protocol
        return self.screen_copy()

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
    """Raise FigureRuleError unless the figure is ``style.ONE_COLUMN`` or
    ``style.TWO_COLUMN`` wide (within 5%), has no text under ``style.MIN_FONT_SIZE`` (6 pt),
    no title baked in (the caption belongs to the paper and the manifest) and nothing
    reaching past its edges (``Figure.get_tightbbox``, within one pixel)."""
    width, _ = fig.get_size_inches()
    if not any(abs(width - w) <= style.WIDTH_TOLERANCE * w for w in style.WIDTHS):
        raise FigureRuleError(
            f"figure is {width:.2f} in wide; use style.ONE_COLUMN ({style.ONE_COLUMN} in) or "
            f"style.TWO_COLUMN ({style.TWO_COLUMN} in)")
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
    box, tol = fig.get_tightbbox(), 1 / fig.dpi
    height = fig.get_size_inches()[1]
    if box.x0 < -tol or box.y0 < -tol or box.x1 > width + tol or box.y1 > height + tol:
        page = fig.bbox.padded(1)

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


def screen_png(png: Path | str | bytes, dpi: int = SCREEN_DPI,
               colours: int = SCREEN_COLOURS) -> tuple[bytes, float]:
    """A saved PNG (path or bytes) for the screen, and its width in inches: resampled to
    ``dpi`` (box filter: at 300 to 150 dpi, the mean of each 2x2 block) and reduced to
    ``colours`` colours without dithering (flat colours and text: invisible, a third of
    the size). The same file gives the same bytes, with no metadata."""
    from PIL import Image

    with Image.open(io.BytesIO(png) if isinstance(png, bytes) else png) as image:
        source_dpi = float(image.info.get("dpi", (style.PNG_DPI,))[0]) or float(style.PNG_DPI)
        inches = image.width / source_dpi
        flat = image.convert("RGB")  # the figures are opaque (white face colour)
    size = (max(1, round(inches * dpi)), max(1, round(flat.height * dpi / source_dpi)))
    small = flat.resize(size, Image.Resampling.BOX).quantize(
        colors=colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    small.save(buffer, format="PNG")
    return buffer.getvalue(), inches


def save_figure(fig: Figure, stem: str, data: pd.DataFrame, *, caption: str, alt_text: str,
                inputs: Sequence[str], notebook: str,
                out_dir: Path | str | None = None) -> SavedFigure:
    """Check ``fig`` and write ``<stem>.pdf/.svg/.png`` and ``<stem>.csv`` (``data``) to
    ``out_dir`` (default ``figures/``). ``caption`` and ``alt_text`` go into each file's
    metadata; ``inputs`` (table paths) and ``notebook`` must be non-empty. ValueError
    for a bad stem or empty description, FigureRuleError for a figure breaking a rule
    (nothing is written then). Normally called through
    :func:`dronediplomacy.reporting.figures.save`, which also rewrites the manifest."""
    if not STEM_PATTERN.fullmatch(stem):
        raise ValueError(f"stem {stem!r} is not of the form fig-NN-slug (e.g. fig-08-sipri-deliveries)")
    for name, value in (("caption", caption), ("alt_text", alt_text), ("notebook", notebook)):
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{stem}: {name} must be a non-empty string")
    if isinstance(inputs, str) or not inputs or not all(isinstance(i, str) and i for i in inputs):
        raise ValueError(f"{stem}: inputs must be a non-empty sequence of table paths")
    if not isinstance(data, pd.DataFrame) or data.empty:
        raise ValueError(f"{stem}: data must be the non-empty DataFrame the figure plots")
    out = Path(out_dir) if out_dir is not None else paths.FIGURES
    targets = {suffix: out / f"{stem}{suffix}" for suffix in SUFFIXES}
    with style.figure_style():
        check_figure(fig)
        with contextlib.ExitStack() as stack:  # renamed onto the targets only if all succeed
            tmp = {suffix: stack.enter_context(atomic.atomic_path(target))
                   for suffix, target in targets.items()}
            tmp[".csv"].write_bytes(data.to_csv(index=False, lineterminator="\n").encode("utf-8"))
            for fmt in ("pdf", "svg", "png"):
                fig.savefig(tmp[f".{fmt}"], format=fmt, dpi=style.PNG_DPI,
                            metadata=metadata(fmt, title=caption, description=alt_text))
    return SavedFigure(stem, *targets.values(), figure=fig, data=data, alt_text=alt_text)


def read_manifest(manifest: Path | str, missing_ok: bool = False) -> list[dict[str, str]]:
    """The rows of figures/manifest.csv, in file order ([] if it is missing and
    ``missing_ok``). InputError (file, line, column, fix) for a missing file or column or
    an empty stem."""
    manifest = Path(manifest)
    if not manifest.is_file():
        if missing_ok:
            return []
        raise InputError(manifest, "is missing.", fix="run notebook 04 (python -m "
                         "dronediplomacy.running.runner 04), which writes the figures and it.")
    rows = pd.read_csv(manifest, dtype=str, keep_default_na=False)
    missing = [c for c in MANIFEST_COLUMNS if c not in rows.columns]
    if missing:
        raise InputError(manifest, f"missing column(s) {', '.join(missing)}.", column=missing[0],
                         fix=f"the manifest needs the columns {', '.join(MANIFEST_COLUMNS)}.")
    rows = [{k: v.strip() for k, v in row.items()} for row in rows.to_dict("records")]
    for line, row in enumerate(rows, start=2):
        if not row["stem"]:
            raise InputError(manifest, "empty figure stem.", row=line, column="stem")
    return rows
