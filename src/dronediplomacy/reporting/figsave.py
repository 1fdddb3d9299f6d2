"""Saving a figure for papers: PDF, SVG, 300-dpi PNG and the CSV of what it plots.

:func:`save_figure` is the one way figures reach ``figures/``. It first checks the
figure against the rules of the figure set (:func:`check_figure`: a print width,
no text under 6 pt, no text cut off at the figure's edge, no title baked in), then
writes, each atomically (``dronediplomacy.atomic``):

- ``<stem>.pdf``: TrueType fonts embedded (``pdf.fonttype`` 42), as subsets without
  the OpenType layout tables (see :func:`pdf_fonts_without_layout_tables`);
- ``<stem>.svg``: text as paths, fixed ``svg.hashsalt``;
- ``<stem>.png``: 300 dpi;
- ``<stem>.csv``: exactly the data the figure plots (as ``atomic.write_csv`` writes it).

The figure is laid out once, for the check, and every file is drawn from that layout
(:func:`frozen_layout`): the three formats share one layout, and no format pays for
laying the figure out again. The figure keeps that layout afterwards, so the figure
returned is the figure saved.

The metadata that would change between runs (creation dates, the producing software)
is removed, so the same figure gives the same bytes in every process. The caption and
alt text are written into each file's metadata (PDF Title/Subject, SVG Title/
Description, PNG Title/Description), so they travel with a copied file. The figure is
saved at its declared size: no ``bbox_inches="tight"``, which would change the width.

The manifest (``figures/manifest.csv``) is not written here: it is generated from the
registry in :mod:`dronediplomacy.reporting.figures`.
"""

from __future__ import annotations

import contextlib
import io
import re
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Sequence

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.text import Text

from dronediplomacy import atomic
from dronediplomacy import paths
from dronediplomacy.reporting import style

#: A figure's stem: ``fig-NN-slug`` (NN two digits, slug lower-case words with hyphens).
STEM_PATTERN = re.compile(r"fig-\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*")

#: The OpenType layout tables left out of the fonts embedded in PDFs
#: (see pdf_fonts_without_layout_tables).
PDF_FONT_TABLES_LEFT_OUT: tuple[str, ...] = ("GSUB", "GPOS", "GDEF")

#: The files written for each stem, by suffix.
SUFFIXES: tuple[str, ...] = (".pdf", ".svg", ".png", ".csv")

#: The screen copy of a figure (notebooks, the site): resolution in dots per inch, the
#: colours kept (flat-colour figures need few; see screen_png), and the width it is
#: shown at, in CSS pixels per inch of the printed figure.
SCREEN_DPI = 150
SCREEN_COLOURS = 256
SCREEN_SHOWN_PX_PER_INCH = 100

#: Pixels a text may reach past the figure's edge (anti-aliasing) before it counts
#: as cut off.
_EDGE_TOLERANCE_PX = 1.0


@dataclass(frozen=True)
class SavedFigure:
    """The files :func:`save_figure` wrote, and the figure and data it saved.

    In a notebook, end a cell with ``saved`` to show the saved PNG (a screen copy made
    by :func:`screen_png`: what is shown is the file written, not a new drawing of the
    figure); ``saved.figure`` is the matplotlib figure itself.
    """

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

    def _repr_png_(self) -> tuple[bytes, dict[str, int | str]]:
        """The screen copy, its width on the page and its alt text (which the site's
        pages give the image; see dronediplomacy.reporting.site)."""
        png, inches = screen_png(self.png)
        shown: dict[str, int | str] = {"width": round(inches * SCREEN_SHOWN_PX_PER_INCH)}
        if self.alt_text:
            shown["alt"] = self.alt_text
        return png, shown

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        printer.text(f"{self.stem}: {paths.relative(self.png.parent)}/{self.stem}"
                     f".{{{','.join(suffix[1:] for suffix in SUFFIXES)}}}")


class FigureRuleError(ValueError):
    """A figure breaks a rule of the figure set (size, font size, clipping, title)."""


def metadata(fmt: str, *, title: str, description: str) -> dict[str, str | None]:
    """The pinned metadata for one format: no dates, no software version."""
    if fmt == "pdf":
        return {"Title": title, "Subject": description, "Creator": None, "Producer": None,
                "CreationDate": None, "ModDate": None}
    if fmt == "svg":
        return {"Title": title, "Description": description, "Date": None, "Creator": None}
    if fmt == "png":
        return {"Title": title, "Description": description, "Software": None}
    raise ValueError(f"no metadata rule for format {fmt!r}")


def figure_width_ok(width_in: float) -> bool:
    """True if a width (inches) is ONE_COLUMN or TWO_COLUMN within the tolerance."""
    return any(abs(width_in - w) <= style.WIDTH_TOLERANCE * w for w in style.WIDTHS)


def visible_texts(fig: Figure) -> list[Text]:
    """Every non-empty text the figure draws: labels, tick labels, legends, notes.

    Walks the artist tree from the figure, skipping hidden artists and what they hold,
    the axis of an axes switched off, and tick labels of ticks outside the view (which
    matplotlib keeps but does not draw). Call after the figure has been drawn or laid
    out (``fig.draw_without_rendering()``) so tick labels are current.
    """
    from matplotlib.axes import Axes
    from matplotlib.axis import Axis

    found: list[Text] = []

    def walk(artist) -> None:
        if not artist.get_visible():
            return
        if isinstance(artist, Text) and artist.get_text().strip():
            found.append(artist)
        if isinstance(artist, Axis):
            children = [artist.label, artist.offsetText, *artist._update_ticks()]
        elif isinstance(artist, Axes) and not artist.axison:
            children = [c for c in artist.get_children() if not isinstance(c, Axis)]
        else:
            children = artist.get_children()
        for child in children:
            walk(child)

    walk(fig)
    return found


def check_figure(fig: Figure) -> None:
    """Raise FigureRuleError if the figure breaks a rule of the figure set.

    - width is ONE_COLUMN (3.5 in) or TWO_COLUMN (7.2 in), within 5%;
    - no visible text is smaller than ``style.MIN_FONT_SIZE`` (6 pt) at print size;
    - no visible text reaches outside the figure (it would be cut off);
    - no title is baked in (axes titles and ``suptitle`` are empty: the caption
      belongs to the paper, the manifest holds it).
    """
    width, height = fig.get_size_inches()
    if not figure_width_ok(width):
        raise FigureRuleError(
            f"figure is {width:.2f} in wide; use style.ONE_COLUMN ({style.ONE_COLUMN} in) or "
            f"style.TWO_COLUMN ({style.TWO_COLUMN} in)")
    titles = [ax.get_title(loc) for ax in fig.axes for loc in ("left", "center", "right")]
    suptitle = fig.get_suptitle() if hasattr(fig, "get_suptitle") else ""
    if any(t.strip() for t in titles) or suptitle.strip():
        raise FigureRuleError("figure has a title baked in; put it in the caption instead "
                              f"(titles: {[t for t in titles + [suptitle] if t.strip()]})")
    fig.draw_without_rendering()
    canvas_w, canvas_h = fig.bbox.width, fig.bbox.height
    for text in visible_texts(fig):
        size = text.get_fontsize()
        if size < style.MIN_FONT_SIZE - 1e-9:
            raise FigureRuleError(f"text {text.get_text()!r} is {size:g} pt; the minimum is "
                                  f"{style.MIN_FONT_SIZE:g} pt at print size")
        box = text.get_window_extent()
        tol = _EDGE_TOLERANCE_PX
        if box.x0 < -tol or box.y0 < -tol or box.x1 > canvas_w + tol or box.y1 > canvas_h + tol:
            raise FigureRuleError(f"text {text.get_text()!r} reaches outside the figure "
                                  "(it would be cut off); make room for it in the layout")


@contextlib.contextmanager
def frozen_layout(fig: Figure) -> Iterator[None]:
    """Inside the block the figure keeps the layout it has (call after a draw), instead
    of having its layout engine run again at every save (matplotlib lays a figure with
    constrained layout out again, with one more drawing pass, for each ``savefig``).
    On leaving the block the layout engine is removed for good if the block succeeded
    (the figure saved is the figure kept), and put back if it raised."""
    engine = fig.get_layout_engine()
    fig.set_layout_engine(None)
    try:
        yield
    except BaseException:
        fig.set_layout_engine(engine)
        raise


@contextlib.contextmanager
def pdf_fonts_without_layout_tables() -> Iterator[None]:
    """Inside the block, fonts embedded in PDFs leave out their OpenType layout tables
    (GSUB, GPOS, GDEF: ligatures, kerning pairs, glyph classes).

    A PDF places every glyph itself, by glyph id, at positions matplotlib computed, so
    no PDF reader uses these tables; but fontTools reads and subsets them for every
    embedded font (DejaVu Sans has large ones), which was more than half of the time
    matplotlib took to write our PDFs. The glyph outlines, metrics and the text
    (ToUnicode) map are embedded as before, so the page looks and copies the same.

    matplotlib (``_backend_pdf_ps.get_glyphs_subset``) offers no option for it, so the
    block hands it a ``fontTools.subset`` whose ``Options`` also drop these tables;
    tests/test_figures.py checks that the fonts in a saved PDF lack them and keep
    their glyphs.
    """
    from matplotlib.backends import _backend_pdf_ps

    original = _backend_pdf_ps.subset  # fontTools.subset, as matplotlib imported it

    def options(**kwargs):
        chosen = original.Options(**kwargs)
        chosen.drop_tables += list(PDF_FONT_TABLES_LEFT_OUT)
        return chosen

    _backend_pdf_ps.subset = types.SimpleNamespace(
        Options=options, load_font=original.load_font, Subsetter=original.Subsetter)
    try:
        yield
    finally:
        _backend_pdf_ps.subset = original


def screen_png(png: Path | str | bytes, dpi: int = SCREEN_DPI,
               colours: int = SCREEN_COLOURS) -> tuple[bytes, float]:
    """A saved PNG (its path, or its bytes) for the screen, and its width in inches:
    flattened on white, resampled to ``dpi`` and reduced to ``colours`` colours without
    dithering (the figures are flat colours and text, so this is invisible and a third
    the size). Deterministic: the same file gives the same bytes, with no metadata.

    Resampling by a whole factor (300 to 150 dpi) averages each block of pixels, which
    is what drawing at the lower resolution with anti-aliasing gives, at a tenth of the
    cost of Lanczos; other factors use Lanczos."""
    from PIL import Image

    source = io.BytesIO(png) if isinstance(png, bytes) else png
    with Image.open(source) as image:
        source_dpi = float(image.info.get("dpi", (style.PNG_DPI,) * 2)[0]) or float(style.PNG_DPI)
        inches = image.width / source_dpi
        rgba = image.convert("RGBA")
    if rgba.getchannel("A").getextrema() == (255, 255):  # opaque (our figures are)
        flat = rgba.convert("RGB")
    else:
        flat = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba).convert("RGB")
    factor = source_dpi / dpi
    if factor == int(factor) and factor >= 1:
        small = flat.reduce(int(factor))
    else:
        width = max(1, round(inches * dpi))
        small = flat.resize((width, max(1, round(flat.height * width / flat.width))),
                            Image.Resampling.LANCZOS)
    small = small.quantize(colors=colours, method=Image.Quantize.MEDIANCUT,
                           dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    small.save(buffer, format="PNG")
    return buffer.getvalue(), inches


def save_figure(fig: Figure, stem: str, data: pd.DataFrame, *, caption: str, alt_text: str,
                inputs: Sequence[str], notebook: str,
                out_dir: Path | str | None = None) -> SavedFigure:
    """Check ``fig`` and write ``<stem>.pdf/.svg/.png`` and ``<stem>.csv`` (``data``).

    ``out_dir`` defaults to ``figures/``. ``caption`` and ``alt_text`` (what the figure
    shows and its main finding, for screen readers) go into each file's metadata;
    ``inputs`` (the tables read, repository-relative) and ``notebook`` (the notebook
    that shows the figure) are checked to be non-empty. Normally called through
    :func:`dronediplomacy.reporting.figures.save`, which takes all of these from the figure's
    registry entry and rewrites the manifest; call it directly only for figures that
    are not part of the published set.
    """
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
        check_figure(fig)  # lays the figure out: every file below is drawn from that layout
        # All four files are written to temporary files first and renamed onto their
        # targets only when every one succeeded: a failure leaves the old set intact.
        with contextlib.ExitStack() as stack:
            stack.enter_context(frozen_layout(fig))
            stack.enter_context(pdf_fonts_without_layout_tables())
            tmp = {suffix: stack.enter_context(atomic.atomic_path(target))
                   for suffix, target in targets.items()}
            tmp[".csv"].write_bytes(data.to_csv(index=False, lineterminator="\n").encode("utf-8"))
            for suffix in (".pdf", ".svg", ".png"):
                fmt = suffix[1:]
                fig.savefig(tmp[suffix], format=fmt, dpi=style.PNG_DPI,
                            metadata=metadata(fmt, title=caption, description=alt_text))
    return SavedFigure(stem, targets[".pdf"], targets[".svg"], targets[".png"], targets[".csv"],
                       figure=fig, data=data, alt_text=alt_text)
