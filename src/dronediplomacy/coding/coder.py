"""The rule-based coder: the dictionary ``data/input/coder_patterns.yaml`` applied to
statements' text alone, so it codes only the accountability moves, the named agent and the
alignment. Transparent (:func:`explain` shows the pattern behind every code) and written from
the codebook's definitions, not fitted to the hand codes. Patterns match
:func:`dronediplomacy.text.normalise`\\ d text (the normalisation source verification uses):
lower case, ' and " for every apostrophe and quotation mark, single spaces.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dronediplomacy import paths
from dronediplomacy.coding.codebook import Codebook, check, line_of, load_codebook, load_yaml_strictly
from dronediplomacy.inputs.bad_inputs import input_error
from dronediplomacy.text import normalise

PATTERNS_PATH = paths.DATA_INPUT / "coder_patterns.yaml"
#: How far back (in characters) to look for a negator before a match. The token window
#: is what limits the scope; this only bounds the search.
_NEGATION_LOOKBACK_CHARS = 80
EVIDENCE_COLUMNS = ["dimension", "code", "pattern", "matched", "negated", "rejected", "counted"]


@dataclass(frozen=True)
class Rule:
    """One code's patterns (sources). The rule fires when a pattern matches with no
    negator close before it in the same clause, no rejection pattern matches at all, and
    (if there are context patterns) a context pattern matches un-negated."""

    dimension: str
    code: str
    patterns: tuple[str, ...]
    rejections: tuple[str, ...]
    contexts: tuple[str, ...]


@dataclass(frozen=True)
class Dictionary:
    """The validated dictionary: one rule per move, then the ordered rules of named_agent and
    of alignment (for each, the first that fires decides, else its default)."""

    path: Path
    version: str
    codebook_version: str
    rules: tuple[Rule, ...]  # the moves' (codebook order), named_agent's, alignment's
    defaults: dict  # named_agent and alignment -> the code given when none of their rules fires
    alignment_values: dict
    negation: re.Pattern
    compiled: dict  # every distinct pattern source -> its compiled expression
    by_start: dict  # literal -> the sources it is one of the literal_starts of
    unfiltered: frozenset  # the sources whose literal_starts cannot be read

    @property
    def move_ids(self) -> tuple[str, ...]:
        return tuple(rule.code for rule in self.rules if rule.dimension == "accountability_move")


# --------------------------------------------------------------------------- coding

_MASK = re.compile(r"\\.|\[\^?\]?(?:\\.|[^\]])*\]")  # an escape or a [...] class
_LITERAL = re.compile(r"[^\\()\[\]{}|.^$?*+]+")


def literal_starts(source: str) -> frozenset[str] | None:
    """Strings one of which every match of the pattern ``source`` begins with, read from
    the start of each top-level alternative: a literal, or a ``(?:...)`` group whose
    alternatives begin so, after any ``\\b`` (a literal's last character is dropped where
    ``?``, ``*`` or ``{`` makes it optional); None if some alternative begins otherwise.
    The coder runs a pattern only on texts that contain one of them: the same codes,
    sooner (tests/test_coder.py checks that on random texts)."""
    masked = _MASK.sub(lambda match: "_" * len(match[0]), source)  # positions kept

    def split(start: int, end: int) -> list[tuple[int, int]]:  # top-level alternatives
        depth, cuts = 0, [start - 1]
        for i in range(start, end):
            depth += (masked[i] == "(") - (masked[i] == ")")
            cuts += [i] if masked[i] == "|" and depth == 0 else []
        return list(zip([c + 1 for c in cuts], cuts[1:] + [end]))

    def starts(start: int, end: int) -> list[str] | None:
        while source.startswith("\\b", start, end):
            start += 2
        if source.startswith("(?:", start, end):
            depth, close = 0, start
            while close < end and (depth := depth + (masked[close] == "(") - (masked[close] == ")")):
                close += 1
            if close >= end or source[close + 1:close + 2] in ("?", "*", "{"):
                return None
            read = [starts(*part) for part in split(start + 3, close)]
            return None if None in read else [s for strings in read for s in strings]
        literal = _LITERAL.match(source, start, end)
        if literal is None:
            return None
        text = literal[0][:-1] if source[literal.end():literal.end() + 1] in ("?", "*", "{") \
            else literal[0]
        return [text] if text else None

    read = [starts(*part) for part in split(0, len(source))]
    return None if None in read or not read else frozenset(s for strings in read for s in strings)


def code_text(text: str, dictionary: Dictionary) -> tuple[dict, list[tuple]]:
    """The codes of one statement, and the evidence for them: ``codes`` (move id -> 0/1 in
    codebook order, then ``named_agent`` -> a code and ``alignment`` -> an integer from -2 to 2)
    and ``evidence`` (one tuple per match of a rule's pattern, in rule order, with the fields of
    :data:`EVIDENCE_COLUMNS`)."""
    text = normalise(text)
    # Only patterns one of whose literal starts occurs in the text can match.
    candidates = dictionary.unfiltered.union(
        *map(dictionary.by_start.__getitem__, filter(text.__contains__, dictionary.by_start)))
    found = {}  # pattern source -> [(matched words, negated)], for the sources that matched
    for source in candidates:
        if hits := [(match.group(0), dictionary.negation.search(
                text, max(0, match.start() - _NEGATION_LOOKBACK_CHARS), match.start()) is not None)
                for match in dictionary.compiled[source].finditer(text)]:
            found[source] = hits

    def affirmed(sources) -> bool:
        return any(not negated for source in sources for _, negated in found.get(source, ()))

    codes, evidence, decided = {}, [], {}
    for rule in dictionary.rules:
        move = rule.dimension == "accountability_move"
        if found.keys().isdisjoint(rule.patterns):  # nothing matched: the rule cannot fire
            codes.update({rule.code: 0} if move else {})
            continue
        rejected = not found.keys().isdisjoint(rule.rejections)
        context = not rule.contexts or affirmed(rule.contexts)
        fired = affirmed(rule.patterns) and not rejected and context
        if move:
            codes[rule.code] = int(fired)
        elif fired:
            decided.setdefault(rule.dimension, rule.code)
        evidence += [(rule.dimension, rule.code, source, matched, negated, rejected,
                      not negated and not rejected and context)
                     for source in rule.patterns for matched, negated in found.get(source, ())]
    codes.update({dimension: decided.get(dimension, default)
                  for dimension, default in dictionary.defaults.items()})
    codes["alignment"] = dictionary.alignment_values[codes["alignment"]]
    return codes, evidence


def evidence_text(evidence: list[tuple]) -> str:
    """The words behind each code given (``private_agency: 'a private firm'; named_agent=
    turkish_company: 'a private firm'``), from :func:`code_text`'s counted matches: every move
    coded 1, and for named_agent and alignment the code that decided (its first rule fired)."""
    words: dict = {}  # (dimension, code) -> matched words, in order, once each
    decided: dict = {}
    for dimension, code, _pattern, matched, _negated, _rejected, counted in evidence:
        if counted and (dimension == "accountability_move"
                        or decided.setdefault(dimension, code) == code):
            words.setdefault((dimension, code), {})[matched] = None
    return "; ".join((code if dimension == "accountability_move" else f"{dimension}={code}")
                     + ": " + ", ".join(f"'{m}'" for m in matched)
                     for (dimension, code), matched in words.items())


def code_statements(statements: pd.DataFrame, dictionary: Dictionary | None = None, *,
                    id_column: str = "id", text_column: str = "text",
                    evidence: bool = False) -> pd.DataFrame:
    """Code every statement: one row per input row, in input order, with ``id_column``, one 0/1
    int column per accountability move (its codebook id, codebook order), ``named_agent`` (a
    code) and ``alignment`` (an integer from -2 to 2); with ``evidence``, a last column
    ``evidence`` (:func:`evidence_text`). Missing text is coded as empty text; identical texts once."""
    dictionary = dictionary or load_dictionary()
    row_to_text, texts = pd.factorize(statements[text_column].fillna("").astype(str))
    records = []  # plain tuples: a million dicts with their evidence would double the memory
    for text in texts:
        codes, found = code_text(text, dictionary)
        records.append((*codes.values(), evidence_text(found)) if evidence else tuple(codes.values()))
    columns = [*dictionary.move_ids, "named_agent", "alignment", *(["evidence"] if evidence else [])]
    coded = pd.DataFrame.from_records(records, columns=columns, nrows=len(texts))
    coded = coded.astype({column: "int64" for column in columns if column not in ("named_agent", "evidence")})
    coded = coded.take(row_to_text).reset_index(drop=True)
    coded.insert(0, id_column, statements[id_column].to_numpy())
    coded["named_agent"] = coded["named_agent"].astype(str)
    return coded


def explain(text: str, dictionary: Dictionary | None = None) -> pd.DataFrame:
    """Why the dictionary codes ``text`` as it does: one row per pattern match, with dimension,
    code, pattern, matched (the words), negated (a negator stood before the match), rejected (a
    rejection pattern of the same rule matched), counted (the match contributed to the code)."""
    return pd.DataFrame(code_text(text, dictionary or load_dictionary())[1],
                        columns=EVIDENCE_COLUMNS)


# --------------------------------------------------------------------------- loading

def load_dictionary(path: Path | str = PATTERNS_PATH, codebook: Codebook | None = None) -> Dictionary:
    """Load the dictionary, validate it against the codebook, compile its patterns. InputError
    (file, line, key, fix) for a YAML problem (a value of the wrong type included), a codebook
    version mismatch, a move without patterns, a pattern for an unknown code, or an invalid
    expression."""
    path = Path(path)
    codebook = codebook or load_codebook()
    data = load_yaml_strictly(path)
    check(path, data, "coder_patterns")  # its shape: coding/schemas/coder_patterns.yaml
    if data["codebook_version"] != codebook.version:
        raise input_error("dictionary other codebook", path, row=line_of(data, "codebook_version"),
                          column="codebook_version", found=data["codebook_version"], version=codebook.version)
    moves = data["accountability_move"]
    if unknown := [code for code in moves if code not in codebook.move_ids]:
        raise input_error("dictionary unknown move", path, row=line_of(moves, unknown[0]), code=unknown[0],
                          column=f"accountability_move.{unknown[0]}", moves=", ".join(codebook.move_ids))
    if missing := [code for code in codebook.move_ids if code not in moves]:
        raise input_error("dictionary move without patterns", path, row=line_of(data, "accountability_move"),
                          column="accountability_move", missing=missing)
    for dimension in ("named_agent", "alignment"):
        known = codebook.code_ids(dimension)
        spec = data[dimension]
        for container, key, where in [(spec, "default", f"{dimension}.default"),
                                      *((rule, "code", f"{dimension}.rules[{index}].code")
                                        for index, rule in enumerate(spec["rules"], 1))]:
            if container[key] not in known:
                raise input_error("dictionary unknown code", path, row=line_of(container, key), column=where,
                                  code=container[key], dimension=dimension, known=", ".join(known))

    compiled: dict = {}  # every distinct pattern source -> its compiled expression

    def sources(spec: dict, key: str, where: str) -> tuple[str, ...]:
        """The patterns of ``spec[key]`` (none if absent), each compiled once."""
        for index, source in enumerate(spec.get(key, ())):
            try:
                compiled.setdefault(source, re.compile(source))
            except re.error as error:
                raise input_error("dictionary bad pattern", path, row=line_of(spec[key], index),
                                  column=f"{where}.{key}", number=index + 1, error=error) from None
        return tuple(spec.get(key, ()))

    def rule(dimension: str, code: str, spec: dict, where: str) -> Rule:
        return Rule(dimension, code, *(sources(spec, key, where) for key in
                                       ("patterns", "rejection_patterns", "context_patterns")))

    negation = data["negation"]
    # A negator, then up to window-1 intervening tokens, then the end of the searched slice
    # (the start of the match); the gaps may not cross clause punctuation (, ; : . ! ?).
    negators = "|".join(f"(?:{n})" for n in sources(negation, "negators", "negation"))
    gap = r"[^\w,;:.!?]+"
    scope = re.compile(rf"\b(?:{negators})\b(?:{gap}\w+){{0,{int(negation['window_tokens']) - 1}}}?"
                       rf"{gap}\Z")
    rules = [rule("accountability_move", code, moves[code], f"accountability_move.{code}")
             for code in codebook.move_ids]
    rules += [rule(dimension, spec["code"], spec, f"{dimension}.rules[{index}]")
              for dimension in ("named_agent", "alignment")
              for index, spec in enumerate(data[dimension]["rules"], 1)]
    by_start, unfiltered = {}, set()  # see Dictionary
    for source in compiled:
        starts = literal_starts(source)
        unfiltered.update([] if starts else [source])
        for start in starts or ():
            by_start[start] = by_start.get(start, frozenset()) | {source}
    return Dictionary(path, data["version"], data["codebook_version"], tuple(rules),
                      {dimension: data[dimension]["default"] for dimension in ("named_agent", "alignment")},
                      codebook.ordinal_values("alignment"), scope, compiled, by_start,
                      frozenset(unfiltered))

