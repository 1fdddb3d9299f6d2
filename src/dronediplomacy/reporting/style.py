"""Figure style: one colour-blind-safe palette, the print sizes, pinned rcParams.

Every figure of the repository is drawn inside :func:`figure_style` (a context
manager) and saved by :func:`dronediplomacy.reporting.figsave.save_figure`, which applies the
same style again while writing. Importing this module changes nothing: the user's
global ``matplotlib.rcParams`` are only changed inside the ``with`` block, and
restored on exit.

Palette
    The Okabe–Ito palette (Okabe and Ito, *Color Universal Design*, 2008), designed to
    stay distinguishable for the common colour-vision deficiencies. Each conflict id of
    ``data/input/conflicts.csv`` has ONE fixed colour, used by every figure:
    :data:`CONFLICT_COLOURS`. Other categorical encodings take colours from
    :data:`OTHER_COLOURS` (the Okabe–Ito colours no conflict uses), in that order, so
    they never reuse a conflict's colour.

Sizes
    Widths are print widths in inches: :data:`ONE_COLUMN` (3.5) or :data:`TWO_COLUMN`
    (7.2). Figures are saved at exactly their declared size (no tight bounding box), so a
    font size in points is the size on paper; no text is smaller than
    :data:`MIN_FONT_SIZE` (6 pt), which ``save_figure`` checks.

Reproducibility
    The style starts from matplotlib's defaults (so a user's ``matplotlibrc`` cannot leak
    in), uses the DejaVu Sans font that ships inside matplotlib (same glyphs on every
    machine), embeds TrueType fonts in PDF (``pdf.fonttype`` 42), draws SVG text as
    paths, and fixes ``svg.hashsalt`` so SVG ids are the same on every run.
"""

from __future__ import annotations

import contextlib
from typing import Iterator

import matplotlib as mpl
import matplotlib.style
from cycler import cycler
from matplotlib.colors import to_rgb

#: The eight Okabe–Ito colours, by their published names.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

#: One fixed colour per conflict id (``conflict_id`` in data/input/conflicts.csv).
#: Vermillion and blue stay far apart under protanopia, deuteranopia and tritanopia;
#: reddish purple for the context row (industry and exports) keeps the trio's
#: smallest simulated difference largest among the Okabe–Ito colours that read well
#: on white (bluish green would nearly merge with blue under tritanopia).
#: tests/test_style.py checks the differences.
CONFLICT_COLOURS: dict[str, str] = {
    "nk2020": OKABE_ITO["vermillion"],
    "ukr2022": OKABE_ITO["blue"],
    "context": OKABE_ITO["reddish_purple"],
}

#: Okabe–Ito colours not used by any conflict, for other categories (speaker side,
#: named agent, stance, ...). Take them in this order.
OTHER_COLOURS: tuple[str, ...] = tuple(
    colour for name, colour in OKABE_ITO.items()
    if colour not in CONFLICT_COLOURS.values() and name != "yellow"
) + (OKABE_ITO["yellow"],)  # yellow last: weak contrast on white, use for fills only

#: Neutral grey for non-categorical ink (grid, reference lines, legend keys that
#: stand for a drawing style rather than a category).
NEUTRAL = "#808080"

#: Hatch pattern marking a value that is (or includes) an estimate.
ESTIMATE_HATCH = "//////"

#: Alpha of a shaded period (a war) behind data.
SHADE_ALPHA = 0.18

#: Print widths in inches.
ONE_COLUMN = 3.5
TWO_COLUMN = 7.2
WIDTHS: tuple[float, ...] = (ONE_COLUMN, TWO_COLUMN)
#: Allowed deviation of a saved figure's width from ONE_COLUMN or TWO_COLUMN.
WIDTH_TOLERANCE = 0.05

#: Smallest font size, in points at print size.
MIN_FONT_SIZE = 6.0

#: Raster resolution of the PNG files.
PNG_DPI = 300

#: Fixed salt for SVG element ids (any fixed string gives byte-stable SVG).
SVG_HASHSALT = "dronediplomacy-figures"

#: The rcParams every figure is drawn and saved with, applied on top of
#: matplotlib's defaults.
RC_PARAMS: dict[str, object] = {
    # Fonts: the DejaVu Sans shipped with matplotlib; sizes at print size (pt).
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "mathtext.fontset": "dejavusans",
    "font.size": 8.0,
    "axes.titlesize": 8.0,
    "axes.labelsize": 8.0,
    "xtick.labelsize": 7.0,
    "ytick.labelsize": 7.0,
    "legend.fontsize": 7.0,
    "legend.title_fontsize": 7.0,
    "figure.titlesize": 8.0,
    "figure.labelsize": 8.0,
    "axes.unicode_minus": True,
    "text.usetex": False,
    # Lines and axes, thin enough for print.
    "axes.linewidth": 0.6,
    "axes.edgecolor": "#333333",
    "axes.labelcolor": "#000000",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": cycler(color=list(OTHER_COLOURS)),
    "axes.axisbelow": True,
    "grid.linewidth": 0.4,
    "grid.color": "#D9D9D9",
    "lines.linewidth": 1.2,
    "lines.markersize": 4.0,
    "patch.linewidth": 0.6,
    "hatch.linewidth": 0.6,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "xtick.major.size": 3.0,
    "ytick.major.size": 3.0,
    "legend.frameon": False,
    "image.cmap": "cividis",
    # Figure and saving: declared size, white background, no tight bbox.
    "figure.dpi": 100,
    "figure.facecolor": "white",
    "figure.autolayout": False,
    "savefig.dpi": PNG_DPI,
    "savefig.bbox": None,
    "savefig.facecolor": "white",
    "savefig.edgecolor": "white",
    "savefig.transparent": False,
    # Byte-stable, print-ready files.
    "svg.hashsalt": SVG_HASHSALT,
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "pdf.compression": 6,
    "path.simplify": True,
}


def conflict_colour(conflict_id: str) -> str:
    """The fixed colour (hex) of a conflict id; ``KeyError`` naming the known ids."""
    try:
        return CONFLICT_COLOURS[conflict_id]
    except (KeyError, TypeError):
        known = ", ".join(sorted(CONFLICT_COLOURS))
        raise KeyError(
            f"no colour for conflict id {conflict_id!r}: known conflict ids are {known}. "
            "Fix: use an id from data/input/conflicts.csv, or give a new conflict a colour "
            "in dronediplomacy.reporting.style.CONFLICT_COLOURS."
        ) from None


def lighten(colour: str, amount: float) -> tuple[float, float, float]:
    """``colour`` mixed with white: amount 0 keeps it, 1 gives white."""
    if not 0.0 <= amount <= 1.0:
        raise ValueError(f"amount must be between 0 and 1, got {amount}")
    r, g, b = to_rgb(colour)
    return (r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount)


@contextlib.contextmanager
def figure_style() -> Iterator[None]:
    """Draw (and save) figures with the pinned style; restores rcParams on exit.

    Starts from matplotlib's defaults, so the result does not depend on the user's
    matplotlibrc or on what a notebook set before. The backend is left alone.
    """
    with mpl.rc_context():
        mpl.style.use("default")
        mpl.rcParams.update(RC_PARAMS)
        yield


def new_figure(width: float = ONE_COLUMN, height: float = 2.6, **subplots_kw):
    """A figure at a print width, with constrained layout, and its axes.

    Call it inside ``with figure_style():`` (fonts and sizes are fixed when the text
    is created). The figure is a plain ``matplotlib.figure.Figure``, not registered
    with pyplot: it is not shown twice in a notebook and never leaks; show it with
    ``display(fig)`` or by ending a cell with it. ``subplots_kw`` go to
    ``Figure.subplots`` (``nrows``, ``ncols``, ``sharex``, ``gridspec_kw``, ...).
    Returns ``(fig, axes)`` like ``plt.subplots``.
    """
    from matplotlib.figure import Figure

    if not any(abs(width - w) <= WIDTH_TOLERANCE * w for w in WIDTHS):
        raise ValueError(f"width {width} in is neither ONE_COLUMN ({ONE_COLUMN} in) "
                         f"nor TWO_COLUMN ({TWO_COLUMN} in)")
    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.subplots(**subplots_kw)
