"""Figures 1-7 draw what their data says, and their data is what the tables and the
summaries hold. Checked as relations between a figure's own data frame and its inputs
(never against today's counts or ids), and on small fixtures where a rule is at stake.
Generic rules (width, fonts, clipping, the CSV on disk, the manifest): tests/test_figures.py.
"""

import math

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from dronediplomacy.analysis import summaries
from dronediplomacy.coding.codebook import load_codebook
from dronediplomacy.inputs.tables import load_tables
from dronediplomacy.reporting import figures, style
from dronediplomacy.reporting import figures_article as fa

CONFLICT_HEX = {c.lower() for c in style.CONFLICT_COLOURS.values()}
ARTICLE_STEMS = [stem for stem in sorted(figures.REGISTRY) if stem != "fig-08-sipri-deliveries"]


@pytest.fixture(scope="module")
def tables():
    return load_tables()


@pytest.fixture(scope="module")
def codebook():
    return load_codebook()


@pytest.fixture(scope="module")
def coded(tables, codebook):
    return summaries.coded_statements(tables, codebook)


@pytest.fixture(scope="module")
def built():
    return {stem: figures.spec(stem).build() for stem in ARTICLE_STEMS}


def texts(fig) -> list[str]:
    return [t.get_text() for t in figures.visible_texts(fig)]


@pytest.mark.parametrize("stem", ARTICLE_STEMS)
def test_captions_and_alt_texts_render_from_the_csv(stem, built):
    caption, alt = figures.spec(stem).describe(figures.read_back(built[stem][1]))
    assert len(caption) > 80 and len(alt) > 60
    assert "nan" not in f"{caption} {alt}".lower().split()


# -- figure 1: timeline -----------------------------------------------------------------------

def test_fig01_places_every_item_once_in_its_lane_drawn_as_its_dates_say(built, tables):
    fig, data = built["fig-01-timeline"]
    main = data[(data["layer"] == "item") & (data["panel"] != "detail")].set_index("item_id")
    rows = pd.concat([tables.statements.rename(columns={"statement_id": "item_id"}),
                      tables.events.rename(columns={"event_id": "item_id"})]).set_index("item_id")
    assert sorted(main.index) == sorted(rows.index)
    assert (main["conflict_id"] == rows.loc[main.index, "conflict_id"]).all()
    for item_id, item in main.iterrows():
        early, late = rows.loc[item_id, ["date_earliest", "date_latest"]]
        expected = ("undated" if pd.isna(early) and pd.isna(late) else "open_start" if pd.isna(early)
                    else "open_end" if pd.isna(late) else "point" if early == late else "interval")
        assert item["drawn_as"] == expected, item_id
    undated = main[main["drawn_as"] == "undated"]
    assert undated["x_start"].isna().all() and (undated["panel"] == "undated").all()
    listed = " ".join(t.get_text() for t in fig.axes[1].texts)
    assert all(item_id in listed for item_id in undated.index)


def test_fig01_shades_every_war_and_details_a_war_shorter_than_a_year(built, tables):
    fig, data = built["fig-01-timeline"]
    wars = figures.war_periods(tables)
    assert list(data.loc[data["layer"] == "war period", "conflict_id"]) == [w.conflict_id for w in wars]
    short = [w for w in wars if w.end and (w.end - w.start).days < 365]
    detail = data[data["panel"] == "detail"]
    assert set(detail["conflict_id"]) == {min(short, key=lambda w: w.end - w.start).conflict_id
                                          } if short else detail.empty
    assert len(fig.axes) == (3 if short else 2)
    assert {to_hex(t.get_color()) for t in fig.axes[0].get_yticklabels()} == \
        {style.conflict_colour(c).lower() for c in tables.conflicts["conflict_id"]}


# -- figure 2: coded matrix -------------------------------------------------------------------

def test_fig02_is_every_statement_by_every_move_as_coded(built, coded, codebook):
    fig, data = built["fig-02-coded-matrix"]
    moves = codebook.move_ids
    assert len(data) == len(coded) * len(moves)
    by_id = coded.set_index("statement_id")
    assert all(by_id.loc[r.statement_id, r.move] == r.coded for r in data.itertuples())
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == \
        [f"{r.statement_id} {r.speaker}" for r in data.drop_duplicates("row").itertuples()]
    assert [t.get_text().replace("\n", " ") for t in ax.get_xticklabels()] == \
        [summaries.code_labels(codebook, "accountability_move")[m] for m in moves]
    hits = data[data["coded"] == 1]
    filled, hollow = [c for c in ax.collections if len(c.get_offsets()) and c.get_sizes()[0] > 10]
    assert len(filled.get_offsets()) == int((hits["speaker_side"] == "turkey").sum())
    assert len(hollow.get_offsets()) == int((hits["speaker_side"] != "turkey").sum())
    assert {to_hex(c) for c in hollow.get_facecolors()} == {"#ffffff"}
    assert {to_hex(c) for coll in (filled, hollow) for c in coll.get_edgecolors()} <= CONFLICT_HEX


# -- figures 3 and 5: counts ------------------------------------------------------------------

@pytest.mark.parametrize("stem, column, count", [
    ("fig-03-move-profile", "move", summaries.move_counts),
    ("fig-05-named-agent", "named_agent", summaries.agent_counts),
])
def test_count_figures_draw_the_summaries_counts_in_speaker_side_colours(built, coded, codebook,
                                                                          stem, column, count):
    fig, data = built[stem]
    expected = count(coded, codebook).groupby(["conflict_id", column, "speaker_side"])["count"].sum()
    assert data.set_index(["conflict_id", column, "speaker_side"])["count"].sort_index().equals(
        expected.sort_index())
    for ax, (cid, panel) in zip(fig.axes, data.groupby("conflict_id", sort=False)):
        assert sum(p.get_width() for p in ax.patches) == pytest.approx(panel["count"].sum())
        assert summaries.conflict_short(cid) in texts(fig)
    colours = {to_hex(p.get_facecolor()) for ax in fig.axes for p in ax.patches}
    assert colours <= {c.lower() for c in style.OTHER_COLOURS} and not colours & CONFLICT_HEX


# -- figure 4: positioning map ----------------------------------------------------------------

def test_fig04_plots_alignment_against_the_summaries_ownership_score(built, tables, coded, codebook):
    fig, data = built["fig-04-positioning-map"]
    points = data[data["layer"] == "statement"].set_index("statement_id")
    by_id = coded.set_index("statement_id")
    assert sorted(points.index) == sorted(by_id.index)
    assert (points["ownership_score"] == by_id.loc[points.index, "ownership_score"]).all()
    assert (points["y"] == points["ownership_score"].astype(float)).all()
    assert ((points["x"] - points["alignment_value"].astype(float)).abs() < 0.5).all()
    assert not points[["x", "y"]].duplicated().any()
    arrows = data[data["layer"] == "response"]
    links = tables.statement_responses
    assert list(zip(arrows["statement_id"], arrows["answers_id"])) == \
        list(zip(links["response_id"], links["answers_id"]))
    for a in arrows.itertuples():
        assert (a.x, a.y, a.x_to, a.y_to) == (*points.loc[a.statement_id, ["x", "y"]],
                                               *points.loc[a.answers_id, ["x", "y"]])
    assert len([t for t in fig.axes[0].texts if t.arrow_patch is not None]) == len(links)
    caption = figures.spec("fig-04-positioning-map").describe(figures.read_back(data))[0]
    assert summaries.ownership_rule(codebook).rule in caption  # the codebook's rule, as data


# -- figure 6: evidence map -------------------------------------------------------------------

def test_fig06_links_are_claim_evidence_and_bare_claims_say_so(built, tables):
    fig, data = built["fig-06-evidence-map"]
    linked = data[data["linked"]]
    assert sorted(zip(linked["claim_id"], linked["evidence_id"])) == \
        sorted(zip(tables.claim_evidence["claim_id"], tables.claim_evidence["evidence_id"]))
    assert len(data) == len(tables.claims) * (len(tables.statements) + len(tables.events))
    bare = set(tables.claims["claim_id"]) - set(tables.claim_evidence["claim_id"])
    assert len([t for t in texts(fig) if t.startswith("no evidence cited")]) == len(bare)
    order = data.drop_duplicates("claim_id").sort_values("row")["claim_type"].tolist()
    assert order == sorted(order, key=order.index)  # each claim type's rows are contiguous


# -- figure 7: agreement, on a fixture ------------------------------------------------------------

AGREEMENT = pd.DataFrame([
    {"dimension": "accountability_move", "row_type": "binary_code", "code": "private_agency",
     "alpha": 0.5, "alpha_ci_low": 0.1, "alpha_ci_high": 0.9, "n_statements": 16,
     "bootstrap_resamples": 200, "resamples_without_variation": 3, "percent_agreement": 0.9,
     "alpha_note": ""},
    {"dimension": "accountability_move", "row_type": "binary_code", "code": "credit_claiming",
     "alpha": np.nan, "alpha_ci_low": np.nan, "alpha_ci_high": np.nan, "n_statements": 16,
     "bootstrap_resamples": 200, "resamples_without_variation": 200, "percent_agreement": 1.0,
     "alpha_note": "undefined: no variation"},
    {"dimension": "stance", "row_type": "not_coded", "code": np.nan, "alpha": np.nan,
     "alpha_ci_low": np.nan, "alpha_ci_high": np.nan, "n_statements": 16,
     "bootstrap_resamples": np.nan, "resamples_without_variation": np.nan,
     "percent_agreement": np.nan, "alpha_note": "coded by hand only"},
    {"dimension": "stance", "row_type": "category", "code": "x", "alpha": 0.3,
     "alpha_ci_low": 0.1, "alpha_ci_high": 0.4, "n_statements": 16, "bootstrap_resamples": 200,
     "resamples_without_variation": 0, "percent_agreement": 0.5, "alpha_note": ""},
])


def test_agreement_rows_order_and_classify(codebook):
    rows = fa.agreement_rows(AGREEMENT, codebook)
    assert list(rows["code"].fillna("")) == ["credit_claiming", "private_agency", ""]  # codebook order
    assert list(rows["status"]) == ["undefined", "estimate", "not coded"]
    assert pd.isna(rows.loc[0, "alpha"])  # never 0
    assert rows.loc[1, "label"] == summaries.code_labels(codebook, "accountability_move")["private_agency"]


def test_fig07_shows_an_undefined_alpha_as_undefined_not_as_a_value(monkeypatch):
    monkeypatch.setattr(fa, "read_derived", lambda name: AGREEMENT)
    fig, data = figures.spec("fig-07-agreement").build()
    ax = fig.axes[0]
    undefined = data.loc[data["status"] == "undefined", "row"]
    for row in undefined:
        assert not [line for line in ax.get_lines() if line.get_transform() == ax.transData
                    and any(math.isclose(y, row) for y in np.atleast_1d(line.get_ydata()))]
    assert any(t.startswith(fa.UNDEFINED_LABEL) for t in texts(fig))
    segments = {tuple(np.round(line.get_xdata(), 4)) for line in ax.get_lines()}
    assert (0.1, 0.9) in segments  # the bootstrap interval of the estimate
    assert "3 of 200 resamples without variation" in texts(fig)
    caption, alt = figures.spec("fig-07-agreement").describe(figures.read_back(data))
    assert "undefined (neither coding varies) for credit claiming" in caption
    assert "Alpha is undefined for 1 (credit claiming)" in alt


def test_fig07_names_the_notebook_to_run_when_the_agreement_is_missing(monkeypatch, tmp_path):
    from dronediplomacy import paths
    from dronediplomacy.errors import InputError

    monkeypatch.setattr(paths, "DATA_DERIVED", tmp_path)
    with pytest.raises(InputError, match=r"agreement\.csv: is missing\. Fix: run notebooks/03-code-"
                       r"statements\.ipynb \(python -m dronediplomacy\.running\.runner 03\)"):
        figures.spec("fig-07-agreement").build()
