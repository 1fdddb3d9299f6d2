"""The narrative: prose computed from the tables, so that changing a row changes the text.

The data-change tests copy ``data/input/`` to a temporary folder, change one thing (move a
statement to the other war, give a statement another speaker, drop a statement, unlink
evidence and a response), and check that the specific numbers and names in the prose follow.
Each also checks that the unchanged data give the old text, so none can pass vacuously.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from dronediplomacy.reporting import narrative
from dronediplomacy import paths
from dronediplomacy.reporting.narrative import (capitalise, count, date_phrase, join, md, number, plural,
                                      signed)

NOTEBOOK = paths.NOTEBOOKS / "05-tell-comparison.ipynb"


# --------------------------------------------------------------------------- helpers

def test_number_words_below_ten_digits_from_ten():
    assert [number(n) for n in (0, 1, 2, 9)] == ["zero", "one", "two", "nine"]
    assert [number(n) for n in (10, 16, 2000)] == ["10", "16", "2000"]


def test_plural_and_count():
    assert plural(1, "statement") == "statement"
    assert plural(0, "statement") == plural(2, "statement") == "statements"
    assert plural(3, "quotation", "quotations") == "quotations"
    assert plural(2, "answers", "answer") == "answer"          # a verb: singular without -s
    assert count(0, "claim") == "no claims"
    assert count(1, "claim") == "one claim"
    assert count(7, "statement") == "seven statements"
    assert count(23, "claim") == "23 claims"
    assert count(2, "stance the article describes", "stances the article describes") \
        == "two stances the article describes"


def test_join():
    assert join([]) == ""
    assert join(["A"]) == "A"
    assert join(["A", "B"]) == "A and B"
    assert join(["A", "B", "C"]) == "A, B and C"
    assert join(iter(["x", "y", "z"]), "or") == "x, y or z"


def test_capitalise_signed_and_markdown_escaping():
    assert capitalise("then Foreign Minister") == "Then Foreign Minister"
    assert signed(2) == "+2" and signed(0) == "0" and signed(-1) == "\u22121"
    assert signed(-1.6, 1) == "\u22121.6" and signed(1.5, 1) == "+1.5" and signed(0.0, 1) == "0.0"
    assert md("buys [weapons] for $350 *now*") == r"buys \[weapons\] for \$350 \*now\*"


def test_date_phrase():
    assert date_phrase("2026-02-24", "2026-02-24", "day") == "on 24 February 2026"
    assert date_phrase("2026-02-01", "2026-02-28", "month") == "in February 2026"
    assert date_phrase("2014-01-01", "2014-12-31", "year") == "in 2014"
    assert date_phrase("2020-09-27", "2020-11-10", "interval") == \
        "between 27 September and 10 November 2020"
    assert date_phrase("2020-09-27", None, "interval") == "no earlier than 27 September 2020"
    assert date_phrase(float("nan"), "2020-11-10", "interval") == "no later than 10 November 2020"
    assert date_phrase(None, None, "unknown") == "undated"


# --------------------------------------------------------------------------- the data

@pytest.fixture(scope="module")
def base():
    return narrative.gather()


def _copy_input(tmp_path: Path) -> Path:
    target = tmp_path / "input"
    shutil.copytree(paths.DATA_INPUT, target)
    return target


def _read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / name, dtype=str, keep_default_na=False)


def _write(folder: Path, name: str, frame: pd.DataFrame) -> None:
    frame.to_csv(folder / name, index=False)


def test_every_quotation_is_verbatim_and_cited(base):
    """Each “…” (stNN, ¶P) in the prose is that statement's text, verbatim, and its
    paragraph; every verbatim statement is quoted."""
    text = narrative.document(base)
    statements = base.tables.statements.set_index("statement_id")
    found = re.findall(r"\u201c(.+?)\u201d \((st\d+), \u00b6(\d+)\)", text)
    verbatim = set(statements.index[statements["text_kind"] == "verbatim"])
    assert {sid for _, sid, _ in found} == verbatim
    for quoted, sid, paragraph in found:
        assert re.sub(r"\\(.)", r"\1", quoted) == statements.loc[sid, "text"]
        assert int(paragraph) == statements.loc[sid, "paragraph"]


def test_counts_by_conflict_and_mode_follow_the_table(base):
    statements = base.tables.statements
    intro = narrative.introduction(base)
    for name, frame in statements.groupby("conflict_id"):
        conflict = base.tables.conflicts.set_index("conflict_id").loc[name]
        line = next(line for line in intro.splitlines()
                    if line.startswith(f"- {conflict['name']}:"))
        assert f": {count(len(frame), 'statement')}, " in line
        quotes = int((frame["mode"] == "direct_quote").sum())
        if quotes:
            assert count(quotes, "direct quotation") in line


def _turkish(facts, conflict_id):
    st = facts.statements
    return st[(st["conflict_id"] == conflict_id) & (st["speaker_side"] == "turkey")]


def test_moving_a_statement_to_the_other_war_changes_the_text(tmp_path, base):
    folder = _copy_input(tmp_path)
    statements = _read(folder, "statements.csv")
    statements.loc[statements["statement_id"] == "st09", "conflict_id"] = "nk2020"
    _write(folder, "statements.csv", statements)
    moved = narrative.gather(folder, agreement_table=base.agreement)

    n_nk = int((base.tables.statements["conflict_id"] == "nk2020").sum())
    n_ukr = int((base.tables.statements["conflict_id"] == "ukr2022").sum())
    before_nk, after_nk = narrative.war(base, "nk2020"), narrative.war(moved, "nk2020")
    assert f"The tables hold {count(n_nk, 'statement')} on this war" in before_nk
    assert f"The tables hold {count(n_nk + 1, 'statement')} on this war" in after_nk
    assert f"of the {count(n_nk + 1, 'statement')} come from Turkish speakers" in after_nk
    assert f"The tables hold {count(n_ukr - 1, 'statement')} on this war" in \
        narrative.war(moved, "ukr2022")
    assert "Kıran" not in before_nk
    assert "**Deputy Foreign Minister Yavuz Selim Kıran**, on 3 March 2022" in after_nk
    # The average alignment of the Turkish statements follows st09 into Nagorno-Karabakh.
    for facts in (base, moved):
        text = narrative.side_by_side(facts)
        nk = _turkish(facts, "nk2020")["alignment_value"].astype(float).mean()
        ukr = _turkish(facts, "ukr2022")["alignment_value"].astype(float).mean()
        assert f"{signed(nk, 1)} in Nagorno-Karabakh and {signed(ukr, 1)} in Ukraine" in text
    assert _turkish(moved, "nk2020")["alignment_value"].astype(float).mean() != \
        _turkish(base, "nk2020")["alignment_value"].astype(float).mean()


def test_changing_a_speaker_changes_the_text(tmp_path, base):
    folder = _copy_input(tmp_path)
    statements = _read(folder, "statements.csv")
    statements.loc[statements["statement_id"] == "st10", "actor_id"] = "erdogan"
    _write(folder, "statements.csv", statements)
    changed = narrative.gather(folder, agreement_table=base.agreement)

    before, after = narrative.war(base, "ukr2022"), narrative.war(changed, "ukr2022")
    assert "then Foreign Minister Mevlüt Çavuşoğlu (one)" in before
    assert "Çavuşoğlu" not in after
    assert "President Recep Tayyip Erdoğan (one)" in after
    assert "answering st09 (Kıran) and st10 (Çavuşoğlu)" in before
    assert "answering st09 (Kıran) and st10 (Erdoğan)" in after
    # The list of speakers of the Ukraine statements changes in the introduction too.
    assert "Yavuz Selim Kıran (one), Mevlüt Çavuşoğlu (one)" in narrative.introduction(base)
    assert "Yavuz Selim Kıran (one), Recep Tayyip Erdoğan (one)" in \
        narrative.introduction(changed)


def test_dropping_a_statement_changes_the_counts_and_the_agreement(tmp_path, base):
    folder = _copy_input(tmp_path)
    for name, column in (("statements.csv", "statement_id"), ("hand_coding.csv", "statement_id"),
                         ("claim_evidence.csv", "evidence_id")):
        frame = _read(folder, name)
        _write(folder, name, frame[frame[column] != "st03"])
    dropped = narrative.gather(folder)  # the agreement is recomputed for this folder

    n = len(base.tables.statements)
    n_nk = int((base.tables.statements["conflict_id"] == "nk2020").sum())
    assert f"{count(n, 'statement')} (who said what)" in narrative.introduction(base)
    assert f"{count(n - 1, 'statement')} (who said what)" in narrative.introduction(dropped)
    assert f"The tables hold {count(n_nk - 1, 'statement')} on this war" in \
        narrative.war(dropped, "nk2020")
    assert "st03" in narrative.war(base, "nk2020")
    assert "st03" not in narrative.document(dropped)
    assert f"resamples of the {n} statements" in narrative.limit_agreement(base)
    assert f"resamples of the {n - 1} statements" in narrative.limit_agreement(dropped)
    assert set(dropped.agreement["n_statements"].dropna().astype(int)) == {n - 1}


def test_unlinking_evidence_and_a_response_changes_the_text(tmp_path, base):
    folder = _copy_input(tmp_path)
    evidence = _read(folder, "claim_evidence.csv")
    keep = ~((evidence["claim_id"] == "cl16") & evidence["evidence_id"].isin(["st15", "st16"]))
    _write(folder, "claim_evidence.csv", evidence[keep])
    responses = _read(folder, "statement_responses.csv")
    _write(folder, "statement_responses.csv", responses[responses["response_id"] != "st04"])
    changed = narrative.gather(folder, agreement_table=base.agreement)

    before, after = narrative.limit_claims(base), narrative.limit_claims(changed)
    assert "cl15 (on st14 with ev04)" in before and "cl15 (on st14 with ev04)" in after
    assert "cl16 (on st14 with ev04)" not in before
    assert "cl16 (on st14 with ev04)" in after
    assert "cl16 (st14, st15 and st16, all attributed to Israel)" in before
    assert "all attributed to Israel" not in after
    assert "answering st02 (Erdoğan)" in narrative.war(base, "nk2020")
    assert "No statement on this war is recorded as answering another." in \
        narrative.war(changed, "nk2020")
    assert "Nagorno-Karabakh: nobody is recorded as answering." in narrative.side_by_side(changed)


def test_sections_cover_every_war_and_close_with_the_limits(base):
    titles = [title for title, _ in narrative.sections(base)]
    for name in base.tables.conflicts.loc[base.tables.conflicts["date_start"].notna(), "name"]:
        assert name in titles
    assert titles[-1] == narrative.LIMITS_TITLE
    assert narrative.section_keys(base)[0] == "introduction"
    with pytest.raises(KeyError):
        narrative.section(base, "no-such-section")


# --------------------------------------------------------------------------- figures

def test_figure_html_embeds_the_png_with_manifest_alt_text_and_caption():
    manifest = narrative.read_manifest()
    row = manifest[manifest["stem"] == "fig-05-named-agent"].iloc[0]
    page = narrative.figure_html("fig-05-named-agent")
    assert page == narrative.figure_html("fig-05-named-agent")       # deterministic
    assert 'src="data:image/png;base64,' in page and "http" not in page
    import html
    assert f'alt="{html.escape(row["alt_text"])}"' in page
    assert f"<strong>Figure 5.</strong> {html.escape(row['caption'])}" in page


# --------------------------------------------------------------------------- the notebook

def _without_link_targets(source: str) -> str:
    """Markdown with link and image targets removed: ``[text](05-x.ipynb)`` -> ``[text]``."""
    return re.sub(r"\]\([^)]*\)", "]", source)


def test_no_digit_in_the_notebooks_markdown_cells():
    """Numbers in the narrative are computed (shown as outputs), never typed in its prose."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    markdown = [cell for cell in nb.cells if cell.cell_type == "markdown"]
    assert markdown, "the notebook has no markdown cells"
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        digits = re.findall(r"\S*\d\S*", _without_link_targets(cell.source))
        assert not digits, f"markdown cell {index} types {digits}: compute them in narrative.py"


def test_the_notebooks_prose_comes_from_the_narrative_module():
    """Every code cell's prose is an output of a narrative function, and there is some."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "code")
    outputs = [output for cell in nb.cells if cell.cell_type == "code"
               for output in cell.get("outputs", [])]
    assert sum("text/markdown" in o.get("data", {}) for o in outputs) >= 5
    assert "narrative.section(facts" in code and "narrative.limit_claims(facts)" in code
    assert not re.search(r"Markdown\(\s*[\"'f]", code), "prose typed in a code cell"


def test_a_stale_or_missing_agreement_table_stops_the_narrative(tmp_path, monkeypatch):
    from dronediplomacy.errors import InputError

    copy = tmp_path / "agreement.csv"
    shutil.copy(narrative.AGREEMENT_CSV, copy)
    monkeypatch.setattr(narrative, "AGREEMENT_CSV", copy)
    facts = narrative.gather()  # the committed table is current
    assert facts.agreement.equals(pd.read_csv(copy, keep_default_na=False, na_values=[""]))
    table = pd.read_csv(copy, dtype=str, keep_default_na=False)
    row = table.index[table["row_type"] == "pooled_moves"][0]
    table.loc[row, "alpha"] = "0.9999"  # as if notebook 03 ran on other inputs
    table.to_csv(copy, index=False, lineterminator="\n")
    with pytest.raises(InputError, match=r"agreement\.csv.*stale.*rerun notebook 03"):
        narrative.gather()
    copy.unlink()
    with pytest.raises(InputError, match=r"agreement\.csv.*is missing"):
        narrative.gather()


# --------------------------------------------------------------------------- the templates

def test_recipe_reword_a_sentence_of_the_narrative(tmp_path, base):
    """README recipe: copy the templates, reword a sentence, and the prose follows; a
    variable the facts do not define is an error naming the template and its line."""
    folder = tmp_path / "templates"
    shutil.copytree(narrative.TEMPLATES, folder)
    intro = folder / "introduction.md.j2"
    text = intro.read_text(encoding="utf-8")
    assert "The statements by conflict:" in text
    intro.write_text(text.replace("The statements by conflict:", "Statements, war by war:"),
                     encoding="utf-8")
    reworded = narrative.gather(base.tables, agreement_table=base.agreement, templates=folder)
    assert "Statements, war by war:" in narrative.introduction(reworded)
    assert "The statements by conflict:" in narrative.introduction(base)
    # the numbers are the same: only the wording changed
    digits = lambda s: re.findall(r"\d+", s)  # noqa: E731
    assert digits(narrative.introduction(reworded)) == digits(narrative.introduction(base))

    lines = text.splitlines()
    lines.insert(3, "{{ no_such_number }}")
    intro.write_text("\n".join(lines) + "\n", encoding="utf-8")
    broken = narrative.gather(base.tables, agreement_table=base.agreement, templates=folder)
    with pytest.raises(Exception, match="no_such_number") as error:
        narrative.introduction(broken)
    where = "".join(__import__("traceback").format_exception(error.value))
    assert 'introduction.md.j2", line 4' in where


def test_with_two_sources_the_prose_names_them_and_cites_each_row_with_its_source(tmp_path, base):
    folder = _copy_input(tmp_path)
    sources = _read(folder, "sources.csv")
    second = sources.iloc[[0]].assign(source_id="second-source", author="A. N. Other")
    _write(folder, "sources.csv", pd.concat([sources, second]))
    statements = _read(folder, "statements.csv")
    statements.loc[statements.index[-1], "source_id"] = "second-source"  # one row from it
    _write(folder, "statements.csv", statements)
    two = narrative.gather(folder, agreement_table=base.agreement)
    intro = narrative.introduction(two)
    for author in two.sources["author"]:
        assert author in intro
    assert "second-source" in set(two.sources["source_id"])
    assert "the article itself" not in intro
    row = two.statements[two.statements["text_kind"] == "verbatim"].iloc[0]
    surname = two.sources.set_index("source_id").loc[row["source_id"], "author"].split()[-1]
    assert f"({row['statement_id']}, {surname} \u00b6{int(row['paragraph'])})" in narrative.document(two)
