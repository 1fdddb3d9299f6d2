"""The hand coding (``data/input/hand_coding.csv``): read, validate against the codebook, reshape.

One row per statement, dimension and code, with a one-sentence rationale and the codebook
version it was assigned under: one row per move the statement makes (``none`` if it makes
none), exactly one for named_agent, alignment (by code id) and stance; speaker_side is
derived, never hand coded. The first problem raises InputError naming the file, the row
(line number; header = 1) and the column, with the fix.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dronediplomacy import paths
from dronediplomacy.coding.codebook import Codebook, load_codebook
from dronediplomacy.inputs.csvfile import read_records
from dronediplomacy.errors import InputError

HAND_CODING_PATH = paths.DATA_INPUT / "hand_coding.csv"
COLUMNS = ("statement_id", "dimension", "code", "rationale", "codebook_version")
#: The code for "this statement makes none of the moves" in a multi-label dimension.
NO_CODE = "none"
_SENTENCE_ENDINGS = (".", "?", "!", ".'", '."', ".)")


def load_hand_coding(path: Path | str = HAND_CODING_PATH, codebook: Codebook | None = None,
                     statement_ids: list[str] | None = None) -> pd.DataFrame:
    """The validated hand coding, long: the file's columns plus ``line``. Given
    ``statement_ids``, every id must be one of them and each must be coded on every
    hand-coded dimension."""
    path = Path(path)
    codebook = codebook or load_codebook()
    _header, records = read_records(path, COLUMNS, allowed=COLUMNS, canonical=True)
    hand_dimensions = codebook.dimensions_coded_by("hand")
    known_ids = set(statement_ids) if statement_ids is not None else None
    lines_of: dict[tuple[str, str], dict[str, int]] = {}  # (statement, dimension) -> code -> line
    rows = []
    for record in records:
        values, line = record.values, record.line
        statement_id, dimension, code = values["statement_id"], values["dimension"], values["code"]
        empty = next((column for column in COLUMNS if not values[column]), None)
        spec = codebook.dimension(dimension) if dimension in hand_dimensions else {}
        allowed = codebook.code_ids(dimension) + [NO_CODE] * (spec["kind"] == "multi_label") if spec else []
        earlier = lines_of.setdefault((statement_id, dimension), {})
        for failed, column, problem, fix in (
                (empty, empty, "empty cell.", f"fill in the {empty}."),
                (values["codebook_version"] != codebook.version, "codebook_version",
                 f"coded under codebook {values['codebook_version']}, but the codebook is "
                 f"{codebook.version}.", "re-check this code against the revised definition "
                 "(python -m dronediplomacy.coding.revise OLD_CODEBOOK.yaml lists what changed), "
                 f"then set its codebook_version to {codebook.version}."),
                (known_ids is not None and statement_id not in known_ids, "statement_id",
                 f"unknown statement {statement_id!r} (not in statements.csv).",
                 "use a statement_id of data/input/statements.csv, or remove the row."),
                (not spec, "dimension", f"unknown dimension {dimension!r}; the hand-coded "
                 f"dimensions are {', '.join(hand_dimensions)}.",
                 f"write one of: {', '.join(hand_dimensions)}."),
                (code not in allowed, "code", f"unknown code {code!r} for {dimension}; the "
                 f"codebook's codes are {', '.join(allowed)}.", "use a code id of that dimension "
                 "in data/input/codebook.yaml (or add the code to the codebook first)."),
                (not values["rationale"].endswith(_SENTENCE_ENDINGS), "rationale",
                 "a rationale is one full sentence, ending with a full stop.",
                 "end the rationale with a full stop."),
                (code in earlier, "code", f"{statement_id} is coded {code!r} on {dimension} twice "
                 f"(first on line {earlier.get(code)}).", "remove one of the two rows."),
                (earlier and spec.get("kind") == "single", "code", f"{statement_id} has more than "
                 f"one code on {dimension} ({next(iter(earlier), None)!r} and {code!r}).",
                 f"keep one code on {dimension} for {statement_id}."),
                (earlier and NO_CODE in (code, *earlier), "code", f"{statement_id} is coded "
                 f"'{NO_CODE}' and also with a move on {dimension}.",
                 f"remove the '{NO_CODE}' row, or the move rows.")):
            if failed:
                raise InputError(path, problem, row=line, column=column, fix=fix)
        earlier[code] = line
        rows.append({**values, "line": line})

    frame = pd.DataFrame(rows, columns=[*COLUMNS, "line"])
    coded = set(zip(frame["statement_id"], frame["dimension"]))
    for statement_id, dimension in ((s, d) for s in statement_ids or [] for d in hand_dimensions):
        if (statement_id, dimension) not in coded:
            raise InputError(path, f"statement {statement_id} is not coded on {dimension}.",
                             row=statement_id, column=dimension, fix="add a row for it (a "
                             f"statement with no move gets the code '{NO_CODE}').")
    return frame


def hand_codes_wide(long: pd.DataFrame, codebook: Codebook | None = None) -> pd.DataFrame:
    """One row per statement (in order of first appearance): statement_id, one 0/1 column
    per accountability move (codebook order), named_agent, alignment (-2..2), stance."""
    codebook = codebook or load_codebook()
    wide = pd.DataFrame({"statement_id": list(dict.fromkeys(long["statement_id"]))})
    moves = long[long["dimension"] == "accountability_move"]
    for move in codebook.move_ids:
        wide[move] = wide["statement_id"].isin(moves.loc[moves["code"] == move, "statement_id"]).astype("int64")
    for dimension in ("named_agent", "alignment", "stance"):
        wide[dimension] = wide["statement_id"].map(
            long[long["dimension"] == dimension].set_index("statement_id")["code"])
    wide["alignment"] = wide["alignment"].map(codebook.ordinal_values("alignment")).astype("int64")
    return wide
