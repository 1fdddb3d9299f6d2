"""Figures for papers: byte-stable files, print sizes, embedded fonts, readable text,
and a manifest generated from the registry (never kept by hand)."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import matplotlib.text
import pandas as pd
import pytest
from PIL import Image

from dronediplomacy.reporting import figsave
from dronediplomacy.reporting import figures
from dronediplomacy import paths
from dronediplomacy.running import pipeline
from dronediplomacy.inputs import sipri
from dronediplomacy.reporting import style

PLOT_FORMATS = (".pdf", ".svg", ".png")
WARS = [figures.WarPeriod("nk2020", "Second Nagorno-Karabakh war", date(2020, 9, 27), date(2020, 11, 10)),
        figures.WarPeriod("ukr2022", "Russian full-scale invasion", date(2022, 2, 24), None)]


def width_ok(inches: float) -> bool:
    return any(abs(inches - w) <= 0.05 * w for w in (3.5, 7.2))


def pdf_width_in(data: bytes) -> float:
    boxes = re.findall(rb"/MediaBox \[\s*([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)\s*\]", data)
    assert len(boxes) == 1, "expected one page"
    x0, _, x1, _ = (float(v) for v in boxes[0])
    return (x1 - x0) / 72


def assert_fonts_embedded(data: bytes) -> None:
    descriptors = data.count(b"/Type /FontDescriptor")
    assert descriptors >= 1
    assert data.count(b"/FontFile2") == descriptors, "every font must be embedded (TrueType)"
    assert b"/Type3" not in data and b"/Type1" not in data


def assert_metadata_pinned(files: dict[str, bytes]) -> None:
    assert b"/CreationDate" not in files[".pdf"] and b"/ModDate" not in files[".pdf"]
    assert b"/Producer" not in files[".pdf"]
    assert b"<dc:date>" not in files[".svg"]
    assert b"Software" not in files[".png"][:4096]


def run_python(*codes_and_seeds: tuple[str, str]) -> None:
    """Run each (code, PYTHONHASHSEED) in its own Python process, at the same time."""
    running = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True,
                                env={**os.environ, "PYTHONHASHSEED": seed, "MPLBACKEND": "Agg"})
               for code, seed in codes_and_seeds]
    for process in running:
        _, stderr = process.communicate()
        assert process.returncode == 0, stderr


# -- byte-identical output from separate processes ---------------------------------------

SAVE_FIG08 = textwrap.dedent("""
    import sys
    from datetime import date
    from dronediplomacy.reporting import figsave
    from dronediplomacy.reporting import figures
    from dronediplomacy.inputs import sipri
    from dronediplomacy.reporting import style
    wars = [figures.WarPeriod("nk2020", "Second Nagorno-Karabakh war", date(2020, 9, 27), date(2020, 11, 10)),
            figures.WarPeriod("ukr2022", "Russian full-scale invasion", date(2022, 2, 24), None)]
    export = sipri.read_trade_register(figures.SIPRI_CSV)
    with style.figure_style():
        fig, data = figures.plot_sipri_deliveries(sipri.armed_uav_deliveries(export), wars,
                                                  generated=export.attrs["generated"])
    figsave.save_figure(fig, "fig-08-sipri-deliveries", data, caption="Caption – “quoted”.",
                        alt_text="Alt text.", inputs=["data/raw/x.csv"],
                        notebook="04-compare-conflicts.ipynb", out_dir=sys.argv[1])
""")


def test_a_figure_saved_in_two_processes_has_identical_bytes(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    run_python((SAVE_FIG08.replace("sys.argv[1]", repr(str(first))), "1"),
               (SAVE_FIG08.replace("sys.argv[1]", repr(str(second))), "2"))
    for suffix in figsave.SUFFIXES:
        a = (first / f"fig-08-sipri-deliveries{suffix}").read_bytes()
        b = (second / f"fig-08-sipri-deliveries{suffix}").read_bytes()
        assert a == b, f"{suffix} differs between processes"
    files = {s: (first / f"fig-08-sipri-deliveries{s}").read_bytes() for s in figsave.SUFFIXES}
    assert_metadata_pinned(files)
    assert_fonts_embedded(files[".pdf"])


# Committed figures are compared byte for byte with a fresh rebuild by
# tests/test_hermetic.py (notebooks 01-04 rerun offline, in another folder, locale and
# time zone), so no separate rebuild here: it cost 16-25 s of the test budget.


# -- the committed figure files -----------------------------------------------------------

@pytest.fixture(scope="module", params=sorted(figures.REGISTRY))
def committed(request) -> dict[str, bytes]:
    stem = request.param
    files = {}
    for suffix in figsave.SUFFIXES:
        path = paths.FIGURES / f"{stem}{suffix}"
        assert path.is_file(), f"{paths.relative(path)} is missing"
        files[suffix] = path.read_bytes()
    files["stem"] = stem.encode()
    return files


def test_sizes_are_one_or_two_columns(committed):
    assert width_ok(pdf_width_in(committed[".pdf"]))
    svg_width = re.search(rb'<svg[^>]* width="([\d.]+)pt"', committed[".svg"])
    assert svg_width and width_ok(float(svg_width.group(1)) / 72)
    with Image.open(paths.FIGURES / f"{committed['stem'].decode()}.png") as png:
        assert width_ok(png.size[0] / 300)
        assert [round(d) for d in png.info["dpi"]] == [300, 300]


def test_pdf_fonts_are_embedded_and_metadata_pinned(committed):
    assert_fonts_embedded(committed[".pdf"])
    assert_metadata_pinned(committed)


# -- what the builders draw -----------------------------------------------------------------

@pytest.fixture(scope="module", params=sorted(figures.REGISTRY))
def built(request):
    fig, data = figures.build(request.param)
    return request.param, fig, data


def test_no_text_below_6pt_and_no_title(built):
    stem, fig, _ = built
    fig.draw_without_rendering()
    texts = [t for t in fig.findobj(matplotlib.text.Text)
             if t.get_visible() and t.get_text().strip()]
    assert texts, f"{stem} draws no text"
    small = [(t.get_text(), t.get_fontsize()) for t in texts if t.get_fontsize() < 6]
    assert not small, f"{stem}: text below 6 pt: {small}"
    assert not any(ax.get_title(loc) for ax in fig.axes for loc in ("left", "center", "right"))
    assert not fig.get_suptitle()
    figsave.check_figure(fig)  # widths, sizes, clipping, titles: the rules save_figure applies


def test_data_csv_is_the_data_the_builder_returns(built):
    stem, _, data = built
    on_disk = pd.read_csv(paths.FIGURES / f"{stem}.csv")
    assert list(on_disk.columns) == list(data.columns)
    assert len(on_disk) == len(data)
    # Cell for cell: the CSV is what the builder returns, as pandas reads it back.
    pd.testing.assert_frame_equal(on_disk, figures._read_back(data), check_dtype=False)


# -- the manifest ---------------------------------------------------------------------------

def test_manifest_is_generated_from_the_registry_and_complete():
    manifest_path = paths.FIGURES / figures.MANIFEST_NAME
    assert manifest_path.is_file(), "figures/manifest.csv is missing; run python -m dronediplomacy.reporting.figures"
    on_disk = manifest_path.read_text(encoding="utf-8")
    expected = figures.manifest_frame().to_csv(index=False, lineterminator="\n")
    assert on_disk == expected, "figures/manifest.csv differs from the registry; run " \
                                "python -m dronediplomacy.reporting.figures"
    manifest = pd.read_csv(manifest_path, keep_default_na=False)
    assert tuple(manifest.columns) == figures.MANIFEST_COLUMNS
    assert list(manifest["stem"]) == sorted(figures.REGISTRY)
    # The whole planned set (figures 1-8) is registered and listed, in order.
    assert list(manifest["stem"]) == list(figures.PLANNED_STEMS)
    for row in manifest.itertuples():
        for suffix in figsave.SUFFIXES:
            assert (paths.FIGURES / f"{row.stem}{suffix}").is_file(), (row.stem, suffix)
        assert row.data_csv == f"figures/{row.stem}.csv"
        assert row.notebook in pipeline.names()
        assert row.caption and row.alt_text and row.inputs
        for table in row.inputs.split(figures.INPUTS_SEPARATOR):
            assert (paths.ROOT / table).is_file(), f"{row.stem}: input {table} does not exist"


def test_no_file_in_figures_lacks_a_manifest_row():
    allowed = {figures.MANIFEST_NAME} | {f"{stem}{suffix}" for stem in figures.REGISTRY
                                         for suffix in figsave.SUFFIXES}
    present = {p.name for p in paths.FIGURES.iterdir() if not p.name.startswith(".")}
    assert present <= allowed, f"files in figures/ that no registered figure makes: {present - allowed}"


def test_registry_follows_the_planned_figure_set():
    assert figures.PLANNED_STEMS[7] == "fig-08-sipri-deliveries"
    assert "fig-08-sipri-deliveries" in figures.REGISTRY
    assert [s[:6] for s in figures.PLANNED_STEMS] == [f"fig-{n:02d}" for n in range(1, 9)]
    for stem, spec in figures.REGISTRY.items():
        assert stem in figures.PLANNED_STEMS and figsave.STEM_PATTERN.fullmatch(stem)
        assert spec.notebook in pipeline.names()
    with pytest.raises(ValueError, match="not a planned figure stem"):
        figures.register("fig-09-extra", caption="c", alt_text="a", inputs=("x",))
    with pytest.raises(ValueError, match="registered twice"):
        figures.register("fig-08-sipri-deliveries", caption="c", alt_text="a", inputs=("x",))


def test_manifest_regenerates_in_a_new_folder(tmp_path, monkeypatch):
    """save() writes the four files and a manifest row from the registry entry."""
    monkeypatch.setitem(figures.REGISTRY, "fig-07-agreement", figures.FigureSpec(
        "fig-07-agreement", _tiny_builder, caption="A tiny figure.",
        alt_text=lambda data: f"{len(data)} points; the largest y is {data['y'].max()}.",
        inputs=("data/raw/sipri_trade_register_turkiye.csv",)))
    saved = figures.save("fig-07-agreement", tmp_path)
    assert all(p.is_file() for p in saved.files)
    manifest = pd.read_csv(tmp_path / "manifest.csv", keep_default_na=False)
    assert list(manifest["stem"]) == ["fig-07-agreement"]  # only what this folder holds
    assert manifest.loc[0, "alt_text"] == "3 points; the largest y is 9."
    assert manifest.loc[0, "data_csv"] == "fig-07-agreement.csv"
    pdf = saved.pdf.read_bytes()
    assert b"A tiny figure." in pdf  # the caption travels with the file


def _tiny_builder():
    fig, ax = style.new_figure(style.ONE_COLUMN, 2.0)
    data = pd.DataFrame({"x": [1, 2, 3], "y": [1, 4, 9]})
    ax.plot(data["x"], data["y"], color=style.conflict_colour("ukr2022"))
    ax.set_xlabel("x")
    return fig, data


# -- save_figure refuses figures that break the rules ------------------------------------------

def _figure(width=style.ONE_COLUMN, *, label_size=7.0, title="", outside=False):
    with style.figure_style():
        fig, ax = style.new_figure(style.ONE_COLUMN, 2.0)
        fig.set_size_inches(width, 2.0)
        ax.plot([0, 1], [0, 1])
        ax.set_xlabel("x", fontsize=label_size)
        if title:
            ax.set_title(title)
        if outside:
            fig.text(0.95, 0.5, "a note running off the edge")
    return fig


@pytest.mark.parametrize("fig, words", [
    (lambda: _figure(5.0), "5.00 in wide"),
    (lambda: _figure(label_size=5.5), "5.5 pt"),
    (lambda: _figure(title="A title"), "title baked in"),
    (lambda: _figure(outside=True), "reaches outside the figure"),
])
def test_save_figure_rejects_rule_breaking_figures(tmp_path, fig, words):
    with pytest.raises(figsave.FigureRuleError, match=words):
        figsave.save_figure(fig(), "fig-07-agreement", pd.DataFrame({"x": [1]}), caption="c",
                            alt_text="a", inputs=["x"], notebook="n", out_dir=tmp_path)
    assert not list(tmp_path.iterdir()), "nothing may be written for a rejected figure"


def test_a_failed_save_leaves_the_previous_files_untouched(tmp_path):
    data = pd.DataFrame({"x": [1]})
    saved = figsave.save_figure(_figure(), "fig-07-agreement", data, caption="old",
                                alt_text="a", inputs=["x"], notebook="n", out_dir=tmp_path)
    before = {p: p.read_bytes() for p in saved.files}
    fig = _figure(style.TWO_COLUMN)
    original = fig.savefig

    def failing_savefig(path, **kwargs):
        if kwargs.get("format") == "png":
            raise OSError("disk full")
        return original(path, **kwargs)

    fig.savefig = failing_savefig
    with pytest.raises(OSError, match="disk full"):
        figsave.save_figure(fig, "fig-07-agreement", pd.DataFrame({"x": [2]}), caption="new",
                            alt_text="a", inputs=["x"], notebook="n", out_dir=tmp_path)
    assert {p: p.read_bytes() for p in saved.files} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in saved.files)


def test_save_figure_accepts_both_widths(tmp_path):
    for width in (style.ONE_COLUMN, style.TWO_COLUMN):
        saved = figsave.save_figure(_figure(width), "fig-07-agreement", pd.DataFrame({"x": [1]}),
                                    caption="c", alt_text="a", inputs=["x"], notebook="n",
                                    out_dir=tmp_path)
        assert pdf_width_in(saved.pdf.read_bytes()) == pytest.approx(width)
        with Image.open(saved.png) as png:
            assert png.size[0] == round(width * 300)


def test_save_figure_rejects_bad_stems_and_empty_descriptions(tmp_path):
    data = pd.DataFrame({"x": [1]})
    with pytest.raises(ValueError, match="fig-NN-slug"):
        figsave.save_figure(_figure(), "figure 7", data, caption="c", alt_text="a",
                            inputs=["x"], notebook="n", out_dir=tmp_path)
    with pytest.raises(ValueError, match="alt_text"):
        figsave.save_figure(_figure(), "fig-07-agreement", data, caption="c", alt_text=" ",
                            inputs=["x"], notebook="n", out_dir=tmp_path)
    with pytest.raises(ValueError, match="inputs"):
        figsave.save_figure(_figure(), "fig-07-agreement", data, caption="c", alt_text="a",
                            inputs="x", notebook="n", out_dir=tmp_path)


# -- figure 8 ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def fig08():
    export = sipri.read_trade_register(figures.SIPRI_CSV)
    deliveries = sipri.armed_uav_deliveries(export)
    with style.figure_style():
        fig, data = figures.plot_sipri_deliveries(deliveries, WARS,
                                                  generated=export.attrs["generated"])
    fig.draw_without_rendering()
    return fig, data, deliveries


def bar_patches(ax):
    return [patch for container in ax.containers for patch in container.patches]


def test_fig08_stops_at_the_last_covered_year(fig08):
    fig, data, _ = fig08
    ax = fig.axes[0]
    assert ax.get_xlim() == (2014, 2025)  # year 2024 is drawn over [2024, 2025)
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[0] == "2014" and labels[-1] == "2024" and "2025" not in labels
    bars = data[data["layer"] == "deliveries"]
    assert int(bars["year"].max()) == 2024


def test_fig08_bars_are_the_data_and_estimates_are_hatched(fig08):
    fig, data, deliveries = fig08
    ax = fig.axes[0]
    drawn = sorted((round(p.get_height()), bool(p.get_hatch())) for p in bar_patches(ax))
    nonzero = deliveries[deliveries["delivered"] > 0]
    assert drawn == sorted(zip(nonzero["delivered"], nonzero["includes_estimate"]))
    assert any(not hatched for _, hatched in drawn)  # Ukraine 2023: SIPRI's exact count
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Number includes a SIPRI estimate" in legend
    assert legend[:3] == ["To Azerbaijan", "To Ukraine", "To all recipients"]


def test_fig08_shades_the_wars_and_credits_sipri(fig08):
    fig, data, _ = fig08
    wars = data[data["layer"] == "war period"]
    assert list(wars["conflict_id"]) == ["nk2020", "ukr2022"]
    assert list(wars["start"]) == ["2020-09-27", "2022-02-24"]
    texts = [t for t in figsave.visible_texts(fig)]
    credit = [t for t in texts if t.get_text().startswith("Data: SIPRI Arms Transfers Database")]
    assert len(credit) == 1 and credit[0].get_fontsize() >= 6
    assert "12 Feb 2026" in credit[0].get_text()
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "Second Nagorno-Karabakh war (27 Sep–10 Nov 2020)" in legend
    assert "Russian full-scale invasion (from 24 Feb 2022)" in legend


def test_fig08_uses_the_conflict_colours(fig08):
    from matplotlib.colors import to_hex

    fig, _, _ = fig08
    ax = fig.axes[0]
    edges = {to_hex(p.get_edgecolor()) for p in bar_patches(ax)}
    assert edges == {c.lower() for c in style.CONFLICT_COLOURS.values()}


def test_war_periods_read_the_conflicts_table(tmp_path):
    table = tmp_path / "conflicts.csv"
    table.write_text("conflict_id,name,date_start,date_end,other\n"
                     "nk2020,Second Nagorno-Karabakh war,2020-09-27,2020-11-10,x\n"
                     "ukr2022,Russia's full-scale invasion of Ukraine,2022-02-24,,y\n"
                     "context,Industry and exports,,,z\n", encoding="utf-8")
    periods = figures.war_periods(table)
    assert periods == [
        figures.WarPeriod("nk2020", "Second Nagorno-Karabakh war", date(2020, 9, 27), date(2020, 11, 10)),
        figures.WarPeriod("ukr2022", "Russia's full-scale invasion of Ukraine", date(2022, 2, 24), None),
    ]
    assert figures.war_periods(pd.read_csv(table, dtype=str)) == periods


def test_war_periods_errors(tmp_path):
    from dronediplomacy.errors import InputError

    with pytest.raises(InputError, match="is missing"):
        figures.war_periods(tmp_path / "absent.csv")
    bad = tmp_path / "conflicts.csv"
    bad.write_text("conflict_id,name,date_start,date_end\nnk2020,War,27/09/2020,\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        figures.war_periods(bad)
    assert (caught.value.row, caught.value.column) == ("nk2020", "date_start")
    with pytest.raises(KeyError, match="no colour for conflict id 'gaza2023'"):
        figures.WarPeriod("gaza2023", "War", date(2023, 10, 7))
    with pytest.raises(ValueError, match="before it starts"):
        figures.WarPeriod("nk2020", "War", date(2020, 11, 10), date(2020, 9, 27))


def test_decimal_year():
    assert figures.decimal_year(date(2020, 1, 1)) == 2020.0
    assert figures.decimal_year(date(2022, 2, 24)) == pytest.approx(2022 + 54 / 365)
    assert figures.decimal_year(date(2020, 12, 31)) == pytest.approx(2020 + 365 / 366)


# -- the saving path: one layout, fonts without layout tables, the screen copy -----------------

def embedded_fonts(pdf: bytes) -> list:
    """The TrueType fonts embedded in a PDF (the FontFile2 streams), parsed by fontTools."""
    import zlib

    from fontTools.ttLib import TTFont

    fonts = []
    for number in re.findall(rb"/FontFile2 (\d+) 0 R", pdf):
        obj = re.search(rb"\n" + number + rb" 0 obj\s*<<(.*?)>>\s*stream\r?\n", pdf, re.S)
        assert obj, f"font stream object {number!r} not found"
        length = int(re.search(rb"/Length (\d+)", obj.group(1)).group(1))
        raw = pdf[obj.end(): obj.end() + length]
        data = zlib.decompress(raw) if b"/FlateDecode" in obj.group(1) else raw
        fonts.append(TTFont(io.BytesIO(data)))
    return fonts


def test_pdf_fonts_are_embedded_with_their_glyphs_but_without_layout_tables(committed):
    fonts = embedded_fonts(committed[".pdf"])
    assert fonts, "no embedded font found"
    for font in fonts:
        tables = set(font.keys())
        assert not tables & set(figsave.PDF_FONT_TABLES_LEFT_OUT), tables
        assert {"glyf", "loca", "hmtx", "head", "cmap"} <= tables
    # the subsets hold the glyphs of the figure's text (digits and letters at least)
    glyphs = {name for font in fonts for name in font.getGlyphOrder()}
    assert {"zero", "one", "a", "e"} <= glyphs, sorted(glyphs)


def test_matplotlib_embeds_layout_tables_without_the_saving_path(tmp_path):
    # The other half of the test above: the tables are left out by
    # figsave.pdf_fonts_without_layout_tables, not absent from the font to begin with.
    fig = _figure()
    with style.figure_style():
        plain = io.BytesIO()
        fig.savefig(plain, format="pdf")
        with figsave.pdf_fonts_without_layout_tables():
            trimmed = io.BytesIO()
            fig.savefig(trimmed, format="pdf")
    assert any(set(f.keys()) & {"GSUB", "GPOS"} for f in embedded_fonts(plain.getvalue()))
    assert not any(set(f.keys()) & {"GSUB", "GPOS"} for f in embedded_fonts(trimmed.getvalue()))
    assert plain.getvalue() != trimmed.getvalue()


def test_every_format_is_drawn_from_the_layout_of_the_check(tmp_path):
    fig = _figure()
    assert fig.get_layout_engine() is not None  # style.new_figure: constrained layout
    saved = figsave.save_figure(fig, "fig-07-agreement", pd.DataFrame({"x": [1]}), caption="c",
                                alt_text="a", inputs=["x"], notebook="n", out_dir=tmp_path)
    assert fig.get_layout_engine() is None, "the saved figure keeps its layout"
    position = fig.axes[0].get_position().bounds
    with style.figure_style():
        again = io.BytesIO()
        fig.savefig(again, format="png", metadata=figsave.metadata("png", title="c",
                                                                   description="a"))
    assert fig.axes[0].get_position().bounds == position
    assert again.getvalue() == saved.png.read_bytes()


def test_a_figure_that_fails_its_save_keeps_its_layout_engine(tmp_path):
    fig = _figure()
    engine = fig.get_layout_engine()

    def failing_savefig(path, **kwargs):
        raise OSError("disk full")

    fig.savefig = failing_savefig
    with pytest.raises(OSError, match="disk full"):
        figsave.save_figure(fig, "fig-07-agreement", pd.DataFrame({"x": [1]}), caption="c",
                            alt_text="a", inputs=["x"], notebook="n", out_dir=tmp_path)
    assert fig.get_layout_engine() is engine


def test_a_saved_figure_shows_as_a_screen_copy_of_its_png_and_names_its_files(tmp_path):
    saved = figsave.save_figure(_figure(), "fig-07-agreement", pd.DataFrame({"x": [1]}),
                                caption="c", alt_text="a", inputs=["x"], notebook="n",
                                out_dir=tmp_path)
    png, meta = saved._repr_png_()
    with Image.open(io.BytesIO(png)) as shown, Image.open(saved.png) as written:
        assert shown.width == round(written.width * figsave.SCREEN_DPI / style.PNG_DPI)
        assert shown.mode == "P" and len(shown.getcolors()) <= figsave.SCREEN_COLOURS
    assert meta == {"width": round(style.ONE_COLUMN * figsave.SCREEN_SHOWN_PX_PER_INCH), "alt": "a"}
    assert saved._repr_png_() == (png, meta)  # the same bytes every time
    from IPython.lib.pretty import pretty

    assert pretty(saved) == (f"fig-07-agreement: {paths.relative(tmp_path)}/"
                             "fig-07-agreement.{pdf,svg,png,csv}")
