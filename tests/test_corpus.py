"""The statement corpus as a second source: loading, validation and verification against its
stored excerpts, and the seeded development/test split.

Every test works on a small copy of the input tables in tmp_path (three corpus statements),
changed on purpose; none depends on how many rows the real corpus has.
"""

from __future__ import annotations

import pandas as pd
import pytest

from dronediplomacy.coding.corpus_split import stratified_split
from dronediplomacy.errors import InputError
from dronediplomacy.inputs.schemas import MAX_EXCERPT_WORDS
from dronediplomacy.inputs.tables import load_tables
from dronediplomacy.inputs.verify import check_corpus, verify_sources

FILE = "corpus_statements.csv"


@pytest.fixture
def corpus(input_tables_copy):
    """The input tables with a three-statement corpus: cs001..cs003, all in the split."""
    tables = input_tables_copy
    keep = {"cs001", "cs002", "cs003"}
    tables.drop_rows(FILE, lambda row: row["statement_id"] in keep)
    tables.drop_rows("corpus_split.csv", lambda row: row["statement_id"] in keep)
    tables.drop_rows("corpus_exclusions.csv",
                     lambda row: not row["linked_id"].startswith("cs") or row["linked_id"] in keep)
    return tables


def _ids(tables):
    return sorted(pd.read_csv(tables.input_dir / FILE, dtype=str)["statement_id"])


def _load_error(tables) -> str:
    with pytest.raises(InputError) as caught:
        load_tables(tables.input_dir)
    return str(caught.value)


def _verify_error(tables) -> str:
    with pytest.raises(InputError) as caught:
        verify_sources(load_tables(tables.input_dir), tables.input_dir / "no-texts", announce=False)
    return str(caught.value)


def test_a_small_valid_corpus_loads_and_verifies(corpus):
    loaded = load_tables(corpus.input_dir)
    assert list(loaded.corpus_statements["statement_id"]) == _ids(corpus)
    assert check_corpus(loaded) == []
    report = verify_sources(loaded, corpus.input_dir / "no-texts", announce=False)
    assert report.corpus_quotations == 3
    assert loaded.cite("cs001").endswith("(corpus_statements.csv, cs001)")


def test_quotation_is_compared_after_normalising_quotes_and_spaces(corpus):
    excerpt = "He said: “It’s   ours now,” and left."
    corpus.set(FILE, "cs002", "excerpt", excerpt)
    corpus.set(FILE, "cs002", "quotation", "It's ours now,")
    assert check_corpus(load_tables(corpus.input_dir)) == []


@pytest.mark.parametrize("quotation", ["It is ours now,", "ours no"])
def test_quotation_not_in_its_excerpt_names_file_row_and_column(corpus, quotation):
    corpus.set(FILE, "cs002", "excerpt", "He said: “It’s ours now,” and left.")
    corpus.set(FILE, "cs002", "quotation", quotation)
    message = _verify_error(corpus)
    assert FILE in message and "cs002" in message and "column quotation" in message and "Fix:" in message


def test_excerpt_over_the_word_limit_is_refused(corpus):
    quotation = corpus.get(FILE, "cs001", "quotation")
    corpus.set(FILE, "cs001", "excerpt", quotation + " word" * MAX_EXCERPT_WORDS)
    message = _load_error(corpus)
    assert FILE in message and "cs001" in message and "column excerpt" in message


def test_the_same_quotation_twice_is_refused(corpus):
    quotation, excerpt = (corpus.get(FILE, "cs001", c) for c in ("quotation", "excerpt"))
    corpus.set(FILE, "cs003", "quotation", quotation)
    corpus.set(FILE, "cs003", "excerpt", excerpt)
    message = _verify_error(corpus)
    assert "cs003" in message and "repeats the words of cs001" in message


def test_a_near_duplicate_from_another_page_is_refused(corpus):
    first = "We will never sell them to anyone who attacks our friends, whatever they pay."
    other = "Officials said: “As we told you, we will never sell them to anyone who attacks our friends.”"
    corpus.set(FILE, "cs001", "excerpt", f"“{first}”")
    corpus.set(FILE, "cs001", "quotation", first)
    corpus.set(FILE, "cs002", "excerpt", other)
    corpus.set(FILE, "cs002", "quotation", "As we told you, we will never sell them to anyone who "
                                           "attacks our friends.")
    assert "repeats the words of cs001" in _verify_error(corpus)


@pytest.mark.parametrize("column, value, where", [
    ("actor_id", "nobody", "column actor_id"),
    ("conflict_id", "atlantis", "column conflict_id"),
    ("query_id", "zzz-q99", "column query_id"),
    ("linked_ids", "st99", "column linked_ids"),
    ("date_read", "30/11/2026", "column date_read"),
    ("translation", "maybe", "column translation"),
])
def test_bad_references_and_values_name_the_row_and_column(corpus, column, value, where):
    corpus.set(FILE, "cs002", column, value)
    message = _load_error(corpus)
    assert FILE in message and "cs002" in message and where in message


def test_a_statement_outside_its_wars_period_is_refused(corpus):
    conflict = corpus.get(FILE, "cs002", "conflict_id")
    early = {"nk2020": "2019-05-01", "ukr2022": "2018-05-01"}[conflict]
    for column in ("date_earliest", "date_latest"):
        corpus.set(FILE, "cs002", column, early)
    corpus.set(FILE, "cs002", "date_precision", "day")
    message = _load_error(corpus)
    assert "cs002" in message and "outside" in message and "column date_earliest" in message


def test_a_query_cannot_keep_fewer_rows_than_cite_it(corpus):
    query = corpus.get(FILE, "cs001", "query_id")
    corpus.set("corpus_search_log.csv", query, "rows_kept", "0")
    message = _load_error(corpus)
    assert "corpus_search_log.csv" in message and query in message and "column rows_kept" in message


def test_every_statement_needs_a_set(corpus):
    corpus.drop_rows("corpus_split.csv", lambda row: row["statement_id"] != "cs003")
    message = _verify_error(corpus)
    assert "cs003 is in neither the development nor the test set" in message


def test_a_duplicate_dropped_in_review_must_link_what_it_repeats(corpus):
    corpus.add_row("corpus_exclusions.csv", {
        "exclusion_id": "cx999", "stage": "review", "candidate": "Made-up words",
        "url": "https://example.org/page", "reason": "duplicate",
        "query_id": corpus.get(FILE, "cs001", "query_id")})
    assert "cx999" in _load_error(corpus)
    corpus.set("corpus_exclusions.csv", "cx999", "linked_id", "cs998")
    message = _load_error(corpus)
    assert "cx999" in message and "column linked_id" in message
    corpus.set("corpus_exclusions.csv", "cx999", "linked_id", "cs001")
    load_tables(corpus.input_dir)


def test_a_corpus_speaker_cites_its_page_and_an_article_actor_its_paragraph(corpus):
    corpus.add_row("actors.csv", {"actor_id": "made_up_speaker", "source_id": "statements-corpus",
                                  "name": "Made-up speaker", "actor_type": "person"})
    message = _load_error(corpus)
    assert "made_up_speaker" in message and "column paragraph" in message
    corpus.set("actors.csv", "made_up_speaker", "source_note", "Named on https://example.org/page.")
    load_tables(corpus.input_dir)
    corpus.set("actors.csv", "kiran", "paragraph", "")
    corpus.set("actors.csv", "kiran", "anchor", "")
    corpus.set("actors.csv", "kiran", "source_note", "Some page.")
    message = _load_error(corpus)
    assert "kiran" in message and "column paragraph" in message


def test_a_corpus_source_has_no_text_columns(corpus):
    corpus.set("sources.csv", "statements-corpus", "text_file", "corpus.txt")
    message = _load_error(corpus)
    assert "sources.csv" in message and "statements-corpus" in message and "column kind" in message


# --- the split -------------------------------------------------------------------------

def _strata(n_a: int, n_b: int) -> tuple[pd.Series, pd.Series]:
    ids = pd.Series([f"cs{i:03d}" for i in range(1, n_a + n_b + 1)])
    return ids, pd.Series(["a"] * n_a + ["b"] * n_b)


def test_split_is_stratified_and_about_two_thirds_development():
    ids, strata = _strata(9, 4)
    split = stratified_split(ids, strata, seed=7)
    assert sorted(split["statement_id"]) == sorted(ids)
    joined = split.merge(pd.DataFrame({"statement_id": ids, "stratum": strata}))
    counts = joined.groupby(["stratum", "set"]).size().to_dict()
    assert counts == {("a", "development"): 6, ("a", "test"): 3,
                      ("b", "development"): 3, ("b", "test"): 1}


def test_split_is_reproducible_from_its_seed_and_depends_on_it():
    ids, strata = _strata(30, 30)
    first, again = (stratified_split(ids, strata, seed=11) for _ in range(2))
    pd.testing.assert_frame_equal(first, again)
    others = [stratified_split(ids, strata, seed=seed) for seed in (12, 13, 14)]
    assert any(not other.equals(first) for other in others)


def test_split_does_not_depend_on_row_order():
    ids, strata = _strata(10, 5)
    order = list(reversed(range(len(ids))))
    reordered = stratified_split(ids.iloc[order], strata.iloc[order], seed=3)
    pd.testing.assert_frame_equal(reordered, stratified_split(ids, strata, seed=3))


def test_split_refuses_a_share_outside_zero_and_one():
    ids, strata = _strata(3, 3)
    with pytest.raises(ValueError):
        stratified_split(ids, strata, share=1.0)


# --- the corpus's hand coding -----------------------------------------------------------------

def _write_hand_coding(path, ids, skip=(), note="Made up for the test."):
    """A hand coding of ``ids``: the first code of every hand-coded dimension, except ``skip``."""
    from dronediplomacy.coding.codebook import load_codebook

    codebook = load_codebook()
    lines = ["statement_id,dimension,code,rationale,codebook_version"] + [
        f"{sid},{dim},{codebook.code_ids(dim)[0]},{note},{codebook.version}"
        for sid in ids for dim in codebook.dimensions_coded_by("hand") if (sid, dim) not in skip]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return codebook.dimensions_coded_by("hand")


def test_a_corpus_hand_coding_validates_against_the_corpus(corpus, tmp_path):
    from dronediplomacy.coding.hand_coding import load_hand_coding

    ids = list(load_tables(corpus.input_dir).corpus_statements["statement_id"])
    _write_hand_coding(tmp_path / "corpus_hand_coding.csv", ids)
    coded = load_hand_coding(tmp_path / "corpus_hand_coding.csv", statement_ids=ids)
    assert set(coded["statement_id"]) == set(ids)


def test_an_uncoded_corpus_statement_is_named(corpus, tmp_path):
    from dronediplomacy.coding.hand_coding import load_hand_coding
    from dronediplomacy.coding.codebook import load_codebook

    ids = list(load_tables(corpus.input_dir).corpus_statements["statement_id"])
    dimension = load_codebook().dimensions_coded_by("hand")[0]
    path = tmp_path / "corpus_hand_coding.csv"
    _write_hand_coding(path, ids, skip={(ids[1], dimension)})
    with pytest.raises(InputError) as caught:
        load_hand_coding(path, statement_ids=ids)
    assert ids[1] in str(caught.value) and "corpus_hand_coding.csv" in str(caught.value)


def test_a_hand_coding_cell_must_be_canonical_text(corpus, tmp_path):
    from dronediplomacy.coding.hand_coding import load_hand_coding

    ids = list(load_tables(corpus.input_dir).corpus_statements["statement_id"])
    path = tmp_path / "corpus_hand_coding.csv"
    _write_hand_coding(path, ids, note="Made\u00a0up.")
    with pytest.raises(InputError) as caught:
        load_hand_coding(path, statement_ids=ids)
    error = caught.value
    assert (error.file, error.column, error.row) == ("corpus_hand_coding.csv", "rationale", 2)
    assert "NO-BREAK SPACE" in error.problem and error.fix
