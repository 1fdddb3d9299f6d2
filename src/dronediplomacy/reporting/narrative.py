"""The comparison told in prose: ``templates/narrative/`` filled from the tables, summaries, notebook
03's agreement table and SIPRI. House style (the filters below): counts under ten in words; statistics,
dates and ids in digits; "undefined" for a missing statistic; lists "A, B and C"; verbatim quotations
then "(st09, ¶6)"; a true minus sign. Usage: ``facts = gather()``, then ``section(facts, key)``."""

import base64
import functools
import html
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from fnmatch import fnmatch
from pathlib import Path
from typing import Iterable

import jinja2
import pandas as pd
import yaml

from dronediplomacy import paths, pipeline
from dronediplomacy.analysis import summaries
from dronediplomacy.analysis.comparison import column_titles, signed as _signed
from dronediplomacy.coding import agreement as agreement_stats
from dronediplomacy.coding.codebook import CODEBOOK_PATH, Codebook, load_codebook
from dronediplomacy.coding.coder import PATTERNS_PATH, code_statements, load_dictionary
from dronediplomacy.errors import InputError
from dronediplomacy.inputs import sipri
from dronediplomacy.inputs.bad_inputs import input_error
from dronediplomacy.inputs.schemas import CLAIM_TYPES, MODES
from dronediplomacy.inputs.tables import Tables, load_tables

MANIFEST_CSV = paths.FIGURES / "manifest.csv"
TEMPLATES = Path(__file__).parent / "templates" / "narrative"
CSS_PX_PER_INCH = 120
LIMITS_TITLE = "What the data can and cannot support"
#: A web address or corpus table cited in a date_derivation: the date rests on an outside source.
OUTSIDE_CITATION = re.compile(r"https?://|\bcorpus_\w+\.csv\b")

WORDS = yaml.safe_load((TEMPLATES / "words.yaml").read_text(encoding="utf-8"))
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>$|])")
#: A line break inside a paragraph of a template (not before a blank line or a list item).
UNWRAP = re.compile(r"(?<=[^\n])\n(?=[^\n-])")


def present(value) -> bool:
    """A cell holds something (not None, NaN or blank)."""
    return bool(pd.notna(value)) and str(value).strip() != ""


def number(n: int) -> str:
    """A count as the prose writes it: words from zero to nine, digits from 10."""
    n = int(n)
    return WORDS["numbers"][n] if 0 <= n < len(WORDS["numbers"]) else str(n).replace("-", "\u2212")


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """The form of a noun (or verb) that goes with ``n``: ``singular`` for exactly one."""
    return singular if int(n) == 1 else (plural_form or singular + "s")


def count(n: int, singular: str, plural_form: str | None = None) -> str:
    """'no statements', 'one statement', 'two statements', '16 statements'."""
    return f"{'no' if int(n) == 0 else number(n)} {plural(n, singular, plural_form)}"


def amount(n: int) -> str:
    """A count standing alone: 'none', 'one', …, '12'."""
    return "none" if int(n) == 0 else number(n)


def listing(items: Iterable, conjunction: str = "and") -> str:
    """'A', 'A and B', 'A, B and C' (no comma before the conjunction); '' for none."""
    items = [str(i) for i in items]
    return "".join(items) if len(items) <= 1 else f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """'Insisted that …' -> 'insisted that …'; 'NATO …' stays."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def label_in_sentence(label: str) -> str:
    """'Credit claiming' -> 'credit claiming'; 'Turkish state' (WORDS['proper']) stays."""
    return label if label.split(" ", 1)[0] in WORDS["proper"] else lower_first(label)


def signed(value: float, decimals: int = 0) -> str:
    """+2, 0, −1; +1.5, −1.6 (decimals=1); 'undefined' for a missing value."""
    return _signed(value, decimals) if present(value) else "undefined"


def decimal(value: float, decimals: int = 2) -> str:
    """0.78, −0.07: a statistic, in digits; 'undefined' for a missing value."""
    return f"{float(value):.{decimals}f}".replace("-", "\u2212") if present(value) else "undefined"


def md(text: object) -> str:
    """Text from a table, safe in Markdown (characters Markdown would interpret escaped)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def quote(text: str) -> str:
    """A verbatim quotation in curly double quotes, Markdown-safe."""
    return f"\u201c{md(text)}\u201d"


def day(value: str) -> str:
    """'2020-09-27' -> '27 September 2020'."""
    d = date.fromisoformat(str(value))
    return f"{d.day} {WORDS['months'][d.month - 1]} {d.year}"


def day_range(first: str, last: str) -> str:
    """'27 September to 10 November 2020'; the first year is written only if it differs."""
    a, b = date.fromisoformat(str(first)), date.fromisoformat(str(last))
    return f"{a.day} {WORDS['months'][a.month - 1]}{'' if a.year == b.year else f' {a.year}'} to {day(last)}"


def date_phrase(earliest, latest, precision: str) -> str:
    """'on 24 February 2026', 'in February 2026', 'in 2014', 'between 27 September and
    10 November 2020', 'no earlier than …', 'no later than …', or 'undated'."""
    early, late = present(earliest), present(latest)
    if not (early and late):
        return ("undated" if not (early or late) else
                f"no earlier than {day(earliest)}" if early else f"no later than {day(latest)}")
    first = date.fromisoformat(str(earliest))
    if precision == "day" or str(earliest) == str(latest):
        return f"on {day(earliest)}"
    if precision in ("month", "year"):
        return f"in {WORDS['months'][first.month - 1] + ' ' if precision == 'month' else ''}{first.year}"
    return f"between {day_range(earliest, latest).replace(' to ', ' and ')}"


def ids(values: Iterable) -> str:
    """'st08, st09 and st10' (unique, in the order given)."""
    return listing(dict.fromkeys(str(v) for v in values))


FILTERS = {f.__name__: f for f in (number, plural, count, amount, listing, capitalise, lower_first, day,
                                   label_in_sentence, signed, decimal, md, quote, day_range, ids, present)}


def jinja(templates: Path | str, **filters) -> jinja2.Environment:
    """A Jinja2 environment of ``templates`` with ``filters``; undefined is jinja2.UndefinedError."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(templates), undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                             extensions=["jinja2.ext.do"])
    env.filters.update(filters)
    return env


def environment(templates: Path | str = TEMPLATES) -> jinja2.Environment:
    """:func:`jinja` with the filters above and the test ``present``: the prose's environment."""
    env = jinja(templates, **FILTERS, rows=lambda frame: frame.to_dict("records"),
                side=lambda side: WORDS["sides"].get(side, str(side).replace("_", " ")), h=html.escape)
    env.tests["present"] = present
    return env


@dataclass(frozen=True, eq=False)
class Facts:
    """Everything the prose is computed from. ``statements``: statements.csv joined to
    :func:`summaries.coded_statements` and the speaker's names."""

    tables: Tables
    codebook: Codebook
    statements: pd.DataFrame
    pushback: pd.DataFrame        # summaries.pushback
    agreement: pd.DataFrame       # the agreement table of notebook 03
    deliveries: pd.DataFrame      # SIPRI armed-UAV deliveries per recipient and year
    sipri: dict                   # summaries.war_deliveries: war id -> its SIPRI context
    sipri_generated: str | None
    war_rows: pd.DataFrame        # summaries.wars: the rows of conflicts.csv of the wars
    templates: Path = TEMPLATES

    @functools.cached_property
    def env(self) -> jinja2.Environment:
        """:func:`environment` with these facts as ``f`` and their helpers."""
        env = environment(self.templates)
        env.globals.update(f=self, label=self.label, cite=self.cite, short=self.short,
                           date_phrase=date_phrase, moves_of=self.moves_of, present=present,
                           dated_outside=dated_outside,
                           labels=lambda dimension, codes: [self.label(dimension, c) for c in codes])
        env.filters["dimension_label"] = lambda d: label_in_sentence(self.codebook.dimension(d)["label"])
        return env

    def render(self, template: str, **values) -> str:
        """``<template>.md.j2`` filled with ``values`` and ``f`` (these facts), each paragraph on
        one line. jinja2.UndefinedError for an undefined variable."""
        text = self.env.get_template(f"{template}.md.j2").render(**values)
        return UNWRAP.sub(" ", text).rstrip() + "\n"

    def label(self, dimension: str, code: str) -> str:
        """A code's label in a sentence: 'credit claiming', 'co-belligerence' (no number)."""
        label = summaries.code_labels(self.codebook, dimension).get(code)
        if label is None:
            return str(code).replace("_", " ")
        return label_in_sentence(re.sub(r"^[+\-\u2212]?\d+\s+", "", label))

    @property
    def sources(self) -> pd.DataFrame:
        """The rows of sources.csv the statements, events and claims come from."""
        used = set().union(*(self.tables.frame(name)["source_id"]
                             for name in ("statements", "events", "claims")))
        return self.tables.sources[self.tables.sources["source_id"].isin(used)]

    def cite(self, row_id: str, paragraph, source_id: str | None = None) -> str:
        """'(st09, ¶6)'; with several sources, '(st09, Oliver ¶6)' (the source's author)."""
        if len(self.sources) > 1 and source_id is not None:
            author = self.sources.set_index("source_id").loc[source_id, "author"]
            return f"({row_id}, {md(str(author).split()[-1])} \u00b6{int(paragraph)})"
        return f"({row_id}, \u00b6{int(paragraph)})"

    def conflict(self, conflict_id: str) -> pd.Series:
        return self.tables.conflicts.set_index("conflict_id").loc[conflict_id]

    def short(self, conflict_id: str) -> str:
        return summaries.conflict_short(conflict_id, self.conflict(conflict_id)["name"])

    def wars(self) -> list[str]:
        return list(self.war_rows["conflict_id"])

    def outside(self) -> list[str]:
        return [c for c in self.tables.conflicts["conflict_id"] if c not in self.wars()]

    def of_conflict(self, conflict_id: str, side: str | None = None) -> pd.DataFrame:
        """The statements on a conflict (``side``: 'turkey' or 'others' for one side only)."""
        st = self.statements[self.statements["conflict_id"] == conflict_id]
        if side is None:
            return st
        turkish = st["speaker_side"] == summaries.TURKISH_SIDE
        return st[turkish if side == summaries.TURKISH_SIDE else ~turkish]

    def tally(self, frame: pd.DataFrame, dimension: str) -> str:
        """'credit claiming (one), …': the codes of ``dimension`` (accountability_move or
        named_agent) among ``frame``'s statements, most frequent first, then codebook order."""
        n = (frame[self.codebook.move_ids].sum() if dimension == "accountability_move" else
             frame[dimension].value_counts().reindex(self.codebook.code_ids(dimension), fill_value=0))
        n = {code: int(k) for code, k in n.items() if k}
        return listing(f"{self.label(dimension, c)} ({number(n[c])})" for c in sorted(n, key=lambda c: -n[c]))

    def modes(self, frame: pd.DataFrame) -> str:
        """'three direct quotations and two reported statements' (schema order of modes)."""
        n = frame["mode"].value_counts()
        return listing(count(int(n[m]), *WORDS["modes"].get(m, (m.replace("_", " "),) * 2))
                    for m in MODES if m in n)

    def speakers(self, frame: pd.DataFrame, titled: bool = False) -> str:
        """'Recep Tayyip Erdoğan (two), Azerbaijan (one)', in order of first appearance."""
        n = frame.groupby("speaker_titled" if titled else "speaker_bare", sort=False).size()
        return listing(f"{md(name)} ({number(k)})" for name, k in n.items())

    def moves_of(self, statement_ids) -> list[str]:
        """The moves any of the statements makes, in codebook order."""
        made = self.statements.set_index("statement_id").loc[list(statement_ids), self.codebook.move_ids]
        return [m for m in self.codebook.move_ids if made[m].any()]

    def placement(self) -> tuple[list[str], list[str]]:
        """The war statements dated before their war began, and those not placeable."""
        st = self.war_rows[["conflict_id", "date_start"]].merge(self.statements, on="conflict_id")
        start = st["date_start"].astype(str)
        before = st["date_latest"].map(present) & (st["date_latest"].astype(str) < start)
        after = st["date_earliest"].map(present) & (st["date_earliest"].astype(str) >= start)
        return list(st.loc[before, "statement_id"]), list(st.loc[~before & ~after, "statement_id"])

    def n_moves(self, frame: pd.DataFrame) -> int:
        return int(frame[self.codebook.move_ids].to_numpy().sum())

    @functools.cached_property
    def claims(self) -> list[dict]:
        """Each row of claims.csv with ``evidence`` (statement ids, then event ids, each
        sorted), ``statements`` (the former) and ``conflicts`` (a frozenset)."""
        t = self.tables
        ev = t.claim_evidence.sort_values(["evidence_type", "evidence_id"], ascending=[False, True])
        conflict_of = {**dict(zip(t.statements["statement_id"], t.statements["conflict_id"])),
                       **dict(zip(t.events["event_id"], t.events["conflict_id"]))}
        out = []
        for claim in t.claims.to_dict("records"):
            rows = ev[ev["claim_id"] == claim["claim_id"]]
            out.append({**claim, "evidence": list(rows["evidence_id"]),
                        "statements": list(rows.loc[rows["evidence_type"] == "statement", "evidence_id"]),
                        "conflicts": frozenset(conflict_of[e] for e in rows["evidence_id"])})
        return out


def _speakers(tables: Tables) -> pd.DataFrame:
    rows = []
    for actor_id, a in tables.actors.set_index("actor_id").iterrows():
        role, titled = (a["role"] if present(a["role"]) else ""), str(a["name"])
        if a["actor_type"] == "person" and role and a["relation_to_turkish_state"] in ("state", "foreign"):
            titled = re.sub(r"^(.*?)\s*\(then\)$", r"then \1", role, flags=re.S) + f" {a['name']}"
        elif role:
            titled = f"{a['name']} ({lower_first(role)})"
        rows.append({"actor_id": actor_id, "speaker_bare": re.sub(r"\s*\([^()]*\)", "", str(a["name"])).strip(),
                     "speaker_titled": titled, "speaker_country": a["country"]})
    return pd.DataFrame(rows)


def writer_of(relative_path: str) -> str:
    """The notebook (pipeline.yaml) that writes ``relative_path`` (e.g. data/derived/agreement.csv)."""
    for nb in pipeline.NOTEBOOKS:
        if any(fnmatch(relative_path, pattern) for pattern in nb.writes):
            return nb.name
    raise RuntimeError(f"no notebook in pipeline.yaml writes {relative_path}")


def read_derived(name: str, folder: Path | str | None = None, **read_csv) -> pd.DataFrame:
    """The table ``<name>.csv`` a notebook wrote to ``folder`` (default data/derived/), empty cells
    missing, other text as written (unless ``read_csv`` says otherwise). InputError naming the
    notebook to run if it is missing."""
    path = Path(folder or paths.DATA_DERIVED) / f"{name}.csv"
    if not path.is_file():
        notebook = writer_of(f"data/derived/{name}.csv")
        raise input_error("output missing", path, notebook=notebook, number=notebook[:2])
    return pd.read_csv(path, **{"keep_default_na": False, "na_values": [""], **read_csv})


def _agreement(tables: Tables, codebook: Codebook, coded: pd.DataFrame) -> pd.DataFrame:
    """The agreement of rule and hand coding (``coded``), for data/input/ checked against agreement.csv."""
    folder = Path(tables.input_dir)
    dictionary = load_dictionary(folder / PATTERNS_PATH.name, codebook=codebook)
    rules = code_statements(tables.statements, dictionary, id_column="statement_id", text_column="text")
    hand = coded[["statement_id", *codebook.move_ids, "named_agent"]].assign(
        alignment=coded["alignment_value"].astype(int))
    fresh = agreement_stats.agreement_table(hand, rules, codebook)
    if folder.resolve() != paths.DATA_INPUT.resolve():
        return fresh
    table, path = read_derived("agreement"), paths.DATA_DERIVED / "agreement.csv"
    if path.read_text(encoding="utf-8") != fresh.to_csv(index=False, lineterminator="\n"):
        raise input_error("agreement stale", path)
    return table


def gather(source: Tables | Path | str | None = None, *, agreement_table: pd.DataFrame | None = None,
           sipri_csv: Path | str = summaries.SIPRI_CSV, templates: Path | str = TEMPLATES) -> Facts:
    """Everything the prose needs from ``source`` (Tables, or a folder of tables, codebook and
    hand coding; default data/input/). ``agreement_table`` if given, else computed (for data/input/
    checked against agreement.csv: InputError if missing or stale). ``templates``: a reworded copy."""
    tables = source if isinstance(source, Tables) else load_tables(source or paths.DATA_INPUT)
    codebook = load_codebook(Path(tables.input_dir) / CODEBOOK_PATH.name)
    coded = summaries.coded_statements(tables, codebook)
    statements = (tables.statements.drop(columns=["source_id", "conflict_id", "actor_id"])
                  .merge(coded, on="statement_id").merge(_speakers(tables), on="actor_id", how="left"))
    export = sipri.read_trade_register(sipri_csv)
    deliveries, per_war = summaries.war_deliveries(tables, export)
    agreement = agreement_table if agreement_table is not None else _agreement(tables, codebook, coded)
    return Facts(tables=tables, codebook=codebook, statements=statements,
                 pushback=summaries.pushback(tables, coded), agreement=agreement,
                 deliveries=deliveries, sipri=per_war, sipri_generated=export.attrs.get("generated"),
                 war_rows=summaries.wars(tables), templates=Path(templates))


def _facts(source) -> Facts:
    return source if isinstance(source, Facts) else gather(source)


def introduction(source=None) -> str:
    """What the comparison rests on: sources, tables, statements and how they were coded."""
    return _facts(source).render("introduction")


def war(source, conflict_id: str) -> str:
    """One war: posture, statements and codes, pushback, SIPRI context, the claims on it."""
    facts = _facts(source)
    return facts.render("war", conflict_id=conflict_id,
                        claims=[c for c in facts.claims if c["conflicts"] == {conflict_id}])


def point_by_point(source=None) -> str:
    """The wars compared, one bullet per point (also the README's "Findings")."""
    facts = _facts(source)
    turkish = {w: facts.of_conflict(w, "turkey") for w in facts.wars()}
    means = {w: float(t["alignment_value"].astype(int).mean()) for w, t in turkish.items() if len(t)}
    shared = [m for m in facts.codebook.move_ids if turkish and all(t[m].sum() for t in turkish.values())]
    return facts.render("point_by_point", turkish=turkish, means=means, shared=shared,
                        answers=facts.pushback.dropna(subset=["answers_id"]))


def side_by_side(source=None) -> str:
    """The wars compared point by point, then the source's claims that span them."""
    facts = _facts(source)
    return facts.render("side_by_side", points=point_by_point(facts),
                        claims=[c for c in facts.claims if set(facts.wars()) <= c["conflicts"]])


def outside_the_wars(source=None) -> str:
    """The statements and events that belong to neither war."""
    facts = _facts(source)
    names = {c: re.sub(r"\s*\([^()]*\)$", "", str(facts.conflict(c)["name"])) for c in facts.outside()}
    return facts.render("outside", names=names)


def claims_and_evidence(source=None) -> str:
    """The claims by type, what they rest on, and those not listed with a war."""
    facts = _facts(source)
    wars = set(facts.wars())
    uses = Counter(i for c in facts.claims for i in c["statements"])
    top = max(uses.values(), default=0)
    return facts.render("claims", claim_types=CLAIM_TYPES, top=top, uses=uses,
                        most=sorted(i for i, n in uses.items() if n == top),
                        rest=[c for c in facts.claims if not (len(c["conflicts"]) == 1
                              and c["conflicts"] <= wars) and not wars <= c["conflicts"]])


def dated_outside(statements: pd.DataFrame) -> tuple[list[str], list[str]]:
    """``(direct, through)``: ids of statements whose date_derivation cites an outside source
    (:data:`OUTSIDE_CITATION`) or names a statement so dated."""
    derivation = dict(zip(statements["statement_id"], statements["date_derivation"].fillna("")))
    direct = [i for i, text in derivation.items() if OUTSIDE_CITATION.search(text)]
    outside, more = set(), set(direct)
    while more:
        outside |= more
        more = {i for i, text in derivation.items() if i not in outside
                and any(re.search(rf"\b{re.escape(o)}\b", text) for o in outside)}
    return direct, [i for i in derivation if i in outside and i not in direct]


#: The limits, in reading order (templates/narrative/limit_<name>.md.j2).
LIMITS = ("source", "statements", "translation", "dates", "agreement", "claims")


def limit(name: str, source=None) -> str:
    """The limit ``name`` (one of LIMITS) as Markdown."""
    return _facts(source).render(f"limit_{name}").strip()


def sections(source=None) -> dict[str, tuple[str, object]]:
    """Every section in reading order: key -> (title, function of the facts giving its body)."""
    facts = _facts(source)
    names = [facts.short(w) for w in facts.wars()]
    return {"introduction": ("What the comparison rests on", introduction),
            **{f"war:{w}": (str(facts.conflict(w)["name"]), lambda f, w=w: war(f, w)) for w in facts.wars()},
            "side_by_side": (f"{listing(names, 'against')}, point by point", side_by_side),
            "outside": (f"Outside the {'two ' if len(names) == 2 else ''}wars", outside_the_wars),
            "claims": ("The source's claims and what they rest on", claims_and_evidence),
            "limits": (LIMITS_TITLE, lambda f: "\n\n".join(limit(name, f) for name in LIMITS) + "\n")}


def war_keys(source=None) -> list[str]:
    """The wars' section keys ('war:nk2020', …), in reading order."""
    return [key for key in sections(source) if key.startswith("war:")]


def section(source, key: str) -> str:
    """One section as Markdown, its '## ' heading first (KeyError for an unknown key)."""
    facts = _facts(source)
    catalogue = sections(facts)
    if key not in catalogue:
        raise KeyError(f"no section {key!r}; the sections are {', '.join(catalogue)}")
    title, body = catalogue[key]
    return f"## {md(title)}\n\n{body(facts)}"


def document(source=None) -> str:
    """The whole narrative as one Markdown text."""
    facts = _facts(source)
    return "\n".join(section(facts, key) for key in sections(facts))


def figure_html(stem: str) -> str:
    """A figure for the narrative page (templates/narrative/figure.html.j2): the screen PNG
    as a data URI, with the manifest's alt text and caption. InputError if its row is missing."""
    from dronediplomacy.reporting import style  # imports matplotlib
    from dronediplomacy.reporting.figures import read_manifest, screen_png

    row = next((r for r in read_manifest(MANIFEST_CSV) if r["stem"] == stem), None)
    if row is None:
        raise InputError(MANIFEST_CSV, f"has no figure {stem!r}.",
                         fix="run notebooks 04 and 05, which write the figures and their manifest.")
    png, inches = screen_png(MANIFEST_CSV.parent / f"{stem}.png")
    return environment().get_template("figure.html.j2").render(
        row=row, data=base64.b64encode(png).decode("ascii"), number=int(stem[4:6]),
        width=round(inches * CSS_PX_PER_INCH),
        caption_width=round(style.TWO_COLUMN * CSS_PX_PER_INCH)).rstrip("\n")  # the widest figure


def comparison_styled():
    """Notebook 04's comparison table (a row per point, a column per war) as a pandas Styler,
    cells escaped, with a fixed id (the same HTML on every run). InputError if it is missing."""
    table = read_derived("comparison", dtype=str, na_values=None)  # every cell as written
    table = table.drop(columns="point").rename(columns=column_titles()).set_index("label").rename_axis(None)
    return (table.style.format(escape="html").set_uuid("comparison")
            .set_properties(**{"text-align": "left", "vertical-align": "top", "white-space": "normal"})
            .set_table_styles([{"selector": "th", "props": "text-align: left; vertical-align: top;"}]))
