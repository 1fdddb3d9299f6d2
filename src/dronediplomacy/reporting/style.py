"""Figure style: the Okabe–Ito palette, print sizes in inches, font sizes in points on paper.
The palette (Okabe and Ito, *Color Universal Design*, 2008) stays distinguishable under the common
colour-vision deficiencies: one colour per conflict id in every figure, other categories never
reuse one. Palette and rcParams are data (templates/figures/style.yaml), applied only inside
:func:`figure_style`; importing this module changes no global setting."""

import contextlib
from pathlib import Path
from typing import Iterator

import matplotlib as mpl
import matplotlib.style
import yaml
from cycler import cycler
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

_DATA = yaml.safe_load((Path(__file__).parent / "templates" / "figures" / "style.yaml")
                       .read_text(encoding="utf-8"))
#: The eight Okabe–Ito colours, by their published names (style.yaml).
OKABE_ITO: dict[str, str] = _DATA["okabe_ito"]
#: One colour per conflict id (style.yaml says why these).
CONFLICT_COLOURS: dict[str, str] = {c: OKABE_ITO[name] for c, name in _DATA["conflict_colours"].items()}
#: The colours no conflict uses, for other categories (yellow last: weak contrast on white).
OTHER_COLOURS: tuple[str, ...] = tuple(
    c for name, c in OKABE_ITO.items() if c not in CONFLICT_COLOURS.values() and name != "yellow"
) + (OKABE_ITO["yellow"],)
#: Grey for ink that is no category (grid, reference lines, legend keys of a style).
NEUTRAL = "#808080"
#: Hatch marking a value that is (or includes) an estimate; alpha of a shaded war.
ESTIMATE_HATCH, SHADE_ALPHA = "//////", 0.18
#: Print widths (inches) and the relative deviation allowed.
ONE_COLUMN, TWO_COLUMN, WIDTH_TOLERANCE = 3.5, 7.2, 0.05
WIDTHS: tuple[float, ...] = (ONE_COLUMN, TWO_COLUMN)
#: The rcParams every figure is drawn and saved with, on top of matplotlib's defaults.
RC_PARAMS: dict[str, object] = {**_DATA["rc_params"],
                                "axes.prop_cycle": cycler(color=list(OTHER_COLOURS))}
#: Smallest font size and that of small annotations (ids next to marks), points at print size.
MIN_FONT_SIZE, LABEL_SIZE = 6.0, 6.5
#: Raster resolution; SVG id salt.
PNG_DPI, SVG_HASHSALT = RC_PARAMS["savefig.dpi"], RC_PARAMS["svg.hashsalt"]


def conflict_colour(conflict_id: str) -> str:
    """The fixed colour (hex) of a conflict id; ``KeyError`` naming the known ids."""
    if conflict_id not in CONFLICT_COLOURS:
        raise KeyError(f"no colour for conflict id {conflict_id!r}: known conflict ids are "
                       f"{', '.join(sorted(CONFLICT_COLOURS))}. Fix: use an id from "
                       "data/input/conflicts.csv, or give a new conflict a colour (style.CONFLICT_COLOURS) "
                       "under conflict_colours in dronediplomacy/reporting/templates/figures/style.yaml.")
    return CONFLICT_COLOURS[conflict_id]


def lighten(colour: str, amount: float) -> tuple[float, float, float]:
    """``colour`` mixed with white: amount 0 keeps it, 1 gives white."""
    if not 0.0 <= amount <= 1.0:
        raise ValueError(f"amount must be between 0 and 1, got {amount}")
    return tuple(c + (1 - c) * amount for c in to_rgb(colour))


def ink_on(colour: str) -> str:
    """Black or white, whichever reads better on ``colour`` (relative luminance)."""
    r, g, b = to_rgb(colour)
    return "white" if 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.45 else "black"


@contextlib.contextmanager
def figure_style() -> Iterator[None]:
    """Draw (and save) figures with the pinned style, starting from matplotlib's defaults
    (a user's matplotlibrc cannot leak in); restores rcParams on exit."""
    with mpl.rc_context():
        mpl.style.use("default")
        mpl.rcParams.update(RC_PARAMS)
        yield


def new_figure(width: float = ONE_COLUMN, height: float = 2.6, **subplots_kw):
    """``(fig, axes)`` like ``plt.subplots(**subplots_kw)``, constrained layout, not registered
    with pyplot (never shown twice); call inside :func:`figure_style`. ``width``: inches,
    ValueError unless ONE_COLUMN or TWO_COLUMN."""
    if not any(abs(width - w) <= WIDTH_TOLERANCE * w for w in WIDTHS):
        raise ValueError(f"width {width} in is neither ONE_COLUMN ({ONE_COLUMN} in) "
                         f"nor TWO_COLUMN ({TWO_COLUMN} in)")
    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.subplots(**subplots_kw)
