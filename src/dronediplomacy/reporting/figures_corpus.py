"""Figures 9-11 (notebook 05): the article's contrast tested on the statement corpus. Each draws
a data product of :mod:`dronediplomacy.analysis.inference` as written to data/derived/ (nothing
is recomputed here); figure 11 adds the corpus's coded statements."""

import pandas as pd
from matplotlib.lines import Line2D

from dronediplomacy.analysis import inference, summaries
from dronediplomacy.analysis.summaries import TURKISH_SIDE, code_labels, conflict_short
from dronediplomacy.coding.codebook import load_codebook
from dronediplomacy.inputs.tables import load_tables
from dronediplomacy.reporting import style
from dronediplomacy.reporting.answer import headline_label
from dronediplomacy.reporting.figures import note, register
from dronediplomacy.reporting.narrative import read_derived

NOTEBOOK = "05-test-the-argument.ipynb"
SOURCES = {"article": "the article", "corpus": "the corpus"}
#: Marker per source and coding in figure 10.
MARKERS = {("article", "hand"): ("o", "Article, hand coding", False),
           ("corpus", "hand"): ("o", "Corpus, hand coding", True),
           ("corpus", "rules"): ("D", "Corpus, automated coder", True)}


def _war_label(ax, cid: str, x: float, y: float, **kw) -> None:
    ax.annotate(conflict_short(cid), (x, y), xycoords="axes fraction", fontsize=7, fontweight="bold",
                color=style.conflict_colour(cid), **kw)


@register("fig-09-corpus-move-profile", notebook=NOTEBOOK, values=lambda d: {"sources": SOURCES},
          inputs=("data/derived/corpus_comparison.csv",))
def fig_09_corpus_move_profile():
    """Figure 9: per source a panel, per move a pair of bars (one per war, its colour)."""
    labels = code_labels(load_codebook(), "accountability_move")
    data = read_derived("corpus_comparison")
    data = data[(data["speaker_side"] == TURKISH_SIDE) & (data["dimension"] == "accountability_move")]
    data = data.assign(label=data["code"].map(labels))[
        ["source", "conflict_id", "code", "label", "count", "n", "share"]].reset_index(drop=True)
    wars = list(dict.fromkeys(data["conflict_id"]))
    fig, axes = style.new_figure(style.TWO_COLUMN, 3.3, ncols=2, sharey=True, sharex=True)
    for ax, source in zip(axes, SOURCES):
        for i, cid in enumerate(wars):
            rows = data[(data["source"] == source) & (data["conflict_id"] == cid)].reset_index(drop=True)
            y = rows.index + (i - 0.5) * 0.38
            ax.barh(y, rows["share"], height=0.36, color=style.conflict_colour(cid), zorder=2)
            for yy, r in zip(y, rows.itertuples()):
                note(ax, f"{r.count}/{r.n}", (r.share, yy), 2, va="center", fontsize=6,
                     color="black" if r.count else "#999999")
            _war_label(ax, cid, 0.62, 0.18 - 0.07 * i)
        note(ax, f"{SOURCES[source].capitalize()}: Turkish speakers", (0, 1), 0, 4,
             xycoords="axes fraction", fontsize=7.5)
        ax.set(xlim=(0, 1.05), xlabel="Share of the war's Turkish statements")
        ax.xaxis.grid(True)
    axes[0].set(yticks=range(len(labels)), yticklabels=list(labels.values()), ylim=(len(labels) - 0.5, -0.6))
    return fig, data


@register("fig-10-effects", notebook=NOTEBOOK, inputs=("data/derived/inference.csv",))
def fig_10_effects():
    """Figure 10: a forest plot, shares above, mean alignment below (its own scale)."""
    codebook = load_codebook()
    data = read_derived("inference")
    data = data.assign(label=data["headline"].map(lambda h: headline_label(h, codebook, "figure")))[
        ["source", "coding", "headline", "label", "difference", "ci_low", "ci_high", "p", "p_holm"]]
    heads = list(dict.fromkeys(data["headline"]))
    shares = [h for h in heads if not h.startswith("alignment")]
    fig, axes = style.new_figure(style.TWO_COLUMN, 3.6, nrows=2,
                                 gridspec_kw={"height_ratios": [len(shares), 1.6]})
    for ax, group, limit in ((axes[0], shares, 1.0), (axes[1], [h for h in heads if h not in shares], 4.0)):
        for j, (key, (marker, name, filled)) in enumerate(MARKERS.items()):
            rows = data[(data["source"] == key[0]) & (data["coding"] == key[1])]
            rows = rows.set_index("headline").loc[group]
            y = [group.index(h) + (j - 1) * 0.25 for h in group]
            ax.errorbar(rows["difference"], y, xerr=[rows["difference"] - rows["ci_low"],
                                                     rows["ci_high"] - rows["difference"]],
                        fmt=marker, color=style.OTHER_COLOURS[j], mfc=style.OTHER_COLOURS[j] if filled
                        else "white", ms=4, elinewidth=0.9, capsize=1.5, label=name)
        ax.axvline(0, color=style.NEUTRAL, linewidth=0.6)
        ax.set_yticks(range(len(group)), [data.set_index("headline").loc[h, "label"].iloc[0] for h in group])
        ax.set(ylim=(len(group) - 0.5, -0.5), xlim=(-limit, limit))
        ax.xaxis.grid(True)
        _war_label(ax, "nk2020", 1.0, 1.0, ha="right", va="top")
        _war_label(ax, "ukr2022", 0.0, 1.0, ha="left", va="top")
    axes[0].set_xlabel("Difference in shares (more in Ukraine ← → more in Nagorno-Karabakh)")
    axes[1].set_xlabel("Difference in mean alignment")
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncols=3)
    return fig, data


@register("fig-11-article-in-corpus", notebook=NOTEBOOK,
          inputs=("data/derived/article_vs_corpus.csv", "data/input/corpus_hand_coding.csv",
                  "data/input/corpus_statements.csv", "data/input/codebook.yaml"))
def fig_11_article_in_corpus():
    """Figure 11: a panel per war (columns) and measure (rows): the corpus's counts per value
    as bars, the article's statements as dots stacked above their value."""
    corpus = summaries.coded_statements(load_tables(), load_codebook(), corpus=True)
    article = read_derived("article_vs_corpus")
    wars, measures = list(dict.fromkeys(article["conflict_id"])), list(dict.fromkeys(article["measure"]))
    rows = []
    for cid, mine in zip(wars, inference.turkish(corpus, wars)):
        for m in measures:
            rows += [{"layer": "corpus", "conflict_id": cid, "measure": m, "value": v, "count": n,
                      "statement_id": ""} for v, n in mine[m].astype(int).value_counts().sort_index().items()]
            marked = article[(article["conflict_id"] == cid) & (article["measure"] == m)]
            rows += [{"layer": "article", "conflict_id": cid, "measure": m, "value": r.value,
                      "count": 1, "statement_id": r.statement_id} for r in marked.itertuples()]
    data = pd.DataFrame(rows)
    fig, axes = style.new_figure(style.TWO_COLUMN, 3.6, nrows=len(measures), ncols=len(wars), squeeze=False)
    for (i, m), (j, cid) in ((a, b) for a in enumerate(measures) for b in enumerate(wars)):
        ax, colour = axes[i, j], style.conflict_colour(cid)
        panel = data[(data["conflict_id"] == cid) & (data["measure"] == m)]
        bars, dots = panel[panel["layer"] == "corpus"], panel[panel["layer"] == "article"]
        ax.bar(bars["value"], bars["count"], width=0.7, color=style.lighten(colour, 0.55), zorder=2)
        top = bars["count"].max()
        step = max(1.0, 0.1 * top)
        for value, group in dots.groupby("value"):
            for h, r in enumerate(group.itertuples()):
                y = bars.loc[bars["value"] == value, "count"].sum() + step * (1 + h)
                ax.plot(value, y, "o", mfc=colour, mec="black", ms=4.5, zorder=3)
                note(ax, r.statement_id, (value, y), 5, va="center", fontsize=6)
        ax.set(xlim=(-2.6, 2.6), ylim=(0, top + step * (1.5 + dots["value"].value_counts().max())),
               xlabel="Alignment" if m == "alignment_value" else "Ownership score",
               ylabel="Corpus statements" if j == 0 else "")
        ax.set_xticks(range(-2, 3), ["−2", "−1", "0", "+1", "+2"])
        ax.yaxis.grid(True)
        _war_label(ax, cid, 0.03, 1.0, ha="left", va="top")
    handles = [Line2D([], [], marker="s", ls="", color=style.lighten(style.NEUTRAL, 0.55), label="Corpus"),
               Line2D([], [], marker="o", ls="", mfc=style.NEUTRAL, mec="black", label="Article's statement")]
    fig.legend(handles=handles, loc="outside lower center", ncols=2)
    return fig, data
