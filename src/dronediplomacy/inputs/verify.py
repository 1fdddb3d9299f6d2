"""Verify the tables against their sources: an article's text (its ``text_file`` in
``paths.sources_dir()``, $DRONE_SOURCES_DIR; the texts are not in the repository, and an absent
one is skipped with one line saying so) and the corpus's excerpts. Text is compared through
``text.normalise`` (data/README.md states the rules); a mismatch raises one InputError."""

import hashlib
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

import pandas as pd

from dronediplomacy.errors import InputError
from dronediplomacy.inputs.bad_inputs import input_error
from dronediplomacy.inputs.csvfile import raise_all
from dronediplomacy.inputs.schemas import TABLE_SPECS, free_text_columns
from dronediplomacy.inputs.tables import Tables
from dronediplomacy.paths import SOURCES_DIR_ENV, sources_dir
from dronediplomacy.text import normalise

COPY_RUN_WORDS = 10
#: Two corpus quotations sharing this many consecutive words are near-duplicates.
NEAR_DUPLICATE_WORDS = 8


def occurs_in(needle: str, haystack: str) -> bool:
    """Does ``needle`` occur in ``haystack`` after normalisation, at word boundaries?"""
    needle, haystack = normalise(needle), normalise(haystack)
    pattern = (r"(?<!\w)" if needle[:1].isalnum() else "") + re.escape(needle) \
        + (r"(?!\w)" if needle[-1:].isalnum() else "")
    return bool(needle) and re.search(pattern, haystack) is not None


def words(text: str) -> list[str]:
    """The words of a text, after normalisation (so in folded case)."""
    return re.findall(r"[^\W_]+(?:'[^\W_]+)*", normalise(text))


def word_runs(text_words: Sequence[str], length: int) -> set[tuple[str, ...]]:
    return {tuple(text_words[i:i + length]) for i in range(len(text_words) - length + 1)}


@dataclass(frozen=True)
class SourceText:
    """A source text split as the paragraph rule says."""
    source_id: str
    path: Path
    sha256: str
    title: str
    author: str
    paragraphs: tuple[str, ...]

    @classmethod
    def read(cls, source_id: str, path: Path, title_line: int, author_line: int) -> "SourceText":
        """InputError if the text is not UTF-8."""
        data = path.read_bytes()
        try:
            lines = data.decode("utf-8").splitlines()
        except UnicodeDecodeError as error:
            line = data[:error.start].count(b"\n") + 1
            raise input_error("text not utf8", path, row=f"line {line}") from None
        title, author = (lines[n - 1].strip() if 0 < n <= len(lines) else ""
                         for n in (title_line, author_line))
        return cls(source_id, path, hashlib.sha256(data).hexdigest(), title, author,
                   tuple(line for line in lines[author_line:] if line.strip()))

    def prose_runs(self, length: int = COPY_RUN_WORDS) -> set[tuple[str, ...]]:
        """Every run of ``length`` words in the author's prose (text in double quotes left out)."""
        return {run for paragraph in self.paragraphs
                for stretch in re.split(r'"[^"]*"', normalise(paragraph))
                for run in word_runs(words(stretch), length)}


def _sourced_cells(tables: Tables) -> Iterator[tuple[str, str, str, dict]]:
    """(table, row name, column, row) for every verbatim quotation (column text) and anchor."""
    for spec in TABLE_SPECS:
        for name, row in tables.rows(spec.name):
            if row.get("text_kind") == "verbatim":
                yield spec.name, name, "text", row
            if "anchor" in row:
                yield spec.name, name, "anchor", row


def paraphrased_cells(tables: Tables) -> Iterator[tuple[str, str, str, str, str | None]]:
    """(table, row name, column, text, source_id or None) for every cell of our own prose."""
    for spec in TABLE_SPECS:
        for name, row in tables.rows(spec.name):
            for column in free_text_columns(spec):
                if isinstance(row[column], str) and not (column == "text"
                                                         and row.get("text_kind") == "verbatim"):
                    yield spec.name, name, column, row[column], row.get("source_id")


def check_text(tables: Tables, text: SourceText) -> list[InputError]:
    """Every check of one present source text: checksum; paragraph count, title and author;
    quotations and anchors in their paragraphs; no copied prose (COPY_RUN_WORDS words; rows
    of this source, and rows of tables without a source_id)."""
    source, file = tables.sources.set_index("source_id").loc[text.source_id], tables.file("sources")
    errors = [] if text.sha256 == source["sha256"] else [input_error(
        "checksum", file, row=text.source_id, column="sha256", path=text.path, found=text.sha256,
        expected=source["sha256"])]
    if len(text.paragraphs) != source["paragraph_count"]:
        errors.append(input_error("paragraph count", file, row=text.source_id,
                                  column="paragraph_count", found=len(text.paragraphs),
                                  expected=source["paragraph_count"]))
    errors += [input_error("title or author", file, row=text.source_id, column=column,
                           line=source[column + "_line"], found=getattr(text, column))
               for column in ("title", "author")
               if normalise(source[column]) != normalise(getattr(text, column))]
    paragraphs = dict(enumerate(text.paragraphs, start=1))
    errors += [input_error("quotation not in paragraph" if column == "text" else
                           "anchor not in paragraph", tables.file(table), row=name, column=column,
                           anchor=row.get("anchor"), number=int(row["paragraph"]), file=text.path.name)
               for table, name, column, row in _sourced_cells(tables)
               if row.get("source_id") == text.source_id
               and not occurs_in(row[column], paragraphs.get(int(row["paragraph"]), ""))]
    prose = text.prose_runs(COPY_RUN_WORDS)
    return errors + [input_error("copied prose", tables.file(table), row=name, column=column,
                                 words=COPY_RUN_WORDS, file=text.path.name, copied=" ".join(copied[0]))
                     for table, name, column, cell, source_id in paraphrased_cells(tables)
                     if source_id in (None, text.source_id)
                     and (copied := sorted(word_runs(words(cell), COPY_RUN_WORDS) & prose))]


def check_corpus(tables: Tables) -> list[InputError]:
    """The corpus against its own excerpts (no source text needed): each quotation occurs in its
    excerpt; no two quotations are equal or share NEAR_DUPLICATE_WORDS consecutive words (keep
    one, log the other page as a duplicate); each statement is in the development or test set."""
    first_with: dict[tuple, str] = {}

    def repeated(row: dict) -> dict | None:  # called in file order: it remembers earlier rows
        quoted = words(row["quotation"])
        runs = word_runs(quoted, NEAR_DUPLICATE_WORDS) or {tuple(quoted)}
        earlier = sorted({first_with[run] for run in runs if run in first_with})
        for run in runs:
            first_with.setdefault(run, row["statement_id"])
        return {"earlier": ", ".join(earlier)} if earlier else None
    in_split = set(tables.corpus_split["statement_id"])
    return tables.errors("corpus_statements", "quotation not in excerpt", "quotation", lambda r: r
                         if not occurs_in(r["quotation"], r["excerpt"]) else None) \
        + tables.errors("corpus_statements", "repeated quotation", "quotation", repeated) \
        + tables.errors("corpus_statements", "not in split", "statement_id", lambda r: r
                        if r["statement_id"] not in in_split else None)


@dataclass(frozen=True)
class VerificationReport:
    verified: tuple[str, ...]  # source ids checked against their text
    skipped: tuple[str, ...]   # source ids whose text is absent
    corpus_quotations: int     # corpus quotations checked against their excerpts
    lines: tuple[str, ...]     # what was done, one line per source (and the corpus)


def verify_sources(tables: Tables, texts_dir: Path | str | None = None, *,
                   announce: bool = True) -> VerificationReport:
    """Check the corpus, and every source whose text is in ``texts_dir`` (default
    ``paths.sources_dir()``); skip those that are absent. Raises InputError on any mismatch.
    With ``announce``, the report's lines go to the terminal (:func:`tell_terminal`)."""
    folder = Path(texts_dir) if texts_dir is not None else sources_dir()
    raise_all(check_corpus(tables))
    verified, skipped, lines = [], [], []
    for row in tables.sources[tables.sources["kind"] == "article"].to_dict("records"):
        path = folder / row["text_file"]
        if path.is_file():
            raise_all(check_text(tables, SourceText.read(
                row["source_id"], path, int(row["title_line"]), int(row["author_line"]))))
            verified.append(row["source_id"])
            lines.append(f"Verified source {row['source_id']} against {path}.")
        else:
            skipped.append(row["source_id"])
            lines.append(f"Verification skipped for source {row['source_id']}: {path.name} not "
                         f"found in {path.parent}. To enable it, set {SOURCES_DIR_ENV} to the "
                         f"folder holding {path.name}.")
    count = len(tables.corpus_statements)
    lines += [f"Verified {count} corpus quotations against their excerpts."] if count else []
    report = VerificationReport(tuple(verified), tuple(skipped), count, tuple(lines))
    if announce:
        tell_terminal(report.lines)
    return report


def verification_plan(tables: Tables) -> pd.DataFrame:
    """What verification checks per article (text file, sha256, counts), from the tables alone:
    the same whether or not the texts are present."""
    cells = [cell[4] for cell in paraphrased_cells(tables)]
    sourced = [(column, row.get("source_id")) for _, _, column, row in _sourced_cells(tables)]
    return pd.DataFrame([{"source_id": s["source_id"], "text_file": s["text_file"],
                          "expected_sha256": s["sha256"], "paragraphs": int(s["paragraph_count"]),
                          "verbatim_quotations": sourced.count(("text", s["source_id"])),
                          "anchors": sourced.count(("anchor", s["source_id"])),
                          "paraphrased_cells": sum(c in (s["source_id"], None) for c in cells)}
                         for s in tables.sources[tables.sources["kind"] == "article"].to_dict("records")])


def tell_terminal(lines: Sequence[str]) -> None:
    """Write lines to the terminal running this process, not into a notebook's outputs: in a
    kernel, ``sys.stderr.fileno()`` is the process's own stderr (runner, pytest, JupyterLab)."""
    data = "".join(f"{line}\n" for line in lines)
    try:
        os.write(sys.stderr.fileno(), data.encode("utf-8"))
    except (AttributeError, OSError, ValueError):  # no file descriptor behind sys.stderr
        print(data, end="", file=sys.__stderr__ or sys.stderr, flush=True)

