"""The notebook order, written here and nowhere else.

Each entry names a notebook, what it is for, what it reads and what it writes.
The runner executes them in this order; the README's notebook table is generated
from this list (tests/test_readme.py checks it).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Notebook:
    name: str
    purpose: str
    reads: tuple[str, ...]
    writes: tuple[str, ...]


NOTEBOOKS: tuple[Notebook, ...] = (
    Notebook(
        "00-check-environment.ipynb",
        "Versions of the stack and the expected checksum of each source text.",
        reads=("data/input/sources.csv",),
        writes=(),
    ),
    Notebook(
        "01-load-facts.ipynb",
        "Loads and validates the article's facts and the statement corpus; verifies them against "
        "the source text and the corpus's excerpts.",
        reads=("data/input/*.csv", "source text (if present)"),
        writes=(),
    ),
    Notebook(
        "02-render-codebook.ipynb",
        "The codebook as a readable, citable table.",
        reads=("data/input/codebook.yaml",),
        writes=(),
    ),
    Notebook(
        "03-code-statements.ipynb",
        "Hand coding, rule-based coding and their agreement.",
        reads=("data/input/statements.csv", "data/input/codebook.yaml",
               "data/input/coder_patterns.yaml", "data/input/hand_coding.csv",
               "data/input/second_coding.csv"),
        writes=("data/derived/coded_hand.csv", "data/derived/coded_rules.csv",
                "data/derived/agreement.csv", "data/derived/disagreements.csv"),
    ),
    Notebook(
        "04-compare-conflicts.ipynb",
        "Nagorno-Karabakh against Ukraine: the figures and the comparison table.",
        reads=("data/input/*.csv", "data/derived/*.csv", "data/raw/sipri_trade_register_turkiye.csv"),
        writes=("figures/*", "data/derived/comparison.csv"),
    ),
    Notebook(
        "05-test-the-argument.ipynb",
        "Does the article's contrast hold beyond its own quotations? The wars compared on the "
        "statement corpus, with exact small-sample inference, sensitivity and the answer in prose.",
        reads=("data/input/*.csv", "data/input/codebook.yaml", "data/input/coder_patterns.yaml"),
        writes=("data/derived/corpus_comparison.csv", "data/derived/inference.csv",
                "data/derived/sensitivity.csv", "data/derived/article_vs_corpus.csv",
                "figures/fig-09-*", "figures/fig-10-*", "figures/fig-11-*"),
    ),
    Notebook(
        "06-tell-comparison.ipynb",
        "The comparison told in prose, every number computed from the tables.",
        reads=("data/input/*.csv", "data/derived/*.csv", "figures/manifest.csv"),
        writes=(),
    ),
    Notebook(
        "07-evaluate-coder.ipynb",
        "The coder compared on the corpus's development set, then judged once on its test set.",
        reads=("data/input/corpus_*.csv", "data/input/statements.csv", "data/input/hand_coding.csv",
               "data/input/codebook.yaml", "data/input/coder_patterns.yaml"),
        writes=("data/derived/coder_development.csv", "data/derived/coder_test_evaluation.csv"),
    ),
)


def names() -> list[str]:
    return [nb.name for nb in NOTEBOOKS]
