"""The schema of every input table, and the checks that span tables.

Why pandera: the tables are pandas DataFrames, and pandera states their rules
declaratively next to the columns they govern (type, allowed values, uniqueness,
patterns, row-wise checks), collects every failure in one pass (``lazy=True``),
and carries a description per column, from which ``dictionary.py`` generates
``data/README.md``. One definition therefore serves validation, error messages
and documentation. (frictionless would have meant a second, JSON-shaped copy of
the same rules beside the pandas code that loads the tables.)

Every column here carries ``description`` (its meaning, used in the data
dictionary); checks carry ``error`` (the problem, shown to the person editing the
CSV) and ``description`` (how to fix it). Foreign keys and the other rules that
need two tables are in ``check_across_tables`` and are declared in
``REFERENCES`` so the dictionary can list them too.

Nothing here names a particular source: a second article is added as rows.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Sequence

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from dronediplomacy.errors import InputError

# --- patterns -----------------------------------------------------------------

SLUG_PATTERN = r"^[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*$"
STATEMENT_ID_PATTERN = r"^st\d{2,}$"
EVENT_ID_PATTERN = r"^ev\d{2,}$"
CLAIM_ID_PATTERN = r"^cl\d{2,}$"
CORPUS_ID_PATTERN = r"^cs\d{3,}$"
EXCLUSION_ID_PATTERN = r"^cx\d{3,}$"
QUERY_ID_PATTERN = r"^[a-zA-Z]+-q\d{2,}$"
STATEMENT_LIST_PATTERN = r"^st\d{2,}(?:;st\d{2,})*$"
ISO_DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"
SECTIONS_PATTERN = r"^[a-z]+:\d+(?:-\d+)?(?:;[a-z]+:\d+(?:-\d+)?)*$"
ACTOR_LIST_PATTERN = r"^[a-z][a-z0-9_]*(?:;[a-z][a-z0-9_]*)*$"
ANCHOR_MIN_WORDS, ANCHOR_MAX_WORDS = 3, 8

# --- allowed values -----------------------------------------------------------

ACTOR_TYPES = ("person", "organisation", "state", "group", "media")
RELATIONS_TO_TURKISH_STATE = ("state", "state-owned enterprise", "nominally private firm",
                              "private individual", "foreign")
TURKEY_POSTURES = ("alignment", "distance", "not applicable")
ATTRIBUTIONS = ("named", "group", "implied")
MODES = ("direct_quote", "reported", "posture", "characterisation")
VERBATIM_MODES = ("direct_quote", "characterisation")
TEXT_KINDS = ("verbatim", "paraphrase")
DATE_PRECISIONS = ("day", "month", "year", "interval", "unknown")
EVENT_TYPES = ("first_flight", "production_share", "ceremony", "agreement", "purchase",
               "war_start", "war_end", "territorial_change")
UNITS = ("percent", "million USD")
QUALIFIERS = ("almost", "about", "more than", "less than", "at least", "up to")
CLAIM_TYPES = ("descriptive", "interpretive", "predictive", "normative")
EVIDENCE_TYPES = ("statement", "event")
SOURCE_KINDS = ("article", "corpus")
#: Columns of sources.csv that describe a text checked paragraph by paragraph (kind article).
TEXT_COLUMNS = ("text_file", "sha256", "paragraph_count", "title_line", "author_line", "sections")
TRANSLATIONS = ("yes", "no", "unknown")
DATE_BASES = ("statement_date", "page_date")
HOST_QUALITIES = ("primary", "established", "weak")
EXCLUSION_STAGES = ("collection", "review")
#: The protocol's exclusion reasons (data/input/corpus_protocol.md), with its amendments.
EXCLUSION_REASONS = ("duplicate", "no_named_speaker", "not_about_drones", "outside_period",
                     "paraphrase_only", "article_quotation", "unreadable", "weak_host",
                     "not_english", "speaker_not_in_scope")
SPLIT_SETS = ("development", "test")
LINKED_REASONS = ("duplicate", "article_quotation")
MAX_EXCERPT_WORDS = 80
#: The protocol's periods (corpus_protocol.md, inclusion rule 1): first and last day a corpus
#: statement of each conflict may have; None = up to the date its page was read.
CORPUS_PERIODS = {"nk2020": ("2020-07-01", "2021-12-31"), "ukr2022": ("2019-01-01", None)}


# --- column builders ----------------------------------------------------------

def _check(fn: Callable, *, error: str, fix: str, element_wise: bool = False,
           column: str | None = None) -> pa.Check:
    """A check whose ``error`` is the problem and ``description`` the fix.

    For row-wise (DataFrame-level) checks ``column`` names the column to blame;
    pandera keeps it in ``title``.
    """
    return pa.Check(fn, element_wise=element_wise, error=error, description=fix, title=column)


def _pattern(pattern: str, *, what: str, example: str) -> pa.Check:
    check = pa.Check.str_matches(pattern, error=f"does not look like {what}",
                                 description=f"write it like {example!r} (pattern {pattern})")
    return check


def _choice(values: Sequence[str]) -> pa.Check:
    return pa.Check.isin(list(values), error="is not an allowed value",
                         description="use one of: " + " | ".join(values))


def _is_calendar_date(value: str) -> bool:
    try:
        return bool(re.match(ISO_DATE_PATTERN, value)) and dt.date.fromisoformat(value) is not None
    except ValueError:
        return False


def id_column(pattern: str, example: str, meaning: str) -> pa.Column:
    return pa.Column(str, _pattern(pattern, what="an id", example=example), unique=True,
                     nullable=False, description=meaning, metadata={"kind": "id"})


def ref_column(meaning: str, *, nullable: bool = False) -> pa.Column:
    """A reference to another table's id; the reference itself is checked across tables."""
    return pa.Column(str, _pattern(SLUG_PATTERN, what="an id", example="erdogan"),
                     nullable=nullable, description=meaning, metadata={"kind": "reference"})


def text_column(meaning: str, *, nullable: bool = False, free_text: bool = True) -> pa.Column:
    """Text. ``free_text`` marks our own prose, which verification keeps from copying the source."""
    return pa.Column(str, nullable=nullable, description=meaning,
                     metadata={"kind": "text", "free_text": free_text})


def choice_column(values: Sequence[str], meaning: str, *, nullable: bool = False) -> pa.Column:
    return pa.Column(str, _choice(values), nullable=nullable, description=meaning,
                     metadata={"kind": "choice"})


def date_column(meaning: str, *, nullable: bool = True) -> pa.Column:
    return pa.Column(str, _check(_is_calendar_date, element_wise=True,
                                 error="is not a calendar date in the form YYYY-MM-DD",
                                 fix="write the date as YYYY-MM-DD, e.g. 2020-09-27; leave the cell "
                                     "empty if it is unknown"),
                     nullable=nullable, description=meaning,
                     metadata={"kind": "date", "allowed": "a calendar date, YYYY-MM-DD"})


def paragraph_column(meaning: str = "Paragraph of the source the row comes from (1 = the first "
                                    "paragraph after the author line; see sources.paragraph_count).",
                     *, nullable: bool = False) -> pa.Column:
    return pa.Column("Int64", pa.Check.ge(1, error="paragraph numbers start at 1",
                                          description="count paragraphs from 1 (see data/README.md)"),
                     coerce=True, nullable=nullable, description=meaning,
                     metadata={"kind": "paragraph"})


def _anchor_length_ok(value: str) -> bool:
    return ANCHOR_MIN_WORDS <= len(value.split()) <= ANCHOR_MAX_WORDS


def anchor_column(*, nullable: bool = False) -> pa.Column:
    return pa.Column(
        str,
        _check(_anchor_length_ok, element_wise=True,
               error=f"an anchor must be {ANCHOR_MIN_WORDS} to {ANCHOR_MAX_WORDS} words",
               fix=f"copy {ANCHOR_MIN_WORDS} to {ANCHOR_MAX_WORDS} consecutive words from the paragraph"),
        nullable=nullable,
        description=(f"{ANCHOR_MIN_WORDS} to {ANCHOR_MAX_WORDS} consecutive words copied from the "
                     "row's paragraph: a pointer for finding the passage, too short to reproduce it."),
        metadata={"kind": "anchor", "free_text": False,
                  "allowed": f"{ANCHOR_MIN_WORDS} to {ANCHOR_MAX_WORDS} words"})


def query_column() -> pa.Column:
    return pa.Column(str, _pattern(QUERY_ID_PATTERN, what="a query id", example="nkT-q01"),
                     description="The query that found the page (corpus_search_log.query_id).",
                     metadata={"kind": "reference"})


def source_column() -> pa.Column:
    return ref_column("Source the row comes from (sources.source_id).")


def source_note_column(what: str = "the row") -> pa.Column:
    return text_column(f"Citation for any fact in {what} that comes from outside the source "
                       "(author or body, title, date, where to find it). Empty when the row uses "
                       "the source only.", nullable=True)


# --- row-wise rules -----------------------------------------------------------

def _both_calendar_dates(first: pd.Series, second: pd.Series) -> pd.Series:
    return first.map(lambda d: isinstance(d, str) and _is_calendar_date(d)).astype(bool) & \
        second.map(lambda d: isinstance(d, str) and _is_calendar_date(d)).astype(bool)


def _dates_ordered(frame: pd.DataFrame) -> pd.Series:
    both = _both_calendar_dates(frame["date_earliest"], frame["date_latest"])
    return ~both | (frame["date_earliest"].fillna("") <= frame["date_latest"].fillna(""))


def _precision_consistent(frame: pd.DataFrame) -> pd.Series:
    def fits(row: pd.Series) -> bool:
        dates = [row["date_earliest"], row["date_latest"]]
        if any(isinstance(d, str) and not _is_calendar_date(d) for d in dates):
            return True  # a malformed date is reported on its own column
        return date_precision_problem(row["date_precision"], *dates) is None
    return frame.apply(fits, axis=1)


def date_precision_problem(precision: str, earliest: object, latest: object) -> str | None:
    """Why an (earliest, latest, precision) triple is inconsistent, or None if it is fine."""
    has_e, has_l = isinstance(earliest, str), isinstance(latest, str)
    if precision == "unknown":
        return None if not (has_e or has_l) else "precision 'unknown' needs both dates empty"
    if precision == "interval":
        return None if (has_e or has_l) else "precision 'interval' needs at least one date"
    if not (has_e and has_l and _is_calendar_date(earliest) and _is_calendar_date(latest)):
        return f"precision {precision!r} needs both dates"
    first, last = dt.date.fromisoformat(earliest), dt.date.fromisoformat(latest)
    if precision == "day":
        return None if first == last else "precision 'day' needs earliest == latest"
    if precision == "month":
        next_month = (last.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        ok = first.day == 1 and (first.year, first.month) == (last.year, last.month) \
            and last + dt.timedelta(days=1) == next_month
        return None if ok else "precision 'month' needs the first and last day of one month"
    if precision == "year":
        ok = (first.month, first.day, last.month, last.day) == (1, 1, 12, 31) and first.year == last.year
        return None if ok else "precision 'year' needs 1 January to 31 December of one year"
    return None


DATE_ROW_CHECKS = [
    _check(_dates_ordered, column="date_latest", error="date_latest is before date_earliest",
           fix="swap the dates, or correct the one that is wrong"),
    _check(_precision_consistent, column="date_precision",
           error="does not fit the dates (day: earliest == latest; month: first to last day of one "
                 "month; year: 1 Jan to 31 Dec; interval: at least one date; unknown: no dates)",
           fix="make date_precision match date_earliest and date_latest"),
]


def date_columns(what: str) -> dict[str, pa.Column]:
    return {
        "date_earliest": date_column(f"Earliest date {what} can have happened (YYYY-MM-DD); empty = "
                                     "no lower bound known."),
        "date_latest": date_column(f"Latest date {what} can have happened (YYYY-MM-DD); empty = "
                                   "no upper bound known."),
        "date_precision": choice_column(DATE_PRECISIONS, "How precisely the interval dates it: day, "
                                        "month, year, interval (bounds only) or unknown (no dates)."),
        "date_derivation": text_column("How the dates were derived: what the source says and which "
                                       "other rows or cited sources bound it. No invented dates."),
    }


def _sections_cover_paragraphs(frame: pd.DataFrame) -> pd.Series:
    return frame.apply(lambda row: sections_problem(row["sections"], row["paragraph_count"]) is None,
                       axis=1)


def sections_problem(sections: object, paragraph_count: object) -> str | None:
    """Why a sections string does not cover paragraphs 1..paragraph_count exactly once, or None."""
    if not isinstance(sections, str) or not re.match(SECTIONS_PATTERN, sections) \
            or pd.isna(paragraph_count):
        return None  # reported by the column checks
    expected = 1
    for part in sections.split(";"):
        span = part.split(":")[1]
        first, _, last = span.partition("-")
        first_n, last_n = int(first), int(last or first)
        if first_n != expected or last_n < first_n:
            return f"section {part!r} should start at paragraph {expected}"
        expected = last_n + 1
    if expected - 1 != int(paragraph_count):
        return f"sections end at paragraph {expected - 1}, paragraph_count is {paragraph_count}"
    return None


def _text_columns_fit_kind(frame: pd.DataFrame) -> pd.Series:
    filled = frame[list(TEXT_COLUMNS)].notna()
    return ((frame["kind"] == "article") & filled.all(axis=1)) | \
        ((frame["kind"] != "article") & ~filled.any(axis=1))


def _paragraph_or_page(frame: pd.DataFrame) -> pd.Series:
    """paragraph and anchor come together; a row without them cites its page in source_note."""
    has_paragraph, has_anchor = frame["paragraph"].notna(), frame["anchor"].notna()
    return (has_paragraph == has_anchor) & (has_paragraph | frame["source_note"].notna())


def _excerpt_short(value: str) -> bool:
    return len(value.split()) <= MAX_EXCERPT_WORDS


def _text_kind_fits_mode(frame: pd.DataFrame) -> pd.Series:
    verbatim_mode = frame["mode"].isin(VERBATIM_MODES)
    return (verbatim_mode & (frame["text_kind"] == "verbatim")) | \
        (~verbatim_mode & (frame["text_kind"] == "paraphrase"))


def _implied_has_note(frame: pd.DataFrame) -> pd.Series:
    return (frame["attribution"] != "implied") | frame["note"].notna()


def _unit_with_value(frame: pd.DataFrame) -> pd.Series:
    return frame["value"].notna() == frame["unit"].notna()


def _qualifier_needs_value(frame: pd.DataFrame) -> pd.Series:
    return frame["qualifier"].isna() | frame["value"].notna()


def _not_self_answer(frame: pd.DataFrame) -> pd.Series:
    return frame["response_id"] != frame["answers_id"]


def _conflict_dates_ordered(frame: pd.DataFrame) -> pd.Series:
    both = _both_calendar_dates(frame["date_start"], frame["date_end"])
    return ~both | (frame["date_start"].fillna("") <= frame["date_end"].fillna(""))


# --- the schemas --------------------------------------------------------------

SOURCES = pa.DataFrameSchema(
    {
        "source_id": id_column(SLUG_PATTERN, "author-topic", "Stable id of the source."),
        "kind": choice_column(SOURCE_KINDS, "article: a text verified paragraph by paragraph (the "
                              "text columns below are required); corpus: a collection of quotations "
                              "verified against their stored excerpts (corpus_statements.csv; the "
                              "text columns stay empty)."),
        "title": text_column("Title, copied from the title line of the text.", free_text=False),
        "author": text_column("Author, copied from the author line of the text.", free_text=False),
        "venue": text_column("Where it was published; empty when unknown (say so in note).",
                             nullable=True, free_text=False),
        "date": date_column("Publication date (YYYY-MM-DD); empty when unknown (say so in note)."),
        "text_file": pa.Column(str, _pattern(r"^[^/\\]+$", what="a bare file name",
                                             example="text.txt"), nullable=True,
                               description="File name of the text inside the source-texts folder "
                                           "($DRONE_SOURCES_DIR, default ../shared/source).",
                               metadata={"kind": "file"}),
        "sha256": pa.Column(str, _pattern(SHA256_PATTERN, what="a sha256 hex digest",
                                          example="47fa…(64 hex digits)"), nullable=True,
                            description="sha256 of the text file's bytes; verification compares it.",
                            metadata={"kind": "checksum"}),
        "paragraph_count": pa.Column("Int64", pa.Check.ge(1, error="must be at least 1",
                                                          description="count the paragraphs"),
                                     coerce=True, nullable=True, description="Number of paragraphs (non-blank "
                                     "lines after the author line)."),
        "title_line": pa.Column("Int64", pa.Check.ge(1, error="must be at least 1",
                                                     description="give the 1-based line number"),
                                coerce=True, nullable=True,
                                description="Line of the text file holding the title."),
        "author_line": pa.Column("Int64", pa.Check.ge(1, error="must be at least 1",
                                                      description="give the 1-based line number"),
                                 coerce=True, nullable=True,
                                 description="Line of the text file holding the author; "
                                 "paragraphs are the non-blank lines after it."),
        "sections": pa.Column(str, _pattern(SECTIONS_PATTERN, what="a list of sections",
                                            example="introduction:1;background:2-8"),
                              nullable=True,
                              description="Section structure: name:first-last paragraphs, "
                                          "separated by ';', covering every paragraph once.",
                              metadata={"kind": "sections"}),
        "note": text_column("Anything a reader should know about the source (e.g. why venue or "
                            "date is empty).", nullable=True),
    },
    checks=[_check(_sections_cover_paragraphs, column="sections",
                   error="sections do not cover paragraphs 1..paragraph_count in order, once each",
                   fix="make the ranges contiguous from 1 to paragraph_count"),
            _check(_text_columns_fit_kind, column="kind",
                   error="an article needs every text column (" + ", ".join(TEXT_COLUMNS) + "); "
                         "a corpus has none of them",
                   fix="fill in the text columns for an article, or empty them for a corpus")],
    strict=True, name="sources",
    description="The sources: one row per article (with the checksum its facts were coded from) or "
                "corpus of quotations.",
)

CONFLICTS = pa.DataFrameSchema(
    {
        "conflict_id": id_column(SLUG_PATTERN, "nk2020", "Stable id of the conflict (or the "
                                 "'context' row for what belongs to no war)."),
        "source_id": source_column(),
        "name": text_column("Name of the conflict, in our words."),
        "buyer_actor_id": ref_column("The state that bought Turkish drones (actors.actor_id); empty "
                                     "for the context row.", nullable=True),
        "opposing_actor_id": ref_column("The state the buyer fought (actors.actor_id); empty for the "
                                        "context row.", nullable=True),
        "turkey_posture": choice_column(TURKEY_POSTURES, "Turkey's posture toward the buyer's war, "
                                        "as the source describes it."),
        "posture_description": text_column("That posture in our words.", nullable=True),
        "date_start": date_column("First day of the war (YYYY-MM-DD), cited in source_note when "
                                  "the source does not give it."),
        "date_end": date_column("Last day of the war (YYYY-MM-DD); empty if ongoing or unknown."),
        "date_derivation": text_column("What the source says about the dates and where the rest "
                                       "comes from."),
        "paragraph": paragraph_column(),
        "anchor": anchor_column(),
        "source_note": source_note_column("the dates"),
        "note": text_column("Anything else a reader should know.", nullable=True),
    },
    checks=[_check(_conflict_dates_ordered, column="date_end", error="date_end is before date_start",
                   fix="correct the dates")],
    strict=True, name="conflicts",
    description="The wars compared, with buyer, opponent and Turkey's posture; plus one context row "
                "for industry and exports outside any war.",
)

ACTORS = pa.DataFrameSchema(
    {
        "actor_id": id_column(SLUG_PATTERN, "erdogan", "Stable id of the actor."),
        "source_id": source_column(),
        "name": text_column("Name as the source gives it (or a description when unnamed).",
                            free_text=False),
        "actor_type": choice_column(ACTOR_TYPES, "What kind of actor."),
        "country": text_column("Country the actor belongs to.", nullable=True, free_text=False),
        "relation_to_turkish_state": choice_column(
            RELATIONS_TO_TURKISH_STATE,
            "Relation to the Turkish state. Empty when neither the source nor a cited outside "
            "source settles it (the note says why).", nullable=True),
        "role": text_column("Office or role as the source gives it.", nullable=True),
        "paragraph": paragraph_column("Paragraph where the source introduces or describes the actor; "
                                      "required for an article's actors, empty for a corpus's "
                                      "speakers (their source_note cites the page).", nullable=True),
        "anchor": anchor_column(nullable=True),
        "note": text_column("What the source does and does not say about the actor.", nullable=True),
        "source_note": source_note_column("relation_to_turkish_state or role"),
    },
    checks=[_check(_paragraph_or_page, column="paragraph",
                   error="give paragraph and anchor together; a row without them needs a "
                         "source_note citing the page that names the actor",
                   fix="fill in paragraph and anchor (an article's actor) or source_note (a "
                       "corpus speaker)")],
    strict=True, name="actors",
    description="Speakers and organisations: type, country and relation to the Turkish state.",
)

STATEMENTS = pa.DataFrameSchema(
    {
        "statement_id": id_column(STATEMENT_ID_PATTERN, "st01", "Stable id of the statement."),
        "source_id": source_column(),
        "conflict_id": ref_column("Conflict the statement belongs to (conflicts.conflict_id)."),
        "actor_id": ref_column("Who the source attributes it to (actors.actor_id)."),
        "attribution": choice_column(ATTRIBUTIONS, "How the source attributes it: named (a named or "
                                     "clearly identified actor), group (an unnamed group), implied "
                                     "(the source implies the actor but names no speaker; note says "
                                     "why)."),
        "mode": choice_column(MODES, "direct_quote (the actor's words in quotation marks), reported "
                              "(indirect speech), posture (a stance the source ascribes from "
                              "conduct), characterisation (a quoted label the source attributes)."),
        "text_kind": choice_column(TEXT_KINDS, "verbatim for direct_quote and characterisation (the "
                                   "quoted words exactly as printed); paraphrase (our words) "
                                   "otherwise."),
        "text": pa.Column(str, nullable=False, description="The statement: verbatim quoted words, or "
                          "our paraphrase (see text_kind).",
                          metadata={"kind": "text", "free_text": True}),
        "paragraph": paragraph_column(),
        "anchor": anchor_column(),
        **date_columns("the statement"),
        "note": text_column("Caveats: uncertain attribution, editorial insertions, links.",
                            nullable=True),
    },
    checks=[
        _check(_text_kind_fits_mode, column="text_kind",
               error="does not fit mode (verbatim for direct_quote and characterisation, paraphrase "
                     "otherwise)",
               fix="set text_kind to match mode"),
        _check(_implied_has_note, column="note",
               error="an implied attribution needs a note saying how far the source attributes it",
               fix="explain the attribution in note"),
        *DATE_ROW_CHECKS,
    ],
    strict=True, name="statements",
    description="One attributed utterance or public stance per row: the unit of rhetoric coding.",
)

EVENTS = pa.DataFrameSchema(
    {
        "event_id": id_column(EVENT_ID_PATTERN, "ev01", "Stable id of the event."),
        "source_id": source_column(),
        "conflict_id": ref_column("Conflict (or context) the event belongs to."),
        "event_type": choice_column(EVENT_TYPES, "Kind of event."),
        "actor_ids": pa.Column(str, _pattern(ACTOR_LIST_PATTERN, what="actor ids separated by ';'",
                                             example="mke;egypt_mod"),
                               nullable=True, description="Actors involved, as actor ids separated "
                               "by ';' (actors.actor_id); empty if none.",
                               metadata={"kind": "reference list"}),
        "description": text_column("What happened, in our words."),
        "value": pa.Column("Float64", coerce=True, nullable=True,
                           description="Number the source gives, without its qualifier."),
        "unit": choice_column(UNITS, "Unit of value; required when value is given.", nullable=True),
        "qualifier": choice_column(QUALIFIERS, "Hedge the source puts on value ('almost 80%' is "
                                   "value 80, qualifier almost).", nullable=True),
        **date_columns("the event"),
        "paragraph": paragraph_column(),
        "anchor": anchor_column(),
        "source_note": source_note_column("the row (e.g. a date)"),
        "note": text_column("Caveats: what the source does not say about the event.", nullable=True),
    },
    checks=[
        _check(_unit_with_value, column="unit", error="value and unit must be given together",
               fix="fill in both or neither"),
        _check(_qualifier_needs_value, column="qualifier", error="a qualifier needs a value",
               fix="give the value or drop the qualifier"),
        *DATE_ROW_CHECKS,
    ],
    strict=True, name="events",
    description="Dated facts with values, units and qualifiers (a purchase or a war's start is an "
                "event, not a statement).",
)

CLAIMS = pa.DataFrameSchema(
    {
        "claim_id": id_column(CLAIM_ID_PATTERN, "cl01", "Stable id of the claim."),
        "source_id": source_column(),
        "claim_type": choice_column(CLAIM_TYPES, "descriptive (what is), interpretive (what it "
                                    "means or why), predictive (what will be), normative (what "
                                    "ought to be)."),
        "text": text_column("The source's analytical proposition, in our words."),
        "paragraph": paragraph_column(),
        "anchor": anchor_column(),
        "evidence_note": text_column("Required when the claim has no row in claim_evidence: says "
                                     "that the source offers no evidence; otherwise caveats about "
                                     "the evidence.", nullable=True),
    },
    strict=True, name="claims",
    description="The source's own analytical propositions, paraphrased and typed.",
)

STATEMENT_RESPONSES = pa.DataFrameSchema(
    {
        "response_id": ref_column("The statement that answers (statements.statement_id)."),
        "answers_id": ref_column("The statement it answers (statements.statement_id)."),
        "note": text_column("How the source links the two.", nullable=True),
    },
    checks=[_check(_not_self_answer, column="answers_id", error="a statement cannot answer itself",
                   fix="name the statement it answers")],
    unique=["response_id", "answers_id"],
    strict=True, name="statement_responses",
    description="Which statement answers which (one response may answer several statements).",
)

CLAIM_EVIDENCE = pa.DataFrameSchema(
    {
        "claim_id": ref_column("The claim (claims.claim_id)."),
        "evidence_type": choice_column(EVIDENCE_TYPES, "Whether evidence_id is a statement or an "
                                       "event."),
        "evidence_id": ref_column("The statement or event offered as evidence "
                                  "(statements.statement_id or events.event_id)."),
    },
    unique=["claim_id", "evidence_type", "evidence_id"],
    strict=True, name="claim_evidence",
    description="Which statements and events each claim rests on.",
)


CORPUS_STATEMENTS = pa.DataFrameSchema(
    {
        "statement_id": id_column(CORPUS_ID_PATTERN, "cs001", "Stable id of the corpus statement."),
        "source_id": source_column(),
        "candidate_id": text_column("Id the collector gave the row when staging it (e.g. nkT-001), "
                                    "or rev-NNN for a row found in review: provenance only.",
                                    free_text=False),
        "conflict_id": ref_column("Conflict the statement belongs to (conflicts.conflict_id)."),
        "actor_id": ref_column("The speaker (actors.actor_id)."),
        "role": text_column("The speaker's role as the page gives it; empty if it gives none.",
                            nullable=True, free_text=False),
        "quotation": text_column("The speaker's words exactly as printed inside quotation marks on "
                                 "the page (outer quotation marks left out).", free_text=False),
        "translation": choice_column(TRANSLATIONS, "yes: the page says it is a translation, or the "
                                     "speaker spoke another language and the page prints English; "
                                     "no: said or written in English; unknown."),
        **date_columns("the statement"),
        "date_basis": choice_column(DATE_BASES, "statement_date: the page dates the statement; "
                                    "page_date: only the page's own date is known."),
        "outlet": text_column("The outlet whose page prints the quotation.", free_text=False),
        "page_title": text_column("The page's headline as printed; empty if the excerpt read did not "
                                  "show it.", nullable=True, free_text=False),
        "url": pa.Column(str, _pattern(r"^https?://\S+$", what="a web address",
                                       example="https://example.org/page"),
                         description="Address of the page, as the stored copy gives it.",
                         metadata={"kind": "url"}),
        "date_read": date_column("Date the stored copy of the page was read (YYYY-MM-DD).",
                                 nullable=False),
        "excerpt": pa.Column(str, _check(_excerpt_short, element_wise=True,
                                         error=f"is longer than {MAX_EXCERPT_WORDS} words",
                                         fix=f"cut the excerpt to at most {MAX_EXCERPT_WORDS} words "
                                             "around the quotation"),
                             description=f"At most {MAX_EXCERPT_WORDS} words of the page, copied "
                                         "exactly, containing the quotation: kept so that anyone can "
                                         "check the quotation without the page.",
                             metadata={"kind": "text", "free_text": False,
                                       "allowed": f"at most {MAX_EXCERPT_WORDS} words"}),
        "host_quality": choice_column(HOST_QUALITIES, "primary (the speaker's own or official "
                                      "site), established (wire services, established newspapers "
                                      "and broadcasters), weak (aggregator, blog or partisan site, "
                                      "kept only when nothing better carries the words)."),
        "query_id": query_column(),
        "linked_ids": pa.Column(str, _pattern(STATEMENT_LIST_PATTERN,
                                              what="statement ids separated by ';'",
                                              example="st09;st10"),
                                nullable=True, description="Statements of the article "
                                "(statements.statement_id) made in the same remarks, as the page "
                                "shows; empty if none.", metadata={"kind": "reference list"}),
        "note": text_column("What a reader needs: how the date was read, other pages carrying the "
                            "words, caveats.", nullable=True),
    },
    checks=DATE_ROW_CHECKS,
    strict=True, name="corpus_statements",
    description="The statement corpus: one quotation about Turkish armed drones per row, copied from "
                "a stored web page, with its excerpt for verification (collected by "
                "corpus_protocol.md).",
)

CORPUS_SEARCH_LOG = pa.DataFrameSchema(
    {
        "query_id": id_column(QUERY_ID_PATTERN, "nkT-q01", "Stable id of the query: the collection "
                              "pass (or rev for the review) and a number."),
        "query_text": text_column("The query exactly as run.", free_text=False),
        "corpus": text_column("Which stored collection was searched (pages: stored public web "
                              "pages).", free_text=False),
        "date_run": date_column("Date the query was run (YYYY-MM-DD).", nullable=False),
        "pages_screened": pa.Column("Int64", pa.Check.ge(0, error="cannot be negative",
                                                         description="count the pages read"),
                                    coerce=True, description="Pages the query returned and the "
                                    "collector read."),
        "rows_kept": pa.Column("Int64", pa.Check.ge(0, error="cannot be negative",
                                                    description="count the rows kept"),
                               coerce=True, description="Statements the collector kept from the "
                               "query (some were dropped in review: see corpus_exclusions.csv)."),
        "note": text_column("What the query returned or could not find.", nullable=True),
    },
    strict=True, name="corpus_search_log",
    description="Every query run to collect the corpus, so the collection can be repeated and its "
                "gaps seen.",
)

CORPUS_EXCLUSIONS = pa.DataFrameSchema(
    {
        "exclusion_id": id_column(EXCLUSION_ID_PATTERN, "cx001", "Stable id of the excluded "
                                  "candidate."),
        "stage": choice_column(EXCLUSION_STAGES, "collection: screened out by the collector; review: "
                               "staged by a collector and dropped when the project reviewed it."),
        "candidate_id": text_column("The staged row's id (review stage only).", nullable=True,
                                    free_text=False),
        "candidate": text_column("The first words of the quoted or reported words.",
                                 free_text=False),
        "url": pa.Column(str, _pattern(r"^https?://\S+$", what="a web address",
                                       example="https://example.org/page"),
                         nullable=True, description="Address of the page screened (empty when "
                         "the search returned none; the note says so).", metadata={"kind": "url"}),
        "reason": choice_column(EXCLUSION_REASONS, "Why it was not kept (the protocol's reasons; "
                                "speaker_not_in_scope from its amendment 1)."),
        "query_id": query_column(),
        "linked_id": pa.Column(str, _pattern(r"^(?:cs|st|cx)\d{2,}$", what="a row id",
                                             example="cs001"),
                               nullable=True, description="For duplicates and the article's own "
                               "quotations: the kept row it repeats (corpus_statements.statement_id "
                               "or statements.statement_id), or the exclusion of the row it repeats "
                               "(corpus_exclusions.exclusion_id). Required at the review stage.",
                               metadata={"kind": "reference"}),
        "note": text_column("Details: the page's date, where the kept words are, why the reason "
                            "applies.", nullable=True),
    },
    checks=[_check(lambda f: ~((f["stage"] == "review") & f["reason"].isin(LINKED_REASONS))
                   | f["linked_id"].notna(), column="linked_id",
                   error="a duplicate or article quotation dropped in review must name the row it "
                         "repeats", fix="give the kept row's id in linked_id")],
    strict=True, name="corpus_exclusions",
    description="Every candidate statement screened and not kept, with its reason.",
)

CORPUS_SPLIT = pa.DataFrameSchema(
    {
        "statement_id": id_column(CORPUS_ID_PATTERN, "cs001", "The corpus statement "
                                  "(corpus_statements.statement_id)."),
        "set": choice_column(SPLIT_SETS, "development (for building the coder) or test (NOT to be "
                             "looked at while the coder is built; reported on once)."),
    },
    strict=True, name="corpus_split",
    description="The corpus's development and test sets, fixed before work on the coder began "
                "(seeded and stratified by conflict and speaker side; README, 'The statement "
                "corpus'). The test set is not to be looked at while the coder is built.",
)


@dataclass(frozen=True)
class TableSpec:
    name: str
    file: str
    schema: pa.DataFrameSchema
    id_column: str | None  # None for link tables: rows are named by line number
    #: A header-only file is refused (a table emptied by accident, e.g. a spreadsheet saved
    #: without its rows). Link tables may be empty: a source can have no responses.
    rows_required: bool = True
    origin: str = "hand (the article's facts)"  # for the README's Data products table


CORPUS = "hand (the statement corpus)"
TABLE_SPECS: tuple[TableSpec, ...] = (
    TableSpec("sources", "sources.csv", SOURCES, "source_id"),
    TableSpec("conflicts", "conflicts.csv", CONFLICTS, "conflict_id"),
    TableSpec("actors", "actors.csv", ACTORS, "actor_id"),
    TableSpec("statements", "statements.csv", STATEMENTS, "statement_id"),
    TableSpec("events", "events.csv", EVENTS, "event_id"),
    TableSpec("claims", "claims.csv", CLAIMS, "claim_id"),
    TableSpec("statement_responses", "statement_responses.csv", STATEMENT_RESPONSES, None,
              rows_required=False),
    TableSpec("claim_evidence", "claim_evidence.csv", CLAIM_EVIDENCE, None, rows_required=False),
    TableSpec("corpus_statements", "corpus_statements.csv", CORPUS_STATEMENTS, "statement_id",
              rows_required=False, origin=CORPUS),
    TableSpec("corpus_search_log", "corpus_search_log.csv", CORPUS_SEARCH_LOG, "query_id",
              rows_required=False, origin=CORPUS),
    TableSpec("corpus_exclusions", "corpus_exclusions.csv", CORPUS_EXCLUSIONS, "exclusion_id",
              rows_required=False, origin=CORPUS),
    TableSpec("corpus_split", "corpus_split.csv", CORPUS_SPLIT, "statement_id",
              rows_required=False, origin=CORPUS),
)
SPECS_BY_NAME = {spec.name: spec for spec in TABLE_SPECS}


@dataclass(frozen=True)
class Reference:
    """``table.column`` holds ids of ``target.target_column`` (``when``: only rows where a column
    has a value; ``many``: the cell is a ';'-separated list)."""
    table: str
    column: str
    target: str
    target_column: str
    when: tuple[str, str] | None = None
    many: bool = False


REFERENCES: tuple[Reference, ...] = (
    Reference("conflicts", "source_id", "sources", "source_id"),
    Reference("conflicts", "buyer_actor_id", "actors", "actor_id"),
    Reference("conflicts", "opposing_actor_id", "actors", "actor_id"),
    Reference("actors", "source_id", "sources", "source_id"),
    Reference("statements", "source_id", "sources", "source_id"),
    Reference("statements", "conflict_id", "conflicts", "conflict_id"),
    Reference("statements", "actor_id", "actors", "actor_id"),
    Reference("events", "source_id", "sources", "source_id"),
    Reference("events", "conflict_id", "conflicts", "conflict_id"),
    Reference("events", "actor_ids", "actors", "actor_id", many=True),
    Reference("claims", "source_id", "sources", "source_id"),
    Reference("statement_responses", "response_id", "statements", "statement_id"),
    Reference("statement_responses", "answers_id", "statements", "statement_id"),
    Reference("claim_evidence", "claim_id", "claims", "claim_id"),
    Reference("claim_evidence", "evidence_id", "statements", "statement_id",
              when=("evidence_type", "statement")),
    Reference("claim_evidence", "evidence_id", "events", "event_id", when=("evidence_type", "event")),
    Reference("corpus_statements", "source_id", "sources", "source_id"),
    Reference("corpus_statements", "conflict_id", "conflicts", "conflict_id"),
    Reference("corpus_statements", "actor_id", "actors", "actor_id"),
    Reference("corpus_statements", "query_id", "corpus_search_log", "query_id"),
    Reference("corpus_statements", "linked_ids", "statements", "statement_id", many=True),
    Reference("corpus_exclusions", "query_id", "corpus_search_log", "query_id"),
    Reference("corpus_split", "statement_id", "corpus_statements", "statement_id"),
)


# --- reporting ----------------------------------------------------------------

MAX_REPORTED = 20


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one cell (or row, or file)."""
    file: Path | str
    problem: str
    row: object = None
    column: str | None = None
    fix: str | None = None

    def error(self) -> InputError:
        return InputError(self.file, self.problem, row=self.row, column=self.column, fix=self.fix)


def raise_problems(problems: Sequence[Problem]) -> None:
    """Raise one InputError: the first problem in the standard one-line form, then the others,
    one per line (at most MAX_REPORTED). Does nothing when there are none."""
    if not problems:
        return
    error = problems[0].error()
    if len(problems) > 1:
        others = [f"  {p.error()}" for p in problems[1:MAX_REPORTED]]
        if len(problems) > MAX_REPORTED:
            others.append(f"  ... and {len(problems) - MAX_REPORTED} more")
        error.args = (f"{error}\n{len(problems) - 1} more problem(s):\n" + "\n".join(others),)
    raise error


RowNamer = Callable[[int], str]


def _describe_value(value: object) -> str:
    return "empty" if value is None or (not isinstance(value, str) and pd.isna(value)) \
        else repr(value)


_TYPE_WORDS = {"Int64": "whole number", "Float64": "number"}


def _problems_from_failures(schema: pa.DataFrameSchema, failures: pd.DataFrame, file: Path,
                            row_name: RowNamer) -> list[Problem]:
    """Turn pandera's failure cases into one Problem per (row, column), in file order."""
    found: dict[tuple, tuple[int, int, Problem]] = {}
    columns = list(schema.columns)

    def add(index: object, column: str | None, rank: int, problem: str, fix: str) -> None:
        position = int(index) if index is not None and not pd.isna(index) else -1
        key = (position, column)
        candidate = (position, columns.index(column) if column in columns else len(columns))
        row = row_name(position) if position >= 0 else None
        if key not in found or found[key][0] > rank:
            found[key] = (rank, candidate, Problem(file, problem, row=row, column=column, fix=fix))

    for case in failures.itertuples(index=False):
        column = case.column if isinstance(case.column, str) else None
        check = str(case.check)
        number = None if case.check_number is None or pd.isna(case.check_number) \
            else int(case.check_number)
        value = _describe_value(case.failure_case)
        if case.schema_context == "DataFrameSchema" and number is not None:
            rule = schema.checks[number]
            add(case.index, rule.title, 3, str(rule.error), str(rule.description))
        elif check == "multiple_fields_uniqueness":
            add(case.index, ",".join(schema.unique), 1, "duplicate row (these columns together must "
                "be unique)", "remove the duplicate row")
        elif check == "field_uniqueness":
            add(case.index, column, 1, f"duplicate value {value}", "give every row its own id")
        elif check == "not_nullable":
            add(case.index, column, 1, "empty cell in a required column",
                "fill in the value (see data/README.md for what it means)")
        elif check.startswith(("coerce_dtype", "dtype(")):
            word = _TYPE_WORDS.get(str(schema.columns[column].dtype), str(schema.columns[column].dtype))
            add(case.index, column, 0, f"{value} is not a {word}", f"write a {word}")
        elif column is not None and number is not None:
            rule = schema.columns[column].checks[number]
            if isinstance(case.failure_case, str) and case.failure_case.startswith("TypeError("):
                continue  # a follow-on of a failed type conversion, already reported
            add(case.index, column, 2, f"{value} {rule.error}", str(rule.description))
        else:  # anything pandera adds in future: still one readable line
            add(case.index, column, 4, f"{value} failed {check}", "see data/README.md")
    ordered = sorted(found.values(), key=lambda item: (item[1], item[0]))
    return [problem for _, _, problem in ordered]


def validate_table(spec: TableSpec, frame: pd.DataFrame, file: Path, row_name: RowNamer
                   ) -> pd.DataFrame:
    """Validate one table (string cells in, typed frame out) or raise one InputError."""
    try:
        return spec.schema.validate(frame, lazy=True)
    except SchemaErrors as errors:
        problems = _problems_from_failures(spec.schema, errors.failure_cases, file, row_name)
    raise_problems(problems)
    raise AssertionError("unreachable")  # pragma: no cover


# --- rules across tables ------------------------------------------------------

@dataclass(frozen=True)
class Located:
    """A validated frame with where it came from, for messages."""
    frame: pd.DataFrame
    file: Path
    row_name: RowNamer


def _split(cell: object, many: bool) -> list[str]:
    if not isinstance(cell, str):
        return []
    return cell.split(";") if many else [cell]


def check_references(tables: Mapping[str, Located]) -> list[Problem]:
    """Every reference in REFERENCES points at an existing row."""
    problems = []
    for ref in REFERENCES:
        source, target = tables[ref.table], tables[ref.target]
        known = set(target.frame[ref.target_column])
        for position, row in enumerate(source.frame.to_dict("records")):
            if ref.when and row[ref.when[0]] != ref.when[1]:
                continue
            for value in _split(row[ref.column], ref.many):
                if value not in known:
                    problems.append(Problem(
                        source.file, f"no row of {target.file.name} has {ref.target_column} {value!r}",
                        row=source.row_name(position), column=ref.column,
                        fix=f"use an existing {ref.target_column} or add the row to "
                            f"{target.file.name}"))
    return problems


def check_paragraphs_in_range(tables: Mapping[str, Located]) -> list[Problem]:
    """A row of an article has a paragraph in 1..sources.paragraph_count; a row of a corpus
    has none (it cites its page instead)."""
    sources = tables["sources"].frame.set_index("source_id")
    problems = []
    for spec in TABLE_SPECS:
        located = tables[spec.name]
        if "paragraph" not in located.frame or "source_id" not in located.frame:
            continue
        for position, (source_id, paragraph) in enumerate(zip(located.frame["source_id"],
                                                              located.frame["paragraph"])):
            if source_id not in sources.index:
                continue  # reported by check_references
            count, kind = sources.at[source_id, "paragraph_count"], sources.at[source_id, "kind"]
            if kind == "article" and (pd.isna(paragraph) or not pd.isna(count)
                                      and not 1 <= paragraph <= count):
                problem = f"paragraph {_describe_value(paragraph)} is outside 1..{count} of " \
                          f"source {source_id}"
            elif kind != "article" and not pd.isna(paragraph):
                problem = f"source {source_id} is a {kind}: it has no paragraphs"
            else:
                continue
            problems.append(Problem(located.file, problem, row=located.row_name(position),
                                    column="paragraph", fix="count paragraphs as data/README.md "
                                    "describes; a corpus row cites its page in source_note"))
    return problems


def check_corpus_against_protocol(tables: Mapping[str, Located]) -> list[Problem]:
    """Corpus statements fall in their conflict's period (CORPUS_PERIODS) and not after their
    page was read; no query keeps more rows than its log says; every linked_id of an exclusion
    names an existing row."""
    statements, log = tables["corpus_statements"], tables["corpus_search_log"]
    problems = []
    for position, row in enumerate(statements.frame.to_dict("records")):
        first, last = CORPUS_PERIODS.get(row["conflict_id"], (None, None))
        last = min(filter(None, (last, row["date_read"])), default=None)
        earliest = row["date_earliest"] if isinstance(row["date_earliest"], str) else None
        latest = row["date_latest"] if isinstance(row["date_latest"], str) else earliest
        if earliest and (first and latest < first or last and earliest > last):
            problems.append(Problem(statements.file, f"dated {row['date_earliest']}..{row['date_latest']}, "
                                    f"outside {row['conflict_id']}'s period {first}..{last or 'read'}",
                                    row=statements.row_name(position), column="date_earliest",
                                    fix="check the date; a statement outside the period goes to "
                                        "corpus_exclusions.csv as outside_period"))
    kept = statements.frame["query_id"].value_counts()
    for position, row in enumerate(log.frame.to_dict("records")):
        if kept.get(row["query_id"], 0) > row["rows_kept"]:
            problems.append(Problem(log.file, f"{kept[row['query_id']]} corpus statements cite this "
                                    f"query, which kept {row['rows_kept']}", row=log.row_name(position),
                                    column="rows_kept", fix="correct rows_kept or the statements' "
                                    "query_id"))
    exclusions = tables["corpus_exclusions"]
    known = set(statements.frame["statement_id"]) | set(tables["statements"].frame["statement_id"]) \
        | set(exclusions.frame["exclusion_id"])
    for position, linked in enumerate(exclusions.frame["linked_id"]):
        if isinstance(linked, str) and linked not in known:
            problems.append(Problem(exclusions.file, f"no corpus statement, article statement or "
                                    f"exclusion has id {linked!r}", row=exclusions.row_name(position),
                                    column="linked_id", fix="give the id of the row it repeats"))
    return problems


def check_attribution_fits_actor(tables: Mapping[str, Located]) -> list[Problem]:
    """A statement attributed to a group names a group actor, and only then."""
    actor_types = dict(zip(tables["actors"].frame["actor_id"], tables["actors"].frame["actor_type"]))
    statements = tables["statements"]
    problems = []
    for position, row in enumerate(statements.frame.to_dict("records")):
        actor_type = actor_types.get(row["actor_id"])
        if actor_type is None:
            continue  # reported by check_references
        if (row["attribution"] == "group") != (actor_type == "group"):
            problems.append(Problem(
                statements.file, f"attribution {row['attribution']!r} does not fit actor "
                f"{row['actor_id']!r} of type {actor_type!r}", row=statements.row_name(position),
                column="attribution", fix="use 'group' exactly when the actor is a group"))
    return problems


def check_claims_have_evidence(tables: Mapping[str, Located]) -> list[Problem]:
    """Every claim has evidence rows, or an evidence_note saying the source offers none."""
    with_evidence = set(tables["claim_evidence"].frame["claim_id"])
    claims = tables["claims"]
    return [Problem(claims.file, "no evidence rows in claim_evidence.csv and no evidence_note",
                    row=claims.row_name(position), column="evidence_note",
                    fix="link the statements or events the claim rests on, or say in evidence_note "
                        "that the source offers none")
            for position, (claim_id, note) in enumerate(zip(claims.frame["claim_id"],
                                                            claims.frame["evidence_note"]))
            if claim_id not in with_evidence and pd.isna(note)]


def check_war_dates_match_events(tables: Mapping[str, Located]) -> list[Problem]:
    """A conflict's start and end dates equal its war_start and war_end events, both ways."""
    events = tables["events"].frame
    conflicts = tables["conflicts"]
    problems = []
    for position, row in enumerate(conflicts.frame.to_dict("records")):
        for column, event_type in (("date_start", "war_start"), ("date_end", "war_end")):
            matching = events[(events["conflict_id"] == row["conflict_id"])
                              & (events["event_type"] == event_type)]
            event_dates = set(matching["date_earliest"].dropna()) | set(matching["date_latest"].dropna())
            conflict_date = row[column] if isinstance(row[column], str) else None
            if (conflict_date is None and not matching.empty) or \
                    (conflict_date is not None and event_dates != {conflict_date}):
                problems.append(Problem(
                    conflicts.file, f"{column} {conflict_date or 'empty'} does not match the "
                    f"{event_type} event(s) in events.csv ({', '.join(sorted(event_dates)) or 'none'})",
                    row=conflicts.row_name(position), column=column,
                    fix=f"make {column} and the {event_type} event's dates the same"))
    return problems


def check_responses_not_before_answers(tables: Mapping[str, Located]) -> list[Problem]:
    """A response cannot be dated entirely before the statement it answers."""
    statements = tables["statements"].frame.set_index("statement_id")
    responses = tables["statement_responses"]
    problems = []
    for position, row in enumerate(responses.frame.to_dict("records")):
        if row["response_id"] not in statements.index or row["answers_id"] not in statements.index:
            continue  # reported by check_references
        latest = statements.at[row["response_id"], "date_latest"]
        earliest = statements.at[row["answers_id"], "date_earliest"]
        if isinstance(latest, str) and isinstance(earliest, str) and latest < earliest:
            problems.append(Problem(
                responses.file, f"{row['response_id']} (latest {latest}) is dated before "
                f"{row['answers_id']} (earliest {earliest}), which it answers",
                row=responses.row_name(position), column="response_id",
                fix="check the link or the statements' dates"))
    return problems


CROSS_TABLE_CHECKS = (check_references, check_paragraphs_in_range, check_attribution_fits_actor,
                      check_claims_have_evidence, check_war_dates_match_events,
                      check_responses_not_before_answers, check_corpus_against_protocol)


def check_across_tables(tables: Mapping[str, Located]) -> None:
    """Run every rule that needs two tables; raise one InputError listing what is wrong."""
    problems = [problem for check in CROSS_TABLE_CHECKS for problem in check(tables)]
    raise_problems(problems)


def free_text_columns(spec: TableSpec) -> list[str]:
    """Columns holding our own prose (checked against copying the source)."""
    return [name for name, column in spec.schema.columns.items()
            if (column.metadata or {}).get("free_text")]
