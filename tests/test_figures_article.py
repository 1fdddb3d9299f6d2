"""Figures 1-7: each is built from the tables and draws what its data says.

The generic rules (print width, no text under 6 pt, no title, nothing clipped, the CSV
on disk equal to the builder's data, the manifest) are checked for every registered
figure in tests/test_figures.py; here each figure's own content is checked against
the tables it reads.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from dronediplomacy.reporting import figsave
from dronediplomacy.reporting import figures
from dronediplomacy.reporting import style
from dronediplomacy.reporting import figures_article as fa
from dronediplomacy.coding.codebook import load_codebook
from dronediplomacy.inputs.tables import load_tables

ARTICLE_STEMS = [s for s in figures.PLANNED_STEMS if s != "fig-08-sipri-deliveries"]
CONFLICT_HEX = {c.lower() for c in style.CONFLICT_COLOURS.values()}


@pytest.fixture(scope="module")
def tables():
    return load_tables()


@pytest.fixture(scope="module")
def codebook():
    return load_codebook()


@pytest.fixture(scope="module")
def coded(tables, codebook):
    return fa.coded_statements(tables, codebook)


@pytest.fixture(scope="module")
def built():
    return {stem: figures.build(stem) for stem in ARTICLE_STEMS}


def texts(fig) -> list[str]:
    return [t.get_text() for t in figsave.visible_texts(fig)]


# -- every article figure ---------------------------------------------------------------------

@pytest.mark.parametrize("stem", ARTICLE_STEMS)
def test_registered_for_notebook_04_with_existing_inputs(stem):
    spec = figures.spec(stem)
    assert spec.notebook == "04-compare-conflicts.ipynb"
    for table in spec.inputs:
        assert (figures.paths.ROOT / table).is_file(), f"{stem}: input {table} is missing"


@pytest.mark.parametrize("stem", ARTICLE_STEMS)
def test_width_is_two_columns_and_the_figure_passes_the_rules(stem, built):
    fig, data = built[stem]
    width, _ = fig.get_size_inches()
    assert width == pytest.approx(style.TWO_COLUMN)
    figsave.check_figure(fig)
    assert not data.empty


@pytest.mark.parametrize("stem", ARTICLE_STEMS)
def test_caption_and_alt_text_render_from_the_csv(stem, built):
    _, data = built[stem]
    as_read = figures._read_back(data)
    spec = figures.spec(stem)
    caption, alt = spec.caption_for(as_read), spec.alt_text_for(as_read)
    assert len(caption) > 80 and len(alt) > 80
    assert "nan" not in caption.lower().split() and "nan" not in alt.lower().split()


def test_builders_are_deterministic():
    first = figures.build("fig-04-positioning-map")[1]
    second = figures.build("fig-04-positioning-map")[1]
    pd.testing.assert_frame_equal(first, second)


# -- figure 1: timeline -----------------------------------------------------------------------

def test_fig01_places_every_item_once_in_its_lane(built, tables):
    _, data = built["fig-01-timeline"]
    main = data[(data["layer"] == "item") & (data["panel"] != "detail")]
    expected = sorted(tables.statements["statement_id"]) + sorted(tables.events["event_id"])
    assert sorted(main["item_id"]) == sorted(expected)
    lanes = dict(zip(tables.statements["statement_id"], tables.statements["conflict_id"]))
    lanes.update(zip(tables.events["event_id"], tables.events["conflict_id"]))
    assert all(lanes[i] == c for i, c in zip(main["item_id"], main["conflict_id"]))


def test_fig01_undated_items_are_listed_not_placed_at_a_date(built, tables):
    fig, data = built["fig-01-timeline"]
    items = data[data["layer"] == "item"]
    undated = items[items["drawn_as"] == "undated"]
    no_dates = tables.statements[tables.statements["date_earliest"].isna()
                                 & tables.statements["date_latest"].isna()]["statement_id"]
    assert set(no_dates) <= set(undated["item_id"])
    assert undated["x_start"].isna().all() and undated["x_end"].isna().all()
    assert (undated["panel"] == "undated").all()
    # Drawn in the undated column (the second axes), each with its id.
    column = fig.axes[1]
    listed = " ".join(t.get_text() for t in column.texts)
    for item_id in undated["item_id"]:
        assert item_id in listed
    assert "Undated in the source" in texts(fig)


def test_fig01_intervals_and_open_ends_follow_the_dates(built, tables):
    _, data = built["fig-01-timeline"]
    items = data[(data["layer"] == "item") & (data["panel"] == "timeline")].set_index("item_id")
    st = tables.statements.set_index("statement_id")
    for item_id, row in items.iterrows():
        if item_id not in st.index:
            continue
        early, late = st.loc[item_id, "date_earliest"], st.loc[item_id, "date_latest"]
        if pd.notna(early) and pd.isna(late):
            assert row["drawn_as"] == "open_end", item_id
        elif pd.isna(early) and pd.notna(late):
            assert row["drawn_as"] == "open_start", item_id
        elif pd.notna(early) and early != late:
            assert row["drawn_as"] == "interval" and row["x_end"] > row["x_start"], item_id
    # st02 is only known to come after the war's first day: an open end, not a point.
    assert items.loc["st02", "drawn_as"] == "open_end"


def test_fig01_shades_the_wars_and_details_the_short_one(built, tables):
    fig, data = built["fig-01-timeline"]
    wars = data[data["layer"] == "war period"]
    dated = tables.conflicts[tables.conflicts["date_start"].notna()]
    assert list(wars["conflict_id"]) == list(dated["conflict_id"])
    detail = data[data["panel"] == "detail"]
    assert set(detail["conflict_id"]) == {"nk2020"}  # the 45-day war
    assert len(fig.axes) == 3
    lane_colours = {to_hex(t.get_color()) for t in fig.axes[0].get_yticklabels()}
    assert lane_colours == CONFLICT_HEX


# -- figure 2: coded matrix -------------------------------------------------------------------

def test_fig02_is_every_statement_by_every_move(built, coded, codebook):
    fig, data = built["fig-02-coded-matrix"]
    moves = codebook.move_ids
    assert len(data) == len(coded) * len(moves)
    hits = data[data["coded"] == 1]
    assert len(hits) == int(coded[moves].to_numpy().sum())
    for row in hits.itertuples():
        assert coded.set_index("statement_id").loc[row.statement_id, row.move] == 1
    # The rows are labelled by id and speaker; the columns by the codebook's labels.
    ax = fig.axes[0]
    ylabels = [t.get_text() for t in ax.get_yticklabels()]
    assert "st09 Kıran" in ylabels and "st04 Azerbaijan's official newspaper" in ylabels
    xlabels = [t.get_text().replace("\n", " ") for t in ax.get_xticklabels()]
    assert xlabels == list(fa.code_labels(codebook, "accountability_move").values())


def test_fig02_marks_turkish_speakers_filled_in_conflict_colours(built):
    fig, data = built["fig-02-coded-matrix"]
    hits = data[data["coded"] == 1]
    ax = fig.axes[0]
    big = [c for c in ax.collections if len(c.get_offsets()) and c.get_sizes()[0] > 10]
    filled, hollow = big
    assert len(filled.get_offsets()) == int((hits["speaker_side"] == "turkey").sum())
    assert len(hollow.get_offsets()) == int((hits["speaker_side"] != "turkey").sum())
    edges = {to_hex(c) for coll in big for c in coll.get_edgecolors()}
    assert edges <= CONFLICT_HEX
    assert {to_hex(c) for c in hollow.get_facecolors()} == {"#ffffff"}


# -- figure 3: move profile -------------------------------------------------------------------

def test_fig03_counts_are_the_coded_moves(built, coded, codebook):
    fig, data = built["fig-03-move-profile"]
    moves, sides = codebook.move_ids, codebook.code_ids("speaker_side")
    conflicts = list(dict.fromkeys(coded["conflict_id"]))
    assert len(data) == len(conflicts) * len(moves) * len(sides)  # zeros included
    for cid, ax in zip(conflicts, fig.axes):
        mine = coded[coded["conflict_id"] == cid]
        expected = int(mine[moves].to_numpy().sum())
        assert int(data.loc[data["conflict_id"] == cid, "count"].sum()) == expected
        drawn = sum(p.get_width() for p in ax.patches)
        assert drawn == pytest.approx(expected)
    nk_claims = data[(data["conflict_id"] == "nk2020") & (data["move"] == "credit_claiming")]
    assert dict(zip(nk_claims["speaker_side"], nk_claims["count"]))["turkey"] == 1
    assert set(nk_claims["statement_ids"].dropna()) >= {"st02", "st04"}


def test_fig03_and_fig05_colour_bars_by_speaker_side(built, codebook):
    side = {c.lower() for c in fa.side_colours(codebook).values()}
    for stem in ("fig-03-move-profile", "fig-05-named-agent"):
        fig, _ = built[stem]
        colours = {to_hex(p.get_facecolor()) for ax in fig.axes for p in ax.patches}
        assert colours and colours <= side
        assert not colours & CONFLICT_HEX


# -- figure 4: positioning map and the ownership rule -----------------------------------------

@pytest.mark.parametrize("moves, side, expected", [
    # st02, Erdoğan: credit claiming (+1, Turkish speaker) and solidarity (0).
    (["credit_claiming", "solidarity_appeal"], "turkey", 1),
    # st04, the buyer's newspaper: contestation (-1); its credit claim is Azerbaijan's own (0).
    (["credit_claiming", "solidarity_appeal", "credit_contestation"], "buyer", -1),
    # st10, Çavuşoğlu: "no longer Turkish" (-1).
    (["ownership_transfer"], "turkey", -1),
    # st11, Yerkhov: "your drones are killing our soldiers" (+1).
    (["responsibility_attribution"], "target", 1),
    # st13: self-reliance counts for a Turkish speaker only.
    (["sovereignty_self_reliance"], "turkey", 1),
    (["sovereignty_self_reliance"], "third_party", 0),
    # Moves add up; moves about alignment or the opposing party weigh nothing.
    (["private_agency", "ownership_transfer", "commercial_normalisation"], "turkey", -3),
    (["coercive_demand", "mediation_balancing", "bloc_threat_perception"], "turkey", 0),
    (["credit_acknowledgement", "credit_claiming"], "buyer", 1),
    ([], "turkey", 0),
])
def test_ownership_score_rule(moves, side, expected):
    assert fa.ownership_score(moves, side) == expected


def test_ownership_rule_covers_every_move_of_the_codebook(codebook):
    weighted = set(fa.OWNERSHIP_WEIGHTS)
    assert weighted <= set(codebook.move_ids)
    assert fa.OWNERSHIP_TURKISH_SPEAKER_ONLY <= weighted
    # Every move is named in the rule as written in the caption.
    labels = fa.code_labels(codebook, "accountability_move")
    rule = fa.OWNERSHIP_RULE.lower()
    for move in codebook.move_ids:
        assert labels[move].lower().split(" or ")[0].split(" on ")[0] in rule, move


def test_fig04_points_and_arrows(built, tables, coded):
    fig, data = built["fig-04-positioning-map"]
    points = data[data["layer"] == "statement"].set_index("statement_id")
    arrows = data[data["layer"] == "response"]
    assert sorted(points.index) == sorted(coded["statement_id"])
    assert points.loc["st02", "ownership_score"] == 1 and points.loc["st02", "alignment_value"] == 2
    assert points.loc["st10", "ownership_score"] == -1
    # One arrow per response link, from the response's position to the answered one's.
    links = tables.statement_responses
    assert list(zip(arrows["statement_id"], arrows["answers_id"])) == \
        list(zip(links["response_id"], links["answers_id"]))
    for a in arrows.itertuples():
        assert (a.x, a.y) == (points.loc[a.statement_id, "x"], points.loc[a.statement_id, "y"])
        assert (a.x_to, a.y_to) == (points.loc[a.answers_id, "x"], points.loc[a.answers_id, "y"])
    drawn = [t for t in fig.axes[0].texts if t.arrow_patch is not None]
    assert len(drawn) == len(links)
    # No two statements drawn on top of each other; offsets stay near the true value.
    assert not points[["x", "y"]].duplicated().any()
    assert (points["x"] - points["alignment_value"].astype(float)).abs().max() < 0.5
    assert (points["y"] == points["ownership_score"].astype(float)).all()


# -- figure 5: named agent --------------------------------------------------------------------

def test_fig05_counts_every_statement_once(built, coded, codebook):
    fig, data = built["fig-05-named-agent"]
    for cid, group in coded.groupby("conflict_id"):
        assert int(data.loc[data["conflict_id"] == cid, "count"].sum()) == len(group)
    ua = data[(data["conflict_id"] == "ukr2022") & (data["named_agent"] == "turkish_company")]
    assert [i for i in ua["statement_ids"] if i] == ["st08; st09"]
    panel_names = [t for t in texts(fig) if t in fa.CONFLICT_SHORT.values()]
    assert panel_names == [fa.conflict_short(c) for c in dict.fromkeys(coded["conflict_id"])]


# -- figure 6: evidence map -------------------------------------------------------------------

def test_fig06_links_are_claim_evidence(built, tables):
    fig, data = built["fig-06-evidence-map"]
    linked = data[data["linked"]]
    assert sorted(zip(linked["claim_id"], linked["evidence_id"])) == \
        sorted(zip(tables.claim_evidence["claim_id"], tables.claim_evidence["evidence_id"]))
    assert data["claim_id"].nunique() == len(tables.claims)
    assert data["evidence_id"].nunique() == len(tables.statements) + len(tables.events)
    bare = set(tables.claims["claim_id"]) - set(tables.claim_evidence["claim_id"])
    notes = [t for t in texts(fig) if t.startswith("no evidence cited")]
    assert len(notes) == len(bare) > 0
    # Claims grouped by type: rows of one type are contiguous.
    order = data.drop_duplicates("claim_id").sort_values("row")["claim_type"].tolist()
    assert order == sorted(order, key=order.index)


# -- figure 7: agreement ----------------------------------------------------------------------

def test_fig07_undefined_alpha_is_shown_as_undefined_not_zero(built):
    fig, data = built["fig-07-agreement"]
    undefined = data[data["status"] == "undefined"]
    assert not undefined.empty  # commercial normalisation is never coded by either
    assert undefined["alpha"].isna().all()
    assert any(t.startswith(fa.UNDEFINED_LABEL) for t in texts(fig))
    ax = fig.axes[0]
    for row in undefined["row"]:
        at_row = [line for line in ax.get_lines() if line.get_transform() == ax.transData
                  and any(math.isclose(y, row) for y in np.atleast_1d(line.get_ydata()))]
        assert not at_row, "an undefined alpha must not be drawn on the alpha scale"


def test_fig07_intervals_are_the_bootstrap_intervals(built):
    fig, data = built["fig-07-agreement"]
    est = data[data["status"] == "estimate"]
    agreement = fa.read_derived("agreement")
    assert len(est) == int(pd.to_numeric(agreement["alpha"]).notna().sum())
    assert ((est["alpha_ci_low"] <= est["alpha"] + 1e-9)
            & (est["alpha"] <= est["alpha_ci_high"] + 1e-9)).all()
    ax = fig.axes[0]
    segments = {(round(min(line.get_xdata()), 4), round(max(line.get_xdata()), 4))
                for line in ax.get_lines()
                if len(line.get_xdata()) == 2 and line.get_xdata()[0] != line.get_xdata()[1]}
    for r in est.itertuples():
        if r.alpha_ci_low < r.alpha_ci_high:
            assert (round(r.alpha_ci_low, 4), round(r.alpha_ci_high, 4)) in segments


def test_agreement_rows_classify_undefined_and_not_coded(codebook):
    table = pd.DataFrame([
        {"dimension": "accountability_move", "row_type": "binary_code", "code": "credit_claiming",
         "alpha": "0.5", "alpha_ci_low": "0.1", "alpha_ci_high": "0.9", "n_statements": "16",
         "bootstrap_resamples": "2000", "resamples_without_variation": "3",
         "percent_agreement": "0.9", "alpha_note": ""},
        {"dimension": "accountability_move", "row_type": "binary_code", "code": "private_agency",
         "alpha": np.nan, "alpha_ci_low": np.nan, "alpha_ci_high": np.nan, "n_statements": "16",
         "bootstrap_resamples": "2000", "resamples_without_variation": "2000",
         "percent_agreement": "1", "alpha_note": "undefined: no variation"},
        {"dimension": "stance", "row_type": "not_coded", "code": np.nan, "alpha": np.nan,
         "alpha_ci_low": np.nan, "alpha_ci_high": np.nan, "n_statements": "16",
         "bootstrap_resamples": np.nan, "resamples_without_variation": np.nan,
         "percent_agreement": np.nan, "alpha_note": "coded by hand only"},
    ])
    rows = fa.agreement_rows(table, codebook)
    assert list(rows["status"]) == ["estimate", "undefined", "not coded"]
    assert pd.isna(rows.loc[1, "alpha"])  # never 0
    assert rows.loc[0, "label"] == "Credit claiming"


# -- shared helpers ---------------------------------------------------------------------------

def test_speaker_labels_are_short_and_computed(tables):
    labels = fa.speaker_labels(tables)
    assert labels["erdogan"] == "Erdoğan"
    assert labels["turkish_officials"] == "Turkish officials"
    assert labels["turkey_state"] == "Turkey"
    assert fa.speaker_label("Jane Q. Public", "person") == "Public"


def test_read_derived_names_the_fix_when_missing(monkeypatch, tmp_path):
    from dronediplomacy import paths
    from dronediplomacy.errors import InputError

    monkeypatch.setattr(paths, "DATA_DERIVED", tmp_path)
    with pytest.raises(InputError, match="run notebook 03"):
        fa.read_derived("coded_hand")
