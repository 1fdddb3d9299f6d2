"""The figure style: one fixed, colour-blind-safe colour per conflict; pinned rcParams."""

import itertools
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib import font_manager
from matplotlib.colors import to_rgb

from dronediplomacy.reporting import style

# The Okabe–Ito palette as published (Okabe and Ito 2008, "Color Universal Design").
OKABE_ITO_PUBLISHED = {"#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2",
                       "#D55E00", "#CC79A7"}

# Colour-vision deficiency simulation, Machado, Oliveira and Fernandes (2009), severity 1,
# applied to linear RGB.
CVD = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                   [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                     [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                   [0.004733, 0.691367, 0.303900]],
    "normal vision": np.eye(3).tolist(),
}


def _linear(rgb):
    c = np.asarray(rgb, dtype=float)
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _lab(linear_rgb):
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                    [0.0193, 0.1192, 0.9505]]) @ linear_rgb
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def seen(colour: str, deficiency: str):
    simulated = np.clip(np.asarray(CVD[deficiency]) @ _linear(to_rgb(colour)), 0, 1)
    return _lab(simulated)


def test_each_conflict_has_its_own_fixed_colour():
    from dronediplomacy.inputs.tables import load_tables

    assert set(load_tables().conflicts["conflict_id"]) <= set(style.CONFLICT_COLOURS)
    for conflict, colour in style.CONFLICT_COLOURS.items():
        assert style.conflict_colour(conflict) == colour
    assert len(set(style.CONFLICT_COLOURS.values())) == len(style.CONFLICT_COLOURS)


@pytest.mark.parametrize("unknown", ["nk2021", "NK2020", "", None, "ukraine"])
def test_unknown_conflict_is_a_clear_error(unknown):
    with pytest.raises(KeyError) as caught:
        style.conflict_colour(unknown)
    message = str(caught.value)
    assert repr(unknown) in message
    assert ", ".join(sorted(style.CONFLICT_COLOURS)) in message
    assert "CONFLICT_COLOURS" in message


def test_every_colour_is_from_the_okabe_ito_palette():
    assert set(style.OKABE_ITO.values()) == OKABE_ITO_PUBLISHED
    assert set(style.CONFLICT_COLOURS.values()) <= OKABE_ITO_PUBLISHED
    assert set(style.OTHER_COLOURS) <= OKABE_ITO_PUBLISHED
    # Other categories never reuse a conflict's colour, and nothing is left out.
    assert not set(style.OTHER_COLOURS) & set(style.CONFLICT_COLOURS.values())
    assert set(style.OTHER_COLOURS) | set(style.CONFLICT_COLOURS.values()) == OKABE_ITO_PUBLISHED
    assert style.RC_PARAMS["axes.prop_cycle"].by_key()["color"] == list(style.OTHER_COLOURS)


@pytest.mark.parametrize("deficiency", list(CVD))
def test_conflict_colours_stay_apart_under_colour_vision_deficiency(deficiency):
    # CIELAB difference (1976) of every pair of conflict colours as seen with the
    # deficiency; 20 is far above a just-noticeable difference (about 2.3).
    for a, b in itertools.combinations(style.CONFLICT_COLOURS, 2):
        difference = np.linalg.norm(seen(style.CONFLICT_COLOURS[a], deficiency)
                                    - seen(style.CONFLICT_COLOURS[b], deficiency))
        assert difference > 20, (deficiency, a, b, difference)


def test_figure_style_pins_rcparams_and_restores_them():
    before = dict(mpl.rcParams)
    mpl.rcParams["font.size"] = 13.0  # a user's own setting must not leak into figures
    try:
        with style.figure_style():
            assert mpl.rcParams["svg.hashsalt"] == style.SVG_HASHSALT
            assert mpl.rcParams["pdf.fonttype"] == 42
            assert mpl.rcParams["savefig.bbox"] is None
            assert mpl.rcParams["savefig.dpi"] == 300
            assert mpl.rcParams["font.size"] == 8.0
            sizes = [mpl.rcParams[k] for k in ("font.size", "axes.labelsize", "xtick.labelsize",
                                               "ytick.labelsize", "legend.fontsize",
                                               "axes.titlesize", "legend.title_fontsize")]
            assert min(float(s) for s in sizes) >= style.MIN_FONT_SIZE
        assert mpl.rcParams["font.size"] == 13.0
    finally:
        mpl.rcParams.update(before)


def test_importing_style_changes_no_global_rcparam():
    import subprocess
    import sys

    code = ("import matplotlib as mpl; before = dict(mpl.rcParams); "
            "import dronediplomacy.reporting.style, dronediplomacy.reporting.figures; "
            "changed = [k for k in before if mpl.rcParams[k] != before[k]]; "
            "print(changed); assert not changed")
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def test_text_uses_the_dejavu_sans_shipped_with_matplotlib():
    # The same font file on every machine, even where the system has another DejaVu.
    with style.figure_style():
        found = Path(font_manager.findfont(font_manager.FontProperties(
            family=mpl.rcParams["font.family"])))
    assert found.name == "DejaVuSans.ttf"
    assert Path(mpl.get_data_path()) in found.parents


def test_sizes_and_new_figure():
    assert (style.ONE_COLUMN, style.TWO_COLUMN) == (3.5, 7.2)
    with style.figure_style():
        fig, ax = style.new_figure(style.ONE_COLUMN, 2.0)
        assert tuple(fig.get_size_inches()) == (3.5, 2.0)
        fig, axes = style.new_figure(style.TWO_COLUMN, 3.0, ncols=2)
        assert len(axes) == 2
        with pytest.raises(ValueError, match="neither ONE_COLUMN"):
            style.new_figure(5.0, 3.0)


def test_ink_on_picks_the_readable_text_colour():
    assert style.ink_on("#000000") == "white" and style.ink_on("#FFFFFF") == "black"
    assert style.ink_on(style.OKABE_ITO["blue"]) == "white"
    assert style.ink_on(style.OKABE_ITO["yellow"]) == "black"


def test_lighten():
    assert style.lighten("#000000", 0.5) == pytest.approx((0.5, 0.5, 0.5))
    assert style.lighten("#0072B2", 0.0) == pytest.approx(to_rgb("#0072B2"))
    with pytest.raises(ValueError):
        style.lighten("#0072B2", 1.5)
