"""``code-statements INPUT.csv OUTPUT.csv [--patterns P.yaml] [--codebook C.yaml]``: code new
statements with the rule-based coder.

INPUT: a table as spreadsheets save it (comma, semicolon or tab; UTF-8 with or without a byte
order mark, or UTF-16) with at least the columns id and text. OUTPUT (written atomically): id,
one 0/1 column per move, named_agent, alignment (-2..2) and the evidence behind each code. Bad
input: exit status 1 and one message naming file, row (line) and column, and how to save it.
"""

from __future__ import annotations

import argparse
import codecs
import csv
import io
import sys
from pathlib import Path

import pandas as pd

from dronediplomacy import atomic
from dronediplomacy.coding.codebook import CODEBOOK_PATH, load_codebook
from dronediplomacy.coding.coder import PATTERNS_PATH, code_statements, load_dictionary
from dronediplomacy.errors import InputError

REQUIRED_COLUMNS = ("id", "text")
EXIT_BAD_INPUT = 1
SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}
BOMS = ((codecs.BOM_UTF8, "utf-8-sig", "UTF-8 with a byte order mark"),
        (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"), (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"))
SAVE_AS = ("save it from the spreadsheet as 'CSV UTF-8' (comma- or semicolon-separated) or "
           "'Unicode text', with a header row naming at least the columns id and text.")


def read_statements(path: Path | str) -> pd.DataFrame:
    """The input table's id and text columns as a frame of trimmed strings, in file order;
    InputError (file, row, column, fix) for anything else (see the module's docstring)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(path, f"cannot be read ({error.strerror}).", row=1, column="id",
                         fix="check the file name and folder.") from None
    encoding, described = next(((name, what) for bom, name, what in BOMS if data.startswith(bom)),
                               ("utf-8", "UTF-8"))
    lines = data.decode(encoding, "replace").splitlines() or [""]

    def names(line: str, separator: str) -> list[str]:
        return [name.strip().casefold() for name in next(csv.reader([line], delimiter=separator), [])]

    # The separator whose header names the required columns, else the most frequent one.
    separator = max(SEPARATORS, key=lambda sep: (set(REQUIRED_COLUMNS) <= set(names(lines[0], sep)),
                                                 lines[0].count(sep)))
    seems = f"the file seems to be {SEPARATORS[separator]}-separated {described}"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[:error.start].decode(encoding, "replace").count("\n") + 1
        cells = zip(names(lines[0], separator), lines[line - 1].split(separator) if line > 1 else [])
        raise InputError(path, f"not valid {described} (byte 0x{data[error.start]:02x}): "
                         f"{seems.replace(described, 'text')} in a legacy encoding such as "
                         "Windows-1252.", row=line, fix=SAVE_AS,
                         column=next((name for name, cell in cells if "\ufffd" in cell), None)) from None
    if not text.strip():
        raise InputError(path, "the file is empty; expected a header row naming the columns id "
                               "and text.", row=1, column="id", fix=SAVE_AS)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    header, first_line_of, rows, line = None, {}, [], 1
    try:
        for fields in reader:
            values, start, line = dict(zip(header or [], map(str.strip, fields))), line, reader.line_num + 1
            if header is None:
                header = [name.strip().casefold() for name in fields]
                missing = [name for name in REQUIRED_COLUMNS if name not in header]
                twice = [name for name in header if header.count(name) > 1]
                if missing or twice:
                    raise InputError(path, f"no column {missing[0]!r}; {seems} with the columns "
                                     f"{', '.join(map(repr, header))}." if missing else
                                     f"the column {twice[0]!r} appears twice.", row=1,
                                     column=(missing or twice)[0],
                                     fix=SAVE_AS if missing else "rename or remove one of them.")
            elif any(field.strip() for field in fields):  # not a blank line
                if len(fields) != len(header):
                    raise InputError(path, f"has {len(fields)} cells but the header has {len(header)}; "
                                     f"{seems}.", row=start, column=header[len(fields)]
                                     if len(fields) < len(header) else "(after the last)",
                                     fix="quote cells that contain the separator; give every row all "
                                     "its cells (an empty cell still needs its separator).")
                if not values["id"] or values["id"] in first_line_of:
                    raise InputError(path, "empty id." if not values["id"] else f"duplicate id "
                                     f"{values['id']!r} (first on line {first_line_of[values['id']]}).",
                                     row=start, column="id", fix="give every statement a unique id.")
                first_line_of[values["id"]] = start
                rows.append((values["id"], values["text"]))
    except csv.Error as error:
        raise InputError(path, f"not readable as a table: {error}; {seems}.", row=line,
                         column="(whole row)", fix="check the quotation marks on this row.") from None
    return pd.DataFrame(rows, columns=list(REQUIRED_COLUMNS), dtype=object)


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
