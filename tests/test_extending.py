"""The README's "Extending" recipes, each run as a researcher would follow it, in tmp_path.

1. Add a statement: a row in statements.csv (and its speaker, if new), its hand codes; the
   tables load, the statement verifies against its source, and the summaries carry its codes.
2. Add a second source: its text file, its row in sources.csv (checksum, paragraphs,
   sections) and its rows in the other tables, with ids of their own; it loads and verifies
   beside the article, and the narrative names both sources and cites the new rows by source.
3. Revise the codebook: tests/test_revise.py runs the whole workflow.
4. Reword a sentence of the narrative: tests/test_narrative.py
   (``test_recipe_reword_a_sentence_of_the_narrative``) edits a copy of a template.
The made-up source and its text (tests/conftest.py) describe no real country or person.
"""

from __future__ import annotations

import csv
import hashlib
import shutil

import pytest
from conftest import MADE_UP_TABLES, MADE_UP_TEXT

from dronediplomacy import paths
from dronediplomacy.analysis import summaries
from dronediplomacy.coding.codebook import load_codebook
from dronediplomacy.errors import InputError
from dronediplomacy.inputs.tables import load_tables
from dronediplomacy.inputs.verify import verify_sources
from dronediplomacy.reporting import narrative

HAND_CODING_HEADER = ["statement_id", "dimension", "code", "rationale", "codebook_version"]


def append_rows(path, rows: list[dict]) -> None:
    """Append rows to a CSV as a spreadsheet would save them (header order, missing cells empty)."""
    with open(path, encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    with open(path, "a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerows([[row.get(name, "") for name in header] for row in rows])


def hand_codes(statement_id: str, version: str, *, turkish: bool = False) -> list[dict]:
    """One hand-coded row per dimension, each with its one-sentence rationale."""
    codes = {"accountability_move": "none", "named_agent": "unspecified",
             "alignment": "no_alignment", "stance": "not_applicable" if turkish else "none"}
    return [dict(statement_id=statement_id, dimension=dimension, code=code,
                 rationale="Invented for the test; it makes no move.", codebook_version=version)
            for dimension, code in codes.items()]


def write_hand_coding(folder, rows: list[dict]) -> None:
    with open(folder / "hand_coding.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, HAND_CODING_HEADER, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_recipe_add_a_statement(made_up_source):
    tables, texts = made_up_source
    folder = tables.input_dir
    shutil.copy(paths.DATA_INPUT / "codebook.yaml", folder / "codebook.yaml")
    version = load_codebook(folder / "codebook.yaml").version
    statement_ids = [row["statement_id"] for row in MADE_UP_TABLES["statements.csv"]]
    new = dict(statement_id="st04", source_id="madeup-lamps", conflict_id="lamp_dispute",
               actor_id="harbour_minister", attribution="named", mode="reported",
               text_kind="paraphrase", text="Said that most of the lamps went abroad.",
               paragraph="3", anchor="the invented lamp works shipped",
               date_precision="unknown", date_derivation="Invented: undated.")
    tables.add_row("statements.csv", new)
    write_hand_coding(folder, [row for sid in statement_ids + ["st04"] for row in hand_codes(sid, version)])

    loaded = load_tables(folder)
    assert "st04" in set(loaded.statements["statement_id"])
    verify_sources(loaded, texts, announce=False)   # the anchor is in paragraph 3: no error
    coded = summaries.coded_statements(loaded, load_codebook(folder / "codebook.yaml"))
    row = coded.set_index("statement_id").loc["st04"]
    assert (row["named_agent"], row["alignment"]) == ("unspecified", "no_alignment")

    tables.set("statements.csv", "st04", "anchor", "words found in no paragraph")
    with pytest.raises(InputError) as raised:
        verify_sources(load_tables(folder), texts, announce=False)
    assert "st04" in str(raised.value) and "anchor" in str(raised.value)


def renumbered(rows: list[dict]) -> list[dict]:
    """The made-up source's rows with ids of their own (st901, ev901, cl901, ...), as a
    second source's rows must not reuse the article's ids."""
    def new_id(value: str) -> str:
        return value[:2] + "9" + value[2:] if value[:2] in ("st", "ev", "cl") and value[2:].isdigit() else value
    return [{key: new_id(value) if key.endswith("_id") else value for key, value in row.items()}
            for row in rows]


def test_recipe_add_a_second_source(tmp_path, monkeypatch):
    folder = tmp_path / "input"
    shutil.copytree(paths.DATA_INPUT, folder)
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "madeup.txt").write_text(MADE_UP_TEXT, encoding="utf-8")
    article = paths.sources_dir() / "article.txt"
    if article.is_file():                         # verified too when the article's text is here
        shutil.copy(article, texts / "article.txt")
    monkeypatch.setenv(paths.SOURCES_DIR_ENV, str(texts))

    sha256 = hashlib.sha256((texts / "madeup.txt").read_bytes()).hexdigest()
    append_rows(folder / "sources.csv", [dict(MADE_UP_TABLES["sources.csv"][0], sha256=sha256)])
    for name, rows in MADE_UP_TABLES.items():
        if name != "sources.csv":
            append_rows(folder / name, renumbered(rows))
    version = load_codebook(folder / "codebook.yaml").version
    new_statements = [row["statement_id"] for row in renumbered(MADE_UP_TABLES["statements.csv"])]
    append_rows(folder / "hand_coding.csv",
                [row for sid in new_statements for row in hand_codes(sid, version)])

    tables = load_tables(folder)
    report = verify_sources(tables, texts, announce=False)
    assert "madeup-lamps" in report.verified
    facts = narrative.gather(tables)
    intro = narrative.introduction(facts)
    for author in facts.sources["author"]:
        assert author in intro
    assert "Test Author Who Does Not Exist" in set(facts.sources["author"])
    quoted = facts.statements.set_index("statement_id").loc["st901"]
    assert f"(st901, Exist \u00b6{int(quoted['paragraph'])})" in narrative.document(facts)
