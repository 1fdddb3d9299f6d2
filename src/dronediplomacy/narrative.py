"""The comparison told in prose: Markdown generated from templates filled from the tables.

Notebook 05 shows these texts as rendered Markdown for readers who do not read code.
No number, name, list or count is typed here: each comes from the tables at run time
(``data/input/*.csv``, the hand coding and codebook beside them), the agreement table of
notebook 03 (``data/derived/agreement.csv``), the SIPRI export and the figure manifest.
Change a row and the text changes with it (``tests/test_narrative.py`` does exactly that).

    from dronediplomacy import narrative
    facts = narrative.gather()                 # or gather(Path("some/input/dir"))
    for title, text in narrative.sections(facts):
        ...

Every function that writes prose takes ``source``: a :class:`Facts` from :func:`gather`,
a :class:`~dronediplomacy.tables.Tables`, a folder of input tables, or None for
``data/input/``.

House style, applied by the helpers at the top of the module:

- counts from zero to nine are words, 10 and above digits (:func:`number`, :func:`count`);
  statistics, years, dates, paragraph numbers and SIPRI deal ids are always digits;
- lists are joined as "A, B and C" (:func:`join`);
- quotations are verbatim from statements.csv, in curly double quotes, followed by the
  statement id and paragraph: “…” (st09, ¶6); paraphrases (our wording of what the
  article reports) are never put in quotation marks and are marked as ours;
- a negative value takes a true minus sign (−1.6).
"""

from __future__ import annotations

import base64
import html
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterable, Sequence

import pandas as pd

from . import agreement as agreement_stats
from . import paths, sipri
from .codebook import CODEBOOK_PATH, Codebook, load_codebook
from .errors import InputError
from .hand_coding import HAND_CODING_PATH, hand_codes_wide, load_hand_coding
from .tables import Tables, load_tables

AGREEMENT_CSV = paths.DATA_DERIVED / "agreement.csv"
COMPARISON_CSV = paths.DATA_DERIVED / "comparison.csv"
SIPRI_CSV = paths.DATA_RAW / "sipri_trade_register_turkiye.csv"
MANIFEST_CSV = paths.FIGURES / "manifest.csv"
#: First year of the SIPRI deliveries counted (the same as the comparison table's).
SIPRI_FIRST_YEAR = 2014
#: Resolution at which figures are embedded in the narrative page (the committed PNGs are
#: 300 dpi, for print; a screen needs half that, and the page loads four times faster).
SCREEN_DPI = 150
#: CSS pixels per inch of figure on the page.
CSS_PX_PER_INCH = 120

# --------------------------------------------------------------------------- style helpers

_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
MINUS = "\u2212"


def number(n: int) -> str:
    """A count as the prose writes it: words from zero to nine, digits from 10."""
    n = int(n)
    return _WORDS[n] if 0 <= n < len(_WORDS) else str(n).replace("-", MINUS)


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """The form of a noun that goes with ``n``: singular for exactly one."""
    return singular if int(n) == 1 else (plural_form or singular + "s")


def count(n: int, singular: str, plural_form: str | None = None) -> str:
    """'no statements', 'one statement', 'two statements', '16 statements'."""
    n = int(n)
    head = "no" if n == 0 else number(n)
    return f"{head} {plural(n, singular, plural_form)}"


def join(items: Iterable[str], conjunction: str = "and") -> str:
    """'A', 'A and B', 'A, B and C' (no comma before the conjunction); '' for none."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def capitalise(text: str) -> str:
    """The first letter in upper case, the rest untouched."""
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """'Insisted that …' -> 'insisted that …'; leaves 'NATO …' alone (only a capital
    followed by a lower-case letter is lowered)."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


#: Words that keep their capital inside a sentence when they begin a codebook label.
PROPER_WORDS = ("Turkish", "Turkey")


def label_in_sentence(label: str) -> str:
    """A codebook label inside a sentence: 'Credit claiming' -> 'credit claiming',
    'Buyer state' -> 'buyer state', 'Turkish state' stays."""
    first = label.split(" ", 1)[0]
    return label if first in PROPER_WORDS else lower_first(label)


def signed(value: float, decimals: int = 0) -> str:
    """+2, 0, −1 (decimals=0); +1.5, −1.6 (decimals=1). True minus sign."""
    if decimals == 0:
        value = int(round(value))
        text = f"{value:+d}" if value else "0"
    else:
        rounded = round(float(value), decimals)
        text = f"{rounded:+.{decimals}f}" if rounded else f"{0:.{decimals}f}"
    return text.replace("-", MINUS)


def decimal(value: float, decimals: int = 2) -> str:
    """0.78, −0.07: a statistic, always in digits."""
    return f"{float(value):.{decimals}f}".replace("-", MINUS)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>$|])")


def md(text: object) -> str:
    """Text from a table, safe to put in Markdown: characters Markdown (or JupyterLab's
    maths) would interpret are escaped, so a cell is shown exactly as written."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def quote(text: str) -> str:
    """A verbatim quotation in curly double quotes, Markdown-safe."""
    return f"\u201c{md(text)}\u201d"


def day(value: str) -> str:
    """'2020-09-27' -> '27 September 2020'."""
    d = date.fromisoformat(str(value))
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def _present(value) -> bool:
    return value is not None and not (not isinstance(value, str) and pd.isna(value)) \
        and str(value).strip() != ""


def date_phrase(earliest, latest, precision: str) -> str:
    """How a dated row is dated, in words: 'on 24 February 2026', 'in February 2026',
    'in 2014', 'between 27 September and 10 November 2020', 'no earlier than …',
    'no later than …', or 'undated'."""
    has_early, has_late = _present(earliest), _present(latest)
    if not has_early and not has_late:
        return "undated"
    if has_early and has_late:
        first, last = date.fromisoformat(str(earliest)), date.fromisoformat(str(latest))
        if precision == "day" or first == last:
            return f"on {day(earliest)}"
        if precision == "month":
            return f"in {_MONTHS[first.month - 1]} {first.year}"
        if precision == "year":
            return f"in {first.year}"
        start = f"{first.day} {_MONTHS[first.month - 1]}" + \
            ("" if first.year == last.year else f" {first.year}")
        return f"between {start} and {day(latest)}"
    if has_early:
        return f"no earlier than {day(earliest)}"
    return f"no later than {day(latest)}"


def cite(row_id: str, paragraph) -> str:
    """'(st09, ¶6)'."""
    return f"({row_id}, \u00b6{int(paragraph)})"


def ids(values: Iterable[str]) -> str:
    """'st08, st09 and st10' (unique, in the order given)."""
    return join(dict.fromkeys(str(v) for v in values))


# --------------------------------------------------------------------------- the facts

@dataclass(frozen=True)
class Facts:
    """Everything the prose is computed from."""

    tables: Tables
    codebook: Codebook
    statements: pd.DataFrame      # one row per statement: its row, speaker and hand codes
    agreement: pd.DataFrame       # the agreement table of notebook 03
    deliveries: pd.DataFrame      # SIPRI armed-UAV deliveries to each war's buyer, per year
    sipri_generated: str | None

    # -- lookups
    @property
    def moves(self) -> list[str]:
        return self.codebook.move_ids

    def label(self, dimension: str, code: str) -> str:
        """A code's label as prose uses it: 'credit claiming', 'Turkish state',
        'co-belligerence' (alignment labels lose their leading number)."""
        for item in self.codebook.dimension(dimension)["codes"]:
            if item["id"] == code:
                return label_in_sentence(re.sub(r"^[+\-\u2212]?\d+\s+", "", str(item["label"])))
        return str(code).replace("_", " ")

    def conflict(self, conflict_id: str) -> pd.Series:
        return self.tables.conflicts.set_index("conflict_id").loc[conflict_id]

    def actor(self, actor_id: str) -> pd.Series:
        return self.tables.actors.set_index("actor_id").loc[actor_id]

    def wars(self) -> list[str]:
        """The conflicts that are wars (those with a start date), in table order."""
        c = self.tables.conflicts
        return list(c.loc[c["date_start"].notna(), "conflict_id"])

    def outside(self) -> list[str]:
        """The conflict rows that are not wars (the context row), in table order."""
        c = self.tables.conflicts
        return list(c.loc[c["date_start"].isna(), "conflict_id"])

    def short(self, conflict_id: str) -> str:
        """A conflict's short name: the one the figures use, else its name in
        conflicts.csv without a trailing parenthesis."""
        from .figures_article import CONFLICT_SHORT
        return CONFLICT_SHORT.get(conflict_id, re.sub(r"\s*\([^()]*\)$", "",
                                                      str(self.conflict(conflict_id)["name"])))

    def of_conflict(self, conflict_id: str) -> pd.DataFrame:
        return self.statements[self.statements["conflict_id"] == conflict_id]


def _speaker_columns(tables: Tables) -> pd.DataFrame:
    actors = tables.actors.set_index("actor_id")
    rows = []
    for actor_id, actor in actors.iterrows():
        name = str(actor["name"])
        bare = re.sub(r"\s*\([^()]*\)", "", name).strip()
        short = bare.split()[-1] if actor["actor_type"] == "person" else bare
        titled = name
        role = actor["role"] if _present(actor["role"]) else ""
        if actor["actor_type"] == "person" and role and \
                actor["relation_to_turkish_state"] in ("state", "foreign"):
            then = re.search(r"\s*\(then\)$", role)
            role = ("then " + role[:then.start()]) if then else role
            titled = f"{role} {name}"
        elif role:
            titled = f"{name} ({lower_first(role)})"
        rows.append({"actor_id": actor_id, "speaker": name, "speaker_short": short,
                     "speaker_titled": titled, "speaker_country": actor["country"],
                     "speaker_type": actor["actor_type"]})
    return pd.DataFrame(rows)


def _derived_agreement(n_statements: int) -> pd.DataFrame:
    if not AGREEMENT_CSV.is_file():
        raise InputError(AGREEMENT_CSV, "is missing: the narrative reads the agreement from it.",
                         fix="run notebook 03 (python -m dronediplomacy.runner 03).")
    table = pd.read_csv(AGREEMENT_CSV, keep_default_na=False, na_values=[""])
    if set(table["n_statements"].dropna().astype(int)) != {n_statements}:
        raise InputError(AGREEMENT_CSV, f"was computed for a different number of statements "
                         f"than statements.csv holds ({n_statements}).",
                         fix="rerun notebook 03 (python -m dronediplomacy.runner 03).")
    return table


def _fresh_agreement(statements: pd.DataFrame, wide: pd.DataFrame, codebook: Codebook,
                     input_dir: Path) -> pd.DataFrame:
    from .coder import PATTERNS_PATH, code_statements, load_dictionary

    dictionary = load_dictionary(input_dir / PATTERNS_PATH.name, codebook=codebook)
    rules = code_statements(statements, dictionary, id_column="statement_id", text_column="text")
    return agreement_stats.agreement_table(wide, rules, codebook)


def gather(source: Tables | Path | str | None = None, *,
           agreement_table: pd.DataFrame | None = None,
           sipri_csv: Path | str = SIPRI_CSV) -> Facts:
    """Read everything the prose needs.

    ``source`` is a Tables bundle or a folder of input tables (default ``data/input/``);
    the codebook and the hand coding are read from the same folder. The agreement table
    is ``agreement_table`` if given; else, for ``data/input/``, the one notebook 03 wrote
    (``data/derived/agreement.csv``); for any other folder it is computed from that
    folder's hand coding and dictionary, so the numbers always describe the statements
    the prose describes.
    """
    from .coding import speaker_sides

    tables = source if isinstance(source, Tables) else load_tables(source or paths.DATA_INPUT)
    input_dir = Path(tables.input_dir)
    codebook = load_codebook(input_dir / CODEBOOK_PATH.name)
    statements = tables.statements
    hand_long = load_hand_coding(input_dir / HAND_CODING_PATH.name, codebook,
                                 statements["statement_id"].tolist())
    wide = statements[["statement_id"]].merge(hand_codes_wide(hand_long, codebook),
                                              on="statement_id", how="left")
    coded = statements.merge(_speaker_columns(tables), on="actor_id", how="left")
    coded["speaker_side"] = coded["statement_id"].map(speaker_sides(tables))
    coded = coded.merge(wide, on="statement_id", how="left")
    coded["move_list"] = [tuple(m for m in codebook.move_ids if row[m] == 1)
                          for _, row in coded.iterrows()]

    if agreement_table is None:
        if input_dir.resolve() == paths.DATA_INPUT.resolve():
            agreement_table = _derived_agreement(len(statements))
        else:
            agreement_table = _fresh_agreement(statements, wide, codebook, input_dir)

    export = sipri.read_trade_register(sipri_csv)
    country = tables.actors.set_index("actor_id")["country"]
    conflicts = tables.conflicts[tables.conflicts["date_start"].notna()]
    buyers = list(dict.fromkeys(country[a] for a in conflicts["buyer_actor_id"]))
    deliveries = sipri.armed_uav_deliveries(export, tuple(buyers), SIPRI_FIRST_YEAR)
    return Facts(tables=tables, codebook=codebook, statements=coded,
                 agreement=agreement_table, deliveries=deliveries,
                 sipri_generated=export.attrs.get("generated"))


def _facts(source) -> Facts:
    return source if isinstance(source, Facts) else gather(source)


# --------------------------------------------------------------------------- small pieces

_MODE_NOUNS = {
    "direct_quote": ("direct quotation", "direct quotations"),
    "reported": ("reported statement", "reported statements"),
    "posture": ("stance the article describes", "stances the article describes"),
    "characterisation": ("characterisation quoted verbatim", "characterisations quoted verbatim"),
}
_SIDE_PHRASES = {"turkey": "Turkish", "buyer": "on the buyer's side",
                 "target": "on the side of the opposing state",
                 "third_party": "a third party"}


def mode_count(n: int, mode: str) -> str:
    singular, many = _MODE_NOUNS.get(mode, (mode.replace("_", " "),) * 2)
    return count(n, singular, many)


def modes_breakdown(frame: pd.DataFrame) -> str:
    """'three direct quotations and two reported statements' (schema order of modes)."""
    from .schemas import MODES
    counts = frame["mode"].value_counts()
    return join(mode_count(int(counts[m]), m) for m in MODES if m in counts)


def side_phrase(side: str) -> str:
    return _SIDE_PHRASES.get(side, str(side).replace("_", " "))


def speakers_breakdown(frame: pd.DataFrame, *, titled: bool = False) -> str:
    """'Recep Tayyip Erdoğan (two), Azerbaijan (one)': speakers in order of first
    appearance, with the number of statements each."""
    column = "speaker_titled" if titled else "speaker"
    counts = frame.groupby(column, sort=False).size()
    return join(f"{md(name)} ({number(n)})" for name, n in counts.items())


def statement_words(row: pd.Series, *, with_speaker: bool = True) -> str:
    """A statement as the prose shows it: the quotation verbatim, or our paraphrase
    marked as ours, with the id and paragraph, and the speaker first."""
    speaker = md(row["speaker_short"])
    where = cite(row["statement_id"], row["paragraph"])
    if row["text_kind"] == "verbatim":
        said = "the phrase" if row["mode"] == "characterisation" else "said"
        body = f"{quote(row['text'])} {where}"
        text = f"{speaker} ({said}): {body}" if with_speaker else body
    else:
        text = (f"{speaker} {md(lower_first(str(row['text']).rstrip('.')))} "
                f"(our paraphrase; {row['statement_id']}, \u00b6{int(row['paragraph'])})")
        if not with_speaker:
            text = f"{md(str(row['text']).rstrip('.'))} (our paraphrase; " \
                   f"{row['statement_id']}, \u00b6{int(row['paragraph'])})"
    return text


def attribution_note(row: pd.Series) -> str:
    """What the article says about who spoke, when that is less than a named person."""
    if row["attribution"] == "implied":
        return (f" The article does not say who used these words: they are attributed to "
                f"{md(row['speaker_short'])} only as far as the article implies it.")
    if row["attribution"] == "group":
        return " The article names no individual speaker for this group."
    return ""


def codes_sentence(facts: Facts, row: pd.Series) -> str:
    """'Coded: credit claiming and solidarity or kinship appeal; agent named: Turkish
    state; alignment +2 (co-belligerence).'"""
    moves = [facts.label("accountability_move", m) for m in row["move_list"]]
    alignment = int(row["alignment"])
    by_value = {v: c for c, v in facts.codebook.ordinal_values("alignment").items()}
    parts = [f"moves: {join(moves) if moves else 'none'}",
             f"agent named: {facts.label('named_agent', row['named_agent'])}",
             f"alignment {signed(alignment)} ({facts.label('alignment', by_value[alignment])})"]
    if row["speaker_side"] != "turkey":
        parts.append(f"stance toward the Turkish framing: "
                     f"{facts.label('stance', row['stance']).lower()}")
    return "Coded " + "; ".join(parts) + "."


def statement_item(facts: Facts, row: pd.Series) -> str:
    """One bullet: who, when, what (verbatim or paraphrased), and how it was coded."""
    when = date_phrase(row["date_earliest"], row["date_latest"], row["date_precision"])
    return (f"- **{md(row['speaker_titled'])}**, {when}. {statement_words(row, with_speaker=False)}."
            f"{attribution_note(row)} {codes_sentence(facts, row)}")


def move_tally(facts: Facts, frame: pd.DataFrame) -> tuple[int, str]:
    """(number of moves, 'credit claiming (one), …') over the statements of ``frame``,
    most frequent first, then in codebook order."""
    counts = {m: int(frame[m].sum()) for m in facts.moves if frame[m].sum()}
    order = sorted(counts, key=lambda m: (-counts[m], facts.moves.index(m)))
    return sum(counts.values()), join(f"{facts.label('accountability_move', m)} "
                                      f"({number(counts[m])})" for m in order)


def agent_tally(facts: Facts, frame: pd.DataFrame) -> str:
    """'Turkish company (two), buyer state (one) and unspecified (one)': the named agents of
    ``frame``'s statements, most frequent first, then in codebook order."""
    counts = frame["named_agent"].value_counts()
    codes = facts.codebook.code_ids("named_agent")
    order = sorted(counts.index, key=lambda c: (-int(counts[c]), codes.index(c)))
    return join(f"{facts.label('named_agent', c)} ({number(int(counts[c]))})" for c in order)


def alignment_summary(frame: pd.DataFrame) -> str:
    """'+1.5 on average (from +1 to +2)' or '+2 (one statement)'."""
    values = frame["alignment"].astype(int)
    if len(values) == 1:
        return f"{signed(values.iloc[0])} (one statement)"
    low, high = values.min(), values.max()
    spread = f"all {signed(low)}" if low == high else f"from {signed(low)} to {signed(high)}"
    return f"{signed(values.mean(), 1)} on average ({spread})"


def claim_item(facts: Facts, claim: pd.Series) -> str:
    evidence = facts.tables.claim_evidence
    rows = evidence[evidence["claim_id"] == claim["claim_id"]]
    text = (f"- **{claim['claim_id']}** ({claim['claim_type']}, \u00b6{int(claim['paragraph'])}). "
            f"{md(claim['text'])}")
    if len(rows):
        text += f" *Rests on* {ids(rows['evidence_id'])}."
    if _present(claim["evidence_note"]):
        text += f" *Our note:* {md(claim['evidence_note'])}"
    return text


def claim_scopes(facts: Facts) -> dict[str, frozenset[str]]:
    """claim_id -> the conflicts its evidence (statements and events) belongs to."""
    conflict_of = {**dict(zip(facts.tables.statements["statement_id"],
                              facts.tables.statements["conflict_id"])),
                   **dict(zip(facts.tables.events["event_id"], facts.tables.events["conflict_id"]))}
    evidence = facts.tables.claim_evidence
    return {claim_id: frozenset(conflict_of[e] for e in
                                evidence.loc[evidence["claim_id"] == claim_id, "evidence_id"])
            for claim_id in facts.tables.claims["claim_id"]}


# --------------------------------------------------------------------------- the sections

def introduction(source=None) -> str:
    """What the comparison rests on: the source, the tables, the statements by conflict
    and mode, and how they were coded."""
    facts = _facts(source)
    t = facts.tables
    sources = t.sources
    source_words = join(f"{md(s['author'])}'s article {quote(s['title'])}" for _, s in sources.iterrows())
    paragraphs = int(sources["paragraph_count"].sum())
    lines = [
        f"Everything below comes from {count(len(sources), 'source')}: {source_words}. "
        f"From its {count(paragraphs, 'paragraph')} the project's tables hold "
        f"{count(len(t.statements), 'statement')} (who said what), "
        f"{count(len(t.events), 'event')} (dated facts) and "
        f"{count(len(t.claims), 'claim')} the article itself makes, each row with the "
        f"paragraph it comes from. Quotations are the article's words, verbatim; everything "
        f"else is the project's paraphrase.",
        "",
        "The statements by conflict:",
        "",
    ]
    for conflict_id in facts.wars() + facts.outside():
        frame = facts.of_conflict(conflict_id)
        name = md(facts.conflict(conflict_id)["name"])
        if frame.empty:
            lines.append(f"- {name}: no statements.")
            continue
        lines.append(f"- {name} ({conflict_id}): {count(len(frame), 'statement')}, "
                     f"{modes_breakdown(frame)}, by {speakers_breakdown(frame)}.")
    turkish = facts.statements[facts.statements["speaker_side"] == "turkey"]
    values = facts.codebook.ordinal_values("alignment")
    low, high = min(values.values()), max(values.values())
    by_value = {v: c for c, v in values.items()}
    dims = {d["id"]: d for d in facts.codebook.dimensions}
    lines += [
        "",
        f"{capitalise(count(len(turkish), 'statement'))} of the {len(t.statements)} come from "
        f"Turkish speakers (the speaker's country is Turkey). Every statement was coded by hand "
        f"with the project's codebook (version {md(facts.codebook.version)}): the "
        f"{lower_first(dims['accountability_move']['label']).lower()}s it makes (one of "
        f"{count(len(facts.moves), 'move')}, several per statement allowed), the "
        f"{lower_first(dims['named_agent']['label']).lower()} it names, and the "
        f"{lower_first(dims['alignment']['label'])} it presents, on a scale from "
        f"{signed(low)} ({facts.label('alignment', by_value[low])}) to {signed(high)} "
        f"({facts.label('alignment', by_value[high])}); for a speaker who is not Turkish, also "
        f"its {lower_first(dims['stance']['label'])}. The text reports the hand codes; how far "
        f"an independent dictionary reproduces them is in the last section.",
    ]
    return "\n".join(lines)


def _deliveries_sentence(facts: Facts, conflict_id: str) -> str:
    conflict = facts.conflict(conflict_id)
    recipient = facts.actor(conflict["buyer_actor_id"])["country"]
    start = int(str(conflict["date_start"])[:4])
    rows = facts.deliveries[facts.deliveries["recipient"] == recipient]
    total = int(rows["delivered"].sum())
    first, last = int(rows["year"].min()), int(rows["year"].max())
    if total == 0:
        return (f"SIPRI's trade register records no armed drones delivered by Turkey to "
                f"{md(recipient)} from {first} to {last}.")
    before = int(rows.loc[rows["year"] < start, "delivered"].sum())
    during = int(rows.loc[rows["year"] == start, "delivered"].sum())
    after = int(rows.loc[rows["year"] > start, "delivered"].sum())
    estimated = int(rows["estimated"].sum())
    deals = sorted({i.strip() for cell in rows["sipri_ids"] for i in str(cell).split(";")
                    if i.strip()}, key=int)

    def amount(n: int) -> str:
        return "none" if n == 0 else number(n)

    return (f"SIPRI's trade register records {count(total, 'armed drone')} (SIPRI: armed UAV) "
            f"delivered by Turkey to {md(recipient)} from {first} to {last}: {amount(before)} "
            f"before {start}, {amount(during)} in {start}, the year the war began, and "
            f"{amount(after)} after. SIPRI marks {number(estimated)} of the {number(total)} as "
            f"its own estimates ({plural(len(deals), 'SIPRI deal')} {join(deals)}).")


def war(source, conflict_id: str) -> str:
    """One war told in prose: posture, statements, what the Turkish speakers said and
    how it is coded, who pushed back, the SIPRI context and the article's claims about it."""
    facts = _facts(source)
    conflict = facts.conflict(conflict_id)
    frame = facts.of_conflict(conflict_id)
    turkish = frame[frame["speaker_side"] == "turkey"]
    others = frame[frame["speaker_side"] != "turkey"]
    buyer = facts.actor(conflict["buyer_actor_id"])
    opposing = facts.actor(conflict["opposing_actor_id"])
    period = (f"from {day(conflict['date_start'])} to {day(conflict['date_end'])}"
              if _present(conflict["date_end"]) else
              f"from {day(conflict['date_start'])}, with no end in the article")
    outside = (" (the days come from outside the article and are cited in the conflicts table)"
               if _present(conflict["source_note"]) else "")
    out = [
        f"**Turkey's posture: {md(conflict['turkey_posture'])}.** In our paraphrase of the "
        f"article: {md(conflict['posture_description'])} {cite(conflict_id, conflict['paragraph'])} "
        f"The buyer of the drones was {md(buyer['name'])} and the opposing state "
        f"{md(opposing['name'])}; the war ran {period}{outside}.",
        "",
    ]
    if frame.empty:
        out.append("The tables hold no statement on this war.")
        return "\n".join(out)
    out += [
        f"**The statements.** The tables hold {count(len(frame), 'statement')} on this war, "
        f"{modes_breakdown(frame)}, by {speakers_breakdown(frame)}.",
        "",
    ]
    if turkish.empty:
        out += ["**What Turkish speakers said.** No statement on this war comes from a Turkish "
                "speaker.", ""]
    else:
        out += [f"**What Turkish speakers said.** {capitalise(count(len(turkish), 'statement'))} "
                f"of the {number(len(frame))} come from Turkish speakers: "
                f"{speakers_breakdown(turkish, titled=True)}.", ""]
        out += [statement_item(facts, row) for _, row in turkish.iterrows()]
        n_moves, tally = move_tally(facts, turkish)
        out += ["",
                f"Taken together, the Turkish statements on this war make "
                f"{count(n_moves, 'move')}: {tally or 'none'}. They name as the agent of the "
                f"transfer or use of the weapons {agent_tally(facts, turkish)}, and the "
                f"alignment with the buyer's war effort they present is "
                f"{alignment_summary(turkish)}.",
                ""]

    responses = facts.tables.statement_responses
    here = set(frame["statement_id"])
    links = responses[responses["response_id"].isin(here)]
    by_id = facts.statements.set_index("statement_id")
    if links.empty:
        out += ["**Who pushed back.** No statement on this war is recorded as answering another.",
                ""]
    else:
        out += [f"**Who pushed back.** {capitalise(count(links['response_id'].nunique(), 'statement'))} "
                f"on this war {plural(links['response_id'].nunique(), 'answers', 'answer')} "
                f"another, as the response links record:", ""]
        for response_id, group in links.groupby("response_id", sort=True):
            row = by_id.loc[response_id].copy()
            row["statement_id"] = response_id
            answered = [f"{a} ({md(by_id.loc[a, 'speaker_short'])})" for a in sorted(group["answers_id"])]
            out.append(f"- **{md(row['speaker_titled'])}** ({side_phrase(row['speaker_side'])}) "
                       f"answered {join(answered)}. {statement_words(row, with_speaker=False)}."
                       f"{attribution_note(row)} {codes_sentence(facts, row)}")
        out.append("")
    rest = others[~others["statement_id"].isin(links["response_id"])]
    if not rest.empty:
        out += [f"The other {plural(len(rest), 'statement')} by non-Turkish speakers on this war "
                f"{plural(len(rest), 'answers', 'answer')} no recorded statement:", ""]
        out += [statement_item(facts, row) for _, row in rest.iterrows()]
        out.append("")

    out += [f"**Deliveries (context from SIPRI, not from the article).** "
            f"{_deliveries_sentence(facts, conflict_id)}", ""]

    scopes = claim_scopes(facts)
    claims = facts.tables.claims
    mine = claims[claims["claim_id"].map(lambda c: scopes[c] == frozenset({conflict_id}))]
    if not mine.empty:
        out += [f"**The article's claims about this war** ({count(len(mine), 'claim')}, in our "
                f"words, with the rows each rests on):", ""]
        out += [claim_item(facts, c) for _, c in mine.iterrows()]
    return "\n".join(out).rstrip() + "\n"


def side_by_side(source=None) -> str:
    """The wars compared point by point, in prose."""
    facts = _facts(source)
    wars = facts.wars()
    names = {w: md(facts.short(w)) for w in wars}
    out = []

    postures = [f"{md(facts.conflict(w)['turkey_posture'])} in {names[w]}" for w in wars]
    out.append(f"- **Posture.** The tables record Turkey's posture as {join(postures)}.")

    parts, move_sets = [], []
    for w in wars:
        turkish = facts.of_conflict(w)[lambda f: f["speaker_side"] == "turkey"]
        n_moves, tally = move_tally(facts, turkish)
        move_sets.append({m for m in facts.moves if turkish[m].sum()})
        parts.append(f"{count(n_moves, 'move')} in {count(len(turkish), 'statement')} on "
                     f"{names[w]} ({tally or 'none'})")
    shared = set.intersection(*move_sets) if move_sets else set()
    shared_text = ("No move occurs in the Turkish statements of every war." if not shared else
                   f"Moves found on the Turkish side in every war: "
                   f"{join(facts.label('accountability_move', m) for m in facts.moves if m in shared)}.")
    out.append(f"- **What Turkish speakers did.** They made {join(parts)}. {shared_text}")

    agents = []
    for w in wars:
        turkish = facts.of_conflict(w)[lambda f: f["speaker_side"] == "turkey"]
        agents.append(f"in {names[w]} {agent_tally(facts, turkish)}")
    out.append(f"- **The agent named.** As the agent of the transfer or use of the weapons, the "
               f"Turkish statements name {join(agents, 'and')}.")

    means = []
    values = {}
    for w in wars:
        turkish = facts.of_conflict(w)[lambda f: f["speaker_side"] == "turkey"]
        values[w] = float(turkish["alignment"].astype(int).mean())
        means.append(f"{signed(values[w], 1)} in {names[w]}")
    scale = facts.codebook.ordinal_values("alignment").values()
    gap = ""
    if len(wars) == 2:
        gap = (f", {decimal(abs(values[wars[0]] - values[wars[1]]), 1)} points apart on a scale "
               f"from {signed(min(scale))} to {signed(max(scale))}")
    out.append(f"- **The alignment presented.** On average the Turkish statements present an "
               f"alignment with the buyer's war effort of {join(means)}{gap}.")

    pushes = []
    responses = facts.tables.statement_responses
    by_id = facts.statements.set_index("statement_id")
    for w in wars:
        here = set(facts.of_conflict(w)["statement_id"])
        links = responses[responses["response_id"].isin(here)]
        if links.empty:
            pushes.append(f"in {names[w]} nobody is recorded as answering")
            continue
        responders = sorted(links["response_id"].unique())
        who = list(dict.fromkeys(md(by_id.loc[r, "speaker_short"]) for r in responders))
        sides = list(dict.fromkeys(side_phrase(by_id.loc[r, "speaker_side"]) for r in responders))
        moves = [facts.label("accountability_move", m) for m in facts.moves
                 if any(by_id.loc[r, m] for r in responders)]
        stances = list(dict.fromkeys(facts.label("stance", by_id.loc[r, "stance"]).lower()
                                     for r in responders))
        answered = sorted(links["answers_id"].unique())
        pushes.append(f"in {names[w]} {join(who)} ({join(sides, 'or')}) answered "
                      f"{ids(answered)}, with {join(moves) or 'no coded move'} "
                      f"(stance: {join(stances)})")
    out.append(f"- **Who pushed back.** {capitalise(join(pushes, 'while'))}.")

    sipri_parts = []
    for w in wars:
        conflict = facts.conflict(w)
        recipient = facts.actor(conflict["buyer_actor_id"])["country"]
        start = int(str(conflict["date_start"])[:4])
        rows = facts.deliveries[facts.deliveries["recipient"] == recipient]
        sipri_parts.append(f"{count(int(rows['delivered'].sum()), 'armed drone')} to "
                           f"{md(recipient)} ({number(int(rows.loc[rows['year'] == start, 'delivered'].sum()))} "
                           f"in {start})")
    years = facts.deliveries["year"]
    out.append(f"- **Deliveries (SIPRI, context).** From {int(years.min())} to {int(years.max())} "
               f"SIPRI records {join(sipri_parts)}.")

    scopes = claim_scopes(facts)
    claims = facts.tables.claims
    across = claims[claims["claim_id"].map(lambda c: set(wars) <= scopes[c])]
    if not across.empty:
        out += ["", f"The article's claims that rest on statements or events from every war "
                f"({count(len(across), 'claim')}):", ""]
        out += [claim_item(facts, c) for _, c in across.iterrows()]
    return "\n".join(out) + "\n"


def outside_the_wars(source=None) -> str:
    """The statements and events that belong to neither war."""
    facts = _facts(source)
    out = []
    for conflict_id in facts.outside():
        conflict = facts.conflict(conflict_id)
        frame = facts.of_conflict(conflict_id)
        events = facts.tables.events[facts.tables.events["conflict_id"] == conflict_id]
        out += [f"The tables keep {count(len(frame), 'statement')} and "
                f"{count(len(events), 'event')} under {md(conflict['name'])} ({conflict_id}), "
                f"outside both wars.", ""]
        if not frame.empty:
            out += [statement_item(facts, row) for _, row in frame.iterrows()]
            out.append("")
        if not events.empty:
            out += ["The events:", ""]
            for _, e in events.sort_values(["date_earliest", "event_id"], na_position="last").iterrows():
                value = ""
                if _present(e["value"]):
                    qualifier = f"{e['qualifier']} " if _present(e["qualifier"]) else ""
                    amount = f"{float(e['value']):g}"
                    value = f" Value: {qualifier}{amount} {md(e['unit'])}."
                out.append(f"- {capitalise(date_phrase(e['date_earliest'], e['date_latest'], e['date_precision']))}: "
                           f"{md(e['description']).rstrip('.')} {cite(e['event_id'], e['paragraph'])}.{value}")
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def claims_and_evidence(source=None) -> str:
    """The article's claims by type, what they rest on, and those not listed with a war."""
    from .schemas import CLAIM_TYPES

    facts = _facts(source)
    claims = facts.tables.claims
    evidence = facts.tables.claim_evidence
    types = claims["claim_type"].value_counts()
    type_words = join(f"{number(int(types.get(t, 0)))} {t}" for t in CLAIM_TYPES)
    with_rows = set(evidence["claim_id"])
    statement_rows = evidence[evidence["evidence_type"] == "statement"]
    bare = claims[~claims["claim_id"].isin(with_rows)]
    events_only = [c for c in claims["claim_id"] if c in with_rows
                   and c not in set(statement_rows["claim_id"])]
    uses = statement_rows.groupby("evidence_id").size().sort_values(ascending=False, kind="stable")
    top = int(uses.max()) if len(uses) else 0
    most = sorted(uses[uses == top].index) if top else []
    speaker_of = facts.statements.set_index("statement_id")["speaker_short"]
    out = [
        f"The article makes {count(len(claims), 'claim')} of its own, recorded in our words: "
        f"{type_words}. {capitalise(count(len(with_rows), 'claim'))} rest on statements or "
        f"events in the tables ({number(len(events_only))} of them on events only); "
        f"{count(len(bare), 'claim')} {plural(len(bare), 'rests', 'rest')} on nothing in the "
        f"tables, the article offering only its own reasoning"
        + (f" ({ids(bare['claim_id'])})" if len(bare) else "") + ".",
        "",
    ]
    if most:
        out += [f"The statements carry the claims unevenly: {count(statement_rows['evidence_id'].nunique(), 'statement')} "
                f"support at least one claim, and the most used, "
                f"{join(f'{s} ({md(speaker_of[s])})' for s in most)}, "
                f"{plural(len(most), 'supports', 'support')} {number(top)} claims"
                f"{' each' if len(most) > 1 else ''}.", ""]
    scopes = claim_scopes(facts)
    wars = set(facts.wars())
    rest = claims[claims["claim_id"].map(lambda c: not (len(scopes[c]) == 1 and scopes[c] <= wars)
                                         and not wars <= scopes[c])]
    if not rest.empty:
        out += [f"The claims not listed with a war above ({count(len(rest), 'claim')}):", ""]
        out += [claim_item(facts, c) for _, c in rest.iterrows()]
    return "\n".join(out).rstrip() + "\n"


def _agreement_rows(facts: Facts) -> pd.DataFrame:
    table = facts.agreement
    rows = table[table["row_type"].isin(["pooled_moves", "dimension"])].copy()
    rows["width"] = rows["alpha_ci_high"] - rows["alpha_ci_low"]
    return rows


def _dimension_name(facts: Facts, row) -> str:
    if row["row_type"] == "pooled_moves":
        return "the accountability moves (pooled)"
    return "the " + lower_first(facts.codebook.dimension(row["dimension"])["label"])


def limits(source=None) -> str:
    """What the data can and cannot support, with the numbers."""
    facts = _facts(source)
    t = facts.tables
    st = facts.statements
    out = []

    # One source, chosen by its author.
    sources = t.sources
    missing = [what for what in ("venue", "date") if not sources[what].map(_present).any()]
    notes = [md(n) for n in sources["note"] if _present(n)]
    outside_rows = sum(int(t.frame(name)["source_note"].map(_present).sum())
                       for name in ("conflicts", "actors", "events", "statements")
                       if "source_note" in t.frame(name).columns)
    authors = join(md(a) for a in sources["author"])
    out += [
        f"**One source, chosen by its author.** The tables rest on {count(len(sources), 'source')}, "
        f"by {authors}"
        + (f"; they record no {join(missing)} for it" if missing else "") + ". "
        + (f"Our note on it: {' '.join(notes)} " if notes else "")
        + f"Every one of the {count(len(st), 'statement')} is one the author chose to quote or "
        f"report, and every code codes that choice. The data cannot show what else these "
        f"speakers said, how often, to whom, or in what order; nor whether what the article "
        f"reports for one war is comparable to what it reports for the other. A count here "
        f"is a count of what one article reports, not of what was said. Only "
        f"{count(outside_rows, 'row')} of the tables bring in a fact from outside the article, "
        f"each with its citation (the dates of the wars among them).",
        "",
    ]

    # A handful of statements.
    kinds = st["text_kind"].value_counts()
    verbatim, paraphrase = int(kinds.get("verbatim", 0)), int(kinds.get("paraphrase", 0))
    verbatim_modes = modes_breakdown(st[st["text_kind"] == "verbatim"])
    paraphrase_modes = modes_breakdown(st[st["text_kind"] == "paraphrase"])
    per_war = []
    smallest = None
    for w in facts.wars():
        frame = facts.of_conflict(w)
        turkish = frame[frame["speaker_side"] == "turkey"]
        per_war.append(f"{number(len(frame))} on {md(facts.short(w))} "
                       f"({number(len(turkish))} of them by Turkish speakers)")
        if len(turkish) and (smallest is None or len(turkish) < smallest[1]):
            smallest = (w, len(turkish))
    weight = ""
    if smallest:
        weight = (f" In {md(facts.short(smallest[0]))} each Turkish statement is one of "
                  f"{number(smallest[1])}: recoding a single one would change that war's "
                  f"profile visibly.")
    out += [
        f"**A handful of statements.** There are {count(len(st), 'statement')} in all: "
        f"{join(per_war)}, and {number(len(st) - sum(len(facts.of_conflict(w)) for w in facts.wars()))} "
        f"outside the wars. Every difference between the wars reported above rests on these "
        f"few.{weight} {capitalise(number(verbatim))} of the {len(st)} are the speakers' words as the "
        f"article quotes them ({verbatim_modes}); {number(paraphrase)} are paraphrases, our "
        f"wording of what the article reports ({paraphrase_modes}). For a paraphrase, the "
        f"coding reads our words about the author's report, two steps from the speaker.",
        "",
    ]

    # Translated quotations.
    quoted = st[st["text_kind"] == "verbatim"]
    countries = quoted["speaker_country"].value_counts()
    country_words = join(f"{md(c)} ({number(int(n))})" for c, n in
                         sorted(countries.items(), key=lambda kv: (-kv[1], kv[0])))
    brackets = quoted[quoted["text"].str.contains(r"\[", regex=True)]
    bracket_note = ""
    if len(brackets):
        bracket_note = (f" {capitalise(count(len(brackets), 'quotation'))} "
                        f"({ids(brackets['statement_id'])}) {plural(len(brackets), 'carries', 'carry')} "
                        f"a word in square brackets: an insertion by the article, not the speaker's "
                        f"word.")
    out += [
        f"**Translated quotations.** All {number(len(quoted))} verbatim quotations are given in "
        f"English. Their speakers are from {country_words}. The article does not say in which "
        f"language any of them was first said or written, whether the English is the author's "
        f"own translation, an official one or a news agency's, or where the author found the "
        f"words. The data cannot tell, so every code that turns on a word codes the English "
        f"wording the article prints.{bracket_note}",
        "",
    ]

    # Approximate dates.
    precision = st["date_precision"].value_counts()
    undated = st[st["date_precision"] == "unknown"]
    interval = st[st["date_precision"] == "interval"]
    open_ended = interval[interval["date_earliest"].map(_present) != interval["date_latest"].map(_present)]
    exact = int(precision.get("day", 0))
    other = len(st) - len(undated) - len(interval) - exact
    war_lines = []
    unplaced = []
    for w in facts.wars():
        frame = facts.of_conflict(w)
        start = facts.conflict(w)["date_start"]
        n_undated = int((frame["date_precision"] == "unknown").sum())
        war_lines.append(f"{number(n_undated)} of the {number(len(frame))} on {md(facts.short(w))}")
        unplaced += [s for s, e in zip(frame["statement_id"], frame["date_earliest"])
                     if not _present(e) or str(e) < str(start)]
    derivations = [f"{md(facts.short(w))}: {md(facts.conflict(w)['date_derivation'])}"
                   for w in facts.wars()]
    out += [
        f"**Approximate dates.** The article dates almost nothing it reports. Of the "
        f"{count(len(st), 'statement')}, {number(exact)} {plural(exact, 'is', 'are')} dated to the "
        f"day, {number(len(interval))} only to an interval derived from the text "
        f"({number(len(open_ended))} of those open at one end: known only to be after, or "
        f"before, some date)"
        + (f", {number(other)} to a month or a year" if other else "")
        + f", and {number(len(undated))} not at all ({join(war_lines)}). "
        f"{capitalise(count(len(unplaced), 'statement'))} on the wars "
        + (f"({ids(unplaced)}) cannot be placed before or after the start of their war, so the "
           f"data cannot say whether they were said before the fighting or during it. "
           if unplaced else "can all be placed after the start of their war. ")
        + f"The days the wars began and ended come from outside the article: "
        f"{' '.join(d if d.endswith('.') else d + '.' for d in derivations)}",
        "",
    ]

    # Agreement intervals.
    rows = _agreement_rows(facts)
    n = int(rows["n_statements"].iloc[0])
    parts = [f"{_dimension_name(facts, r)}: alpha {decimal(r['alpha'])} (95% interval "
             f"{decimal(r['alpha_ci_low'])} to {decimal(r['alpha_ci_high'])}, width "
             f"{decimal(r['width'])})" for _, r in rows.iterrows()]
    widest = rows.loc[rows["width"].idxmax()]
    per_code = facts.agreement[facts.agreement["row_type"] == "binary_code"]
    undefined = per_code[per_code["alpha"].isna()]
    reaching_zero = per_code[per_code["alpha_ci_low"].notna() & (per_code["alpha_ci_low"] <= 0)]
    degenerate = per_code[per_code["alpha_ci_low"].notna()
                          & (per_code["alpha_ci_low"] == per_code["alpha_ci_high"])]
    resamples = int(rows["bootstrap_resamples"].iloc[0])
    not_coded = facts.agreement[facts.agreement["row_type"] == "not_coded"]
    label = lambda c: facts.label("accountability_move", c)  # noqa: E731
    move_sentences = []
    if len(reaching_zero):
        move_sentences.append(f"for {count(len(reaching_zero), 'move')} of the "
                              f"{len(per_code)} ({join(label(c) for c in reaching_zero['code'])}) "
                              f"the interval reaches down to agreement no better than chance")
    if len(degenerate):
        move_sentences.append(f"for {count(len(degenerate), 'move')} "
                              f"({join(label(c) for c in degenerate['code'])}) it has no width "
                              f"at all, only because so few statements make each move that a "
                              f"resample either agrees completely or, lacking the move, has "
                              f"no alpha and is skipped")
    if len(undefined):
        move_sentences.append(f"for {count(len(undefined), 'move')} "
                              f"({join(label(c) for c in undefined['code'])}) alpha is undefined: "
                              f"neither coding ever assigns {'it' if len(undefined) == 1 else 'them'}")
    out += [
        f"**Wide agreement intervals.** The hand codes were checked against an independent "
        f"dictionary of word patterns, which agrees with them to this degree (Krippendorff's "
        f"alpha, with a bootstrap 95% interval from {resamples} resamples of the "
        f"{n} statements): {'; '.join(parts)}. The widest interval, for "
        f"{_dimension_name(facts, widest)}, covers {decimal(widest['width'])} of the distance "
        f"between chance agreement (0) and perfect agreement (1). Move by move, "
        f"{'; '.join(move_sentences)}. This checks the dictionary against our reading; it is not "
        f"agreement between two people, because no second person coded the statements"
        + (f", and {join(lower_first(facts.codebook.dimension(d)['label']) for d in not_coded['dimension'])} "
           f"get no agreement statistic at all" if len(not_coded) else "")
        + ".",
        "",
    ]

    # Claims resting on a single statement.
    evidence = t.claim_evidence
    statement_rows = evidence[evidence["evidence_type"] == "statement"]
    per_claim = statement_rows.groupby("claim_id")["evidence_id"].apply(list)
    single = [c for c in t.claims["claim_id"] if c in per_claim and len(per_claim[c]) == 1]
    speaker_of = st.set_index("statement_id")["speaker_short"]
    one_speaker = [c for c in t.claims["claim_id"] if c in per_claim and len(per_claim[c]) > 1
                   and speaker_of[per_claim[c]].nunique() == 1]
    no_statement = [c for c in t.claims["claim_id"] if c not in per_claim]

    def single_text(c: str) -> str:
        others = evidence[(evidence["claim_id"] == c) & (evidence["evidence_type"] != "statement")]
        extra = f" and {ids(others['evidence_id'])}" if len(others) else ""
        return f"{c} (on {per_claim[c][0]}{extra})"

    sentence = (f"**Claims resting on a single statement.** Of the article's "
                f"{count(len(t.claims), 'claim')}, ")
    if single:
        sentence += (f"{number(len(single))} {plural(len(single), 'rests', 'rest')} on a single "
                     f"statement: {join(single_text(c) for c in single)}. ")
    else:
        sentence += "none rests on a single statement. "
    if one_speaker:
        sentence += (f"{capitalise(number(len(one_speaker)))} more "
                     f"{plural(len(one_speaker), 'rests', 'rest')} on several statements by one "
                     f"speaker only: "
                     f"{join(f'{c} ({ids(per_claim[c])}, all {md(speaker_of[per_claim[c][0]])})' for c in one_speaker)}. ")
    sentence += (f"{capitalise(number(len(no_statement)))} rest on no statement at all "
                 f"({ids(no_statement)}): on events only, or on the article's own reasoning. ")
    sentence += ("Such claims can be checked against the tables only as far as that one "
                 "statement, that one speaker or those events go.")
    out.append(sentence)
    return "\n".join(out).rstrip() + "\n"


def sections(source=None) -> list[tuple[str, str]]:
    """The whole narrative: (title, Markdown body) in reading order. Titles, too, come
    from the tables (the wars' names)."""
    facts = _facts(source)
    out = [("What the comparison rests on", introduction(facts))]
    out += [(str(facts.conflict(w)["name"]), war(facts, w)) for w in facts.wars()]
    names = [facts.short(w) for w in facts.wars()]
    out += [(f"{join(names, 'against')}, point by point", side_by_side(facts)),
            ("Outside the two wars" if len(facts.wars()) == 2 else "Outside the wars",
             outside_the_wars(facts)),
            ("The article's claims and what they rest on", claims_and_evidence(facts)),
            ("What the data can and cannot support", limits(facts))]
    return out


def heading(title: str, level: int = 2) -> str:
    return f"{'#' * level} {md(title)}\n"


def document(source=None) -> str:
    """The whole narrative as one Markdown text."""
    return "\n".join(f"{heading(title)}\n{body}" for title, body in sections(source))


# --------------------------------------------------------------------------- figures, table

def read_manifest(manifest: Path | str = MANIFEST_CSV) -> pd.DataFrame:
    manifest = Path(manifest)
    if not manifest.is_file():
        raise InputError(manifest, "is missing: the narrative takes the figures' captions "
                         "from it.", fix="run notebook 04 (python -m dronediplomacy.runner 04).")
    return pd.read_csv(manifest, dtype=str, keep_default_na=False)


def figure_number(stem: str) -> int:
    """'fig-03-move-profile' -> 3."""
    match = re.match(r"fig-(\d+)", stem)
    if not match:
        raise ValueError(f"not a figure stem: {stem!r}")
    return int(match.group(1))


def screen_png(path: Path | str, dpi: int = SCREEN_DPI) -> tuple[bytes, float]:
    """The PNG at ``path`` resampled to ``dpi`` for the screen (deterministic: Lanczos,
    no metadata), and its width in inches."""
    from PIL import Image

    with Image.open(path) as image:
        source_dpi = float(image.info.get("dpi", (300, 300))[0]) or 300.0
        inches = image.width / source_dpi
        width = max(1, round(inches * dpi))
        height = max(1, round(image.height * width / image.width))
        small = image.convert("RGBA").resize((width, height), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    small.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue(), inches


def figure_html(stem: str, manifest: Path | str = MANIFEST_CSV) -> str:
    """A figure for the narrative page: the committed PNG (resampled for the screen)
    embedded as a data URI, with the manifest's alt text and caption. Nothing is
    loaded from elsewhere, so the page stays offline."""
    manifest = Path(manifest)
    rows = read_manifest(manifest)
    row = rows[rows["stem"] == stem]
    if row.empty:
        raise InputError(manifest, f"has no figure {stem!r}.",
                         fix="run notebook 04, which writes the manifest.")
    row = row.iloc[0]
    png, inches = screen_png(manifest.parent / f"{stem}.png")
    data = base64.b64encode(png).decode("ascii")
    e = html.escape
    return (f'<figure style="margin: 1.5em 0;">'
            f'<img src="data:image/png;base64,{data}" alt="{e(row["alt_text"])}" '
            f'style="width: 100%; max-width: {round(inches * CSS_PX_PER_INCH)}px; height: auto;">'
            f'<figcaption style="max-width: {round(7.2 * CSS_PX_PER_INCH)}px;"><strong>Figure '
            f'{figure_number(stem)}.</strong> {e(row["caption"])}</figcaption></figure>')


def comparison_display(path: Path | str = COMPARISON_CSV) -> pd.DataFrame:
    """The comparison table notebook 04 wrote, laid out for reading: one row per point,
    one column per war titled by its short name and id."""
    from .comparison import column_titles

    path = Path(path)
    if not path.is_file():
        raise InputError(path, "is missing.", fix="run notebook 04 (python -m dronediplomacy.runner 04).")
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    return (table.drop(columns="point").rename(columns=column_titles()).set_index("label")
            .rename_axis(None))


__all__: Sequence[str] = (
    "Facts", "gather", "sections", "document", "introduction", "war", "side_by_side",
    "outside_the_wars", "claims_and_evidence", "limits", "figure_html", "comparison_display",
    "number", "count", "plural", "join", "capitalise", "signed", "decimal", "date_phrase",
)
