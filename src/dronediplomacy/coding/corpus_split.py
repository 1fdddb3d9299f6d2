"""The corpus's development and test sets (``data/input/corpus_split.csv``), drawn once on
2026-11-30, before any work on the coder, by ``python -m dronediplomacy.coding.corpus_split``
(atomic write; it refuses to replace the split without ``--redraw``, since redrawing after
the coder work started would leak the test set). The test set is not looked at while the coder
is built. A statement added later gets its set by hand (README, "The statement corpus").
"""

import math
import sys

import numpy as np
import pandas as pd

from dronediplomacy import atomic, paths
from dronediplomacy.coding.codings import speaker_sides
from dronediplomacy.inputs.schemas import SPECS_BY_NAME
from dronediplomacy.inputs.tables import load_tables

SEED = 20261130          # the date the split was drawn
DEVELOPMENT_SHARE = 2 / 3
SPLIT_PATH = paths.DATA_INPUT / SPECS_BY_NAME["corpus_split"].file


def stratified_split(ids: pd.Series, strata: pd.Series, *, seed: int = SEED,
                     share: float = DEVELOPMENT_SHARE) -> pd.DataFrame:
    """statement_id and set ('development' or 'test'), sorted by id: a split stratified by
    ``strata`` (aligned with ``ids``). Strata are taken in sorted order, the ids of each sorted,
    then permuted by one ``numpy.random.default_rng(seed)`` (PCG64, the same stream on every
    machine); the first floor(n * share + 0.5) of each stratum go to development."""
    if not 0 < share < 1:
        raise ValueError(f"share must be between 0 and 1, not {share}")
    frame = pd.DataFrame({"statement_id": list(ids), "stratum": list(strata)})
    rng, chosen = np.random.default_rng(seed), []
    for _, group in frame.groupby("stratum"):  # in sorted order
        members = sorted(group["statement_id"])
        n_development = math.floor(len(members) * share + 0.5)
        chosen += [(members[i], "development" if rank < n_development else "test")
                   for rank, i in enumerate(rng.permutation(len(members)))]
    return pd.DataFrame(chosen, columns=["statement_id", "set"]).sort_values("statement_id",
                                                                         ignore_index=True)


def main(argv: list[str] | None = None) -> int:
    """Draw the split and write data/input/corpus_split.csv (``--redraw`` to replace it)."""
    if SPLIT_PATH.exists() and "--redraw" not in (sys.argv[1:] if argv is None else argv):
        print(f"{paths.relative(SPLIT_PATH)} exists: the split is fixed. Give new statements a "
              "set by hand; pass --redraw only if no work on the coder has used the test set.",
              file=sys.stderr)
        return 1
    if not SPLIT_PATH.exists():
        atomic.write_text(SPLIT_PATH, "statement_id,set\n")  # loading needs the file
    tables = load_tables()
    corpus = tables.corpus_statements
    strata = corpus["conflict_id"] + "/" + corpus["statement_id"].map(speaker_sides(tables, corpus))
    atomic.write_csv(SPLIT_PATH, stratified_split(corpus["statement_id"], strata))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
