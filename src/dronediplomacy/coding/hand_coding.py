"""The hand coding (``data/input/hand_coding.csv``): one row per statement, dimension and code,
with a one-sentence rationale and the codebook version it was assigned under (one row per move
made, ``none`` if none; one each for named_agent, alignment and stance). Read, validated against
the codebook (InputError naming file, row, column and fix), and widened.
"""

from pathlib import Path

import pandas as pd

from dronediplomacy import paths
from dronediplomacy.coding.codebook import Codebook, load_codebook
from dronediplomacy.errors import InputError
from dronediplomacy.inputs.bad_inputs import input_error
from dronediplomacy.inputs.csvfile import read_records

HAND_CODING_PATH = paths.DATA_INPUT / "hand_coding.csv"
COLUMNS = ("statement_id", "dimension", "code", "rationale", "codebook_version")
#: The code for "this statement makes none of the moves" in a multi-label dimension.
NO_CODE = "none"
_SENTENCE_ENDINGS = (".", "?", "!", ".'", '."', ".)")


def allowed_codes(codebook: Codebook, dimension_id: str) -> list[str]:
    """The codes a person may give on a hand-coded dimension: the codebook's, in its order,
    and :data:`NO_CODE` last for a multi-label dimension."""
    multi_label = codebook.dimension(dimension_id)["kind"] == "multi_label"
    return codebook.code_ids(dimension_id) + [NO_CODE] * multi_label


def codes_problem(codebook: Codebook, dimension_id: str, codes: list[str]) -> tuple[str, str] | None:
    """(problem, fix) if ``codes`` cannot be one statement's codes on a hand-coded dimension:
    an unknown code, a code given twice, several codes on a single-code dimension, or
    :data:`NO_CODE` together with a move; None if they can."""
    allowed = allowed_codes(codebook, dimension_id)
    how_many = "one or more" if NO_CODE in allowed else "exactly one"
    fix = f"give {how_many} of: {', '.join(allowed)} (the codes of {dimension_id} in codebook.yaml)."
    if unknown := [code for code in codes if code not in allowed]:
        return f"unknown code {unknown[0]!r} for {dimension_id}; the codebook's codes are " \
               f"{', '.join(allowed)}.", fix
    if len(set(codes)) < len(codes):
        return f"{codes[-1]!r} is given twice on {dimension_id}.", "remove one of the two."
    if len(codes) > 1 and (NO_CODE not in allowed or NO_CODE in codes):
        return f"{' and '.join(codes)} cannot go together on {dimension_id}.", fix
    return None


def load_hand_coding(path: Path | str = HAND_CODING_PATH, codebook: Codebook | None = None,
                     statement_ids: list[str] | None = None) -> pd.DataFrame:
    """The validated hand coding, long: the file's columns plus ``line``. Given
    ``statement_ids``, every id must be one of them and each must be coded on every
    hand-coded dimension. InputError (file, row, column, fix) at the first problem."""
    path, codebook = Path(path), codebook or load_codebook()
    _header, records = read_records(path, COLUMNS, allowed=COLUMNS, canonical=True)
    hand_dimensions, known_ids = codebook.dimensions_coded_by("hand"), set(statement_ids or [])
    coded: dict[tuple[str, str], list[str]] = {}  # (statement, dimension) -> its codes so far
    for record in records:
        statement_id, dimension, code, rationale, version = map(record.values.get, COLUMNS)
        empty = next((column for column in COLUMNS if not record.values[column]), None)
        for failed, key, column in (
                (empty, "empty cell", empty),
                (version != codebook.version, "other codebook version", "codebook_version"),
                (statement_ids is not None and statement_id not in known_ids, "unknown statement",
                 "statement_id"),
                (dimension not in hand_dimensions, "unknown dimension", "dimension"),
                (not rationale.endswith(_SENTENCE_ENDINGS), "rationale not a sentence", "rationale")):
            if failed:
                raise input_error(key, path, row=record.line, column=column, found=version,
                                  version=codebook.version, id=statement_id, dimension=dimension,
                                  dimensions=", ".join(hand_dimensions))
        coded.setdefault((statement_id, dimension), []).append(code)
        if wrong := codes_problem(codebook, dimension, coded[(statement_id, dimension)]):
            raise InputError(path, f"{statement_id}: {wrong[0]}", row=record.line, column="code",
                             fix=wrong[1])
    for statement_id, dimension in ((s, d) for s in statement_ids or [] for d in hand_dimensions):
        if (statement_id, dimension) not in coded:
            raise input_error("statement not coded", path, row=statement_id, column=dimension,
                              id=statement_id, no_code=NO_CODE)
    return pd.DataFrame([{**r.values, "line": r.line} for r in records], columns=[*COLUMNS, "line"])


def hand_codes_wide(long: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """One row per statement (in order of first appearance): statement_id, one 0/1 column
    per accountability move (codebook order), named_agent, alignment (-2..2), stance."""
    wide = pd.DataFrame({"statement_id": list(dict.fromkeys(long["statement_id"]))})
    moves = long[long["dimension"] == "accountability_move"]
    for move in codebook.move_ids:
        made = moves.loc[moves["code"] == move, "statement_id"]
        wide[move] = wide["statement_id"].isin(made).astype("int64")
    for dimension in ("named_agent", "alignment", "stance"):
        wide[dimension] = wide["statement_id"].map(
            long[long["dimension"] == dimension].set_index("statement_id")["code"])
    wide["alignment"] = wide["alignment"].map(codebook.ordinal_values("alignment")).astype("int64")
    return wide


def coded_frame(statements: pd.DataFrame, codebook: Codebook, path: Path | str = HAND_CODING_PATH,
                columns: tuple[str, ...] = ("statement_id",)) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(long, frame): the hand coding at ``path`` (:func:`load_hand_coding`, every one of
    ``statements`` coded), and ``statements[columns]`` in their order with the
    :func:`hand_codes_wide` columns merged on. InputError from the hand coding."""
    long = load_hand_coding(path, codebook, statements["statement_id"].tolist())
    wide = hand_codes_wide(long, codebook)
    return long, statements[list(columns)].merge(wide, on="statement_id", how="left")
