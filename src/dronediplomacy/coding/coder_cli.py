"""``code-statements INPUT.csv OUTPUT.csv [--patterns P.yaml] [--codebook C.yaml]``: code new
statements with the rule-based coder. INPUT: a table with at least the columns id and text, as
spreadsheets save it (read by ``csvfile.read_records``). OUTPUT (written atomically): id, one 0/1
column per move, named_agent, alignment (-2..2) and the evidence behind each code. Bad input:
exit status 1 and one message naming file, row (line) and column, and how to save the file."""

import argparse
import sys
from pathlib import Path

import pandas as pd

from dronediplomacy import atomic
from dronediplomacy.coding.codebook import CODEBOOK_PATH, load_codebook
from dronediplomacy.coding.coder import PATTERNS_PATH, code_statements, load_dictionary
from dronediplomacy.errors import InputError
from dronediplomacy.inputs.bad_inputs import input_error
from dronediplomacy.inputs.csvfile import read_records

REQUIRED_COLUMNS = ("id", "text")
EXIT_BAD_INPUT = 1


def read_statements(path: Path | str) -> pd.DataFrame:
    """The input table's id and text columns as a frame of trimmed strings, in file order;
    InputError (file, row, column, fix) for anything else (see the module's docstring)."""
    _header, records = read_records(path, REQUIRED_COLUMNS, casefold=True)
    first_line_of: dict[str, int] = {}
    for record in records:
        row_id = record.values["id"]
        if not row_id or row_id in first_line_of:
            raise input_error("duplicate id" if row_id else "empty id", Path(path), row=record.line,
                              column="id", id=row_id, first=first_line_of.get(row_id))
        first_line_of[row_id] = record.line
    return pd.DataFrame([[r.values["id"], r.values["text"]] for r in records],
                        columns=list(REQUIRED_COLUMNS), dtype=object)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="code-statements", description="Code statements (a table "
                                     "with the columns id and text) with the rule-based coder.")
    parser.add_argument("input", type=Path, help="INPUT.csv: columns id and text (at least)")
    parser.add_argument("output", type=Path, help="OUTPUT.csv: written only if every row is coded")
    parser.add_argument("--patterns", type=Path, default=PATTERNS_PATH, help="the dictionary")
    parser.add_argument("--codebook", type=Path, default=CODEBOOK_PATH, help="its codebook")
    args = parser.parse_args(argv)
    try:
        statements = read_statements(args.input)
        coded = code_statements(statements, load_dictionary(args.patterns, load_codebook(args.codebook)),
                                evidence=True)
        atomic.write_csv(args.output, coded)
    except InputError as error:
        print(f"code-statements: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as error:
        print(f"code-statements: {args.output}: cannot write ({error.strerror}).", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"code-statements: coded {len(coded)} statement(s) into {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
