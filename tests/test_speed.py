"""The speed-ups change no result: the coder's faster patterns and slices, the memory of
validated inputs and rendered pages."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from dronediplomacy import coder, memo, paths, site
from dronediplomacy.errors import InputError

# --------------------------------------------------------------------------- the coder


@pytest.fixture(scope="module")
def dictionary():
    return coder.default_dictionary()


EDGES = ["our", "xour", "_our", "1our", "über our", "ourour", "our-our", "we won", "i won",
         "we, i won", "not our victory", "thanks to us", "side by side", "turkey's", "türkiye",
         "the buyer's", "the buyers", "brotherly brothers", "«baykar»", "(private) firms",
         "'our' victory", "", " ", "our\nvictory"]


def corpus(dictionary) -> list[str]:
    """Constructed texts: edge cases around word boundaries, and random runs of the words
    and fragments the patterns use."""
    rng = random.Random(9)
    words = sorted({w for source in dictionary.compiled
                    for w in __import__("re").findall(r"[a-z']{2,}", source)})
    words += [",", ".", ";", "-", "'", "not", "no", "never", "_", "x", "1"]
    texts = list(EDGES)
    texts += [" ".join(rng.choices(words, k=rng.randint(1, 30))) for _ in range(600)]
    texts += ["".join(rng.choices(words, k=rng.randint(1, 6))) for _ in range(150)]  # glued
    return [coder.normalise_text(t) for t in texts]


def test_fast_patterns_match_exactly_where_the_dictionary_patterns_do(dictionary):
    rng = random.Random(4)
    texts = corpus(dictionary)
    for source, original in dictionary.compiled.items():
        fast = dictionary.fast[source]
        for text in texts:
            assert [m.span() for m in fast.finditer(text)] == \
                   [m.span() for m in original.finditer(text)], (source, text)
            position = rng.randrange(len(text) + 1)
            a, b = original.search(text, position), fast.search(text, position)
            assert (a and a.span()) == (b and b.span()), (source, text, position)


@pytest.mark.parametrize("source, expected", [
    (r"\bour\W+win\b", r"o(?<=\bo)ur\W+win\b"),
    (r"\b(?:we|i)\W+won\b", r"(?:w(?<=\bw)e|i(?<=\bi))\W+won\b"),
    (r"\b(?:[|]x|y)z", r"(?:\b[|]x|y(?<=\by))z"),       # a class is kept as it is
    (r"\bfoo|bar", r"f(?<=\bf)oo|bar"),                  # \b belongs to the first branch
    (r"\bs?ide", r"\bs?ide"),                            # a quantified first letter: unchanged
    (r"\b(?:a|b)?c", r"\b(?:a|b)?c"),                    # an optional group: unchanged
    (r"\b(?:a|)c", r"\b(?:a|)c"),                        # an empty branch: unchanged
    (r"\b\w+n't", r"\b\w+n't"),                          # no letter first: unchanged
    (r"\bTurkey", r"\bTurkey"),                          # only lower-case letters are moved
    (r"(?:a|b)", r"(?:a|b)"),
])
def test_fast_equivalent_rewrites_only_a_leading_boundary(source, expected):
    assert coder.fast_equivalent(source) == expected


def test_coding_in_slices_gives_the_same_codes(dictionary, monkeypatch):
    texts = corpus(dictionary) + EDGES * 3  # repeated texts are coded once
    frame = pd.DataFrame({"id": range(len(texts)), "text": texts})
    whole = coder.code_statements(frame, dictionary)
    monkeypatch.setattr(coder, "_TEXTS_PER_SLICE", 7)
    sliced = coder.code_statements(frame, dictionary)
    pd.testing.assert_frame_equal(sliced, whole)
    assert list(whole.columns) == coder.output_columns(dictionary)


# --------------------------------------------------------------------------- memo


@pytest.fixture
def input_copy(tmp_path) -> Path:
    folder = tmp_path / "input"
    shutil.copytree(paths.DATA_INPUT, folder)
    return folder


def test_memo_tables_are_load_tables_and_follow_file_changes(input_copy):
    from dronediplomacy.tables import load_tables

    first = memo.tables(input_copy)
    fresh = load_tables(input_copy)
    for name in ("sources", "statements", "claims", "claim_evidence"):
        pd.testing.assert_frame_equal(first.frame(name), fresh.frame(name))
    first.statements.loc[0, "text"] = "changed by a caller"        # a caller's change ...
    assert memo.tables(input_copy).statements.loc[0, "text"] != "changed by a caller"  # ... stays its own

    # An edit of the same size, with the modification time put back, is still seen.
    path = input_copy / "statements.csv"
    stat = path.stat()
    data = path.read_bytes()
    old = fresh.statements.loc[0, "text"]
    target = old.replace(old[0], "Q" if old[0] != "Q" else "R", 1)
    assert len(target.encode()) == len(old.encode())
    path.write_bytes(data.replace(old.encode(), target.encode(), 1))
    import os
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert memo.tables(input_copy).statements.loc[0, "text"] == target

    # A broken file fails every time, with load_tables' own message.
    path.write_text("not,a,valid\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(InputError):
            memo.tables(input_copy)


def test_memo_codebook_follows_file_changes(input_copy):
    from dronediplomacy.codebook import load_codebook

    path = input_copy / "codebook.yaml"
    assert memo.codebook(path).data == load_codebook(path).data
    memo.codebook(path).data["title"] = "changed by a caller"
    assert memo.codebook(path).data["title"] != "changed by a caller"
    path.write_text(path.read_text(encoding="utf-8").replace('version: "1.0.0"', 'version: "1.0.1"', 1),
                    encoding="utf-8")
    assert memo.codebook(path).version == "1.0.1"


# --------------------------------------------------------------------------- site pages


def test_a_page_is_rendered_again_only_when_its_notebook_changes(tmp_path):
    path = tmp_path / "01-example.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("1 + 1")]), path)
    first = site.render_notebook(path)
    assert site.render_notebook(path) is first                 # remembered
    nbformat.write(new_notebook(cells=[new_code_cell("2 + 2")]), path)
    second = site.render_notebook(path)
    assert second != first and second == site._render_notebook(path.read_bytes(), path.stem, False, frozenset())
    assert site.render_notebook(path, narrative=True) != second  # options are part of the key


def test_prerendering_fills_the_memory_and_survives_a_bad_notebook(tmp_path):
    good, bad = tmp_path / "01-good.ipynb", tmp_path / "02-bad.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("3 * 3")]), good)
    bad.write_text("{ not a notebook", encoding="utf-8")
    with site.prerender_in_background(tmp_path) as prerender:
        prerender(good)
        prerender(bad)  # fails quietly; render_site would render (and report) it again
    key_stems = {key[0] for key in site._PAGES}
    assert "01-good" in key_stems
