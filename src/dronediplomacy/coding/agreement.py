"""How well the dictionary reproduces the hand coding: a validity check of the dictionary, not
intercoder reliability (that would need a second human coder). Krippendorff's alpha (the
``krippendorff`` package) per move, all moves pooled and per dimension, with a percentile
bootstrap 95% interval; percent agreement; precision, recall and F1 per code. A statistic that
cannot be computed is empty and its row says why ("undefined: ...").
"""

import math

import jinja2
import krippendorff
import numpy as np
import pandas as pd

from dronediplomacy.coding.codebook import Codebook
from dronediplomacy.coding.coder import Dictionary, explain

BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 20201110  # fixed, so every run gives the same interval
INTERVAL = (2.5, 97.5)     # percentiles of the bootstrap distribution
DECIMALS = 4
TOO_FEW = "undefined: fewer than two statements"
#: The prose templates of the coding stage (coding/templates/), with the test ``missing`` (NaN).
TEMPLATES = jinja2.Environment(loader=jinja2.PackageLoader("dronediplomacy.coding"), trim_blocks=True,
                               lstrip_blocks=True, undefined=jinja2.StrictUndefined)
TEMPLATES.tests["missing"] = pd.isna

COLUMNS = ["dimension", "row_type", "code", "level_of_measurement", "n_statements",
           "hand_count", "rules_count", "both_count", "percent_agreement",
           "alpha", "alpha_ci_low", "alpha_ci_high", "bootstrap_resamples",
           "resamples_without_variation", "alpha_note", "precision", "recall", "f1", "prf_note"]


def prose(template: str, **values) -> str:
    """``templates/<template>.txt.j2`` filled with ``values``, on one line (every run of
    whitespace becomes one space). jinja2.UndefinedError for a value not given."""
    return " ".join(TEMPLATES.get_template(f"{template}.txt.j2").render(**values).split())


def _counts(hand, rules, value_domain) -> np.ndarray:
    """Statements x cells x values: how many of the two codings gave each value to each cell."""
    cells = np.stack([np.reshape(hand, (len(hand), -1)), np.reshape(rules, (len(rules), -1))], axis=-1)
    if not np.isin(cells, list(value_domain)).all():
        raise ValueError(f"a coding holds out-of-domain values (the domain is {list(value_domain)})")
    return (cells[..., np.newaxis] == np.array(list(value_domain))).sum(axis=2)


def _alpha(counts: np.ndarray, level: str, value_domain) -> float:
    units = counts.reshape(-1, len(value_domain))
    if len(counts) < 2 or np.count_nonzero(units.sum(axis=0)) < 2:  # too few, or one value: 0/0
        return math.nan
    return float(krippendorff.alpha(value_counts=units, value_domain=list(value_domain),
                                    level_of_measurement=level))


def alpha(hand, rules, level: str, value_domain) -> float:
    """Krippendorff's alpha (``krippendorff.alpha``) of two equal-length numeric codings (2-D:
    statements x variables, pooled, each cell a unit); NaN with fewer than two statements or no
    variation; ValueError for a value outside ``value_domain``."""
    return _alpha(_counts(hand, rules, value_domain), level, value_domain)


def bootstrap_alpha(hand, rules, level: str, value_domain,
                    resamples: np.ndarray) -> tuple[float, float, int]:
    """(low, high, skipped): the percentile interval (:data:`INTERVAL`) of :func:`alpha` over
    ``resamples`` (resample x statement row indices into ``hand``/``rules``), and how many
    resamples had no variation (alpha undefined) and were skipped; NaN, NaN if none had any."""
    counts = _counts(hand, rules, value_domain)  # once: a resample picks statements' rows
    values = np.array([_alpha(counts[rows], level, value_domain) for rows in resamples])
    defined = values[~np.isnan(values)]
    low, high = np.percentile(defined, INTERVAL) if defined.size else (math.nan, math.nan)
    return float(low), float(high), len(values) - defined.size


def signed(value: int) -> str:
    """An alignment value as shown to readers: +2, +1, 0, -1, -2."""
    return f"{value:+d}" if value else "0"


def percent_agreement(hand, rules) -> float:
    """The share of cells (any shape, flattened) on which the two codings agree; NaN for none."""
    hand, rules = np.ravel(hand), np.ravel(rules)
    return float(np.mean(hand == rules)) if hand.size else math.nan


def precision_recall_f1(hand: np.ndarray, rules: np.ndarray) -> dict:
    """hand_count, rules_count, both_count, precision, recall, f1 and prf_note (why a 0/0 is
    NaN) of the rule coder for one code (booleans per statement; the hand coding is the
    reference). F1 = 2TP / (2TP + FP + FN)."""
    hand, rules = np.asarray(hand, dtype=bool), np.asarray(rules, dtype=bool)
    tp, fp, fn = (int(np.sum(a & b)) for a, b in ((hand, rules), (~hand, rules), (hand, ~rules)))
    values, reasons = {}, []
    for name, numerator, denominator, why in (
            ("precision", tp, tp + fp, "precision undefined: the rule coder never assigns this code"),
            ("recall", tp, tp + fn, "recall undefined: the hand coding never assigns this code"),
            ("f1", 2 * tp, 2 * tp + fp + fn, "F1 undefined: neither coding assigns this code")):
        values[name] = numerator / denominator if denominator else math.nan
        reasons += [] if denominator else [why]
    return {"hand_count": tp + fn, "rules_count": tp + fp, "both_count": tp, **values,
            "prf_note": "; ".join(reasons)}


def resample_indices(n_statements: int, n_resamples: int = BOOTSTRAP_RESAMPLES,
                     seed: int = BOOTSTRAP_SEED) -> np.ndarray:
    """The bootstrap resamples: (n_resamples x n_statements) row indices, drawn with
    replacement by ``numpy.random.default_rng(seed)``."""
    return np.random.default_rng(seed).integers(0, n_statements, size=(n_resamples, n_statements))


def alpha_row(dimension: str, row_type: str, code: str, level: str, hand, rules, value_domain,
              resamples: np.ndarray) -> dict:
    """One reliability row for two codings ``hand`` and ``rules`` (arrays, one row per
    statement; 2-D for pooled moves): n_statements, percent_agreement, Krippendorff's alpha at
    ``level`` over ``value_domain`` with its bootstrap interval over ``resamples`` (from
    :func:`resample_indices`), and a note when alpha is undefined or resamples were skipped."""
    value = alpha(hand, rules, level, value_domain)
    low, high, skipped = (math.nan, math.nan, len(resamples)) if math.isnan(value) else \
        bootstrap_alpha(hand, rules, level, value_domain, resamples)
    note = (TOO_FEW if np.shape(hand)[0] < 2 else
            f"undefined: both codings give every statement the same value ({np.ravel(hand)[0]:g}), "
            "so there is no variation and expected disagreement is zero" if math.isnan(value) else
            f"{skipped} of {len(resamples)} bootstrap resamples had no variation (alpha undefined) "
            "and were skipped" if skipped else "")
    return {"dimension": dimension, "row_type": row_type, "code": code,
            "level_of_measurement": level, "n_statements": int(np.shape(hand)[0]),
            "percent_agreement": percent_agreement(hand, rules), "alpha": value,
            "alpha_ci_low": low, "alpha_ci_high": high, "bootstrap_resamples": len(resamples),
            "resamples_without_variation": skipped, "alpha_note": note}


def agreement_table(hand: pd.DataFrame, rules: pd.DataFrame, codebook: Codebook, *,
                    id_column: str = "statement_id", n_resamples: int = BOOTSTRAP_RESAMPLES,
                    seed: int = BOOTSTRAP_SEED) -> pd.DataFrame:
    """The agreement of the rule coding with the hand coding (:data:`COLUMNS`), one row per
    move (``binary_code``), all moves (``pooled_moves``), named_agent and alignment (``dimension``,
    alpha nominal and ordinal), each of their codes against the rest (``category``) and each
    dimension not coded by rules (``not_coded``, saying why). ``hand`` and ``rules``: wide codings
    matched on ``id_column`` (ValueError unless they cover the same statements)."""
    merged = hand.merge(rules, on=id_column, suffixes=("_hand", "_rules"), validate="one_to_one")
    if len(merged) != len(hand) or len(merged) != len(rules):
        raise ValueError("the hand and rule codings do not cover the same statements")
    resamples, moves = resample_indices(len(merged), n_resamples, seed), codebook.move_ids
    def both(names: list[str]):
        return (merged[[f"{name}_{side}" for name in names]].to_numpy() for side in ("hand", "rules"))

    rows = []
    for move in moves:
        h, r = (cells[:, 0] for cells in both([move]))
        rows.append({**alpha_row("accountability_move", "binary_code", move, "nominal", h, r, [0, 1],
                                 resamples), **precision_recall_f1(h == 1, r == 1)})
    h, r = both(moves)
    rows.append({**alpha_row("accountability_move", "pooled_moves", "all moves", "nominal", h, r,
                             [0, 1], resamples), **precision_recall_f1(h == 1, r == 1),
                 "prf_note": "pooled over every statement x move cell"})
    for dimension, level in (("named_agent", "nominal"), ("alignment", "ordinal")):
        numbers = codebook.ordinal_values(dimension) if level == "ordinal" else \
            {code: number for number, code in enumerate(codebook.code_ids(dimension))}
        # nominal codes become their numbers; alignment's columns already hold its values
        h, r = (merged[f"{dimension}_{side}"].replace(numbers).to_numpy() for side in ("hand", "rules"))
        rows.append({**alpha_row(dimension, "dimension", "all codes", level, h, r,
                                 list(numbers.values()), resamples),
                     "prf_note": "precision, recall and F1 are per code: see the category rows below"})
        rows += [{"dimension": dimension, "row_type": "category", "level_of_measurement": level,
                  "code": code + (f" ({signed(number)})" if level == "ordinal" else ""),
                  "n_statements": len(h), "percent_agreement": percent_agreement(h == number, r == number),
                  "alpha_note": "alpha is reported for the dimension as a whole"
                                + (" (ordinal)" if level == "ordinal" else ""),
                  **precision_recall_f1(h == number, r == number)} for code, number in numbers.items()]
    for dimension in codebook.dimensions:
        if "rules" not in dimension["coded_by"]:
            reason = ("derived from the tables, not coded by hand or by the dictionary: no agreement "
                      "statistic" if "derived" in dimension["coded_by"] else "coded by hand only; the "
                      "dictionary does not code it: "
                      + " ".join(dimension["why_not_coded_by_the_dictionary"].split()))
            rows.append({"dimension": dimension["id"], "row_type": "not_coded", "code": "",
                         "level_of_measurement": dimension["level_of_measurement"],
                         "n_statements": len(merged), "alpha_note": reason,
                         "prf_note": "no rule coding to compare"})

    table = pd.DataFrame(rows, columns=COLUMNS)
    floats = ["percent_agreement", "alpha", "alpha_ci_low", "alpha_ci_high", "precision", "recall", "f1"]
    if len(merged) < 2:  # one statement: no statistic is defined, whatever the formulas give
        coded = table["row_type"] != "not_coded"
        table.loc[coded, floats[1:]] = math.nan
        table.loc[coded, ["alpha_note", "prf_note"]] = TOO_FEW
    counts = ["hand_count", "rules_count", "both_count", "bootstrap_resamples",
              "resamples_without_variation"]
    return table.astype({**dict.fromkeys(counts, "Int64"), **dict.fromkeys(floats, float)}).round(
        dict.fromkeys(floats, DECIMALS)).fillna({"alpha_note": "", "prf_note": ""})


def summary(table: pd.DataFrame) -> pd.DataFrame:
    """The dimension-level rows of the table, the ones a reader looks at first."""
    keep = table["row_type"].isin(["pooled_moves", "dimension", "not_coded"])
    columns = ["dimension", "code", "level_of_measurement", "n_statements", "percent_agreement",
               "alpha", "alpha_ci_low", "alpha_ci_high", "resamples_without_variation", "alpha_note"]
    return table.loc[keep, columns].reset_index(drop=True)


def reading_note(table: pd.DataFrame) -> str:
    """The agreement in one paragraph, numbers from the table: the alpha of each coded
    dimension with its interval (or why it is undefined), and the widest interval."""
    rows = table[table["row_type"].isin(["pooled_moves", "dimension"])]
    per_code = table[table["row_type"] == "binary_code"]
    undefined = per_code["alpha"].isna() & per_code["hand_count"].eq(0) & per_code["rules_count"].eq(0)
    return prose("agreement_note", rows=rows, widths=rows["alpha_ci_high"] - rows["alpha_ci_low"],
                 undefined=per_code.loc[undefined, "code"].tolist(), seed=BOOTSTRAP_SEED)


DISAGREEMENT_COLUMNS = ["statement_id", "conflict_id", "actor_id", "text", "dimension", "code",
                        "hand", "rules", "hand_rationale", "rules_evidence"]


def _evidence(explained: pd.DataFrame, dimension: str, code: str, rules_fired: bool) -> str:
    """What the dictionary saw for one code: the words that counted, or those found but
    negated or rejected, or that nothing matched."""
    rows = explained[(explained["dimension"] == dimension) & (explained["code"] == code)]
    if rows.empty:
        return "no pattern matched"
    counted = rows[rows["counted"]]
    if rules_fired and not counted.empty:
        return "matched: " + "; ".join(f"'{m}'" for m in dict.fromkeys(counted["matched"]))
    reasons = [f"'{row.matched}' (" + ("negated" if row.negated else "rejected by an exclusion "
               "pattern" if row.rejected else "context missing") + ")" for row in rows.itertuples()]
    return "matched but not counted: " + "; ".join(dict.fromkeys(reasons))


def disagreements(hand: pd.DataFrame, rules: pd.DataFrame, hand_long: pd.DataFrame,
                  statements: pd.DataFrame, codebook: Codebook, dictionary: Dictionary
                  ) -> pd.DataFrame:
    """Every code on which the wide codings ``hand`` and ``rules`` differ (:data:`DISAGREEMENT_COLUMNS`),
    with the hand coder's rationale (from ``hand_long``) and what the dictionary matched."""
    merged = hand.merge(rules, on="statement_id", suffixes=("_hand", "_rules"), validate="one_to_one")
    info = statements.set_index("statement_id")
    rationale = {(r.statement_id, r.dimension, r.code): r.rationale for r in hand_long.itertuples()}
    levels = {value: code for code, value in codebook.ordinal_values("alignment").items()}
    rows = []
    for row in merged.to_dict("records"):
        sid = row["statement_id"]
        explained = explain(info.loc[sid, "text"], dictionary)
        base = {"statement_id": sid, **info.loc[sid, ["conflict_id", "actor_id", "text"]].to_dict()}
        for move in codebook.move_ids:
            hand_value, rules_value = row[f"{move}_hand"], row[f"{move}_rules"]
            if hand_value != rules_value:
                why = rationale[(sid, "accountability_move", move)] if hand_value else \
                    "not coded by hand; the hand coding has " + "; ".join(
                        f"{code}: {text}" for (s, dim, code), text in rationale.items()
                        if s == sid and dim == "accountability_move")
                rows.append({**base, "dimension": "accountability_move", "code": move,
                             "hand": str(hand_value), "rules": str(rules_value), "hand_rationale": why,
                             "rules_evidence": _evidence(explained, "accountability_move", move,
                                                         bool(rules_value))})
        for dimension in ("named_agent", "alignment"):
            values = row[f"{dimension}_hand"], row[f"{dimension}_rules"]
            if values[0] != values[1]:
                codes = [levels[v] for v in values] if dimension == "alignment" else list(values)
                shown = [f"{c} ({signed(v)})" for c, v in zip(codes, values)] \
                    if dimension == "alignment" else codes
                rows.append({**base, "dimension": dimension, "code": "", "hand": shown[0],
                             "rules": shown[1], "hand_rationale": rationale[(sid, dimension, codes[0])],
                             "rules_evidence": "no rule fired; the default applies"
                             if codes[1] == dictionary.defaults[dimension]
                             else _evidence(explained, dimension, codes[1], True)})
    return pd.DataFrame(rows, columns=DISAGREEMENT_COLUMNS)
