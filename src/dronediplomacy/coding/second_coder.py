"""A second coder: a blank coding sheet, the filled sheet read back, and the intercoder
reliability between the project's hand coding and the second person's.

    python -m dronediplomacy.coding.second_coder blank SHEET.csv
    python -m dronediplomacy.coding.second_coder read SHEET.csv [--to OUT.csv]

The sheet (UTF-8 with a byte order mark, for spreadsheets) has one row per statement and one
column per hand-coded dimension, its allowed codes in the header; a row left without codes is
not coded. ``read`` writes ``data/input/second_coding.csv`` atomically, or nothing on a bad cell.
"""

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from dronediplomacy import atomic, paths
from dronediplomacy.coding import agreement
from dronediplomacy.coding.codebook import Codebook, load_codebook
from dronediplomacy.coding.hand_coding import NO_CODE, allowed_codes, codes_problem, load_hand_coding
from dronediplomacy.errors import InputError
from dronediplomacy.inputs.bad_inputs import input_error
from dronediplomacy.inputs.csvfile import read_records
from dronediplomacy.inputs.tables import load_tables

SECOND_CODING_PATH = paths.DATA_INPUT / "second_coding.csv"
HAND_CODINGS = {"statements": "hand_coding.csv", "corpus_statements": "corpus_hand_coding.csv"}
SEPARATOR = ";"


def statement_texts(tables) -> pd.DataFrame:
    """statement_id, context, text of every article statement, then every corpus statement."""
    article, corpus = tables.statements, tables.corpus_statements
    return pd.DataFrame({
        "statement_id": [*article["statement_id"], *corpus["statement_id"]],
        "context": [*(f"{r.actor_id} on {r.conflict_id}; {r.source_id}, paragraph {r.paragraph}; "
                      f"{r.mode}, {r.text_kind}." for r in article.itertuples()),
                    *(f"{r.actor_id} on {r.conflict_id}; {r.outlet}, \"{r.page_title}\", {r.url} "
                      f"(read {r.date_read})." for r in corpus.itertuples())],
        "text": [*article["text"], *corpus["quotation"]]})


def first_coding(tables, codebook: Codebook, input_dir: Path | str = paths.DATA_INPUT) -> pd.DataFrame:
    """The project's hand coding of article and corpus, long (``load_hand_coding``'s columns)."""
    return pd.concat([load_hand_coding(Path(input_dir) / name, codebook,
                                       getattr(tables, table)["statement_id"].tolist())
                      for table, name in HAND_CODINGS.items()], ignore_index=True)


def blank_sheet(tables, codebook: Codebook) -> pd.DataFrame:
    """The sheet to fill in: one row per statement, code columns empty, allowed codes in headers."""
    sheet = statement_texts(tables)
    for dimension in codebook.dimensions_coded_by("hand"):
        allowed = allowed_codes(codebook, dimension)
        codes = ", ".join(allowed)
        sheet[f"{dimension} (one or more of: {codes}; separate them with {SEPARATOR})"
              if NO_CODE in allowed else f"{dimension} (one of: {codes})"] = ""
    return sheet.assign(note="", codebook_version=codebook.version)


def read_sheet(path: Path | str, codebook: Codebook, statement_ids: list[str]) -> pd.DataFrame:
    """The coded rows of a filled sheet (or of second_coding.csv): statement_id, one column
    per hand-coded dimension (codes in codebook order, joined by ';'), note, codebook_version.
    Header notes in parentheses are ignored. InputError (file, row, column, fix) if bad."""
    path, dimensions = Path(path), codebook.dimensions_coded_by("hand")
    header, records = read_records(path, ("statement_id",))
    names = {name.split(" (")[0].strip(): name for name in header}
    for missing in [d for d in (*dimensions, "codebook_version") if d not in names]:
        raise input_error("sheet column missing", path, row=1, column=missing)
    rows, seen = [], {}
    for record in records:
        values = {name: record.values[names[name]] for name in names}
        sid, version = values["statement_id"], values["codebook_version"]
        if not any(values[d] for d in dimensions):
            continue  # not coded
        for failed, key, column in ((sid not in statement_ids, "sheet unknown statement", "statement_id"),
                                    (sid in seen, "sheet coded twice", "statement_id"),
                                    (version != codebook.version, "sheet other codebook version",
                                     "codebook_version")):
            if failed:
                raise input_error(key, path, row=record.line, column=column, id=sid,
                                  first=seen.get(sid), found=version, version=codebook.version)
        row = {"statement_id": sid}
        for dimension in dimensions:
            codes = list(dict.fromkeys(filter(None, map(str.strip, values[dimension].split(SEPARATOR)))))
            if not codes:
                raise input_error("sheet no code", path, row=record.line, column=dimension, id=sid)
            if wrong := codes_problem(codebook, dimension, codes):
                raise InputError(path, wrong[0], row=record.line, column=dimension, fix=wrong[1])
            row[dimension] = SEPARATOR.join(code for code in allowed_codes(codebook, dimension)
                                            if code in codes)
        seen[sid] = record.line
        rows.append({**row, "note": values.get("note", ""), "codebook_version": version})
    return pd.DataFrame(rows, columns=["statement_id", *dimensions, "note", "codebook_version"])


def compare(tables=None, codebook: Codebook | None = None, input_dir: Path | str = paths.DATA_INPUT,
            n_resamples: int = agreement.BOOTSTRAP_RESAMPLES):
    """(reliability, disagreements) between the hand coding and ``second_coding.csv`` in
    ``input_dir``, over the statements both coded; None if there is no second coding.
    Reliability: :func:`agreement.alpha_row` (Krippendorff's alpha, bootstrap interval, percent
    agreement) per move, all moves pooled, and each single-code dimension (nominal, or ordinal
    by the codebook's values). Disagreements: each statement and dimension whose codes differ."""
    path = Path(input_dir) / SECOND_CODING_PATH.name
    if not path.is_file():
        return None
    tables, codebook = tables or load_tables(), codebook or load_codebook()
    texts = statement_texts(tables).set_index("statement_id")
    first = first_coding(tables, codebook, input_dir)
    second = read_sheet(path, codebook, list(texts.index)).set_index("statement_id")
    ids = list(second.index)
    grouped = first.groupby(["statement_id", "dimension"], sort=False)
    codes, why = grouped["code"].agg(list), grouped["rationale"].agg(" ".join)
    resamples, rows = agreement.resample_indices(len(ids), n_resamples), []
    for dimension in map(codebook.dimension, codebook.dimensions_coded_by("hand")):
        name, level = dimension["id"], dimension["level_of_measurement"]
        one = [codes[(sid, name)] for sid in ids]
        two = [second.at[sid, name].split(SEPARATOR) for sid in ids]
        if dimension["kind"] == "multi_label":
            moves = codebook.code_ids(name)
            a, b = (np.array([[int(m in c) for m in moves] for c in coded]) for coded in (one, two))
            rows += [agreement.alpha_row(name, "binary_code", m, level, a[:, i], b[:, i], [0, 1],
                                         resamples) for i, m in enumerate(moves)]
            rows.append(agreement.alpha_row(name, "pooled_moves", "all moves", level, a, b, [0, 1],
                                            resamples))
        else:
            number = (codebook.ordinal_values(name) if level == "ordinal" else
                      {c: i for i, c in enumerate(codebook.code_ids(name))})
            a, b = (np.array([number[c[0]] for c in coded]) for coded in (one, two))
            rows.append(agreement.alpha_row(name, "dimension", "all codes", level, a, b,
                                            sorted(number.values()), resamples))
    reliability = pd.DataFrame(rows).round(agreement.DECIMALS)
    differ = [{"statement_id": sid, "dimension": d, "text": texts.at[sid, "text"],
               "hand_coding": SEPARATOR.join(codes[(sid, d)]), "second_coding": second.at[sid, d],
               "hand_rationale": why[(sid, d)], "second_note": second.at[sid, "note"]}
              for sid in ids for d in codebook.dimensions_coded_by("hand")
              if set(codes[(sid, d)]) != set(second.at[sid, d].split(SEPARATOR))]
    return reliability, pd.DataFrame(differ, columns=["statement_id", "dimension", "text", "hand_coding",
                                                      "second_coding", "hand_rationale", "second_note"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="second_coder", description="Write a blank coding "
                                     "sheet, or read a filled one into data/input/.")
    parser.add_argument("command", choices=("blank", "read"))
    parser.add_argument("sheet", type=Path, help="the coding sheet (CSV) to write or read")
    parser.add_argument("--to", type=Path, default=SECOND_CODING_PATH, help="where 'read' writes")
    args = parser.parse_args(argv)
    try:
        tables, codebook = load_tables(), load_codebook()
        if args.command == "blank":  # with a byte order mark, so spreadsheets read UTF-8
            sheet = blank_sheet(tables, codebook).to_csv(index=False, lineterminator="\n")
            atomic.write_bytes(args.sheet, ("\ufeff" + sheet).encode("utf-8"))
        else:
            coded = read_sheet(args.sheet, codebook, list(statement_texts(tables)["statement_id"]))
            if coded.empty:
                raise input_error("sheet not coded", args.sheet, row=2, column="statement_id")
            atomic.write_csv(args.to, coded)
    except InputError as error:
        print(f"second_coder: {error}", file=sys.stderr)
        return 1
    print(f"second_coder: wrote {args.to if args.command == 'read' else args.sheet}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
