"""Constructed statements (article and corpus, attributed to nobody) with hand codings, on top
of tests/coding_fixture.py: the REFI-QDA and second-coder tests run on these."""

from __future__ import annotations

import types
from pathlib import Path

import pandas as pd

from coding_fixture import write
from dronediplomacy.coding.codebook import load_codebook

CORPUS_HAND_CODING = """\
statement_id,dimension,code,rationale,codebook_version
c1,accountability_move,none,"Makes no move.",1.0.0
c1,named_agent,turkish_state,"Names the state.",1.0.0
c1,alignment,no_alignment,"Neither side.",1.0.0
c1,stance,none,"No position.",1.0.0
"""
TEXTS = {"s1": "We won it.", "s2": "A firm sold it, ü.", "c1": "Here are our drones."}


def make(folder: Path):
    """(files of coding_fixture.write, tables with .statements and .corpus_statements,
    the codebook); hand_coding.csv and corpus_hand_coding.csv are in ``folder``."""
    files = write(folder)
    (folder / "corpus_hand_coding.csv").write_text(CORPUS_HAND_CODING, encoding="utf-8")
    context = {"actor_id": "someone", "conflict_id": "war", "source_id": "src"}
    statements = pd.DataFrame([{"statement_id": sid, "text": TEXTS[sid], "paragraph": 1,
                                "mode": "direct_quote", "text_kind": "verbatim", **context}
                               for sid in ("s1", "s2")])
    corpus = pd.DataFrame([{"statement_id": "c1", "quotation": TEXTS["c1"], "outlet": "Paper",
                            "page_title": "Title", "url": "https://example.org/a",
                            "date_read": "2020-01-01", **context}])
    tables = types.SimpleNamespace(statements=statements, corpus_statements=corpus)
    return files, tables, load_codebook(files["codebook"])
