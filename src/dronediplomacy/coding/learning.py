"""The coding assistant: the dictionary combined with linear models trained on the
development set, and the cross-validation that chose it. Training data (:func:`labelled`): the
corpus's development statements (``corpus_split.csv``) and the article's, with their hand codes;
the test set is read only by ``labelled(..., "test")``, once, in notebook 07. Model
(:func:`train`): binary word unigrams and bigrams of normalised text (scikit-learn's
``CountVectorizer``), one L2-regularised logistic regression per move (balanced class weights),
one multinomial each for named agent and alignment (liblinear and lbfgs are deterministic).
The combined coder (:func:`code`) gives a move when the dictionary or the model does; named
agent and alignment come from the dictionary where one of its rules fired, else the model.
"""

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from threadpoolctl import threadpool_limits

from dronediplomacy import paths
from dronediplomacy.coding.codebook import Codebook
from dronediplomacy.coding import agreement
from dronediplomacy.coding.coder import Dictionary, code_text
from dronediplomacy.coding.hand_coding import HAND_CODING_PATH, hand_codes_wide, load_hand_coding
from dronediplomacy.inputs.tables import Tables
from dronediplomacy.text import normalise

SEED = 20261130            # the date the corpus was split
FOLDS = 5
THRESHOLD = 0.5            # a move's predicted probability at which the model gives it
CORPUS_HAND_CODING_PATH = paths.DATA_INPUT / "corpus_hand_coding.csv"
APPROACHES = ("dictionary", "model", "combined")


def split_ids(split: pd.DataFrame, subset: str) -> list[str]:
    """The statement ids of one set ("development" or "test") of corpus_split.csv."""
    if subset not in ("development", "test"):
        raise ValueError(f"subset must be 'development' or 'test', not {subset!r}")
    return split.loc[split["set"] == subset, "statement_id"].tolist()


def labelled(tables: Tables, codebook: Codebook, subset: str = "development") -> pd.DataFrame:
    """Statements with their hand codes, wide (statement_id, source, text, one 0/1 column per
    move, named_agent, alignment -2..2): the corpus statements of ``subset`` and, for
    development, the article's statements too. Only ``subset``'s corpus ids are read."""
    ids = split_ids(tables.corpus_split, subset)
    corpus = tables.corpus_statements.loc[tables.corpus_statements["statement_id"].isin(ids)]
    parts = [(corpus.rename(columns={"quotation": "text"}), CORPUS_HAND_CODING_PATH, "corpus")]
    if subset == "development":
        parts.append((tables.statements, HAND_CODING_PATH, "article"))
    frames = []
    for statements, path, source in parts:
        long = load_hand_coding(path, codebook)
        wide = hand_codes_wide(long[long["statement_id"].isin(statements["statement_id"])], codebook)
        frame = statements[["statement_id", "text"]].merge(wide, on="statement_id")
        frames.append(frame.assign(source=source).drop(columns="stance"))
    return pd.concat(frames, ignore_index=True)[["statement_id", "source", "text",
                                                  *codebook.move_ids, "named_agent", "alignment"]]


@dataclass(frozen=True)
class Model:
    """Trained weights: the vocabulary and one fitted classifier (or a constant, for a target
    with a single value in training) per move, for named_agent and for alignment."""

    vectorizer: CountVectorizer
    classifiers: dict  # target -> LogisticRegression, or the constant value

    def features(self, texts) -> csr_matrix:
        """The binary n-gram matrix (texts x vocabulary) of ``texts``, normalised."""
        return self.vectorizer.transform([normalise(t) for t in texts])


# One BLAS thread: on models this small more threads only wait for each other (same results).
@threadpool_limits.wrap(limits=1, user_api="blas")
def train(frame: pd.DataFrame, moves: tuple[str, ...]) -> Model:
    """Fit the model on a wide labelled frame (:func:`labelled`'s columns). Deterministic."""
    vectorizer = CountVectorizer(ngram_range=(1, 2), binary=True, token_pattern=r"(?u)\b\w+\b")
    x = vectorizer.fit_transform([normalise(t) for t in frame["text"]])
    classifiers = {}
    for target in (*moves, "named_agent", "alignment"):
        y = frame[target].to_numpy()
        classifiers[target] = y[0] if len(np.unique(y)) < 2 else LogisticRegression(
            solver="liblinear" if target in moves else "lbfgs", class_weight="balanced", C=1.0,
            max_iter=1000, random_state=SEED).fit(x, y)
    return Model(vectorizer, classifiers)


def code(texts: list[str], model: Model, dictionary: Dictionary,
         approach: str = "combined") -> pd.DataFrame:
    """Code ``texts`` by one of :data:`APPROACHES`: one row per text, in order, with one 0/1
    column per move, named_agent and alignment (-2..2)."""
    moves, x = dictionary.move_ids, model.features(texts)
    learned = {}
    for target, classifier in model.classifiers.items():
        if not isinstance(classifier, LogisticRegression):
            learned[target] = np.full(len(texts), classifier)
        elif target in moves:
            learned[target] = (classifier.predict_proba(x)[:, 1] >= THRESHOLD).astype("int64")
        else:
            learned[target] = classifier.predict(x)
    rows = []
    for i, text in enumerate(texts):
        rules, found = code_text(text, dictionary)
        row = rules if approach == "dictionary" else {target: v[i] for target, v in learned.items()}
        if approach == "combined":  # the dictionary's agent and alignment where one of its rules fired
            fired = {dimension for dimension, *_, counted in found if counted}
            row.update({move: row[move] or rules[move] for move in moves})
            row.update({target: rules[target] for target in ("named_agent", "alignment") if target in fired})
        rows.append(row)
    return pd.DataFrame(rows, columns=[*moves, "named_agent", "alignment"]).astype(
        {"alignment": "int64", **{move: "int64" for move in moves}})


def cross_validate(frame: pd.DataFrame, dictionary: Dictionary, folds: int = FOLDS,
                   seed: int = SEED) -> pd.DataFrame:
    """Out-of-fold codes of every approach on ``frame`` (the development set): stratified
    k-fold (scikit-learn, shuffled with ``seed``) on whether a statement has any move and
    its source. Returns the frame's statement_id, approach and the codes."""
    moves = list(dictionary.move_ids)
    strata = frame["source"] + frame[moves].any(axis=1).astype(str)
    out = []
    for train_rows, test_rows in StratifiedKFold(folds, shuffle=True, random_state=seed).split(
            frame, strata):
        model = train(frame.iloc[train_rows], dictionary.move_ids)
        held = frame.iloc[test_rows]
        for approach in APPROACHES:
            coded = code(held["text"].tolist(), model, dictionary, approach)
            out.append(coded.assign(statement_id=held["statement_id"].to_numpy(),
                                    approach=approach))
    return pd.concat(out, ignore_index=True)


def report(hand: pd.DataFrame, coded: pd.DataFrame, moves: tuple[str, ...],
           alignment_domain, n_resamples: int = agreement.BOOTSTRAP_RESAMPLES,
           seed: int = agreement.BOOTSTRAP_SEED) -> pd.DataFrame:
    """The coder against the hand coding (both wide, rows aligned): one row per measure
    (precision, recall, F1 per move; macro-F1 over the moves whose F1 is defined; the share
    of statements with a hand-coded move in which the coder finds one; named-agent accuracy;
    alignment Krippendorff's alpha, ordinal), with the percentile bootstrap 95% interval over
    resampled statements (:func:`agreement.resample_indices`) and n, the statements it rests on.
    """
    # columns as arrays, once: indexing the frames for every resample was most of notebook 07's time
    columns = [{name: frame[name].to_numpy() for name in [*moves, "named_agent", "alignment"]}
               for frame in (hand, coded)]

    def measures(rows) -> dict:
        h, c = ({name: values[rows] for name, values in side.items()} for side in columns)
        out = {}
        for move in moves:
            prf = agreement.precision_recall_f1(h[move], c[move])
            out.update({(measure, move): prf[measure] for measure in ("precision", "recall", "f1")})
        f1 = [out[("f1", move)] for move in moves]
        has = np.any([h[move] for move in moves], axis=0)
        out[("macro_f1", "moves")] = np.nanmean(f1)  # NaN if no F1 is defined
        out[("move_found", "moves")] = np.any([c[move] for move in moves], axis=0)[has].mean()  # NaN if none
        out[("accuracy", "named_agent")] = np.mean(h["named_agent"] == c["named_agent"])
        out[("alpha_ordinal", "alignment")] = agreement.alpha(h["alignment"], c["alignment"], "ordinal",
                                                              alignment_domain)
        return out

    with warnings.catch_warnings():  # a measure without a defined value is NaN (skipped in the CI)
        warnings.simplefilter("ignore", RuntimeWarning)
        value = measures(np.arange(len(hand)))
        boot = pd.DataFrame([measures(rows) for rows in
                             agreement.resample_indices(len(hand), n_resamples, seed)])
    return pd.DataFrame([{"measure": m, "code": c, "value": v,
                           "ci_low": boot[(m, c)].quantile(0.025),
                           "ci_high": boot[(m, c)].quantile(0.975),
                           "n_statements": len(hand)} for (m, c), v in value.items()])


#: issue 17's targets on the test set: (measure, code) -> (as named in prose, target)
TARGETS = {("macro_f1", "moves"): ("macro-F1 over the moves", 0.70),
           ("move_found", "moves"): ("share of statements with a hand-coded move in which it "
                                     "finds a move", 0.80),
           ("accuracy", "named_agent"): ("named-agent accuracy", 0.75)}


def headline(table: pd.DataFrame) -> str:
    """The held-out figures in one sentence (for the README), from a :func:`report` table
    of the test set: each target measure with its interval, whether the target is met,
    and the alignment alpha (template coding/templates/coder_headline.txt.j2)."""
    return agreement.prose("coder_headline", value=table.set_index(["measure", "code"]), targets=TARGETS)
