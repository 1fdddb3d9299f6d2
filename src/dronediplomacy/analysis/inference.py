"""Does the article's contrast hold beyond its own quotations? The wars compared on the corpus
(notebook 05 calls :func:`build` and :func:`write`). The unit is a statement; the groups are the
Turkish speakers' statements in each war (the conflicts.csv rows with a start date, first minus
second: Nagorno-Karabakh minus Ukraine). The headline differences (:data:`HEADLINES`, a short,
fixed family): the shares making the moves the article's argument names, the shares naming the
Turkish state or a Turkish company as the agent, and the mean alignment (-2..+2).

Methods, each chosen for samples of two to 33 statements:

- share differences: Newcombe's hybrid score interval from two Wilson intervals (Newcombe 1998,
  Statistics in Medicine 17:873-890, method 10; Wilson 1927, JASA 22:209-212) and Boschloo's
  exact unconditional test, two-sided (Boschloo 1970, Statistica Neerlandica 24:1-9);
- the mean difference: a permutation test (every permutation up to :data:`EXACT_LIMIT`, else
  :data:`RESAMPLES` random ones) and a percentile bootstrap interval (Efron and Tibshirani
  1993, ch. 13), both ``scipy.stats``;
- beside each p, the smallest p the two sample sizes allow (:func:`smallest_p`); each source's
  and coding's family controlled by Holm's step-down method (Holm 1979, Scandinavian Journal of
  Statistics 6:65-70).
"""

from math import comb

import numpy as np
import pandas as pd
from scipy import stats

from dronediplomacy import atomic, paths
from dronediplomacy.analysis import summaries
from dronediplomacy.analysis.summaries import TURKISH_SIDE
from dronediplomacy.coding.coder import code_statements, load_dictionary

MOVES = ("credit_claiming", "solidarity_appeal", "private_agency", "ownership_transfer",
         "commercial_normalisation")
AGENTS = ("turkish_state", "turkish_company")
#: The headline family: (dimension, code); alignment's "code" is its mean.
HEADLINES = (*(("accountability_move", m) for m in MOVES), *(("named_agent", a) for a in AGENTS),
             ("alignment", "mean"))
LEVEL, SEED, RESAMPLES, EXACT_LIMIT = 0.95, 20201027, 99_999, 200_000
#: The data products of notebook 05, in data/derived/.
PRODUCTS = ("corpus_comparison", "inference", "sensitivity", "article_vs_corpus")


def outcome(frame: pd.DataFrame, dimension: str, code: str) -> np.ndarray:
    """Per statement: 1/0 for a move or an agent, the alignment value (-2..+2) for the mean."""
    if dimension == "alignment":
        return frame["alignment_value"].astype(float).to_numpy()
    column = code if dimension == "accountability_move" else dimension
    return frame[column].eq(1 if dimension == "accountability_move" else code).astype(float).to_numpy()


def turkish(coded: pd.DataFrame, wars) -> list[pd.DataFrame]:
    """The Turkish speakers' statements of each war, in the order of ``wars``."""
    return [coded[(coded["conflict_id"] == w) & (coded["speaker_side"] == TURKISH_SIDE)] for w in wars]


def effects(coded: pd.DataFrame, wars) -> pd.Series:
    """Headline id ('dimension:code') -> mean of the first war minus mean of the second
    (a difference in shares, or in mean alignment); NaN when a war has no Turkish statement."""
    a, b = turkish(coded, wars)
    return pd.Series({f"{d}:{c}": (outcome(a, d, c).mean() - outcome(b, d, c).mean())
                      if len(a) and len(b) else np.nan for d, c in HEADLINES})


def holm(p) -> np.ndarray:
    """Holm's (1979) step-down adjusted p-values, in input order; NaN stays NaN and is not
    counted in the family. E.g. holm([0.01, 0.04, 0.03]) -> [0.03, 0.06, 0.06]."""
    p = np.asarray(p, dtype=float)
    out, ok = np.full(p.shape, np.nan), np.flatnonzero(~np.isnan(p))
    order = ok[np.argsort(p[ok], kind="stable")]
    steps = (len(ok) - np.arange(len(ok))) * p[order]
    out[order] = np.minimum(1.0, np.maximum.accumulate(steps))
    return out


def wilson(k: int, n: int) -> tuple[float, float]:
    """Wilson's score interval for k of n (scipy.stats.binomtest)."""
    ci = stats.binomtest(int(k), int(n)).proportion_ci(LEVEL, method="wilson")
    return float(ci.low), float(ci.high)


def newcombe(k1: int, n1: int, k2: int, n2: int) -> tuple[float, float]:
    """Newcombe's (1998, method 10) interval for k1/n1 - k2/n2, from the Wilson intervals."""
    (l1, u1), (l2, u2), p1, p2 = wilson(k1, n1), wilson(k2, n2), k1 / n1, k2 / n2
    return (p1 - p2 - np.hypot(p1 - l1, u2 - p2), p1 - p2 + np.hypot(u1 - p1, p2 - l2))


def boschloo(k1: int, n1: int, k2: int, n2: int) -> float:
    """Two-sided p of Boschloo's exact test; 1 when nobody (or everybody) makes the move."""
    if k1 + k2 in (0, n1 + n2):
        return 1.0
    return float(stats.boschloo_exact([[k1, n1 - k1], [k2, n2 - k2]], "two-sided").pvalue)


def smallest_p(n1: int, n2: int, share: bool) -> float:
    """The smallest two-sided p the sizes allow: for a share, Boschloo's p of the most
    extreme table (all of one war, none of the other: it minimises the test statistic);
    for a mean, 2 / C(n1 + n2, n1), the two extreme splits of distinct values."""
    return boschloo(n1, n1, 0, n2) if share else min(1.0, 2 / comb(n1 + n2, n1))


def _mean_difference(x, y, axis=-1):
    return np.mean(x, axis=axis) - np.mean(y, axis=axis)


def infer(coded: pd.DataFrame, wars) -> pd.DataFrame:
    """One row per headline: the counts (k of n) or means of each war, the difference, its
    interval, the p-value with its test, the smallest attainable p and Holm's adjusted p
    (and the smallest Holm's method could give: p_min times the family's size)."""
    a, b = turkish(coded, wars)
    rows = []
    for dimension, code in HEADLINES:
        x, y = outcome(a, dimension, code), outcome(b, dimension, code)
        row = {"headline": f"{dimension}:{code}", "war_a": wars[0], "war_b": wars[1],
               "dimension": dimension, "code": code, "n_a": len(x), "k_a": x.sum(),
               "value_a": x.mean(), "n_b": len(y), "k_b": y.sum(), "value_b": y.mean(),
               "difference": x.mean() - y.mean()}
        share = dimension != "alignment"
        if share:
            row["ci_low"], row["ci_high"] = newcombe(int(x.sum()), len(x), int(y.sum()), len(y))
            row.update(interval="Newcombe hybrid score (Wilson)", test="Boschloo exact, two-sided",
                       p=boschloo(int(x.sum()), len(x), int(y.sum()), len(y)))
        else:
            exact = comb(len(x) + len(y), len(x)) <= EXACT_LIMIT
            test = stats.permutation_test((x, y), _mean_difference, vectorized=True, rng=SEED,
                                          n_resamples=np.inf if exact else RESAMPLES)
            boot = stats.bootstrap((x, y), _mean_difference, vectorized=True, rng=SEED,
                                   method="percentile", confidence_level=LEVEL)
            row.update(k_a=np.nan, k_b=np.nan, ci_low=boot.confidence_interval.low,
                       ci_high=boot.confidence_interval.high, interval="percentile bootstrap",
                       test="permutation, every split" if exact else f"permutation, {RESAMPLES} random",
                       p=test.pvalue)
        rows.append({**row, "p_min": smallest_p(len(x), len(y), share)})
    frame = pd.DataFrame(rows)
    frame["p_holm"] = holm(frame["p"])
    frame["p_min_holm"] = np.minimum(1.0, len(frame) * frame["p_min"])
    return frame


def sensitivity(coded: pd.DataFrame, wars, outlet: bool) -> pd.DataFrame:
    """Per headline: the estimate and its range leaving out one statement (and one outlet,
    if ``outlet``) at a time."""
    frame = pd.DataFrame({"estimate": effects(coded, wars)})
    for by, name in (("statement_id", "statement"), ("outlet", "outlet"))[:1 + outlet]:
        units = pd.concat(turkish(coded, wars))[by].dropna().unique()  # those of the Turkish statements
        loo = pd.DataFrame([effects(coded[coded[by] != unit], wars) for unit in units])
        frame[f"drop_{name}_min"], frame[f"drop_{name}_max"] = loo.min(), loo.max()
    return frame.rename_axis("headline").reset_index()


def position(article: pd.DataFrame, corpus: pd.DataFrame, wars) -> pd.DataFrame:
    """Where each of the article's Turkish statements sits among the corpus's Turkish
    statements of the same war, on alignment and the ownership score: the corpus's n,
    how many lie below, level and above, its min, median and max, and the mid-rank
    percentile (scipy.stats.percentileofscore, kind 'mean')."""
    rows = []
    for war, mine, theirs in zip(wars, turkish(article, wars), turkish(corpus, wars)):
        for measure in ("alignment_value", "ownership_score"):
            values = theirs[measure].astype(float)
            for st in mine.itertuples():
                v = float(getattr(st, measure))
                rows.append({"conflict_id": war, "statement_id": st.statement_id,
                             "speaker": st.speaker, "measure": measure, "value": v,
                             "corpus_n": len(values), "below": int((values < v).sum()),
                             "level": int((values == v).sum()), "above": int((values > v).sum()),
                             "corpus_min": values.min(), "corpus_median": values.median(),
                             "corpus_max": values.max(),
                             "percentile": stats.percentileofscore(values, v, kind="mean")})
    return pd.DataFrame(rows)


def rules_coded(hand: pd.DataFrame, tables, codebook) -> pd.DataFrame:
    """``hand`` (the corpus's coded statements) with the automated coder's moves, named
    agent and alignment in place of the hand codes (the coder reads the quotation)."""
    rules = code_statements(tables.corpus_statements, load_dictionary(codebook=codebook),
                            id_column="statement_id", text_column="quotation")
    return (hand.drop(columns=[*codebook.move_ids, "named_agent", "alignment_value"])
            .merge(rules.rename(columns={"alignment": "alignment_value"}), on="statement_id"))


def point_by_point(coded: pd.DataFrame, codebook, wars) -> pd.DataFrame:
    """Counts per source, war and speaker side: statements making each move, naming each
    agent, at each alignment, taking each stance (zeros included), with n and the ids."""
    codes = [("accountability_move", m, coded[m].eq(1)) for m in codebook.move_ids]
    codes += [(d, c, coded[d].eq(c)) for d in ("named_agent", "alignment", "stance")
              for c in codebook.code_ids(d)]
    rows = []
    for (source, war, side), group in coded[coded["conflict_id"].isin(wars)].groupby(
            ["source_id", "conflict_id", "speaker_side"], sort=False):
        for dimension, code, hit in codes:
            ids = group.loc[hit[group.index], "statement_id"]
            rows.append({"source_id": source, "conflict_id": war, "speaker_side": side,
                         "dimension": dimension, "code": code, "count": len(ids), "n": len(group),
                         "share": len(ids) / len(group), "statement_ids": "; ".join(sorted(ids))})
    return pd.DataFrame(rows)


def build(tables, codebook) -> dict[str, pd.DataFrame]:
    """Every product of notebook 05 (:data:`PRODUCTS`), by name."""
    wars = tuple(summaries.wars(tables)["conflict_id"])[:2]
    article = summaries.coded_statements(tables, codebook)
    corpus = summaries.coded_statements(tables, codebook, corpus=True).merge(
        tables.corpus_statements[["statement_id", "outlet"]], on="statement_id")
    families = {("article", "hand"): article, ("corpus", "hand"): corpus,
                ("corpus", "rules"): rules_coded(corpus, tables, codebook)}

    def stacked(make) -> pd.DataFrame:
        parts = {key: make(coded, key[0]) for key, coded in families.items()}
        return pd.concat(parts, names=["source", "coding"]).reset_index([0, 1]).reset_index(drop=True)

    inference = stacked(lambda coded, source: infer(coded, wars))
    direction = np.sign(inference[inference["source"] == "article"].set_index("headline")["difference"])
    inference["article_direction"] = inference["headline"].map(direction).astype(int)
    return {"corpus_comparison": pd.concat([point_by_point(coded, codebook, wars).assign(source=source)
                                           for (source, coding), coded in families.items()
                                           if coding == "hand"], ignore_index=True),
            "inference": inference,
            "sensitivity": stacked(lambda coded, source: sensitivity(coded, wars, source == "corpus")),
            "article_vs_corpus": position(article, corpus, wars)}


def write(products: dict[str, pd.DataFrame]) -> dict[str, str]:
    """Write each product to data/derived/<name>.csv atomically; name -> relative path."""
    for name in PRODUCTS:
        atomic.write_csv(paths.DATA_DERIVED / f"{name}.csv", products[name])
    return {name: paths.relative(paths.DATA_DERIVED / f"{name}.csv") for name in PRODUCTS}
