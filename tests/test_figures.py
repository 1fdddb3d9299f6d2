"""Figures for papers: byte-stable files, print sizes, embedded fonts, readable text,
the rules save_figure enforces, and a manifest generated from the registry."""

import io
import os
import re
import subprocess
import sys
import textwrap
from datetime import date
from types import SimpleNamespace

import pandas as pd
import pytest
from matplotlib.colors import to_hex
from PIL import Image

from dronediplomacy import paths
from dronediplomacy.reporting import figures, style
from dronediplomacy import pipeline

WARS = [figures.WarPeriod("nk2020", "A short war (2020)", date(2020, 9, 27), date(2020, 11, 10)),
        figures.WarPeriod("ukr2022", "A long war", date(2022, 2, 24), None)]


def width_ok(inches: float) -> bool:
    return any(abs(inches - w) <= 0.05 * w for w in (3.5, 7.2))


def pdf_width_in(data: bytes) -> float:
    boxes = re.findall(rb"/MediaBox \[\s*([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)\s*\]", data)
    assert len(boxes) == 1, "expected one page"
    return (float(boxes[0][2]) - float(boxes[0][0])) / 72


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


def _figure(width=style.ONE_COLUMN, *, label_size=7.0, title="", outside=False):
    with style.figure_style():
        fig, ax = style.new_figure(style.ONE_COLUMN, 2.0)
        fig.set_size_inches(width, 2.0)
        ax.plot([0, 1], [0, 1], color=style.conflict_colour("ukr2022"))
        ax.set_xlabel("x – “quoted” ĞİŞ", fontsize=label_size)
        if title:
            ax.set_title(title)
        if outside:
            fig.text(0.95, 0.5, "a note running off the edge")
    return fig


def _save(fig, out, stem="fig-07-agreement", data=None, **kwargs):
    described = {"caption": "c", "alt_text": "a", **kwargs}
    return figures.save_figure(fig, stem, pd.DataFrame({"x": [1]}) if data is None else data,
                               out_dir=out, **described)


# -- byte-identical output from separate processes ---------------------------------------

SAVE_TINY = textwrap.dedent("""
    import sys
    import pandas as pd
    from dronediplomacy.reporting import figures, style
    with style.figure_style():
        fig, ax = style.new_figure(style.ONE_COLUMN, 2.0)
        ax.bar(["a", "b"], [1, 3], hatch=style.ESTIMATE_HATCH)
        ax.set_xlabel("Caption – “quoted” ĞİŞ")
    figures.save_figure(fig, "fig-01-tiny", pd.DataFrame({"x": [1, 3]}), caption="C – “q”.",
                        alt_text="Alt.", out_dir=sys.argv[1])
""")


def test_a_figure_saved_in_two_processes_has_identical_bytes(tmp_path):
    runs = [subprocess.Popen([sys.executable, "-c", SAVE_TINY, str(tmp_path / seed)],
                             stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONHASHSEED": seed, "MPLBACKEND": "Agg"})
            for seed in ("1", "2")]
    for run in runs:
        assert run.wait() == 0, run.stderr.read()
    files = {s: (tmp_path / "1" / f"fig-01-tiny{s}").read_bytes() for s in figures.SUFFIXES}
    for suffix, content in files.items():
        assert content == (tmp_path / "2" / f"fig-01-tiny{suffix}").read_bytes(), suffix
    assert_metadata_pinned(files)
    assert_fonts_embedded(files[".pdf"])


# -- the committed figure files and what the builders draw ---------------------------------

@pytest.fixture(scope="module", params=sorted(figures.REGISTRY))
def committed(request) -> dict[str, bytes]:
    files = {s: (paths.FIGURES / f"{request.param}{s}").read_bytes() for s in figures.SUFFIXES}
    return {**files, "stem": request.param}


def test_committed_files_are_one_or_two_columns_with_fonts_embedded(committed):
    assert width_ok(pdf_width_in(committed[".pdf"]))
    svg_width = re.search(rb'<svg[^>]* width="([\d.]+)pt"', committed[".svg"])
    assert svg_width and width_ok(float(svg_width.group(1)) / 72)
    with Image.open(paths.FIGURES / f"{committed['stem']}.png") as png:
        assert width_ok(png.size[0] / 300)
        assert [round(d) for d in png.info["dpi"]] == [300, 300]
    assert_fonts_embedded(committed[".pdf"])
    assert_metadata_pinned(committed)


@pytest.fixture(scope="module", params=sorted(figures.REGISTRY))
def built(request):
    return request.param, *figures.spec(request.param).build()


def test_every_figure_passes_the_rules_and_its_csv_is_what_it_plots(built):
    stem, fig, data = built
    figures.check_figure(fig)
    assert figures.visible_texts(fig), f"{stem} draws no text"
    on_disk = pd.read_csv(paths.FIGURES / f"{stem}.csv")
    pd.testing.assert_frame_equal(on_disk, figures.read_back(data), check_dtype=False)


# -- the manifest ---------------------------------------------------------------------------

def test_manifest_is_generated_from_the_registry_and_complete():
    manifest_path = paths.FIGURES / figures.MANIFEST_NAME
    expected = figures.manifest_frame().to_csv(index=False, lineterminator="\n")
    assert manifest_path.read_text(encoding="utf-8") == expected, \
        "figures/manifest.csv differs from the registry; run python -m dronediplomacy.reporting.figures"
    manifest = pd.read_csv(manifest_path, keep_default_na=False)
    assert list(manifest["stem"]) == sorted(figures.REGISTRY)
    for row in manifest.itertuples():
        assert row.notebook in pipeline.NAMES
        assert row.data_csv == f"figures/{row.stem}.csv"
        for table in row.inputs.split(figures.INPUTS_SEPARATOR):
            assert (paths.ROOT / table).is_file(), f"{row.stem}: input {table} does not exist"
    allowed = {figures.MANIFEST_NAME} | {f"{stem}{suffix}" for stem in figures.REGISTRY
                                         for suffix in figures.SUFFIXES}
    present = {p.name for p in paths.FIGURES.iterdir() if not p.name.startswith(".")}
    assert present == allowed, f"files no registered figure makes, or missing: {present ^ allowed}"


def test_register_refuses_malformed_or_repeated_stems_and_unknown_notebooks():
    stem = next(iter(figures.REGISTRY))
    for bad in ("figure 9", stem):
        with pytest.raises(ValueError, match="fig-NN-slug"):
            figures.register(bad, inputs=("x",))
    with pytest.raises(ValueError, match="inputs"):
        figures.register("fig-99-new", inputs="x")
    with pytest.raises(ValueError, match="notebook"):
        figures.register("fig-99-new", inputs=("x",), notebook="z")
    assert "fig-99-new" not in figures.REGISTRY
    with pytest.raises(KeyError, match="no figure 'fig-99-new'"):
        figures.spec("fig-99-new")


def _tiny_builder():
    fig, ax = style.new_figure(style.ONE_COLUMN, 2.0)
    data = pd.DataFrame({"x": [1, 2, 3], "y": [1, 4, 9]})
    ax.plot(data["x"], data["y"])
    return fig, data


@pytest.fixture
def tiny_templates(tmp_path, monkeypatch):
    """An empty registry and a template folder of its own."""
    import jinja2

    monkeypatch.setattr(figures, "REGISTRY", {})
    monkeypatch.setattr(figures.TEXTS, "loader", jinja2.FileSystemLoader(tmp_path / "templates"))
    (tmp_path / "templates").mkdir()
    return tmp_path / "templates"


def test_save_writes_the_files_and_a_manifest_row_rendered_from_the_csv(tmp_path, tiny_templates):
    (tiny_templates / "fig-01-tiny.txt.j2").write_text(
        "{% macro caption() %}A tiny figure.{% endmacro %}\n{% macro alt_text() %}{{ d|length }} "
        "points; the largest y is {{ d['y'].max() }}.{% endmacro %}\n")
    figures.register("fig-01-tiny", inputs=("data/input/conflicts.csv",))(_tiny_builder)
    saved = figures.save("fig-01-tiny", tmp_path)
    figures.write_manifest(tmp_path)
    assert all(p.is_file() for p in saved.files)
    manifest = pd.read_csv(tmp_path / "manifest.csv", keep_default_na=False)
    assert manifest.to_dict("records") == [{
        "stem": "fig-01-tiny", "caption": "A tiny figure.", "alt_text": "3 points; the largest y is 9.",
        "notebook": figures.DEFAULT_NOTEBOOK, "inputs": "data/input/conflicts.csv",
        "data_csv": "fig-01-tiny.csv"}]
    assert b"A tiny figure." in saved.pdf.read_bytes()  # the caption travels with the file
    saved.csv.unlink()
    assert figures.manifest_frame(tmp_path).empty  # a figure not saved has no row


def test_template_captions_state_the_data_and_a_misspelt_variable_fails(tiny_templates):
    import jinja2

    caption = "{% macro caption() %}{{ d|length }} points up to {{ top }}.{% endmacro %}\n"
    (tiny_templates / "fig-01-tiny.txt.j2").write_text(
        caption + "{% macro alt_text() %}Largest y:\n  {{ d['y'].max() }}.{% endmacro %}\n")
    (tiny_templates / "fig-02-tiny.txt.j2").write_text(
        caption + "{% macro alt_text() %}{{ d['y'].max() }} of {{ totl }}{% endmacro %}\n")
    for stem in ("fig-01-tiny", "fig-02-tiny"):
        figures.register(stem, inputs=("x",), values=lambda d: {"top": d["x"].max()})(_tiny_builder)
    data = pd.DataFrame({"x": [1, 2], "y": [1, 4]})
    assert figures.spec("fig-01-tiny").describe(data) == ("2 points up to 2.", "Largest y: 4.")
    with pytest.raises(jinja2.UndefinedError, match="'totl' is undefined"):
        figures.spec("fig-02-tiny").describe(data)


# -- save_figure refuses figures that break the rules, atomically --------------------------------

@pytest.mark.parametrize("fig, words", [
    (lambda: _figure(5.0), "5.00 in wide"),
    (lambda: _figure(label_size=5.5), "5.5 pt"),
    (lambda: _figure(title="A title"), "title baked in"),
    (lambda: _figure(outside=True), "'a note running off the edge' reaches outside the figure"),
])
def test_save_figure_rejects_rule_breaking_figures(tmp_path, fig, words):
    with pytest.raises(figures.FigureRuleError, match=words):
        _save(fig(), tmp_path)
    assert not list(tmp_path.iterdir()), "nothing may be written for a rejected figure"


def test_a_failed_save_leaves_the_previous_files_untouched(tmp_path):
    saved = _save(_figure(), tmp_path, caption="old")
    before = {p: p.read_bytes() for p in saved.files}
    fig = _figure(style.TWO_COLUMN)
    original = fig.savefig

    def failing_savefig(path, **kwargs):
        if kwargs.get("format") == "png":
            raise OSError("disk full")
        return original(path, **kwargs)

    fig.savefig = failing_savefig
    with pytest.raises(OSError, match="disk full"):
        _save(fig, tmp_path, data=pd.DataFrame({"x": [2]}), caption="new")
    assert {p: p.read_bytes() for p in saved.files} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in saved.files)


def test_save_figure_writes_both_widths_at_their_size(tmp_path):
    for width in (style.ONE_COLUMN, style.TWO_COLUMN):
        saved = _save(_figure(width), tmp_path)
        assert pdf_width_in(saved.pdf.read_bytes()) == pytest.approx(width)
        with Image.open(saved.png) as png:
            assert png.size[0] == round(width * 300)


def test_save_figure_rejects_bad_stems_and_empty_descriptions(tmp_path):
    with pytest.raises(ValueError, match="fig-NN-slug"):
        _save(_figure(), tmp_path, stem="figure 7")
    with pytest.raises(ValueError, match="alt_text"):
        _save(_figure(), tmp_path, alt_text=" ")
    with pytest.raises(ValueError, match="non-empty DataFrame"):
        _save(_figure(), tmp_path, data=pd.DataFrame())


def test_a_saved_figure_shows_as_a_screen_copy_of_its_png_and_names_its_files(tmp_path):
    saved = _save(_figure(), tmp_path)
    png, meta = saved.screen_copy()
    with Image.open(io.BytesIO(png)) as shown, Image.open(saved.png) as written:
        assert shown.width == round(written.width * figures.SCREEN_DPI / style.PNG_DPI)
        assert shown.mode == "P" and len(shown.getcolors()) <= figures.SCREEN_COLOURS
    assert meta == {"width": round(style.ONE_COLUMN * figures.SCREEN_SHOWN_PX_PER_INCH), "alt": "a"}
    assert saved.screen_copy() == (png, meta)  # the same bytes every time
    from IPython.lib.pretty import pretty

    assert pretty(saved) == (f"fig-07-agreement: {paths.relative(tmp_path)}/"
                             "fig-07-agreement.{pdf,svg,png,csv}")


# -- figure 8 on a small fixture ----------------------------------------------------------------

DELIVERIES = pd.DataFrame({
    "recipient": ["Azerbaijan"] * 3 + ["Ukraine"] * 3 + ["All recipients"] * 3,
    "year": [2019, 2020, 2021] * 3,
    "delivered": [0, 5, 0, 2, 0, 4, 3, 9, 6],
    "includes_estimate": [False, True, False, False, False, True, False, True, True],
})


@pytest.fixture(scope="module")
def fig08():
    with style.figure_style():
        fig, data = figures.figures_article.plot_sipri_deliveries(DELIVERIES, WARS, generated="1 Jan 2026 1:00 PM")
    return fig, data


def test_fig08_draws_a_bar_per_nonzero_delivery_hatching_estimates(fig08):
    fig, data = fig08
    ax = fig.axes[0]
    bars = [p for container in ax.containers for p in container.patches]
    drawn = sorted((round(p.get_height()), bool(p.get_hatch())) for p in bars)
    nonzero = DELIVERIES[DELIVERIES["delivered"] > 0]
    assert drawn == sorted(zip(nonzero["delivered"], nonzero["includes_estimate"]))
    assert ax.get_xlim() == (2019, 2022)  # the last year, 2021, is drawn over [2021, 2022)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2019", "2020", "2021"]
    assert {to_hex(p.get_edgecolor()) for p in bars} == {style.conflict_colour(c).lower() for c in
                                                         figures.figures_article.RECIPIENT_CONFLICT.values()}
    bars = data[data["layer"] == "deliveries"]
    assert bars[["series", "year", "delivered"]].astype(str).values.tolist() == \
        DELIVERIES[["recipient", "year", "delivered"]].astype(str).values.tolist()


def test_fig08_shades_the_wars_inside_its_years_and_credits_sipri(fig08):
    fig, data = fig08
    wars = data[data["layer"] == "war period"]
    assert list(wars["conflict_id"]) == ["nk2020"]  # the long war starts after 2021
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "A short war (27 Sep–10 Nov 2020)" in legend
    assert legend[:3] == ["To Azerbaijan", "To Ukraine", "To all recipients"]
    credit = [t.get_text() for t in figures.visible_texts(fig) if t.get_text().startswith("Data: SIPRI")]
    assert credit == ["Data: SIPRI Arms Transfers Database, export of 1 Jan 2026 (deliveries "
                      "recorded to 2021)."]
    spec = figures.spec("fig-08-sipri-deliveries")
    caption, alt = spec.describe(figures.read_back(data))
    assert "2019–2021" in caption and "A short war (27 Sep–10 Nov 2020)" in caption
    assert "Ukraine: 6 in all, the first in 2019, most (4) in 2021" in alt
    assert "4 of the 6 bars include SIPRI estimates" in alt


# -- wars on a time axis --------------------------------------------------------------------------

def test_war_periods_are_the_conflicts_with_a_start_date():
    conflicts = pd.DataFrame({"conflict_id": ["nk2020", "ukr2022", "context"],
                              "name": ["War one (2020)", "War two", "Context"],
                              "date_start": ["2020-09-27", "2022-02-24", None],
                              "date_end": ["2020-11-10", None, None]})
    periods = figures.war_periods(SimpleNamespace(conflicts=conflicts))
    assert periods == [figures.WarPeriod("nk2020", "War one (2020)", date(2020, 9, 27), date(2020, 11, 10)),
                       figures.WarPeriod("ukr2022", "War two", date(2022, 2, 24), None)]
    assert [p.label_with_dates() for p in periods] == ["War one (27 Sep–10 Nov 2020)",
                                                      "War two (from 24 Feb 2022)"]
    assert figures.WarPeriod("nk2020", "W", date(2019, 12, 1), date(2020, 1, 5)).label_with_dates() \
        == "W (1 Dec 2019–5 Jan 2020)"
    assert figures.war_rows(periods)[["conflict_id", "label", "start", "end"]].values.tolist() == [
        ["nk2020", "War one (27 Sep–10 Nov 2020)", "2020-09-27", "2020-11-10"],
        ["ukr2022", "War two (from 24 Feb 2022)", "2022-02-24", ""]]


def test_shading_a_war_without_a_colour_is_a_clear_error():
    with style.figure_style(), pytest.raises(KeyError, match="no colour for conflict id 'gaza2023'"):
        figures.shade_wars(style.new_figure()[1], [figures.WarPeriod("gaza2023", "War", date(2023, 10, 7))],
                           2020, 2025)


def test_decimal_year():
    assert figures.decimal_year(date(2020, 1, 1)) == 2020.0
    assert figures.decimal_year(date(2022, 2, 24)) == pytest.approx(2022 + 54 / 365)
    assert figures.year_after(date(2020, 12, 31)) == 2021.0
