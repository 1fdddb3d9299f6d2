"""Code new statements with the rule-based coder.

    code-statements INPUT.csv OUTPUT.csv [--patterns PATTERNS.yaml] [--codebook CODEBOOK.yaml]
    python -m dronediplomacy.coding.coder_cli INPUT.csv OUTPUT.csv

INPUT is a table as spreadsheets save it: separated by commas, semicolons (Excel on German
or French systems) or tabs, told apart by the header line; UTF-8 with or without a byte
order mark, or UTF-16 with one (Excel's "Unicode text"); CRLF line endings and quoted
cells spanning lines are fine. Header names are matched after trimming and case folding.
Only ``id`` and ``text`` are required; ``conflict``, ``speaker`` and any other column are
accepted and ignored (the dictionary reads the text alone).

OUTPUT gets a header and one row per input row, in input order: id, one 0/1 column per
accountability move (named by its codebook id), named_agent, alignment (an integer from
-2 to 2), and last ``evidence``: the words behind each code given, for a reviewer
(:func:`dronediplomacy.coding.coder.evidence_text`).

Bad input exits with status 1 and one message on stderr naming the file, the row (the
line in the file; the header is line 1) and the column, saying what the file seems to be
and how to save it, and writes nothing. OUTPUT is written atomically, only after every row
was coded. The dictionary and codebook default to the repository's.
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
    """The statements of an input table (see the module's docstring) as a frame of strings
    with the columns id and text, cells trimmed; InputError (file, row, column, fix) if bad."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(path, f"cannot be read ({error.strerror}).", row=1, column="id",
                         fix="check the file name and folder.") from None
    encoding, described = next(((name, what) for bom, name, what in BOMS if data.startswith(bom)),
                               ("utf-8", "UTF-8"))
    lines = data.decode(encoding, "replace").splitlines() or [""]
    # The separator whose header names the required columns, else the most frequent one.
    separator = max(SEPARATORS, key=lambda sep: (set(REQUIRED_COLUMNS) <= {
        name.strip().casefold() for name in next(csv.reader([lines[0]], delimiter=sep), [])},
        lines[0].count(sep)))
    seems = f"the file seems to be {SEPARATORS[separator]}-separated {described}"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[:error.start].decode(encoding, "replace").count("\n") + 1
        header = [name.strip().casefold() for name in lines[0].split(separator)]
        cells = lines[line - 1].split(separator)
        column = next((header[i] for i, cell in enumerate(cells)
                       if "\ufffd" in cell and i < len(header) and line > 1), None)
        raise InputError(path, f"not valid {described} (byte 0x{data[error.start]:02x}): "
                               f"{seems.replace(described, 'text')} in a legacy encoding such "
                               "as Windows-1252.", row=line, column=column, fix=SAVE_AS) from None
    if not text.strip():
        raise InputError(path, "the file is empty; expected a header row naming the columns "
                               "id and text.", row=1, column="id", fix=SAVE_AS)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    rows, header, first_line_of, start = [], None, {}, 1
    try:
        for fields in reader:
            line, start = start, reader.line_num + 1
            if header is None:
                header = [name.strip().casefold() for name in fields]
                for name in REQUIRED_COLUMNS:
                    if name not in header:
                        raise InputError(path, f"no column {name!r}; {seems} with the columns "
                                               f"{', '.join(map(repr, header))}.", row=1,
                                         column=name, fix=SAVE_AS)
                if len(set(header)) < len(header):
                    twice = next(name for name in header if header.count(name) > 1)
                    raise InputError(path, f"the column {twice!r} appears twice.", row=1,
                                     column=twice, fix="rename or remove one of them.")
                continue
            if not any(field.strip() for field in fields):
                continue  # a blank line
            if len(fields) != len(header):
                column = header[len(fields)] if len(fields) < len(header) else "(after the last)"
                raise InputError(path, f"has {len(fields)} cells but the header has "
                                       f"{len(header)}; {seems}.", row=line, column=column,
                                 fix="quote cells that contain the separator; give every row "
                                     "all its cells (an empty cell still needs its separator).")
            values = dict(zip(header, (field.strip() for field in fields)))
            if not values["id"] or values["id"] in first_line_of:
                raise InputError(path, "empty id." if not values["id"] else f"duplicate id "
                                       f"{values['id']!r} (first on line "
                                       f"{first_line_of[values['id']]}).", row=line, column="id",
                                 fix="give every statement a unique id.")
            first_line_of[values["id"]] = line
            rows.append((values["id"], values["text"]))
    except csv.Error as error:
        raise InputError(path, f"not readable as a table: {error}; {seems}.", row=start,
                         column="(whole row)", fix="check the quotation marks on this row.") from None
    return pd.DataFrame(rows, columns=list(REQUIRED_COLUMNS), dtype=object)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="code-statements",
        description="Code statements (a table with the columns id and text) with the "
                    "rule-based coder; write id, one 0/1 column per accountability move, "
                    "named_agent, alignment and the evidence.")
    parser.add_argument("input", type=Path, help="INPUT.csv: columns id and text (at least)")
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
    coded = code_statements(statements, dictionary, evidence=True)
    try:
        atomic.write_csv(args.output, coded)
    except OSError as error:
        print(f"code-statements: {args.output}: cannot write ({error.strerror}).", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"code-statements: coded {len(coded)} statement(s) into {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
