"""Code new statements with the rule-based coder.

    code-statements INPUT.csv OUTPUT.csv [--patterns PATTERNS.yaml] [--codebook CODEBOOK.yaml]
    python -m dronediplomacy.coding.coder_cli INPUT.csv OUTPUT.csv

INPUT is a UTF-8 CSV (a byte order mark and CRLF line endings are fine) with at least
the columns id, conflict, speaker and text; other columns are ignored, and conflict
and speaker are free text (the dictionary reads the text alone). OUTPUT gets a header
and one row per input row, in input order: id, one 0/1 column per accountability move
(named by its codebook id), named_agent, and alignment (an integer from -2 to 2).

Bad input (a missing column, an empty file, bad encoding, a duplicate or empty id)
exits with status 1 and one message on stderr naming the file, the row (the line in
the file; the header is line 1) and the column, and writes nothing. OUTPUT is written
atomically, only after every row was coded. The dictionary and codebook default to the
repository's (``data/input/coder_patterns.yaml``, ``data/input/codebook.yaml``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from dronediplomacy import atomic
from dronediplomacy.coding.codebook import CODEBOOK_PATH, load_codebook
from dronediplomacy.coding.coder import PATTERNS_PATH, code_statements, load_dictionary
from dronediplomacy.inputs.csvfile import read_records
from dronediplomacy.errors import InputError

REQUIRED_COLUMNS = ("id", "conflict", "speaker", "text")
EXIT_BAD_INPUT = 1


def read_statements(path: Path | str) -> pd.DataFrame:
    """The statements of an input CSV as strings, validated; InputError if bad."""
    path = Path(path)
    _header, records = read_records(path, REQUIRED_COLUMNS)
    first_line_of: dict[str, int] = {}
    for record in records:
        statement_id = record.values["id"]
        if not statement_id:
            raise InputError(path, "empty id.", row=record.line, column="id",
                             fix="give every statement a unique id.")
        if statement_id in first_line_of:
            raise InputError(path, f"duplicate id {statement_id!r} (first on line "
                                   f"{first_line_of[statement_id]}).", row=record.line,
                             column="id", fix="give every statement a unique id.")
        first_line_of[statement_id] = record.line
    return pd.DataFrame([{column: r.values[column] for column in REQUIRED_COLUMNS} for r in records],
                        columns=list(REQUIRED_COLUMNS), dtype=object)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="code-statements",
        description="Code statements (CSV with id, conflict, speaker, text) with the "
                    "rule-based coder; write id, one 0/1 column per accountability move, "
                    "named_agent and alignment.")
    parser.add_argument("input", type=Path, help="INPUT.csv: columns id, conflict, speaker, text")
    parser.add_argument("output", type=Path, help="OUTPUT.csv: written only if every row is coded")
    parser.add_argument("--patterns", type=Path, default=PATTERNS_PATH, help="the dictionary")
    parser.add_argument("--codebook", type=Path, default=CODEBOOK_PATH, help="its codebook")
    args = parser.parse_args(argv)
    try:
        statements = read_statements(args.input)
        dictionary = load_dictionary(args.patterns, load_codebook(args.codebook))
    except InputError as error:
        print(f"code-statements: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    coded = code_statements(statements, dictionary, id_column="id", text_column="text")
    try:
        atomic.write_csv(args.output, coded)
    except OSError as error:
        print(f"code-statements: {args.output}: cannot write ({error.strerror}).", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"code-statements: coded {len(coded)} statement(s) into {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
