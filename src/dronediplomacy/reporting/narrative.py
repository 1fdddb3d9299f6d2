"""The comparison told in prose: Markdown generated from templates filled from the tables.

Notebook 05 shows these texts as rendered Markdown for readers who do not read code.
No number, name, list or count is typed here: each comes from the tables at run time
(``data/input/*.csv``, the hand coding and codebook beside them), the agreement table of
notebook 03 (``data/derived/agreement.csv``), the SIPRI export and the figure manifest.
Change a row and the text changes with it (``tests/test_narrative.py`` does exactly that).

    from dronediplomacy.reporting import narrative
    facts = narrative.gather()                 # or gather(Path("some/input/dir"))
    for title, text in narrative.sections(facts):
        ...

Every function that writes prose takes ``source``: a :class:`Facts` from :func:`gather`,
a :class:`~dronediplomacy.inputs.tables.Tables`, a folder of input tables, or None for
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
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterable, Sequence

import pandas as pd

from dronediplomacy.coding import agreement as agreement_stats
from dronediplomacy import paths
from dronediplomacy.inputs import sipri
from dronediplomacy.coding.codebook import CODEBOOK_PATH, Codebook, load_codebook
from dronediplomacy.errors import InputError
from dronediplomacy.coding.hand_coding import HAND_CODING_PATH, hand_codes_wide, load_hand_coding
from dronediplomacy.inputs.tables import Tables, load_tables

AGREEMENT_CSV = paths.DATA_DERIVED / "agreement.csv"
COMPARISON_CSV = paths.DATA_DERIVED / "comparison.csv"
SIPRI_CSV = paths.DATA_RAW / "sipri_trade_register_turkiye.csv"
MANIFEST_CSV = paths.FIGURES / "manifest.csv"
#: First year of the SIPRI deliveries counted (the same as the comparison table's).
SIPRI_FIRST_YEAR = 2014
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


def amount(n: int) -> str:
    """A count standing alone: 'none', 'one', …, '12'."""
    return "none" if int(n) == 0 else number(n)


def day_range(first: str, last: str) -> str:
    """'27 September to 10 November 2020'; the first year is written only if it differs."""
    a, b = date.fromisoformat(str(first)), date.fromisoformat(str(last))
    head = f"{a.day} {_MONTHS[a.month - 1]}" + ("" if a.year == b.year else f" {a.year}")
    return f"{head} to {day(last)}"


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

@dataclass(frozen=True, eq=False)
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
        from dronediplomacy.reporting.figures_article import CONFLICT_SHORT
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
        rows.append({"actor_id": actor_id, "speaker": name, "speaker_bare": bare,
                     "speaker_short": short,
                     "speaker_titled": titled, "speaker_country": actor["country"],
                     "speaker_type": actor["actor_type"]})
    return pd.DataFrame(rows)


def _derived_agreement(fresh: pd.DataFrame) -> pd.DataFrame:
    """The agreement table notebook 03 wrote, checked against ``fresh``, the same table
    computed now from the current inputs (cheap: the bootstrap is vectorised), so prose
    from a stale table cannot be published."""
    if not AGREEMENT_CSV.is_file():
        raise InputError(AGREEMENT_CSV, "is missing: the narrative reads the agreement from it.",
                         fix="run notebook 03 (python -m dronediplomacy.running.runner 03).")
    written = AGREEMENT_CSV.read_text(encoding="utf-8")
    if written != fresh.to_csv(index=False, lineterminator="\n"):
        raise InputError(AGREEMENT_CSV, "differs from the agreement computed from the current "
                         "statements, hand coding, codebook and dictionary (it is stale).",
                         fix="rerun notebook 03 (python -m dronediplomacy.running.runner 03).")
    return pd.read_csv(AGREEMENT_CSV, keep_default_na=False, na_values=[""])


def _fresh_agreement(statements: pd.DataFrame, wide: pd.DataFrame, codebook: Codebook,
                     input_dir: Path) -> pd.DataFrame:
    from dronediplomacy.coding.coder import PATTERNS_PATH, code_statements, load_dictionary

    dictionary = load_dictionary(input_dir / PATTERNS_PATH.name, codebook=codebook)
    rules = code_statements(statements, dictionary, id_column="statement_id", text_column="text")
    return agreement_stats.agreement_table(wide, rules, codebook)


def gather(source: Tables | Path | str | None = None, *,
           agreement_table: pd.DataFrame | None = None,
           sipri_csv: Path | str = SIPRI_CSV) -> Facts:
    """Read everything the prose needs.

    ``source`` is a Tables bundle or a folder of input tables (default ``data/input/``);
    the codebook and the hand coding are read from the same folder. The agreement table
    is ``agreement_table`` if given; else it is computed from the folder's hand coding
    and dictionary, so the numbers always describe the statements the prose describes;
    for ``data/input/`` it must equal the one notebook 03 wrote
    (``data/derived/agreement.csv``), which is then read (InputError if it is stale).
    """
    from dronediplomacy.coding.codings import speaker_sides

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
        agreement_table = _fresh_agreement(statements, wide, codebook, input_dir)
        if input_dir.resolve() == paths.DATA_INPUT.resolve():
            agreement_table = _derived_agreement(agreement_table)

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
    from dronediplomacy.inputs.schemas import MODES
    counts = frame["mode"].value_counts()
    return join(mode_count(int(counts[m]), m) for m in MODES if m in counts)


def side_phrase(side: str) -> str:
    return _SIDE_PHRASES.get(side, str(side).replace("_", " "))


def speakers_breakdown(frame: pd.DataFrame, *, titled: bool = False) -> str:
    """'Recep Tayyip Erdoğan (two), Azerbaijan (one)': speakers in order of first
    appearance, with the number of statements each."""
    column = "speaker_titled" if titled else "speaker_bare"
    counts = frame.groupby(column, sort=False).size()
    return join(f"{md(name)} ({number(n)})" for name, n in counts.items())


def statement_words(row: pd.Series) -> str:
    """A statement as the prose shows it: the quotation verbatim in quotation marks, or
    our paraphrase (first letter lowered, to follow a colon) marked as ours, followed by
    the id and paragraph."""
    if row["text_kind"] == "verbatim":
        return f"{quote(row['text'])} {cite(row['statement_id'], row['paragraph'])}"
    return (f"{md(lower_first(str(row['text']).rstrip('.')))} (our paraphrase; "
            f"{row['statement_id']}, \u00b6{int(row['paragraph'])})")


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
        parts.append(f"stance toward the Turkish framing: {facts.label('stance', row['stance'])}")
    return "Coded " + "; ".join(parts) + "."


def statement_item(facts: Facts, row: pd.Series) -> str:
    """One bullet: who, when, what (verbatim or paraphrased), and how it was coded."""
    when = date_phrase(row["date_earliest"], row["date_latest"], row["date_precision"])
    return (f"- **{capitalise(md(row['speaker_titled']))}**, {when}: {statement_words(row)}."
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
        ordered = rows.sort_values(["evidence_type", "evidence_id"], ascending=[False, True])
        text += f" *Rests on* {ids(ordered['evidence_id'])}."
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
    sources = t.sources[t.sources["kind"] == "article"]  # the statement corpus is not narrated
    source_words = join(f"{md(s['author'])}'s article {quote(str(s['title']).rstrip('.'))}"
                        for _, s in sources.iterrows())
    paragraphs = int(sources["paragraph_count"].sum())
    lines = [
        f"Everything below comes from {count(len(sources), 'source')}: {source_words}. "
        f"From its {count(paragraphs, 'paragraph')} the project's tables hold "
        f"{count(len(t.statements), 'statement')} (who said what), "
        f"{count(len(t.events), 'event')} (facts, dated where the sources allow) and "
        f"{count(len(t.claims), 'claim')} the article itself makes, each row with the "
        f"paragraph it comes from. Quotations are verbatim, as the article prints them; "
        f"everything else is the project's paraphrase.",
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
        lines.append(f"- {name}: {count(len(frame), 'statement')}, "
                     f"{modes_breakdown(frame)}, by {speakers_breakdown(frame)}.")
    turkish = facts.statements[facts.statements["speaker_side"] == "turkey"]
    values = facts.codebook.ordinal_values("alignment")
    low, high = min(values.values()), max(values.values())
    by_value = {v: c for c, v in values.items()}
    dims = facts.codebook.dimensions
    derived = [d for d in dims if d["coded_by"] == ["derived"]]
    lines += [
        "",
        f"Of the {count(len(t.statements), 'statement')}, {number(len(turkish))} come from "
        f"Turkish speakers (the speaker's country is Turkey). Every statement was coded by hand "
        f"with the project's codebook (version {md(facts.codebook.version)}) on "
        f"{count(len(dims), 'dimension')}: {join(label_in_sentence(d['label']) for d in dims)}. "
        f"A statement can make several of the {count(len(facts.moves), 'accountability move')}; "
        f"alignment runs from {signed(low)} ({facts.label('alignment', by_value[low])}) to "
        f"{signed(high)} ({facts.label('alignment', by_value[high])})"
        + (f"; {join(label_in_sentence(d['label']) for d in derived)} "
           f"{plural(len(derived), 'is', 'are')} derived from the tables, not coded"
           if derived else "")
        + ". The text reports the hand codes; how far an independent dictionary reproduces "
        "them is in the last section.",
    ]
    return "\n".join(lines) + "\n"


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
    estimated_words = ("none of them" if estimated == 0 else f"all {number(total)}"
                       if estimated == total else f"{number(estimated)} of the {number(total)}")

    export = (f" (export generated {' '.join(str(facts.sipri_generated).split()[:3])})"
              if facts.sipri_generated else "")
    return (f"SIPRI's trade register{export} records {count(total, 'armed drone')} "
            f"(SIPRI: armed UAV) "
            f"delivered by Turkey to {md(recipient)} from {first} to {last}: {amount(before)} "
            f"before {start}, {amount(during)} in {start}, the year the war began, and "
            f"{amount(after)} after. SIPRI marks {estimated_words} as its own estimates "
            f"({plural(len(deals), 'SIPRI deal')} {join(deals)}).")


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
    period = (f"from {day_range(conflict['date_start'], conflict['date_end'])}"
              if _present(conflict["date_end"]) else
              f"from {day(conflict['date_start'])}, with no end in the article")
    outside = (" (the days come from outside the article and are cited in the conflicts table)"
               if _present(conflict["source_note"]) else "")
    out = [
        f"**Turkey's posture: {md(conflict['turkey_posture'])}.** In our paraphrase of the "
        f"article: {md(str(conflict['posture_description']).rstrip('.'))} "
        f"{cite(conflict_id, conflict['paragraph'])}. "
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
        out += [f"**What Turkish speakers said.** {capitalise(number(len(turkish)))} of the "
                f"{count(len(frame), 'statement')} {plural(len(turkish), 'comes', 'come')} from "
                f"Turkish speakers: "
                f"{speakers_breakdown(turkish, titled=True)}.", ""]
        out += [statement_item(facts, row) for _, row in turkish.iterrows()]
        n_moves, tally = move_tally(facts, turkish)
        out += ["",
                f"Taken together, the Turkish statements on this war make "
                f"{count(n_moves, 'move')}: {tally or 'none'}. The agents they name for the "
                f"transfer or use of the weapons: {agent_tally(facts, turkish)}. The alignment "
                f"with the buyer's war effort they present: {alignment_summary(turkish)}.",
                ""]

    responses = facts.tables.statement_responses
    here = set(frame["statement_id"])
    links = responses[responses["response_id"].isin(here)]
    by_id = facts.statements.set_index("statement_id")
    if links.empty:
        out += ["**Who pushed back.** No statement on this war is recorded as answering another.",
                ""]
    else:
        n_responses = links["response_id"].nunique()
        out += [f"**Who pushed back.** {capitalise(count(n_responses, 'statement'))} on this war "
                f"{plural(n_responses, 'answers', 'answer')} another, as the response links "
                f"record:", ""]
        for response_id, group in links.groupby("response_id", sort=True):
            row = by_id.loc[response_id].copy()
            row["statement_id"] = response_id
            answered = [f"{a} ({md(by_id.loc[a, 'speaker_short'])})"
                        for a in sorted(group["answers_id"])]
            out.append(f"- **{capitalise(md(row['speaker_titled']))}** "
                       f"({side_phrase(row['speaker_side'])}), answering {join(answered)}: "
                       f"{statement_words(row)}."
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


def point_by_point(source=None) -> str:
    """The wars compared point by point: one bullet per point of the comparison.

    Also the README's "Findings" block (readme.py), so the README's numbers are computed too.
    """
    facts = _facts(source)
    wars = facts.wars()
    names = {w: md(facts.short(w)) for w in wars}
    every = "both wars" if len(wars) == 2 else "every war"
    turkish = {w: facts.of_conflict(w)[lambda f: f["speaker_side"] == "turkey"] for w in wars}
    out = []

    postures = [f"{md(facts.conflict(w)['turkey_posture'])} in {names[w]}" for w in wars]
    out.append(f"- **Posture.** The tables record Turkey's posture as {join(postures)}.")

    parts, move_sets = [], []
    for w in wars:
        n_moves, tally = move_tally(facts, turkish[w])
        move_sets.append({m for m in facts.moves if turkish[w][m].sum()})
        parts.append(f"{names[w]}: {count(n_moves, 'move')} in "
                     f"{count(len(turkish[w]), 'statement')}, {tally or 'none'}.")
    shared = set.intersection(*move_sets) if move_sets else set()
    shared_labels = [facts.label("accountability_move", m) for m in facts.moves if m in shared]
    shared_text = (f"No move occurs on the Turkish side in {every}." if not shared else
                   f"Found on the Turkish side in {every}: {join(shared_labels)}.")
    out.append(f"- **What Turkish speakers did.** {' '.join(parts)} {shared_text}")

    agents = [f"{names[w]}: {agent_tally(facts, turkish[w])}." for w in wars]
    out.append(f"- **The agent named** for the transfer or use of the weapons, in the Turkish "
               f"statements. {' '.join(agents)}")

    values = {w: float(turkish[w]["alignment"].astype(int).mean()) for w in wars if len(turkish[w])}
    means = [f"{signed(values[w], 1)} in {names[w]}" for w in wars if w in values]
    scale = facts.codebook.ordinal_values("alignment").values()
    gap = ""
    if len(values) == 2:
        first, second = values.values()
        gap = (f", {decimal(abs(first - second), 1)} points apart on a scale from "
               f"{signed(min(scale))} to {signed(max(scale))}")
    out.append(f"- **The alignment presented.** On average the Turkish statements present an "
               f"alignment with the buyer's war effort of {join(means)}{gap}.")

    pushes = []
    responses = facts.tables.statement_responses
    by_id = facts.statements.set_index("statement_id")

    def moves_of(statement_ids) -> str:
        found = [facts.label("accountability_move", m) for m in facts.moves
                 if any(by_id.loc[i, m] for i in statement_ids)]
        return join(found) or "no coded move"

    for w in wars:
        here = set(facts.of_conflict(w)["statement_id"])
        links = responses[responses["response_id"].isin(here)]
        if links.empty:
            pushes.append(f"{names[w]}: nobody is recorded as answering.")
            continue
        responders = sorted(links["response_id"].unique())
        who = list(dict.fromkeys(md(by_id.loc[r, "speaker_short"]) for r in responders))
        sides = list(dict.fromkeys(side_phrase(by_id.loc[r, "speaker_side"]) for r in responders))
        stances = list(dict.fromkeys(facts.label("stance", by_id.loc[r, "stance"])
                                     for r in responders))
        answered = sorted(links["answers_id"].unique())
        pushes.append(f"{names[w]}: {join(who)} ({join(sides, 'or')}) answered {ids(answered)}, "
                      f"which {plural(len(answered), 'makes', 'make')} {moves_of(answered)}. "
                      f"{'The answer makes' if len(responders) == 1 else 'The answers make'} "
                      f"{moves_of(responders)}; stance toward the Turkish framing: "
                      f"{join(stances)}.")
    out.append(f"- **Who pushed back.** {' '.join(pushes)}")

    sipri_parts = []
    for w in wars:
        conflict = facts.conflict(w)
        recipient = facts.actor(conflict["buyer_actor_id"])["country"]
        start = int(str(conflict["date_start"])[:4])
        rows = facts.deliveries[facts.deliveries["recipient"] == recipient]
        during = int(rows.loc[rows["year"] == start, "delivered"].sum())
        sipri_parts.append(f"{count(int(rows['delivered'].sum()), 'armed drone')} to "
                           f"{md(recipient)} ({amount(during)} of them in {start})")
    years = facts.deliveries["year"]
    out.append(f"- **Deliveries (SIPRI, context, not the article).** From {int(years.min())} to "
               f"{int(years.max())} SIPRI records {join(sipri_parts, 'and')}.")
    return "\n".join(out) + "\n"


def side_by_side(source=None) -> str:
    """The wars compared point by point, then the article's claims that span them."""
    facts = _facts(source)
    wars = facts.wars()
    every = "both wars" if len(wars) == 2 else "every war"
    out = [point_by_point(facts).rstrip("\n")]
    scopes = claim_scopes(facts)
    claims = facts.tables.claims
    across = claims[claims["claim_id"].map(lambda c: set(wars) <= scopes[c])]
    if not across.empty:
        out += ["", f"The article's claims that rest on statements or events from {every} "
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
        heading_name = re.sub(r"\s*\([^()]*\)$", "", str(conflict["name"]))
        out += [f"Under the heading {quote(heading_name)} the tables keep "
                f"{count(len(frame), 'statement')} and {count(len(events), 'event')} that belong "
                f"to neither war.", ""]
        if not frame.empty:
            out += [statement_item(facts, row) for _, row in frame.iterrows()]
            out.append("")
        if not events.empty:
            out += ["The events, in date order:", ""]
            ordered = events.sort_values(["date_earliest", "event_id"], na_position="last")
            for _, e in ordered.iterrows():
                value = ""
                if _present(e["value"]):
                    qualifier = f"{md(e['qualifier'])} " if _present(e["qualifier"]) else ""
                    value = f" Value: {qualifier}{float(e['value']):g} {md(e['unit'])}."
                when = date_phrase(e["date_earliest"], e["date_latest"], e["date_precision"])
                description = md(lower_first(str(e["description"]).rstrip(".")))
                out.append(f"- {capitalise(when)}: {description} "
                           f"{cite(e['event_id'], e['paragraph'])}.{value}")
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def claims_and_evidence(source=None) -> str:
    """The article's claims by type, what they rest on, and those not listed with a war."""
    from dronediplomacy.inputs.schemas import CLAIM_TYPES

    facts = _facts(source)
    claims = facts.tables.claims
    evidence = facts.tables.claim_evidence
    types = claims["claim_type"].value_counts()
    type_words = join(f"{'no' if not types.get(t, 0) else number(int(types.get(t, 0)))} {t}"
                      for t in CLAIM_TYPES)
    with_rows = [c for c in claims["claim_id"] if c in set(evidence["claim_id"])]
    statement_rows = evidence[evidence["evidence_type"] == "statement"]
    bare = claims[~claims["claim_id"].isin(with_rows)]
    events_only = [c for c in with_rows if c not in set(statement_rows["claim_id"])]
    uses = statement_rows.groupby("evidence_id").size()
    top = int(uses.max()) if len(uses) else 0
    most = sorted(uses[uses == top].index) if top else []
    speaker_of = facts.statements.set_index("statement_id")["speaker_short"]
    out = [
        f"The article makes {count(len(claims), 'claim')} of its own, recorded in our words: "
        f"{type_words}. Of these, {number(len(with_rows))} rest on statements or events in the "
        f"tables ({number(len(events_only))} of them on events only), and "
        f"{number(len(bare))} on nothing in the tables, the article offering only its own "
        f"reasoning" + (f" ({ids(bare['claim_id'])})" if len(bare) else "") + ".",
        "",
    ]
    if most:
        out += [f"The statements carry the claims unevenly: "
                f"{count(statement_rows['evidence_id'].nunique(), 'statement')} of the "
                f"{number(len(facts.statements))} support at least one claim, and the most used, "
                f"{join(f'{i} ({md(speaker_of[i])})' for i in most)}, "
                f"{plural(len(most), 'supports', 'support')} {count(top, 'claim')}"
                f"{' each' if len(most) > 1 else ''}.", ""]
    scopes = claim_scopes(facts)
    wars = set(facts.wars())
    rest = claims[claims["claim_id"].map(lambda c: not (len(scopes[c]) == 1 and scopes[c] <= wars)
                                         and not wars <= scopes[c])]
    if not rest.empty:
        out += [f"The claims not listed with the wars above ({count(len(rest), 'claim')}):", ""]
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
    return "the " + label_in_sentence(facts.codebook.dimension(row["dimension"])["label"])


def limit_source(facts: Facts) -> str:
    """One source, chosen by its author."""
    t, st = facts.tables, facts.statements
    sources = t.sources[t.sources["kind"] == "article"]  # the statement corpus is not narrated
    missing = [what for what in ("venue", "date") if not sources[what].map(_present).any()]
    notes = [md(n) for n in sources["note"] if _present(n)]
    outside = {name: int(t.frame(name).loc[t.frame(name)["source_id"].isin(sources["source_id"]),
                                           "source_note"].map(_present).sum())
               for name in ("conflicts", "actors", "events", "statements")
               if "source_note" in t.frame(name).columns}
    war_dates = int(t.conflicts.loc[t.conflicts["date_start"].notna(), "source_note"]
                    .map(_present).sum())
    return (
        f"**One source, chosen by its author.** The tables rest on "
        f"{count(len(sources), 'source')}, by {join(md(a) for a in sources['author'])}"
        + (f"; they record no {join(missing, 'or')} for it" if missing else "") + ". "
        + (f"Our note on it: {' '.join(notes)} " if notes else "")
        + f"Every one of the {count(len(st), 'statement')} is one the author chose to quote or "
        f"report, and every code codes that choice. The data cannot show what else these "
        f"speakers said, how often, to whom or in what order, nor whether what the article "
        f"reports for one war is comparable to what it reports for the other. A count here "
        f"is a count of what one article reports, not of what was said. Only "
        f"{count(sum(outside.values()), 'row')} of the tables bring in a fact from outside the "
        f"article, each citing where it comes from"
        + (f" (among them the days on which "
           f"{'both wars' if war_dates == 2 else count(war_dates, 'war')} began)"
           if war_dates else "") + "."
    )


def limit_statements(facts: Facts) -> str:
    """A handful of statements; quotations against paraphrases."""
    st = facts.statements
    kinds = st["text_kind"].value_counts()
    verbatim, paraphrase = int(kinds.get("verbatim", 0)), int(kinds.get("paraphrase", 0))
    per_war, smallest = [], None
    in_wars = 0
    for w in facts.wars():
        frame = facts.of_conflict(w)
        in_wars += len(frame)
        turkish = frame[frame["speaker_side"] == "turkey"]
        per_war.append(f"{number(len(frame))} on {md(facts.short(w))} "
                       f"({number(len(turkish))} of them by Turkish speakers)")
        if len(turkish) and (smallest is None or len(turkish) < smallest[1]):
            smallest = (w, len(turkish))
    weight = ""
    if smallest:
        weight = (f" On {md(facts.short(smallest[0]))} each Turkish statement is one of "
                  f"{number(smallest[1])}: recoding a single one would change that war's "
                  f"profile visibly.")
    text = (f"**A handful of statements.** There are {count(len(st), 'statement')} in all: "
            f"{join(per_war)}, and {number(len(st) - in_wars)} outside the wars. Every "
            f"difference between the wars reported above rests on these few.{weight} Of the "
            f"{number(len(st))}, {number(verbatim)} give the speakers' words as the article "
            f"quotes them")
    if verbatim:
        text += f" ({modes_breakdown(st[st['text_kind'] == 'verbatim'])})"
    text += f" and {number(paraphrase)} are paraphrases, our wording of what the article reports"
    if paraphrase:
        text += (f" ({modes_breakdown(st[st['text_kind'] == 'paraphrase'])}). For a paraphrase "
                 f"the coding reads our words about the author's report, two steps from the "
                 f"speaker")
    return text + "."


def limit_translation(facts: Facts) -> str:
    """Translated quotations: what the source does not tell us."""
    quoted = facts.statements[facts.statements["text_kind"] == "verbatim"]
    if quoted.empty:
        return "**Quotations.** The tables hold no verbatim quotation."
    countries = quoted["speaker_country"].value_counts()
    country_words = join(f"{md(c)} ({number(int(n))})" for c, n in
                         sorted(countries.items(), key=lambda kv: (-kv[1], kv[0])))
    brackets = quoted[quoted["text"].str.contains("[", regex=False)]
    text = (f"**Translated quotations.** All {number(len(quoted))} verbatim quotations are "
            f"printed in English; their speakers are from {country_words}. The article does "
            f"not say in which language any of them was first said or written, whether the "
            f"English is the author's own translation, an official one or someone else's, or "
            f"where the author found the words. The data cannot tell, so every code that turns "
            f"on a word codes the English wording the article prints.")
    if len(brackets):
        text += (f" {capitalise(count(len(brackets), 'quotation'))} "
                 f"({ids(brackets['statement_id'])}) {plural(len(brackets), 'carries', 'carry')} "
                 f"a word in square brackets, inserted by the article, not said by the speaker.")
    return text


def limit_dates(facts: Facts) -> str:
    """Approximate dates: how many statements are undated or dated only to an interval."""
    st = facts.statements
    undated = st[st["date_precision"] == "unknown"]
    interval = st[st["date_precision"] == "interval"]
    open_ended = interval[interval["date_earliest"].map(_present)
                          != interval["date_latest"].map(_present)]
    exact = int((st["date_precision"] == "day").sum())
    other = len(st) - len(undated) - len(interval) - exact
    per_war, unplaced = [], []
    for w in facts.wars():
        frame = facts.of_conflict(w)
        start = str(facts.conflict(w)["date_start"])
        n_undated = int((frame["date_precision"] == "unknown").sum())
        per_war.append(f"{number(n_undated)} of the {number(len(frame))} on {md(facts.short(w))}")
        unplaced += [i for i, e in zip(frame["statement_id"], frame["date_earliest"])
                     if not _present(e) or str(e) < start]
    wars = facts.tables.conflicts[facts.tables.conflicts["date_start"].notna()]
    cited = int(wars["source_note"].map(_present).sum())
    no_end = [md(facts.short(w)) for w, end in zip(wars["conflict_id"], wars["date_end"])
              if not _present(end)]
    text = (f"**Approximate dates.** The article dates little of what it reports. Of the "
            f"{count(len(st), 'statement')}, {number(exact)} {plural(exact, 'is', 'are')} dated "
            f"to the day, {number(len(interval))} only to an interval derived from the text "
            f"({number(len(open_ended))} of those open at one end, known only to be after, or "
            f"before, some date)"
            + (f", {number(other)} to a month or a year" if other else "")
            + f", and {number(len(undated))} not at all ({join(per_war)}). ")
    if unplaced:
        text += (f"So {count(len(unplaced), 'statement')} on the wars ({ids(unplaced)}) cannot "
                 f"be placed before or after the day their war began: the data cannot say "
                 f"whether they were made before the fighting or during it. ")
    if cited:
        text += (f"The days the wars began and ended are not in the article at all; they come "
                 f"from outside sources, cited in the conflicts table"
                 + (f", and for {join(no_end)} no end is recorded" if no_end else "") + ".")
    return text.rstrip()


def limit_agreement(facts: Facts) -> str:
    """The width of the agreement intervals, from the agreement table."""
    rows = _agreement_rows(facts)
    table = facts.agreement
    n = int(rows["n_statements"].iloc[0])
    resamples = int(rows["bootstrap_resamples"].iloc[0])
    parts = [f"{_dimension_name(facts, r)}, alpha {decimal(r['alpha'])} (95% interval "
             f"{decimal(r['alpha_ci_low'])} to {decimal(r['alpha_ci_high'])}, a width of "
             f"{decimal(r['width'])})" for _, r in rows.iterrows()]
    widest = rows.loc[rows["width"].idxmax()]
    per_code = table[table["row_type"] == "binary_code"]
    low, high = per_code["alpha_ci_low"], per_code["alpha_ci_high"]
    undefined = per_code[per_code["alpha"].isna()]
    to_chance = per_code[low.notna() & (low <= 0)]
    never = to_chance[(to_chance["rules_count"].fillna(0) == 0) & (to_chance["hand_count"] > 0)]
    perfect = per_code[low.notna() & (low == 1) & (high == 1)]
    label = lambda c: facts.label("accountability_move", c)  # noqa: E731
    moves = []
    if len(to_chance):
        sentence = (f"for {number(len(to_chance))} of the {count(len(per_code), 'move')} "
                    f"({join(label(c) for c in to_chance['code'])}) the interval reaches down to "
                    f"agreement no better than chance (0)")
        if len(never):
            sentence += (f", and for {number(len(never))} of these "
                         f"({join(label(c) for c in never['code'])}) the dictionary never finds "
                         f"the move the hand coding gives")
        moves.append(sentence)
    if len(perfect):
        most = int(perfect["hand_count"].max())
        moves.append(f"for {number(len(perfect))} ({join(label(c) for c in perfect['code'])}) "
                     f"agreement is perfect in every resample, but each of these moves is made "
                     f"by at most {count(most, 'statement')}, so a perfect interval says little")
    if len(undefined):
        moves.append(f"for {number(len(undefined))} ({join(label(c) for c in undefined['code'])}) "
                     f"alpha is undefined: neither coding ever assigns "
                     f"{'it' if len(undefined) == 1 else 'them'}")
    not_coded = [label_in_sentence(facts.codebook.dimension(d)["label"])
                 for d in table.loc[table["row_type"] == "not_coded", "dimension"]]
    return (
        f"**Wide agreement intervals.** The hand codes were checked against an independent "
        f"dictionary of word patterns. Their agreement (Krippendorff's alpha, with a 95% "
        f"interval from {resamples} bootstrap resamples of the {n} statements) is, for "
        f"{'; for '.join(parts)}. The widest interval, for {_dimension_name(facts, widest)}, "
        f"covers {decimal(widest['width'])} of the distance between chance agreement (0) and "
        f"perfect agreement (1). Move by move, {'; '.join(moves)}. This checks the dictionary "
        f"against our reading of the statements. It is not agreement between two people: no "
        f"second person coded the statements"
        + (f", and {join(not_coded)} get no agreement statistic at all" if not_coded else "")
        + "."
    )


def limit_claims(facts: Facts) -> str:
    """Which of the article's claims rest on a single statement (from claim_evidence)."""
    t, st = facts.tables, facts.statements
    evidence = t.claim_evidence
    statement_rows = evidence[evidence["evidence_type"] == "statement"]
    per_claim = statement_rows.groupby("claim_id")["evidence_id"].apply(sorted)
    order = list(t.claims["claim_id"])
    single = [c for c in order if c in per_claim and len(per_claim[c]) == 1]
    speaker_of = st.set_index("statement_id")["speaker_short"]
    one_speaker = [c for c in order if c in per_claim and len(per_claim[c]) > 1
                   and speaker_of[per_claim[c]].nunique() == 1]
    events_only = [c for c in order if c not in per_claim and c in set(evidence["claim_id"])]
    nothing = [c for c in order if c not in set(evidence["claim_id"])]

    def single_text(c: str) -> str:
        others = evidence[(evidence["claim_id"] == c) & (evidence["evidence_type"] != "statement")]
        extra = f" with {ids(sorted(others['evidence_id']))}" if len(others) else ""
        return f"{c} (on {per_claim[c][0]}{extra})"

    text = (f"**Claims resting on a single statement.** Of the article's "
            f"{count(len(t.claims), 'claim')}, ")
    if single:
        text += (f"{number(len(single))} {plural(len(single), 'rests', 'rest')} on a single "
                 f"statement: {join(single_text(c) for c in single)}. ")
    else:
        text += "none rests on a single statement. "
    if one_speaker:
        text += (f"{capitalise(number(len(one_speaker)))} more "
                 f"{plural(len(one_speaker), 'rests', 'rest')} on several statements by a single "
                 f"speaker: "
                 + join(f"{c} ({ids(per_claim[c])}, all attributed to "
                        f"{md(speaker_of[per_claim[c][0]])})" for c in one_speaker) + ". ")
    if events_only:
        text += (f"{capitalise(number(len(events_only)))} "
                 f"{plural(len(events_only), 'rests', 'rest')} on events alone "
                 f"({ids(events_only)}), and ")
    else:
        text += "And "
    text += (f"{number(len(nothing))} on nothing in the tables ({ids(nothing)})." if nothing
             else "every claim rests on something in the tables.")
    text += (" Such claims can be checked against the tables only as far as that one "
             "statement, that one speaker or those events go.")
    return text


def limits(source=None) -> str:
    """What the data can and cannot support, with the numbers."""
    facts = _facts(source)
    return "\n\n".join([limit_source(facts), limit_statements(facts), limit_translation(facts),
                        limit_dates(facts), limit_agreement(facts), limit_claims(facts)]) + "\n"


#: Title of the closing section (no number, name or count in it, so it may be typed).
LIMITS_TITLE = "What the data can and cannot support"


def _catalogue(facts: Facts) -> list[tuple[str, str, object]]:
    """(key, title, function of facts) for every section, in reading order. Titles that
    name a war come from conflicts.csv."""
    names = [facts.short(w) for w in facts.wars()]
    items = [("introduction", "What the comparison rests on", introduction)]
    items += [(f"war:{w}", str(facts.conflict(w)["name"]),
               lambda f, w=w: war(f, w)) for w in facts.wars()]
    items += [("side_by_side", f"{join(names, 'against')}, point by point", side_by_side),
              ("outside", f"Outside the {'two ' if len(names) == 2 else ''}wars", outside_the_wars),
              ("claims", "The article's claims and what they rest on", claims_and_evidence),
              ("limits", LIMITS_TITLE, limits)]
    return items


def section_keys(source=None) -> list[str]:
    """The keys of :func:`section`, in reading order ('introduction', 'war:nk2020', …)."""
    return [key for key, _, _ in _catalogue(_facts(source))]


def war_keys(source=None) -> list[str]:
    return [key for key in section_keys(source) if key.startswith("war:")]


def section(source, key: str) -> str:
    """One section as Markdown, its heading first."""
    facts = _facts(source)
    for item_key, title, function in _catalogue(facts):
        if item_key == key:
            return f"{heading(title)}\n{function(facts)}"
    raise KeyError(f"no section {key!r}; the sections are {', '.join(section_keys(facts))}")


def sections(source=None) -> list[tuple[str, str]]:
    """The whole narrative: (title, Markdown body) in reading order."""
    facts = _facts(source)
    return [(title, function(facts)) for _, title, function in _catalogue(facts)]


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
                         "from it.", fix="run notebook 04 (python -m dronediplomacy.running.runner 04).")
    return pd.read_csv(manifest, dtype=str, keep_default_na=False)


def figure_number(stem: str) -> int:
    """'fig-03-move-profile' -> 3."""
    match = re.match(r"fig-(\d+)", stem)
    if not match:
        raise ValueError(f"not a figure stem: {stem!r}")
    return int(match.group(1))


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
    from dronediplomacy.reporting.figsave import screen_png  # imports matplotlib: only when a figure is embedded

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
    from dronediplomacy.analysis.comparison import column_titles

    path = Path(path)
    if not path.is_file():
        raise InputError(path, "is missing.",
                         fix="run notebook 04 (python -m dronediplomacy.running.runner 04).")
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    return (table.drop(columns="point").rename(columns=column_titles()).set_index("label")
            .rename_axis(None))


def comparison_styled(path: Path | str = COMPARISON_CSV):
    """:func:`comparison_display` as a pandas Styler for reading: text left-aligned and
    top-aligned, cells escaped, and a fixed id so the HTML is the same on every run."""
    return (comparison_display(path).style
            .format(escape="html")
            .set_uuid("comparison")
            .set_properties(**{"text-align": "left", "vertical-align": "top",
                               "white-space": "normal"})
            .set_table_styles([{"selector": "th", "props": [("text-align", "left"),
                                                            ("vertical-align", "top")]}]))


__all__: Sequence[str] = (
    "Facts", "gather", "sections", "section", "section_keys", "war_keys", "document",
    "introduction", "war", "side_by_side", "outside_the_wars", "claims_and_evidence", "limits",
    "limit_source", "limit_statements", "limit_translation", "limit_dates", "limit_agreement",
    "limit_claims", "figure_html", "comparison_display", "comparison_styled",
    "number", "count", "plural", "join", "capitalise", "signed", "decimal", "date_phrase",
)
