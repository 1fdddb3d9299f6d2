"""Revise the codebook: which codes changed between two versions, and which hand-coding rows
carry over to the new version.

    git show HEAD:data/input/codebook.yaml > old-codebook.yaml   # before the edit
    python -m dronediplomacy.coding.revise old-codebook.yaml           # list, change nothing
    python -m dronediplomacy.coding.revise old-codebook.yaml --apply   # after review: re-stamp

``--apply`` re-stamps (atomically) only the rows of unchanged codes; the others keep the old
version, so the hand-coding validation stops at each until a person has re-checked it.
"""

import argparse
import csv
import io
import sys
from pathlib import Path

import pandas as pd

from dronediplomacy import atomic
from dronediplomacy.coding.codebook import CODEBOOK_PATH, Codebook, line_of, load_codebook
from dronediplomacy.coding.hand_coding import HAND_CODING_PATH, NO_CODE
from dronediplomacy.errors import InputError
from dronediplomacy.inputs.bad_inputs import input_error
from dronediplomacy.inputs.csvfile import read_records

#: The fields of a code that carry its meaning.
COMPARED = ("definition", "include", "exclude", "example", "counter_example", "value")


def changed_codes(old: Codebook, new: Codebook) -> dict[tuple[str, str], str]:
    """(dimension, code) -> "added", "removed" or "changed: " and the fields of :data:`COMPARED`
    that differ (whitespace aside), sorted; ``none`` of a multi-label dimension changes with
    any code of it."""
    def flat(value):  # whitespace aside
        return " ".join(value.split()) if isinstance(value, str) else \
            {k: flat(v) for k, v in value.items()} if isinstance(value, dict) else value

    def codes(book: Codebook) -> dict:
        return {(d["id"], c["id"]): {f: flat(c.get(f)) for f in COMPARED}
                for d in book.dimensions for c in d["codes"]}
    before, after = codes(old), codes(new)
    changes = {key: "removed" for key in before.keys() - after.keys()}
    changes |= {key: "added" for key in after.keys() - before.keys()}
    changes |= {key: "changed: " + ", ".join(fields) for key in before.keys() & after.keys()
                if (fields := [f for f in COMPARED if before[key][f] != after[key][f]])}
    for dimension in new.dimensions:
        touched = sorted(code for dim, code in changes if dim == dimension["id"])
        if dimension["kind"] == "multi_label" and touched:
            changes[(dimension["id"], NO_CODE)] = "changed with " + ", ".join(touched)
    return dict(sorted(changes.items()))


def plan(old: Codebook, new: Codebook, hand_coding: Path | str = HAND_CODING_PATH) -> pd.DataFrame:
    """The hand-coding rows coded under the old version: line (header = 1), statement_id,
    dimension, code, action ("re-stamp", or "review: " and what changed). InputError at the
    new codebook's version if codes changed without a new version."""
    changes = changed_codes(old, new)
    if changes and new.version == old.version:
        raise input_error("version not bumped", new.path, row=line_of(new.data, "version"),
                          column="version", codes=", ".join(c for _, c in changes), version=old.version)
    columns = ["statement_id", "dimension", "code"]
    _header, records = read_records(hand_coding, (*columns, "codebook_version"))
    return pd.DataFrame([{"line": r.line, **{k: r.values[k] for k in columns}, "action": "review: "
                          + changes[(r.values["dimension"], r.values["code"])]
                          if (r.values["dimension"], r.values["code"]) in changes else "re-stamp"}
                         for r in records if r.values["codebook_version"] == old.version],
                        columns=["line", *columns, "action"])


def restamp(planned: pd.DataFrame, old: Codebook, new: Codebook,
            hand_coding: Path | str = HAND_CODING_PATH) -> int:
    """Set codebook_version to the new version on the rows ``planned`` re-stamps, every other
    byte unchanged (atomic write); how many rows changed. InputError unless codebook_version
    is the last column."""
    path, restamped = Path(hand_coding), set(planned.loc[planned["action"] == "re-stamp", "line"])
    text = path.read_bytes().decode("utf-8")  # a byte order mark stays in the text
    reader = csv.reader(io.StringIO(text, newline=""))
    if next(reader)[-1].strip() != "codebook_version":
        raise input_error("version not last", path, row=1, column="codebook_version")
    lines, first = text.splitlines(keepends=True), reader.line_num + 1
    for _fields in reader:  # the version ends the record's last physical line
        if first in restamped:
            line = lines[reader.line_num - 1]
            value = line.rstrip("\r\n").rstrip(' "')
            lines[reader.line_num - 1] = value[:-len(old.version)] + new.version + line[len(value):]
        first = reader.line_num + 1
    atomic.write_bytes(path, "".join(lines).encode("utf-8"))
    return len(restamped)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dronediplomacy.coding.revise",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("old", type=Path, help="the codebook before the revision (a copy)")
    parser.add_argument("--codebook", type=Path, default=CODEBOOK_PATH, help="the revised one")
    parser.add_argument("--hand-coding", type=Path, default=HAND_CODING_PATH)
    parser.add_argument("--apply", action="store_true",
                        help="after review: re-stamp the rows of unchanged codes")
    args = parser.parse_args(argv)
    try:
        old, new = load_codebook(args.old), load_codebook(args.codebook)
        changes, planned = changed_codes(old, new), plan(old, new, args.hand_coding)
        review = planned[planned["action"] != "re-stamp"]
        print("\n".join([f"Codebook {old.version} -> {new.version}: {len(changes)} code(s) changed.",
                         *(f"  {dimension}.{code}: {what}" for (dimension, code), what in changes.items()),
                         f"{args.hand_coding}: {len(planned) - len(review)} row(s) carry over, "
                         f"{len(review)} need review:",
                         *(f"  row {r.line}: {r.statement_id} {r.dimension} {r.code} ({r.action})"
                           for r in review.itertuples())]))
        if args.apply:
            count = restamp(planned, old, new, args.hand_coding)
            print(f"Re-stamped {count} row(s) to {new.version}. Re-check the rows listed above, "
                  f"then set their codebook_version to {new.version}.")
    except InputError as error:
        print(f"revise: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
