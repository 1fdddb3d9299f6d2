"""The catalogue of bad inputs: what a person editing the inputs can get wrong, and what
the repository answers.

Each case is one test in ``tests/test_bad_inputs.py`` (which breaks a copy of the input
as ``how`` says and checks that loading stops with one
:class:`~dronediplomacy.errors.InputError` naming ``file``, ``row`` and ``column`` and
saying how to fix it), and one row of the README's section "What happens with bad
input" (generated from this list by ``readme.py``). Cases with ``user_path`` are also
run the way a person meets them (the notebook runner, or the ``code-statements``
command) on a temporary copy of the repository: one message, a non-zero exit, and
nothing written.

``HARMLESS`` lists the variants that are accepted and give the same result as the clean
file (also tested there).

This module is data only: the package never imports the tests.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BadInput:
    id: str          # stable name of the case (the test's id)
    input: str       # which input is broken (a key of INPUTS)
    broken: str      # what is wrong, in words
    how: str         # how the test breaks a copy of the input
    file: str        # the file the message names
    row: str         # the row it names: an id, "line N", or (where the line depends on the
    #                  file's layout) a description such as "the line of the edit"
    column: str      # the column or (YAML) key it names
    user_path: str | None = None  # also run end to end: "runner NN" or "code-statements"


#: Where each kind of input lives and what reads it.
INPUTS: dict[str, str] = {
    "data table": "data/input/*.csv, read by notebook 01 onwards (tables.load_tables)",
    "source text": "the article's text in $DRONE_SOURCES_DIR, checked by notebook 01 "
                   "(verify.verify_sources)",
    "codebook": "data/input/codebook.yaml, read by notebooks 02-04",
    "coder dictionary": "data/input/coder_patterns.yaml, read by notebook 03 and "
                        "code-statements",
    "hand coding": "data/input/hand_coding.csv, read by notebook 03",
    "new statements": "the INPUT.csv given to code-statements",
    "SIPRI export": "data/raw/sipri_trade_register_turkiye.csv, read by notebook 04",
}

CASES: tuple[BadInput, ...] = (
    # --- the data tables ----------------------------------------------------------------
    BadInput("table-renamed-column", "data table", "a column renamed (qualifier to hedge)",
             "rename the header cell", "events.csv", "1", "qualifier"),
    BadInput("table-unknown-column", "data table", "an unknown extra column",
             "append a column 'strength' to every line", "claims.csv", "1", "strength"),
    BadInput("table-empty-file", "data table", "an empty file", "truncate the file to 0 bytes",
             "actors.csv", "1", "actor_id"),
    BadInput("table-header-only", "data table", "a table with its header but no rows",
             "keep only the header line", "statements.csv", "2", "statement_id"),
    BadInput("table-duplicate-id", "data table", "a duplicate id",
             "give st03 the id st02", "statements.csv", "st02", "statement_id"),
    BadInput("table-dangling-reference", "data table", "a reference to a row that does not exist",
             "set st01's actor_id to 'nobody'", "statements.csv", "st01", "actor_id"),
    BadInput("table-unknown-conflict", "data table", "an unknown conflict",
             "set ev01's conflict_id to 'atlantis'", "events.csv", "ev01", "conflict_id"),
    BadInput("table-unknown-value", "data table", "a value outside the allowed codes",
             "set st06's mode to 'stance'", "statements.csv", "st06", "mode"),
    BadInput("table-malformed-date", "data table", "a date not written YYYY-MM-DD",
             "set ev03's date_earliest to 24/02/2026", "events.csv", "ev03", "date_earliest"),
    BadInput("table-impossible-date", "data table", "an impossible date (30 February)",
             "set ev03's dates to 2026-02-30", "events.csv", "ev03", "date_earliest", "runner 01"),
    BadInput("table-end-before-start", "data table", "an interval that ends before it starts",
             "set st01's date_latest to 2020-01-01", "statements.csv", "st01", "date_latest"),
    BadInput("table-paragraph-outside-source", "data table",
             "a paragraph number beyond the source's last paragraph",
             "set cl01's paragraph to 99", "claims.csv", "cl01", "paragraph"),
    BadInput("table-not-utf8", "data table", "a cell saved in another encoding (Latin-1)",
             "write kiran's country as Latin-1 bytes", "actors.csv", "kiran", "country"),
    BadInput("table-invisible-character", "data table", "a no-break space (as copied from a web "
             "page) or another invisible or unusual character in a cell",
             "put a NO-BREAK SPACE into st01's text", "statements.csv", "st01", "text"),
    BadInput("table-decomposed-accent", "data table", "a letter stored as a base letter plus a "
             "combining accent", "write an actor's name with a combining accent",
             "actors.csv", "kiran", "name"),
    # --- the source text ----------------------------------------------------------------
    BadInput("source-misquoted", "source text", "a quotation that is not in its paragraph",
             "change one word of st02's verbatim text", "statements.csv", "st02", "text"),
    BadInput("source-anchor-elsewhere", "source text", "an anchor that is not in its paragraph",
             "give ev01 an anchor copied from another paragraph", "events.csv", "ev01", "anchor"),
    BadInput("source-checksum", "source text",
             "a source text whose checksum does not match sources.csv",
             "change one word of the text file", "sources.csv", "the source's source_id",
             "sha256"),
    # --- the codebook -------------------------------------------------------------------
    BadInput("codebook-syntax", "codebook", "a YAML syntax error (an unquoted ': ' in a value)",
             "write a label as `label: Credit: claiming`", "codebook.yaml", "the line of the edit",
             "label", "runner 02"),
    BadInput("codebook-duplicate-key", "codebook", "a key given twice in one code",
             "repeat credit_claiming's label", "codebook.yaml", "the second label's line",
             "label"),
    BadInput("codebook-no-definition", "codebook", "a code without a definition",
             "rename private_agency's definition key", "codebook.yaml",
             "the line of '- id: private_agency'", "definition"),
    BadInput("codebook-not-utf8", "codebook", "a character saved in another encoding",
             "write a label with a Latin-1 byte", "codebook.yaml", "the line of the edit",
             "label"),
    # --- the rule-based coder's dictionary ------------------------------------------------
    BadInput("dictionary-bad-pattern", "coder dictionary", "a pattern that is not a valid "
             "regular expression", "open a parenthesis in credit_claiming's first pattern",
             "coder_patterns.yaml", "the line of the edit",
             "accountability_move.credit_claiming.patterns"),
    BadInput("dictionary-unknown-code", "coder dictionary", "patterns for a code the codebook "
             "lacks", "rename the key credit_claiming to credit_claim", "coder_patterns.yaml",
             "the line of the edit", "accountability_move.credit_claim"),
    # --- the hand coding ----------------------------------------------------------------
    BadInput("hand-unknown-code", "hand coding", "a code the codebook does not define",
             "set the first row's code to 'threat'", "hand_coding.csv", "2", "code",
             "runner 03"),
    BadInput("hand-unknown-statement", "hand coding", "a statement id that is not in "
             "statements.csv", "set the first row's statement_id to st99", "hand_coding.csv",
             "2", "statement_id"),
    BadInput("hand-statement-not-coded", "hand coding", "a statement left uncoded on a "
             "dimension", "delete st05's stance row", "hand_coding.csv", "st05", "stance"),
    BadInput("hand-old-codebook-version", "hand coding", "a code assigned under another "
             "codebook version", "set the first row's codebook_version to 0.9.0",
             "hand_coding.csv", "2", "codebook_version"),
    # --- the new-statements command ------------------------------------------------------
    BadInput("new-missing-column", "new statements", "a required column missing",
             "a header without text", "INPUT.csv", "1", "text", "code-statements"),
    BadInput("new-empty-file", "new statements", "an empty file", "0 bytes", "INPUT.csv", "1",
             "id"),
    BadInput("new-duplicate-id", "new statements", "a duplicate id", "ids 7, 8, 7",
             "INPUT.csv", "4", "id"),
    BadInput("new-not-utf8", "new statements", "a text saved in Latin-1",
             "a Latin-1 byte in the text of line 2", "INPUT.csv", "2", "text"),
    BadInput("new-short-row", "new statements", "a row with too few cells",
             "line 2 lacks its text", "INPUT.csv", "2", "text"),
    # --- the SIPRI export ---------------------------------------------------------------
    BadInput("sipri-short-line", "SIPRI export", "a delivery line with a field missing",
             "delete the Supplier field of the first delivery line",
             "sipri_trade_register_turkiye.csv", "the line of the edit", "Local production"),
    BadInput("sipri-not-a-number", "SIPRI export", "a delivery year that is not a number",
             "write the first delivery line's year as 2O24 (letter O)",
             "sipri_trade_register_turkiye.csv", "the line of the edit", "Delivery year"),
)


@dataclass(frozen=True)
class Harmless:
    id: str
    input: str
    variant: str


#: Accepted, and give exactly what the clean file gives.
HARMLESS: tuple[Harmless, ...] = (
    Harmless("tables-bom-crlf-whitespace", "data table",
             "a UTF-8 byte order mark, Windows line endings (CRLF), spaces around cells"),
    Harmless("hand-coding-bom-crlf-whitespace", "hand coding",
             "a UTF-8 byte order mark, Windows line endings, spaces around cells"),
    Harmless("yaml-bom-crlf-trailing-space", "codebook",
             "a UTF-8 byte order mark, Windows line endings, trailing spaces on lines "
             "(codebook and coder dictionary)"),
    Harmless("new-statements-bom-crlf-whitespace", "new statements",
             "a UTF-8 byte order mark, Windows line endings, spaces around cells"),
    Harmless("sipri-bom-crlf", "SIPRI export",
             "a UTF-8 byte order mark, Windows line endings, spaces after the commas"),
)


def by_id(case_id: str) -> BadInput:
    for case in CASES:
        if case.id == case_id:
            return case
    raise KeyError(case_id)
