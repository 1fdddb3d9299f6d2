"""How well does the dictionary reproduce the hand coding? A validity check of the
dictionary, not intercoder reliability.

Both codings come from the same codebook, but one is a person reading each statement
in context and the other is a list of patterns reading the text alone. Agreement
between them says whether the patterns capture what the definitions mean; it says
nothing about whether two people would agree (that would need a second human coder).

Per dimension and per code:

- Krippendorff's alpha (the ``krippendorff`` package), with the level of measurement
  each variable needs: nominal for named_agent, ordinal for alignment, binary
  nominal for each accountability move (and for all moves pooled);
- a bootstrap 95% interval for alpha: statements resampled with replacement
  (``BOOTSTRAP_RESAMPLES`` times, seed ``BOOTSTRAP_SEED``, the same resamples for
  every row), percentile interval; resamples in which the variable does not vary
  (alpha undefined) are skipped and counted;
- percent agreement;
- the rule coder's precision, recall and F1 against the hand codes, per code (one
  code against the rest for named_agent and alignment). A value that is 0/0 is
  reported as missing with the reason, never as 0.

Alpha is undefined when both codings give every statement the same value (there is
no disagreement to expect); it is then reported as missing with that reason.
Speaker side (derived from the tables) and stance (not coded by the dictionary) get
no statistic; their rows say why.
"""

from __future__ import annotations

import math

import krippendorff
import numpy as np
import pandas as pd

from dronediplomacy.coding.codebook import Codebook
from dronediplomacy.coding.coder import Dictionary, explain

BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 20201110  # fixed, so every run gives the same interval
INTERVAL = (2.5, 97.5)     # percentiles of the bootstrap distribution
DECIMALS = 4

COLUMNS = ["dimension", "row_type", "code", "level_of_measurement", "n_statements",
           "hand_count", "rules_count", "both_count", "percent_agreement",
           "alpha", "alpha_ci_low", "alpha_ci_high", "bootstrap_resamples",
           "resamples_without_variation", "alpha_note", "precision", "recall", "f1", "prf_note"]


# --------------------------------------------------------------------------- statistics

def no_variation(hand: np.ndarray, rules: np.ndarray) -> bool:
    """True when the two codings together use a single value: alpha is then 0/0."""
    return np.unique(np.concatenate([np.ravel(hand), np.ravel(rules)])).size < 2


def alpha(hand, rules, level: str, value_domain) -> float:
    """Krippendorff's alpha for two codings of the same units (NaN if undefined).

    ``hand`` and ``rules`` are equal-length sequences of numeric codes; several
    variables can be pooled by passing 2-D arrays (units x variables), each cell
    then being a unit of its own.
    """
    hand = np.ravel(np.asarray(hand, dtype=float))
    rules = np.ravel(np.asarray(rules, dtype=float))
    if hand.size < 2 or no_variation(hand, rules):
        return math.nan
    return float(krippendorff.alpha(reliability_data=np.vstack([hand, rules]),
                                    level_of_measurement=level, value_domain=list(value_domain)))


def resampled_alphas(hand, rules, level: str, value_domain, resamples: np.ndarray) -> np.ndarray:
    """Alpha of every resample at once: NaN where ``alpha()`` would be NaN (no variation,
    or fewer than two units).

    Computes the same quantity as ``krippendorff.alpha`` on ``hand[rows]`` and
    ``rules[rows]`` for each ``rows`` of ``resamples`` (two coders, no missing values,
    levels 'nominal' and 'ordinal', the given ``value_domain``); a test in
    tests/test_agreement.py checks the two against each other. Vectorised because one
    ``krippendorff.alpha`` call per resample (2000 per row of the table) took most of
    the time of ``coding.build()``.
    """
    if level not in ("nominal", "ordinal"):
        raise ValueError(f"level {level!r}: only 'nominal' and 'ordinal' are supported")
    domain = np.asarray(list(value_domain), dtype=float)
    v = domain.size

    def domain_index(codes) -> np.ndarray:  # statements x cells: each value's place in the domain
        codes = np.asarray(codes, dtype=float)
        match = codes.reshape(len(codes), -1)[..., np.newaxis] == domain
        if not (match.sum(axis=-1) == 1).all():
            raise ValueError("the codings have missing or out-of-domain values")
        return match.argmax(axis=-1)

    h, r = domain_index(hand), domain_index(rules)
    n_statements, cells = h.shape
    # Each statement's coincidences: every cell (a unit, valued c by one coder and k by
    # the other) adds 1 to o[c, k] and 1 to o[k, c].
    per_statement = np.zeros((n_statements, v * v))
    rows = np.arange(n_statements)[:, np.newaxis]
    np.add.at(per_statement, (rows, h * v + r), 1)
    np.add.at(per_statement, (rows, r * v + h), 1)
    # How often each statement is drawn in each resample; the coincidence matrix of a
    # resample is the sum of its statements' matrices, with those multiplicities.
    n_resamples = len(resamples)
    offsets = n_statements * np.arange(n_resamples)[:, np.newaxis]
    drawn = np.bincount((resamples + offsets).ravel(), minlength=n_resamples * n_statements)
    o = (drawn.reshape(n_resamples, n_statements) @ per_statement).reshape(n_resamples, v, v)

    n_c = o.sum(axis=2)                       # resample x value: the marginals
    n = n_c.sum(axis=1)
    if level == "nominal":
        delta2 = 1 - np.eye(v)
    else:  # ordinal: (sum of n_g for g from c to k - (n_c + n_k)/2)^2, per resample
        low = np.minimum.outer(np.arange(v), np.arange(v))
        high = np.maximum.outer(np.arange(v), np.arange(v))
        cumulative = np.cumsum(n_c, axis=1)
        between = cumulative[:, high] - cumulative[:, low] + n_c[:, low]
        delta2 = (between - (n_c[:, :, np.newaxis] + n_c[:, np.newaxis, :]) / 2) ** 2
    observed = (o * delta2).sum(axis=(1, 2))
    expected = (n_c[:, :, np.newaxis] * n_c[:, np.newaxis, :] * delta2).sum(axis=(1, 2))
    defined = ((n_c > 0).sum(axis=1) >= 2) & (resamples.shape[1] * cells >= 2)
    values = np.full(n_resamples, math.nan)
    values[defined] = 1 - (n[defined] - 1) * observed[defined] / expected[defined]
    return values


def bootstrap_alpha(hand, rules, level: str, value_domain,
                    resamples: np.ndarray) -> tuple[float, float, int]:
    """Percentile interval of alpha over resampled statements.

    ``resamples`` is an integer array (resample x statement) of row indices into
    ``hand``/``rules`` (which may be 2-D: statements x variables). Returns (low,
    high, number of resamples without variation, which were skipped).
    """
    values = resampled_alphas(hand, rules, level, value_domain, resamples)
    skipped = int(np.isnan(values).sum())
    values = values[~np.isnan(values)]
    if not values.size:
        return math.nan, math.nan, skipped
    low, high = np.percentile(values, INTERVAL)
    return float(low), float(high), skipped


def signed(value: int) -> str:
    """An alignment value as shown to readers: +2, +1, 0, -1, -2."""
    return f"{value:+d}" if value else "0"


def percent_agreement(hand, rules) -> float:
    hand, rules = np.ravel(hand), np.ravel(rules)
    return float(np.mean(hand == rules)) if hand.size else math.nan


def precision_recall_f1(hand: np.ndarray, rules: np.ndarray) -> dict:
    """The rule coder's precision, recall and F1 for one code (booleans per statement,
    the hand coding taken as the reference). 0/0 gives NaN and a reason."""
    hand, rules = np.asarray(hand, dtype=bool), np.asarray(rules, dtype=bool)
    true_positive = int(np.sum(hand & rules))
    false_positive = int(np.sum(~hand & rules))
    false_negative = int(np.sum(hand & ~rules))
    reasons = []
    if true_positive + false_positive:
        precision = true_positive / (true_positive + false_positive)
    else:
        precision = math.nan
        reasons.append("precision undefined: the rule coder never assigns this code")
    if true_positive + false_negative:
        recall = true_positive / (true_positive + false_negative)
    else:
        recall = math.nan
        reasons.append("recall undefined: the hand coding never assigns this code")
    # F1 = 2TP / (2TP + FP + FN): defined whenever either coding uses the code.
    denominator = 2 * true_positive + false_positive + false_negative
    if denominator:
        f1 = 2 * true_positive / denominator
    else:
        f1 = math.nan
        reasons.append("F1 undefined: neither coding assigns this code")
    return {"hand_count": true_positive + false_negative, "rules_count": true_positive + false_positive,
            "both_count": true_positive, "precision": precision, "recall": recall, "f1": f1,
            "prf_note": "; ".join(reasons)}


def resample_indices(n_statements: int, n_resamples: int = BOOTSTRAP_RESAMPLES,
                     seed: int = BOOTSTRAP_SEED) -> np.ndarray:
    """The bootstrap resamples: (n_resamples x n_statements) row indices, drawn with
    replacement from a generator seeded with ``seed``."""
    return np.random.default_rng(seed).integers(0, n_statements, size=(n_resamples, n_statements))


def _alpha_note(hand, rules, value: float, skipped: int, n_resamples: int) -> str:
    if math.isnan(value):
        if np.ravel(hand).size < 2:
            return "undefined: fewer than two statements"
        only = np.unique(np.concatenate([np.ravel(hand), np.ravel(rules)]))
        return (f"undefined: both codings give every statement the same value ({only[0]:g}), so "
                "there is no variation and expected disagreement is zero")
    if skipped:
        return (f"{skipped} of {n_resamples} bootstrap resamples had no variation (alpha "
                "undefined) and were skipped")
    return ""


# --------------------------------------------------------------------------- the table

def _alpha_row(dimension: str, row_type: str, code: str, level: str, hand, rules, value_domain,
               resamples: np.ndarray) -> dict:
    value = alpha(hand, rules, level, value_domain)
    if math.isnan(value):
        low = high = math.nan
        skipped = len(resamples)
    else:
        low, high, skipped = bootstrap_alpha(hand, rules, level, value_domain, resamples)
    return {"dimension": dimension, "row_type": row_type, "code": code,
            "level_of_measurement": level, "n_statements": int(np.shape(hand)[0]),
            "percent_agreement": percent_agreement(hand, rules), "alpha": value,
            "alpha_ci_low": low, "alpha_ci_high": high, "bootstrap_resamples": len(resamples),
            "resamples_without_variation": skipped,
            "alpha_note": _alpha_note(hand, rules, value, skipped, len(resamples))}


def agreement_table(hand: pd.DataFrame, rules: pd.DataFrame, codebook: Codebook, *,
                    id_column: str = "statement_id", n_resamples: int = BOOTSTRAP_RESAMPLES,
                    seed: int = BOOTSTRAP_SEED) -> pd.DataFrame:
    """The agreement of the rule coding with the hand coding, one row per variable.

    ``hand`` and ``rules`` are wide codings (one row per statement, one 0/1 column per
    move, named_agent, alignment as -2..2), matched on ``id_column``. Row types:
    ``binary_code`` (one move: alpha, precision/recall/F1), ``pooled_moves`` (all
    statement x move cells), ``dimension`` (named_agent, alignment as a whole),
    ``category`` (one code of those two against the rest: precision/recall/F1) and
    ``not_coded`` (speaker side, stance: why there is no statistic).
    """
    merged = hand.merge(rules, on=id_column, suffixes=("_hand", "_rules"), validate="one_to_one")
    if len(merged) != len(hand) or len(merged) != len(rules):
        raise ValueError("the hand and rule codings do not cover the same statements")
    resamples = resample_indices(len(merged), n_resamples, seed)
    moves = codebook.move_ids
    rows = []

    for move in moves:
        h, r = merged[f"{move}_hand"].to_numpy(), merged[f"{move}_rules"].to_numpy()
        row = _alpha_row("accountability_move", "binary_code", move, "nominal", h, r, [0, 1],
                         resamples)
        row.update(precision_recall_f1(h == 1, r == 1))
        rows.append(row)
    h = merged[[f"{m}_hand" for m in moves]].to_numpy()
    r = merged[[f"{m}_rules" for m in moves]].to_numpy()
    pooled = _alpha_row("accountability_move", "pooled_moves", "all moves", "nominal", h, r,
                        [0, 1], resamples)
    pooled.update(precision_recall_f1(h == 1, r == 1))
    pooled["prf_note"] = "pooled over every statement x move cell"
    rows.append(pooled)

    agent_codes = codebook.code_ids("named_agent")
    code_number = {code: number for number, code in enumerate(agent_codes)}
    h = merged["named_agent_hand"].map(code_number).to_numpy()
    r = merged["named_agent_rules"].map(code_number).to_numpy()
    per_code = "precision, recall and F1 are per code: see the category rows below"
    rows.append({**_alpha_row("named_agent", "dimension", "all codes", "nominal", h, r,
                              range(len(agent_codes)), resamples), "prf_note": per_code})
    for code in agent_codes:
        row = {"dimension": "named_agent", "row_type": "category", "code": code,
               "level_of_measurement": "nominal", "n_statements": len(merged),
               "percent_agreement": percent_agreement(h == code_number[code], r == code_number[code]),
               "alpha_note": "alpha is reported for the dimension as a whole"}
        row.update(precision_recall_f1(h == code_number[code], r == code_number[code]))
        rows.append(row)

    levels = codebook.ordinal_values("alignment")
    h = merged["alignment_hand"].to_numpy()
    r = merged["alignment_rules"].to_numpy()
    rows.append({**_alpha_row("alignment", "dimension", "all codes", "ordinal", h, r,
                              sorted(levels.values()), resamples), "prf_note": per_code})
    for code, value in levels.items():
        row = {"dimension": "alignment", "row_type": "category", "code": f"{code} ({signed(value)})",
               "level_of_measurement": "ordinal", "n_statements": len(merged),
               "percent_agreement": percent_agreement(h == value, r == value),
               "alpha_note": "alpha is reported for the dimension as a whole (ordinal)"}
        row.update(precision_recall_f1(h == value, r == value))
        rows.append(row)

    for dimension in codebook.dimensions:
        if "rules" in dimension["coded_by"]:
            continue
        if "derived" in dimension["coded_by"]:
            reason = ("derived from the tables, not coded by hand or by the dictionary: "
                      "no agreement statistic")
        else:
            reason = ("coded by hand only; the dictionary does not code it: "
                      + " ".join(dimension["why_not_coded_by_the_dictionary"].split()))
        rows.append({"dimension": dimension["id"], "row_type": "not_coded", "code": "",
                     "level_of_measurement": dimension["level_of_measurement"],
                     "n_statements": len(merged), "alpha_note": reason,
                     "prf_note": "no rule coding to compare"})

    table = pd.DataFrame(rows, columns=COLUMNS)
    for column in ("hand_count", "rules_count", "both_count", "bootstrap_resamples",
                   "resamples_without_variation"):
        table[column] = table[column].astype("Int64")
    floats = ["percent_agreement", "alpha", "alpha_ci_low", "alpha_ci_high", "precision", "recall", "f1"]
    table[floats] = table[floats].astype(float).round(DECIMALS)
    table[["alpha_note", "prf_note"]] = table[["alpha_note", "prf_note"]].fillna("")
    return table


def summary(table: pd.DataFrame) -> pd.DataFrame:
    """The dimension-level rows (what a reader looks at first): alpha with its
    interval and percent agreement for each coded dimension, and why the others
    have none."""
    keep = table["row_type"].isin(["pooled_moves", "dimension", "not_coded"])
    columns = ["dimension", "code", "level_of_measurement", "n_statements", "percent_agreement",
               "alpha", "alpha_ci_low", "alpha_ci_high", "resamples_without_variation", "alpha_note"]
    return table.loc[keep, columns].reset_index(drop=True)


# --------------------------------------------------------------------------- disagreements

DISAGREEMENT_COLUMNS = ["statement_id", "conflict_id", "actor_id", "text", "dimension", "code",
                        "hand", "rules", "hand_rationale", "rules_evidence"]


def _evidence(explained: pd.DataFrame, dimension: str, code: str, rules_fired: bool) -> str:
    """What the dictionary saw for one code: the words that counted, or those that were
    found but negated or rejected, or that nothing matched."""
    rows = explained[(explained["dimension"] == dimension) & (explained["code"] == code)]
    if rows.empty:
        return "no pattern matched"
    counted = rows[rows["counted"]]
    if rules_fired and not counted.empty:
        return "matched: " + "; ".join(f"'{m}'" for m in dict.fromkeys(counted["matched"]))
    reasons = []
    for row in rows.itertuples():
        why = "negated" if row.negated else "rejected by an exclusion pattern" if row.rejected \
            else "context missing"
        reasons.append(f"'{row.matched}' ({why})")
    return "matched but not counted: " + "; ".join(dict.fromkeys(reasons))


def disagreements(hand: pd.DataFrame, rules: pd.DataFrame, hand_long: pd.DataFrame,
                  statements: pd.DataFrame, codebook: Codebook, dictionary: Dictionary
                  ) -> pd.DataFrame:
    """Every disagreement, statement by statement: the code in question, the hand and
    the rule value, the hand coder's rationale, and what the dictionary matched.

    ``hand`` and ``rules`` are wide codings keyed by statement_id; ``hand_long`` has the
    rationales; ``statements`` gives conflict, speaker and text.
    """
    merged = hand.merge(rules, on="statement_id", suffixes=("_hand", "_rules"),
                        validate="one_to_one")
    info = statements.set_index("statement_id")
    rationale = {(r.statement_id, r.dimension, r.code): r.rationale for r in hand_long.itertuples()}
    levels = {value: code for code, value in codebook.ordinal_values("alignment").items()}
    rows = []
    for row in merged.itertuples(index=False):
        statement_id = row.statement_id
        explained = explain(info.loc[statement_id, "text"], dictionary)
        base = {"statement_id": statement_id, "conflict_id": info.loc[statement_id, "conflict_id"],
                "actor_id": info.loc[statement_id, "actor_id"], "text": info.loc[statement_id, "text"]}
        for move in codebook.move_ids:
            hand_value, rules_value = getattr(row, f"{move}_hand"), getattr(row, f"{move}_rules")
            if hand_value == rules_value:
                continue
            if hand_value:
                why = rationale[(statement_id, "accountability_move", move)]
            else:
                coded = [(code, text) for (sid, dim, code), text in rationale.items()
                         if sid == statement_id and dim == "accountability_move"]
                why = "not coded by hand; the hand coding has " + "; ".join(
                    f"{code}: {text}" for code, text in coded)
            rows.append({**base, "dimension": "accountability_move", "code": move,
                         "hand": str(hand_value), "rules": str(rules_value), "hand_rationale": why,
                         "rules_evidence": _evidence(explained, "accountability_move", move,
                                                     bool(rules_value))})
        defaults = {"named_agent": dictionary.named_agent_default,
                    "alignment": dictionary.alignment_default}
        for dimension in ("named_agent", "alignment"):
            hand_value, rules_value = getattr(row, f"{dimension}_hand"), getattr(row, f"{dimension}_rules")
            if hand_value == rules_value:
                continue
            if dimension == "alignment":
                hand_code, rules_code = levels[hand_value], levels[rules_value]
                hand_shown = f"{hand_code} ({signed(hand_value)})"
                rules_shown = f"{rules_code} ({signed(rules_value)})"
            else:
                hand_code = hand_shown = hand_value
                rules_code = rules_shown = rules_value
            evidence = ("no rule fired; the default applies" if rules_code == defaults[dimension]
                        else _evidence(explained, dimension, rules_code, True))
            rows.append({**base, "dimension": dimension, "code": "", "hand": hand_shown,
                         "rules": rules_shown,
                         "hand_rationale": rationale[(statement_id, dimension, hand_code)],
                         "rules_evidence": evidence})
    return pd.DataFrame(rows, columns=DISAGREEMENT_COLUMNS)


def reading_note(table: pd.DataFrame) -> str:
    """The agreement in one paragraph, numbers from the table: the alpha of each coded
    dimension with its interval, and the widest interval."""
    rows = table[table["row_type"].isin(["pooled_moves", "dimension"])]
    n = int(rows["n_statements"].iloc[0])
    parts = []
    for row in rows.itertuples():
        name = "accountability moves (pooled)" if row.row_type == "pooled_moves" else row.dimension
        parts.append(f"{name}: alpha {row.alpha:.2f} (95% interval {row.alpha_ci_low:.2f} to "
                     f"{row.alpha_ci_high:.2f})")
    widths = rows["alpha_ci_high"] - rows["alpha_ci_low"]
    widest = rows.loc[widths.idxmax()]
    per_code = table[table["row_type"] == "binary_code"]
    undefined = per_code.loc[per_code["alpha"].isna(), "code"].tolist()
    text = (f"With {n} statements, {'; '.join(parts)}. The widest interval ({widest['dimension']}) "
            f"spans {widths.max():.2f}, most of the distance between agreement no better than "
            f"chance (0) and perfect agreement (1). ")
    if undefined:
        text += (f"Alpha is undefined for {', '.join(undefined)}: neither coding ever assigns "
                 f"{'it' if len(undefined) == 1 else 'them'}. ")
    text += (f"Bootstrap: {int(rows['bootstrap_resamples'].iloc[0])} resamples of the statements, "
             f"seed {BOOTSTRAP_SEED}.")
    return text
