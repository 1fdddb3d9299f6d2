"""Verify the tables against their sources: an article's text when present, a corpus's excerpts.

Each row of ``sources.csv`` of kind article names its text file (``text_file``), looked up
in ``paths.sources_dir()`` ($DRONE_SOURCES_DIR, default ``../shared/source``); the texts are
not in the repository. For every text found, ``verify_sources`` runs one function per check
(``CHECKS``): checksum; paragraph count, title and author; every verbatim quotation and every
anchor in the paragraph its row names; no cell of our own prose (``freeText`` columns of
data/tables.yaml) copying ``COPY_RUN_WORDS`` words of the source's prose outside quotation
marks. A text that is absent is skipped and the report says so; nothing else changes.
``check_corpus`` checks the statement corpus against its stored excerpts, every time.

Text is compared through ``text.normalise`` (its rule: ``text.RULE``), a match starting and
ending at word boundaries (``MATCH_RULE``). Any mismatch raises one InputError naming the
CSV, the row id and the column.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

import pandas as pd

from dronediplomacy.errors import InputError
from dronediplomacy.paths import SOURCES_DIR_ENV, sources_dir
from dronediplomacy.inputs.schemas import TABLE_SPECS, Problem, free_text_columns, raise_problems
from dronediplomacy.inputs.tables import Tables, load_tables
from dronediplomacy.text import normalise

COPY_RUN_WORDS = 10

MATCH_RULE = ("A quotation or anchor must occur in its paragraph (a corpus quotation: in its "
              "excerpt) after that normalisation of both, starting and ending at word boundaries. "
              "Paragraphs are the lines after the author line that hold any non-whitespace "
              "character.")

COPY_RULE = (
    f"No cell of our own prose may share a run of {COPY_RUN_WORDS} or more consecutive words with "
    "the source's prose outside quotation marks. Words are runs of letters and digits (an "
    "apostrophe inside a word keeps it one word), compared after the same normalisation; "
    "text between double quotation marks is the quoted people's words, not the author's prose, "
    "and is left out (single quotes are not treated as quotation marks, because the same "
    "character is the apostrophe).")

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


def occurs_in(needle: str, haystack: str) -> bool:
    """Does ``needle`` occur in ``haystack`` under the comparison rule, at word boundaries?"""
    needle, haystack = normalise(needle), normalise(haystack)
    if not needle:
        return False
    pattern = re.escape(needle)
    if needle[0].isalnum():
        pattern = r"(?<!\w)" + pattern
    if needle[-1].isalnum():
        pattern += r"(?!\w)"
    return re.search(pattern, haystack) is not None


def words(text: str) -> list[str]:
    """The words of a text, after normalisation (so in folded case)."""
    return _WORD.findall(normalise(text))


def prose_outside_quotes(paragraph: str) -> list[str]:
    """The author's prose of a paragraph: the stretches outside double quotation marks."""
    return re.split(r'"[^"]*"', normalise(paragraph))


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
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data[:error.start].count(b"\n") + 1
            raise InputError(path, "the source text is not UTF-8", row=f"line {line}",
                             fix="obtain the UTF-8 text the checksum in sources.csv was taken "
                                 "from") from None
        lines = text.splitlines()

        def line_at(number: int) -> str:
            return lines[number - 1].strip() if 0 < number <= len(lines) else ""
        paragraphs = tuple(line for line in lines[author_line:] if line.strip())
        return cls(source_id, path, hashlib.sha256(data).hexdigest(), line_at(title_line),
                   line_at(author_line), paragraphs)

    def paragraph(self, number: int) -> str | None:
        return self.paragraphs[number - 1] if 1 <= number <= len(self.paragraphs) else None

    def prose_runs(self, length: int = COPY_RUN_WORDS) -> set[tuple[str, ...]]:
        """Every run of ``length`` words in the author's prose (quotations left out)."""
        runs: set[tuple[str, ...]] = set()
        for paragraph in self.paragraphs:
            for stretch in prose_outside_quotes(paragraph):
                runs |= word_runs(words(stretch), length)
        return runs


# --- one function per check ---------------------------------------------------

def _source_row(tables: Tables, source_id: str) -> pd.Series:
    return tables.sources.set_index("source_id").loc[source_id]


def _row_name(row: dict, id_column: str | None, position: int) -> str:
    return row[id_column] if id_column else f"line {position + 2}"


def check_checksum(tables: Tables, text: SourceText) -> list[Problem]:
    """The text's sha256 equals the one recorded in sources.csv."""
    expected = _source_row(tables, text.source_id)["sha256"]
    if text.sha256 == expected:
        return []
    return [Problem(tables.file("sources"), f"the text at {text.path} has sha256 {text.sha256}, "
                    f"the table says {expected}", row=text.source_id, column="sha256",
                    fix="point DRONE_SOURCES_DIR at the text the tables were coded from; if the "
                        "text changed on purpose, re-check every row against it, then update sha256")]


def check_structure(tables: Tables, text: SourceText) -> list[Problem]:
    """Paragraph count, title and author in sources.csv match the text."""
    row = _source_row(tables, text.source_id)
    problems = []
    if len(text.paragraphs) != row["paragraph_count"]:
        problems.append(Problem(tables.file("sources"), f"the text has {len(text.paragraphs)} "
                                f"paragraphs, the table says {row['paragraph_count']}",
                                row=text.source_id, column="paragraph_count",
                                fix="count the non-blank lines after the author line"))
    for column in ("title", "author"):
        if normalise(row[column]) != normalise(getattr(text, column)):
            problems.append(Problem(tables.file("sources"), f"{column} differs from line "
                                    f"{row[column + '_line']} of the text "
                                    f"({getattr(text, column)!r})", row=text.source_id,
                                    column=column, fix=f"copy the {column} from the text"))
    return problems


def _rows_of(tables: Tables, text: SourceText, column: str) -> Iterator[tuple]:
    """(table spec, row name, row) for every row of this source that has ``column``."""
    for spec in TABLE_SPECS:
        frame = tables.frame(spec.name)
        if column not in frame or "source_id" not in frame:
            continue
        for position, row in enumerate(frame.to_dict("records")):
            if row["source_id"] == text.source_id:
                yield spec, _row_name(row, spec.id_column, position), row


def check_quotations_and_anchors(tables: Tables, text: SourceText) -> list[Problem]:
    """Every verbatim text and every anchor occurs in the paragraph its row names (MATCH_RULE)."""
    problems = []
    for column in ("text", "anchor"):
        for spec, name, row in _rows_of(tables, text, "text_kind" if column == "text" else column):
            paragraph = text.paragraph(int(row["paragraph"]))
            if column == "text" and row["text_kind"] != "verbatim" \
                    or paragraph is not None and occurs_in(row[column], paragraph):
                continue
            what = "the quotation" if column == "text" else f"anchor {row['anchor']!r}"
            problems.append(Problem(
                tables.file(spec.name), f"{what} is not in paragraph {row['paragraph']} of "
                f"{text.path.name} (compared as data/README.md says)", row=name, column=column,
                fix=("copy the quoted words exactly as printed" if column == "text" else
                     "copy 3 to 8 consecutive words from that paragraph")
                + ", or correct the paragraph number"))
    return problems


def paraphrased_cells(tables: Tables) -> Iterator[tuple[str, str, str, str, str | None]]:
    """(table, row name, column, text, source_id or None) for every cell of our own prose."""
    for spec in TABLE_SPECS:
        frame = tables.frame(spec.name)
        for column in free_text_columns(spec):
            for position, row in enumerate(frame.to_dict("records")):
                cell = row[column]
                if not isinstance(cell, str) or row.get("text_kind") == "verbatim" and column == "text":
                    continue
                yield (spec.name, _row_name(row, spec.id_column, position), column, cell,
                       row.get("source_id"))


def check_no_copied_prose(tables: Tables, text: SourceText) -> list[Problem]:
    """No cell of our prose shares COPY_RUN_WORDS consecutive words with the source's prose.

    Rows with a source_id are compared with their own source; rows of tables without one
    (link tables) with every source.
    """
    prose = text.prose_runs(COPY_RUN_WORDS)
    problems = []
    for table, name, column, cell, source_id in paraphrased_cells(tables):
        if source_id not in (None, text.source_id):
            continue
        copied = word_runs(words(cell), COPY_RUN_WORDS) & prose
        if copied:
            example = " ".join(sorted(copied)[0])
            problems.append(Problem(
                tables.file(table), f"shares {COPY_RUN_WORDS}+ consecutive words with the prose of "
                f"{text.path.name} ({example!r})", row=name, column=column,
                fix="say it in your own words (only the quoted people's words are stored verbatim)"))
    return problems


CHECKS = (check_checksum, check_structure, check_quotations_and_anchors, check_no_copied_prose)

#: Two corpus quotations sharing this many consecutive words are near-duplicates.
NEAR_DUPLICATE_WORDS = 8


def check_corpus(tables: Tables) -> list[Problem]:
    """The statement corpus against its own excerpts (no source text needed): every quotation
    occurs in its excerpt (comparison rule); no quotation is kept twice, and no two share
    NEAR_DUPLICATE_WORDS consecutive words (the same sentence from two pages is kept once and
    the other page logged in corpus_exclusions.csv as a duplicate linked to it); every
    statement is in the development or the test set."""
    file = tables.file("corpus_statements")
    problems, first_with = [], {}
    for row in tables.corpus_statements.to_dict("records"):
        name = row["statement_id"]
        if not occurs_in(row["quotation"], row["excerpt"]):
            problems.append(Problem(file, "the quotation is not in the excerpt (compared as "
                                    "data/README.md says)", row=name, column="quotation",
                                    fix="copy the quoted words exactly as the page prints them, and "
                                        "an excerpt that contains them"))
        quoted = words(row["quotation"])
        runs = word_runs(quoted, NEAR_DUPLICATE_WORDS) or {tuple(quoted)}
        earlier = sorted({first_with[run] for run in runs if run in first_with})
        if earlier:
            problems.append(Problem(file, f"repeats the words of {', '.join(earlier)} (the same "
                                    "quotation, or a near-duplicate)", row=name, column="quotation",
                                    fix="keep one row; log the other page in corpus_exclusions.csv "
                                        "as a duplicate with linked_id naming the kept row"))
        for run in runs:
            first_with.setdefault(run, name)
    in_split = set(tables.corpus_split["statement_id"])
    problems += [Problem(file, f"{name} is in neither the development nor the test set", row=name,
                         column="statement_id", fix="add it to corpus_split.csv (README, 'The "
                         "statement corpus', says how)")
                 for name in tables.corpus_statements["statement_id"] if name not in in_split]
    return problems


# --- the run -------------------------------------------------------------------

@dataclass(frozen=True)
class SourceResult:
    source_id: str
    text_path: Path
    verified: bool

    def line(self) -> str:
        if self.verified:
            return f"Verified source {self.source_id} against {self.text_path}."
        return (f"Verification skipped for source {self.source_id}: {self.text_path.name} not found "
                f"in {self.text_path.parent}. To enable it, set {SOURCES_DIR_ENV} to the folder "
                f"holding {self.text_path.name}.")


@dataclass(frozen=True)
class VerificationReport:
    results: tuple[SourceResult, ...]
    corpus_quotations: int = 0

    @property
    def skipped(self) -> tuple[str, ...]:
        return tuple(r.source_id for r in self.results if not r.verified)

    @property
    def verified(self) -> tuple[str, ...]:
        return tuple(r.source_id for r in self.results if r.verified)

    def lines(self) -> list[str]:
        corpus = [f"Verified {self.corpus_quotations} corpus quotations against their excerpts."]
        return [result.line() for result in self.results] + (corpus if self.corpus_quotations else [])


def _articles(tables: Tables) -> pd.DataFrame:
    """The sources verified against a text (kind article); a corpus is checked by check_corpus."""
    return tables.sources[tables.sources["kind"] == "article"]


def verify_source(tables: Tables, text: SourceText) -> None:
    """Run every check on one present source text; raise one InputError if any fails."""
    raise_problems([problem for check in CHECKS for problem in check(tables, text)])


def verify_sources(tables: Tables, texts_dir: Path | str | None = None, *,
                   announce: bool = True) -> VerificationReport:
    """Verify every source whose text is present; skip (and say so) those that are absent.

    ``texts_dir`` defaults to ``paths.sources_dir()``. Raises InputError on any mismatch.
    With ``announce``, one line per source (verified or skipped, and how to enable it) goes
    to the terminal that runs the process, not into a notebook's outputs: see
    ``tell_terminal``.
    """
    folder = Path(texts_dir) if texts_dir is not None else sources_dir()
    raise_problems(check_corpus(tables))
    results = []
    for row in _articles(tables).to_dict("records"):
        path = folder / row["text_file"]
        if path.is_file():
            text = SourceText.read(row["source_id"], path, int(row["title_line"]),
                                   int(row["author_line"]))
            verify_source(tables, text)
        results.append(SourceResult(row["source_id"], path, path.is_file()))
    report = VerificationReport(tuple(results), len(tables.corpus_statements))
    if announce:
        tell_terminal(report.lines())
    return report


def verification_plan(tables: Tables) -> pd.DataFrame:
    """What verification checks for each source, computed from the tables alone.

    The same whether or not the texts are present, so a notebook can show it without its
    outputs depending on the machine.
    """
    cells = list(paraphrased_cells(tables))
    rows = []
    for source in _articles(tables).to_dict("records"):
        sid = source["source_id"]
        quotations = sum(int((frame.get("text_kind") == "verbatim")
                             [frame["source_id"] == sid].sum())
                         for frame in (tables.frame(s.name) for s in TABLE_SPECS)
                         if "text_kind" in frame)
        anchors = sum(int((frame["source_id"] == sid).sum())
                      for frame in (tables.frame(s.name) for s in TABLE_SPECS)
                      if "anchor" in frame and "source_id" in frame)
        rows.append({"source_id": sid, "text_file": source["text_file"],
                     "expected_sha256": source["sha256"],
                     "paragraphs": int(source["paragraph_count"]),
                     "verbatim_quotations": quotations, "anchors": anchors,
                     "paraphrased_cells": sum(1 for cell in cells if cell[4] in (sid, None))})
    return pd.DataFrame(rows)


def tell_terminal(lines: Sequence[str]) -> None:
    """Write lines to the terminal running this process, bypassing notebook capture.

    In a Jupyter kernel, ``sys.stderr`` is captured into the notebook, but its ``fileno()``
    is the kernel process's original stderr (the runner's console, pytest's output, the
    JupyterLab server log), so writing there keeps the notebook's outputs free of
    machine-dependent lines. Outside a kernel it is ordinary stderr.
    """
    data = "".join(f"{line}\n" for line in lines).encode("utf-8")
    try:
        os.write(sys.stderr.fileno(), data)
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        stream = sys.__stderr__ or sys.stderr
        stream.write(data.decode("utf-8"))
        stream.flush()


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m dronediplomacy.inputs.verify``: load, validate and verify; exit 1 on a problem."""
    try:
        verify_sources(load_tables())
    except InputError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
