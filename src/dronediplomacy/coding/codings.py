"""The two codings of every statement (by hand and by the dictionary), their agreement, and the
tables notebook 03 shows (:func:`build`) and writes to ``data/derived/`` (:func:`write_derived`).
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dronediplomacy import atomic, paths
from dronediplomacy.coding import agreement
from dronediplomacy.coding.codebook import Codebook, load_codebook
from dronediplomacy.coding.coder import Dictionary, code_statements, load_dictionary
from dronediplomacy.coding.hand_coding import coded_frame
from dronediplomacy.inputs.tables import Tables, load_tables

DERIVED_FILES = {name: f"{name}.csv" for name in ("coded_hand", "coded_rules", "agreement", "disagreements")}


def speaker_sides(tables: Tables, statements: pd.DataFrame | None = None) -> pd.Series:
    """statement_id -> speaker side, by the codebook's rule (dimension speaker_side): turkey
    if the speaker's country is Turkey; else buyer or target if it is the country of the
    conflict's buyer or opposing state; else third_party. ``statements`` defaults to
    ``tables.statements`` (pass ``tables.corpus_statements`` for the corpus)."""
    country = tables.actors.set_index("actor_id")["country"]
    conflicts = tables.conflicts.set_index("conflict_id")
    statements = tables.statements if statements is None else statements
    speaker = statements["actor_id"].map(country).to_numpy()
    buyer, target = (statements["conflict_id"].map(conflicts[column]).map(country).to_numpy()
                     for column in ("buyer_actor_id", "opposing_actor_id"))
    side = np.select([speaker == "Turkey", speaker == buyer, speaker == target],
                     ["turkey", "buyer", "target"], "third_party")
    return pd.Series(side, index=statements["statement_id"].to_numpy(), name="speaker_side", dtype=object)


@dataclass(frozen=True)
class Coding:
    """Everything notebook 03 shows."""

    codebook: Codebook
    dictionary: Dictionary
    statements: pd.DataFrame
    hand_long: pd.DataFrame       # the hand coding with rationales, as in the file
    coded_hand: pd.DataFrame      # coded_hand.csv: the hand codes, wide, with the speaker side
    coded_rules: pd.DataFrame     # coded_rules.csv: the dictionary's codes
    agreement: pd.DataFrame       # agreement.csv: the dictionary checked against the hand coding
    disagreements: pd.DataFrame   # disagreements.csv: every code on which the two differ

    def frames(self) -> dict[str, pd.DataFrame]:
        """The derived tables, by name (see DERIVED_FILES)."""
        return {name: getattr(self, name) for name in DERIVED_FILES}


def build(tables: Tables | None = None, codebook: Codebook | None = None,
          dictionary: Dictionary | None = None, n_resamples: int = agreement.BOOTSTRAP_RESAMPLES
          ) -> Coding:
    """Load the statements, code them both ways, and compare the codings."""
    tables = tables or load_tables()
    codebook = codebook or load_codebook()
    dictionary = dictionary or load_dictionary(codebook=codebook)
    statements = tables.statements
    hand_long, hand = coded_frame(statements, codebook)
    rules = code_statements(statements, dictionary, id_column="statement_id", text_column="text")
    context = statements[["statement_id", "conflict_id", "actor_id"]]
    coded_hand = context.assign(speaker_side=context["statement_id"].map(speaker_sides(tables))) \
        .merge(hand, on="statement_id").assign(codebook_version=codebook.version)
    coded_rules = context.merge(rules, on="statement_id").assign(
        dictionary_version=dictionary.version, codebook_version=dictionary.codebook_version)
    table = agreement.agreement_table(hand, rules, codebook, n_resamples=n_resamples)
    differences = agreement.disagreements(hand, rules, hand_long, statements, codebook, dictionary)
    return Coding(codebook=codebook, dictionary=dictionary, statements=statements,
                  hand_long=hand_long.drop(columns="line"), coded_hand=coded_hand,
                  coded_rules=coded_rules, agreement=table, disagreements=differences)


def write_derived(coding: Coding | None = None) -> dict[str, str]:
    """Write the four derived tables to data/derived/ (atomic, byte-identical on every run);
    name -> path (relative)."""
    coding = coding or build()
    for name, frame in coding.frames().items():
        atomic.write_csv(paths.DATA_DERIVED / DERIVED_FILES[name], frame)
    return {name: paths.relative(paths.DATA_DERIVED / file) for name, file in DERIVED_FILES.items()}


def side_by_side(coding: Coding) -> pd.DataFrame:
    """One row per statement: speaker, side, and the two codings next to each other (moves
    as lists), with a mark where they differ."""
    moves, hand = coding.codebook.move_ids, coding.coded_hand
    both = {"hand": hand, "rules": coding.coded_rules.set_index("statement_id").loc[hand["statement_id"]]}
    frame = hand[["statement_id", "conflict_id", "actor_id", "speaker_side"]].copy()
    for what, values in (("moves", lambda coded: [", ".join(m for m in moves if row[m] == 1) or "-"
                                                  for _, row in coded.iterrows()]),
                         ("named_agent", lambda coded: coded["named_agent"].to_numpy()),
                         ("alignment", lambda coded: coded["alignment"].map(agreement.signed).to_numpy())):
        for name, coded in both.items():
            frame[f"{what}_{name}"] = values(coded)
    frame["stance_hand"] = hand["stance"]
    differ = pd.concat([frame[f"{what}_hand"] != frame[f"{what}_rules"]
                        for what in ("moves", "named_agent", "alignment")], axis=1).any(axis=1)
    frame["differ"] = differ.map({True: "yes", False: ""})
    return frame


def hand_rationales(coding: Coding) -> pd.DataFrame:
    """The hand codes with their rationales, statement by statement, with the text."""
    frame = coding.hand_long[["statement_id", "dimension", "code", "rationale"]].copy()
    frame.insert(1, "text", frame["statement_id"].map(coding.statements.set_index("statement_id")["text"]))
    return frame
