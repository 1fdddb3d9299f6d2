"""Verification against the source texts: the comparison rule, each check on a made-up
source (present in every run), and the real source when its text is available."""

from __future__ import annotations

import csv
import json
import re

import pandas as pd
import pytest

from dronediplomacy.errors import InputError
from dronediplomacy.paths import DATA_INPUT, NOTEBOOKS, ROOT, SOURCES_DIR_ENV
from dronediplomacy.inputs.tables import load_tables
from dronediplomacy.inputs.verify import (SourceText, occurs_in, verification_plan,
                                   verify_sources, words)


# --- the comparison rule ------------------------------------------------------------

def test_occurs_in_compares_after_the_one_normalisation_at_word_boundaries():
    paragraph = "Erdo\u011fan declared \u201cIt\u2019s time to pay,\u201d backing the demand."
    assert occurs_in("It's time to pay", paragraph)
    assert occurs_in("It\u2019s  time\nto pay", paragraph)
    assert occurs_in("IT'S TIME TO PAY", paragraph)              # case is folded
    assert occurs_in("It`s time\u00a0to pay", paragraph)         # another apostrophe, a no-break space
    assert occurs_in("Erdog\u0306an declared", paragraph)         # a decomposed letter
    assert not occurs_in("It's time to pa", paragraph)           # cut inside a word
    assert not occurs_in("It's time to pay up", paragraph)
    assert not occurs_in("Erdogan declared", paragraph)          # diacritics stay


def test_words_are_folded_and_keep_apostrophes_inside_words():
    assert words("Turkey\u2019s drones, 80% \u201cbusiness\u201d") == ["turkey's", "drones", "80",
                                                                     "business"]


@pytest.mark.parametrize("variant", [
    "We sell lamps, not wars, and nobody\u02bcs ships are harmed",        # modifier-letter apostrophe
    "WE SELL LAMPS, NOT WARS, AND NOBODY'S SHIPS ARE HARMED",
    "We sell lamps, not wars, and nobody`s ships are harmed",            # a grave accent
])
def test_a_quotation_written_differently_still_verifies(made_up_source, variant):
    tables_dir, texts_dir = made_up_source
    tables_dir.set("statements.csv", "st01", "text", variant)
    verify_sources(load_tables(tables_dir.input_dir), texts_dir, announce=False)


def test_a_quotation_with_decomposed_accents_verifies_against_composed_text(made_up_source):
    tables_dir, texts_dir = made_up_source
    text = texts_dir / "madeup.txt"
    text.write_text(text.read_text(encoding="utf-8").replace("nobody", "nob\u00f6dy"),
                    encoding="utf-8")
    tables_dir.set("sources.csv", "madeup-lamps", "sha256",
                   __import__("hashlib").sha256(text.read_bytes()).hexdigest())
    tables_dir.set("statements.csv", "st01", "text",
                   "We sell lamps, not wars, and nobo\u0308dy\u2019s ships are harmed")
    with pytest.raises(InputError) as caught:   # stored decomposed: refused as not canonical
        load_tables(tables_dir.input_dir)
    assert "COMBINING DIAERESIS" in str(caught.value)
    # ... but the comparison itself treats both forms as one
    assert occurs_in("nobo\u0308dy\u2019s ships", text.read_text(encoding="utf-8"))


def test_paragraphs_are_nonblank_lines_after_the_author_line(tmp_path):
    path = tmp_path / "text.txt"
    path.write_text("Title\n\nAuthor \n\nFirst.\n\n\nSecond.\nThird.\n \n", encoding="utf-8")
    text = SourceText.read("x", path, title_line=1, author_line=3)
    assert text.paragraphs == ("First.", "Second.", "Third.")
    assert (text.title, text.author) == ("Title", "Author")


def test_prose_runs_leave_out_quoted_words(tmp_path):
    path = tmp_path / "text.txt"
    path.write_text("T\n\nA\n\none two three \u201cfour five six\u201d seven eight\n", encoding="utf-8")
    runs = SourceText.read("x", path, 1, 3).prose_runs(3)
    assert ("one", "two", "three") in runs
    assert ("four", "five", "six") not in runs
    assert ("three", "seven", "eight") not in runs   # no run across a removed quotation


# --- a made-up second source: rows, not code -----------------------------------------

def test_a_second_source_is_loaded_validated_and_verified(made_up_source):
    tables_dir, texts_dir = made_up_source
    tables = load_tables(tables_dir.input_dir)
    report = verify_sources(tables, texts_dir, announce=False)
    assert report.verified == ("madeup-lamps",) and report.skipped == ()
    plan = verification_plan(tables)
    assert plan.loc[0, "verbatim_quotations"] == 2 and plan.loc[0, "paragraphs"] == 3


def _verify_error(made_up_source) -> InputError:
    tables_dir, texts_dir = made_up_source
    with pytest.raises(InputError) as caught:
        verify_sources(load_tables(tables_dir.input_dir), texts_dir, announce=False)
    return caught.value


@pytest.mark.parametrize("what, file, row, column, value, expected_column", [
    ("misquoted quotation", "statements.csv", "st02", "text", "Your lamps dazzle our sailors.", "text"),
    ("quotation in the wrong paragraph", "statements.csv", "st02", "paragraph", "3", "text"),
    ("anchor not in its paragraph", "events.csv", "ev01", "anchor", "the imaginary rival fleet", "anchor"),
    ("wrong checksum", "sources.csv", "madeup-lamps", "sha256", "0" * 64, "sha256"),
    ("wrong paragraph count", "sources.csv", "madeup-lamps", "paragraph_count", "4", "paragraph_count"),
    ("title differs", "sources.csv", "madeup-lamps", "title", "Another Title", "title"),
    ("prose copied into a paraphrase", "claims.csv", "cl01", "text",
     "Nothing: this paragraph is invented for the test suite and describes no real country.", "text"),
])
def test_each_mismatch_names_file_row_and_column(made_up_source, what, file, row, column, value,
                                                 expected_column):
    tables_dir, _ = made_up_source
    if what == "wrong paragraph count":  # keep sections consistent so only verification objects
        tables_dir.set(file, row, "sections", "opening:1;body:2-4")
    tables_dir.set(file, row, column, value)
    error = _verify_error(made_up_source)
    assert (error.file, error.column) == (file, expected_column)
    assert re.fullmatch(rf"{re.escape(row)}( \(line \d+\))?", str(error.row)), error.row
    assert " Fix: " in str(error)


def test_a_row_without_id_is_named_by_its_line_in_the_file(made_up_source):
    """A quoted cell spanning two lines moves every later row down a line."""
    tables_dir, _ = made_up_source
    tables_dir.set("statement_responses.csv", "st02", "note", "An invented reply,\nin two lines.")
    tables_dir.add_row("statement_responses.csv", {"response_id": "st03", "answers_id": "st01",
                                                   "note": "This paragraph is invented for the "
                                                           "test suite and describes no real country."})
    error = _verify_error(made_up_source)
    assert (error.file, error.row, error.column) == ("statement_responses.csv", "line 4", "note")


def test_quoted_words_may_be_repeated_in_our_prose(made_up_source):
    """Ten words of a quotation are the quoted person's, not the author's prose."""
    tables_dir, texts_dir = made_up_source
    tables_dir.set("claims.csv", "cl01", "text",
                   "The minister insisted: we sell lamps, not wars, and nobody's ships are harmed.")
    verify_sources(load_tables(tables_dir.input_dir), texts_dir, announce=False)


def test_absent_text_is_skipped_with_one_line_on_the_terminal(made_up_source, tmp_path, capfd):
    tables_dir, _ = made_up_source
    empty = tmp_path / "no-texts"
    empty.mkdir()
    report = verify_sources(load_tables(tables_dir.input_dir), empty)
    assert report.skipped == ("madeup-lamps",) and report.verified == ()
    captured = capfd.readouterr()
    assert captured.out == ""
    (line,) = captured.err.splitlines()
    assert "skipped" in line and SOURCES_DIR_ENV in line and "madeup.txt" in line


def test_verification_plan_does_not_depend_on_the_text(made_up_source, tmp_path, monkeypatch):
    tables_dir, texts_dir = made_up_source
    tables = load_tables(tables_dir.input_dir)
    monkeypatch.setenv(SOURCES_DIR_ENV, str(texts_dir))
    with_text = verification_plan(tables)
    monkeypatch.setenv(SOURCES_DIR_ENV, str(tmp_path / "nowhere"))
    pd.testing.assert_frame_equal(verification_plan(tables), with_text)


def _code_cells(notebook_path):
    cells = json.loads(notebook_path.read_text(encoding="utf-8"))["cells"]
    return ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]


def test_no_code_names_a_particular_source():
    """Adding an article is adding rows: neither the package nor a notebook's code names one."""
    with open(DATA_INPUT / "sources.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    names = {value for row in rows for value in (row["source_id"], row["text_file"], row["title"])}
    code = {path: path.read_text(encoding="utf-8") for path in (ROOT / "src").rglob("*.py")}
    for notebook in NOTEBOOKS.glob("*.ipynb"):
        code[notebook] = "\n".join(_code_cells(notebook))
    offenders = [(path.name, name) for path, text in code.items() for name in names
                 if name and name in text]
    assert offenders == []


# --- the real source, when its text is present ----------------------------------------

def test_real_tables_verify_against_their_texts(source_texts_dir):
    tables = load_tables()
    report = verify_sources(tables, source_texts_dir, announce=False)
    with_text = tables.sources[tables.sources["text_file"].notna()]
    assert set(report.verified) == set(with_text["source_id"])


def test_every_paragraph_number_exists_in_the_real_text(source_texts_dir):
    tables = load_tables()
    for source in tables.sources[tables.sources["text_file"].notna()].to_dict("records"):
        text = SourceText.read(source["source_id"], source_texts_dir / source["text_file"],
                               source["title_line"], source["author_line"])
        assert len(text.paragraphs) == source["paragraph_count"]
        assert text.sha256 == source["sha256"]


def test_paragraph_rule_matches_the_design(source_texts_dir):
    """DESIGN.md: paragraph 1 begins 'Over the last two decades'; the last is 13."""
    tables = load_tables()
    source = tables.sources.iloc[0]
    text = SourceText.read(source["source_id"], source_texts_dir / source["text_file"],
                           source["title_line"], source["author_line"])
    assert text.paragraphs[0].startswith("Over the last two decades")
    assert len(text.paragraphs) == 13
