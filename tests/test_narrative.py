"""The narrative: prose computed from the tables, so that changing a row changes the text.

The data-change tests copy ``data/input/`` to a temporary folder, change one thing (move a
statement to the other war, give a statement another speaker, drop a statement, unlink a
response, add a claim or dates), and check that the numbers and names in the prose follow.
Which rows they change, and what the prose must then say, is read from the tables, so a
researcher adding a statement, a source or a codebook revision turns none of them red.
"""

import re
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from dronediplomacy.reporting import narrative
from dronediplomacy import paths
from dronediplomacy.reporting.narrative import (capitalise, count, date_phrase, decimal, listing, md,
                                                number, plural, signed)

NOTEBOOK = paths.NOTEBOOKS / "06-tell-comparison.ipynb"


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
    assert listing([]) == ""
    assert listing(["A"]) == "A"
    assert listing(["A", "B"]) == "A and B"
    assert listing(["A", "B", "C"]) == "A, B and C"
    assert listing(iter(["x", "y", "z"]), "or") == "x, y or z"


def test_capitalise_signed_and_markdown_escaping():
    assert capitalise("then Foreign Minister") == "Then Foreign Minister"
    assert signed(2) == "+2" and signed(0) == "0" and signed(-1) == "\u22121"
    assert signed(-1.6, 1) == "\u22121.6" and signed(1.5, 1) == "+1.5" and signed(0.0, 1) == "0.0"
    assert signed(float("nan")) == decimal(float("nan")) == "undefined"
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


def _war_ids(facts):
    return facts.wars()[:2]


def test_moving_a_statement_to_the_other_war_changes_the_text(tmp_path, base):
    """A Turkish statement of the second war, moved to the first: the counts, its speaker
    and the average alignment follow it (all read from the tables)."""
    first, second = _war_ids(base)
    moving = _turkish(base, second).iloc[0]
    folder = _copy_input(tmp_path)
    statements = _read(folder, "statements.csv")
    statements.loc[statements["statement_id"] == moving["statement_id"], "conflict_id"] = first
    _write(folder, "statements.csv", statements)
    moved = narrative.gather(folder, agreement_table=base.agreement)

    n_first = len(base.of_conflict(first))
    n_second = len(base.of_conflict(second))
    before, after = narrative.war(base, first), narrative.war(moved, first)
    assert f"The tables hold {count(n_first, 'statement')} on this war" in before
    assert f"The tables hold {count(n_first + 1, 'statement')} on this war" in after
    assert f"of the {count(n_first + 1, 'statement')} come from Turkish speakers" in after
    assert f"The tables hold {count(n_second - 1, 'statement')} on this war" in \
        narrative.war(moved, second)
    line = f"**{md(moving['speaker_titled'])}**"
    assert line in after and (line in before) == (moving["actor_id"] in set(_turkish(base, first)["actor_id"]))
    for facts in (base, moved):
        text = narrative.side_by_side(facts)
        means = [_turkish(facts, w)["alignment_value"].astype(float).mean() for w in (first, second)]
        assert (f"{signed(means[0], 1)} in {md(facts.short(first))} and "
                f"{signed(means[1], 1)} in {md(facts.short(second))}") in text


def test_changing_a_speaker_changes_the_text(tmp_path, base):
    """A statement that others answer gets another speaker: the speaker lists and the
    'answering' line follow."""
    links = base.pushback.dropna(subset=["answers_id"])
    answered = links.iloc[0]["answers_id"]
    row = base.statements.set_index("statement_id").loc[answered]
    other = next(a for a in base.tables.actors.itertuples() if a.actor_id != row["actor_id"]
                 and a.name not in set(base.statements["speaker_bare"]))
    folder = _copy_input(tmp_path)
    statements = _read(folder, "statements.csv")
    statements.loc[statements["statement_id"] == answered, "actor_id"] = other.actor_id
    _write(folder, "statements.csv", statements)
    changed = narrative.gather(folder, agreement_table=base.agreement)

    war = row["conflict_id"]
    short = changed.statements.set_index("statement_id").loc[answered, "speaker"]
    assert f"{answered} ({md(row['speaker'])})" in narrative.war(base, war)
    assert f"{answered} ({md(short)})" in narrative.war(changed, war)
    assert md(re.sub(r"\s*\([^()]*\)", "", other.name).strip()) in narrative.introduction(changed)


def test_dropping_a_statement_changes_the_counts_and_the_agreement(tmp_path, base):
    folder = _copy_input(tmp_path)
    handled = {"statements.csv", "hand_coding.csv", "claim_evidence.csv", "statement_responses.csv"}
    elsewhere = " ".join(p.read_text(encoding="utf-8") for p in folder.glob("*.csv")
                         if p.name not in handled)
    gone = next(r for _, r in base.statements.iterrows()
                if not re.search(rf"\b{r['statement_id']}\b", elsewhere))
    for name, column in (("statements.csv", "statement_id"), ("hand_coding.csv", "statement_id"),
                         ("claim_evidence.csv", "evidence_id"),
                         ("statement_responses.csv", "response_id"),
                         ("statement_responses.csv", "answers_id")):
        frame = _read(folder, name)
        _write(folder, name, frame[frame[column] != gone["statement_id"]])
    dropped = narrative.gather(folder)  # the agreement is recomputed for this folder

    n = len(base.tables.statements)
    n_war = len(base.of_conflict(gone["conflict_id"]))
    assert f"{count(n, 'statement')} (who said what)" in narrative.introduction(base)
    assert f"{count(n - 1, 'statement')} (who said what)" in narrative.introduction(dropped)
    if gone["conflict_id"] in base.wars():
        assert f"The tables hold {count(n_war - 1, 'statement')} on this war" in \
            narrative.war(dropped, gone["conflict_id"])
    assert gone["statement_id"] in narrative.document(base)
    assert not re.search(rf"\b{gone['statement_id']}\b", narrative.document(dropped))
    assert f"resamples of the {count(n, 'statement')}" in narrative.limit("agreement", base)
    assert f"resamples of the {count(n - 1, 'statement')}" in narrative.limit("agreement", dropped)
    assert set(dropped.agreement["n_statements"].dropna().astype(int)) == {n - 1}


def test_unlinking_a_response_changes_the_text(tmp_path, base):
    links = base.pushback.dropna(subset=["answers_id"])
    war = links.iloc[0]["conflict_id"]
    folder = _copy_input(tmp_path)
    responses = _read(folder, "statement_responses.csv")
    conflict_of = dict(zip(base.statements["statement_id"], base.statements["conflict_id"]))
    _write(folder, "statement_responses.csv",
           responses[responses["response_id"].map(conflict_of) != war])
    changed = narrative.gather(folder, agreement_table=base.agreement)
    for r in links[links["conflict_id"] == war].itertuples():
        assert f"answering {r.answers_id} (" in narrative.war(base, war) or \
            f" {r.answers_id} (" in narrative.war(base, war)
    assert "No statement on this war is recorded as answering another." in narrative.war(changed, war)
    assert f"{md(changed.short(war))}: nobody is recorded as answering." in \
        narrative.side_by_side(changed)


def test_claims_limit_names_claims_on_a_single_statement(tmp_path, base):
    """A fixture claim resting on exactly one statement is named with that statement; give
    it a second statement by another speaker and it is no longer."""
    one, two = base.statements.drop_duplicates("actor_id").iloc[:2]["statement_id"]
    folder = _copy_input(tmp_path)
    claims = _read(folder, "claims.csv")
    new = claims.iloc[[0]].assign(claim_id="cl9999")
    _write(folder, "claims.csv", pd.concat([claims, new]))
    evidence = _read(folder, "claim_evidence.csv")
    row = evidence.iloc[[0]].assign(claim_id="cl9999", evidence_type="statement", evidence_id=one)
    _write(folder, "claim_evidence.csv", pd.concat([evidence, row]))
    single = narrative.limit("claims", narrative.gather(folder, agreement_table=base.agreement))
    assert f"cl9999 (on {one})" in single
    _write(folder, "claim_evidence.csv", pd.concat([evidence, row, row.assign(evidence_id=two)]))
    double = narrative.limit("claims", narrative.gather(folder, agreement_table=base.agreement))
    assert "cl9999" not in double


def test_dates_limit_says_where_dates_come_from(tmp_path, base):
    """Statements dated from an outside citation (directly, or through a statement so
    dated) are named; a statement dated before its war's start is placed before it."""
    war = base.wars()[0]
    start = str(base.conflict(war)["date_start"])
    target, follower = base.of_conflict(war)["statement_id"].iloc[:2]
    folder = _copy_input(tmp_path)
    statements = _read(folder, "statements.csv")
    statements["date_derivation"] = "The source gives no date."
    statements[["date_earliest", "date_latest", "date_precision"]] = ["", "", "unknown"]
    pick = statements["statement_id"] == target
    statements.loc[pick, ["date_earliest", "date_latest", "date_precision", "date_derivation"]] = [
        "2001-01-01", "2001-01-01", "day", "A page says so (https://example.org/page, read 2020-01-01)."]
    statements.loc[statements["statement_id"] == follower, "date_derivation"] = f"No earlier than {target}."
    _write(folder, "statements.csv", statements)
    facts = narrative.gather(folder, agreement_table=base.agreement)
    assert narrative.dated_outside(facts.statements) == ([target], [follower])
    text = narrative.limit("dates", facts)
    assert f"({target})" in text and f"so dated ({follower})" in text
    assert f"One statement on the wars ({target}) is dated before" in text
    assert "2001-01-01" < start
    n_war = len(facts.of_conflict(war))
    assert f"{count(len(facts.statements) - 1, 'statement').split()[0]}" in text
    assert "nan" not in text and n_war >= 2


def test_undefined_agreement_is_said_with_its_reason_never_nan(base):
    table = base.agreement.copy()
    pooled = table["row_type"] == "pooled_moves"
    table.loc[pooled, ["alpha", "alpha_ci_low", "alpha_ci_high"]] = float("nan")
    table.loc[pooled, "alpha_note"] = "undefined: fewer than two statements"
    facts = narrative.gather(base.tables, agreement_table=table)
    text = narrative.limit("agreement", facts)
    assert "alpha undefined (undefined: fewer than two statements)" in text
    assert "nan" not in narrative.document(facts).lower().replace("finance", "")


def test_sections_cover_every_war_and_close_with_the_limits(base):
    titles = [title for title, _ in narrative.sections(base).values()]
    for name in base.tables.conflicts.loc[base.tables.conflicts["date_start"].notna(), "name"]:
        assert name in titles
    assert titles[-1] == narrative.LIMITS_TITLE
    assert narrative.war_keys(base) == [f"war:{w}" for w in base.wars()]
    with pytest.raises(KeyError):
        narrative.section(base, "no-such-section")


# --------------------------------------------------------------------------- figures

def test_figure_html_embeds_the_png_with_manifest_alt_text_and_caption():
    from dronediplomacy.reporting.figures import read_manifest

    row = read_manifest(narrative.MANIFEST_CSV)[-1]
    page = narrative.figure_html(row["stem"])
    assert page == narrative.figure_html(row["stem"])       # deterministic
    assert 'src="data:image/png;base64,' in page and "http" not in page
    import html
    assert f'alt="{html.escape(row["alt_text"])}"' in page
    assert f"<strong>Figure {int(row['stem'][4:6])}.</strong> {html.escape(row['caption'])}" in page


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
    assert "narrative.section(facts" in code and "narrative.limit(" in code
    assert not re.search(r"Markdown\(\s*[\"'f]", code), "prose typed in a code cell"


def test_a_stale_or_missing_agreement_table_stops_the_narrative(tmp_path, monkeypatch):
    from dronediplomacy.errors import InputError

    copy = tmp_path / "agreement.csv"
    shutil.copy(paths.DATA_DERIVED / "agreement.csv", copy)
    monkeypatch.setattr(paths, "DATA_DERIVED", tmp_path)
    facts = narrative.gather()  # the committed table is current
    assert facts.agreement.equals(pd.read_csv(copy, keep_default_na=False, na_values=[""]))
    table = pd.read_csv(copy, dtype=str, keep_default_na=False)
    row = table.index[table["row_type"] == "pooled_moves"][0]
    table.loc[row, "alpha"] = "0.9999"  # as if notebook 03 ran on other inputs
    table.to_csv(copy, index=False, lineterminator="\n")
    with pytest.raises(InputError, match=r"agreement\.csv.*stale.*rerun notebook 03"):
        narrative.gather()
    copy.unlink()
    with pytest.raises(InputError, match=r"agreement\.csv.*is missing.*run notebooks/03-code-statements"):
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
