"""The rule-based coder: the dictionary in ``data/input/coder_patterns.yaml`` applied
to statements' text.

It is transparent (every code comes from a listed pattern; :func:`explain` shows
which) and independent of the hand coding (the dictionary was written from the
codebook's definitions, not fitted to the hand codes). It reads the text alone, so
it codes only what the text can decide: the accountability moves, the named agent
and the alignment. Speaker side and stance need the tables and are not coded here.

Speed (the target is 100,000 statements in under 3 s): every regular expression is
compiled once, when the dictionary is loaded; identical texts are coded once; an exact
word-level prefilter (:mod:`dronediplomacy.coding.wordfilter`) skips the (text, rule) pairs
that cannot match, so the expressions run only where they might; and they run in an
equivalent form that Python's engine searches faster (:func:`fast_equivalent`). Memory
stays bounded (a million statements in well under 1 GB): the distinct texts are coded
in slices, and the result is assembled without copies.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from dronediplomacy import paths
from dronediplomacy.coding.codebook import Codebook, line_of, load_codebook, load_yaml_strictly
from dronediplomacy.errors import InputError
from dronediplomacy.coding.wordfilter import WordFilter

PATTERNS_PATH = paths.DATA_INPUT / "coder_patterns.yaml"

#: Typographic quotes straightened before matching, so patterns need only ' and ".
_QUOTES = {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"'}
#: How far back (in characters) to look for a negator before a match. The token
#: window (three tokens) is what limits the scope; this only bounds the search, and
#: three tokens rarely span more than 40 characters.
_NEGATION_LOOKBACK_CHARS = 80
_TEXT_SEPARATOR = "\x01"
#: Distinct texts coded at a time: bounds the memory of the prefilter's word lists and
#: of the per-pattern result arrays (about 150 MB for 50,000 statements).
_TEXTS_PER_SLICE = 50_000


def normalise_text(text: str) -> str:
    """What the patterns are matched against: lower case, straight quotes."""
    text = text.lower()
    for typographic, straight in _QUOTES.items():
        text = text.replace(typographic, straight)
    return text


def _normalise_all(texts) -> list[str]:
    """normalise_text for many texts, in one pass over the joined corpus (much faster
    than one call per text); per text if a text contains the separator."""
    texts = list(texts)
    joined = _TEXT_SEPARATOR.join(texts)
    if joined.count(_TEXT_SEPARATOR) != max(len(texts) - 1, 0):
        return [normalise_text(text) for text in texts]
    return normalise_text(joined).split(_TEXT_SEPARATOR) if texts else []


# --------------------------------------------------------------------------- rules

def _is_negated(text: str, start: int, negation: re.Pattern) -> bool:
    """Does a negator stand within the negation window before position ``start``?"""
    return negation.search(text, max(0, start - _NEGATION_LOOKBACK_CHARS), start) is not None


# --------------------------------------------------------------------------- faster search

_QUANTIFIER_STARTS = ("?", "*", "+", "{")


def _skip_class(source: str, i: int) -> int:
    """Index just past the character class that opens at ``source[i]`` ('['); -1 if it
    is not closed."""
    i += 1
    if source[i:i + 1] == "^":
        i += 1
    if source[i:i + 1] == "]":  # a ']' first in a class is a literal
        i += 1
    while i < len(source) and source[i] != "]":
        i += 2 if source[i] == "\\" else 1
    return i + 1 if i < len(source) else -1


def _top_level(source: str) -> tuple[list[str], int] | None:
    """Read ``source`` up to the parenthesis that closes the group it is the inside of
    (or to its end): the top-level alternatives found, and the index of that closing
    parenthesis (``len(source)`` if none). None if a class or group is not closed."""
    alternatives, depth, start, i = [], 0, 0, 0
    while i < len(source):
        char = source[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            i = _skip_class(source, i)
            if i < 0:
                return None
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                break
            depth -= 1
        elif char == "|" and depth == 0:
            alternatives.append(source[start:i])
            start = i + 1
        i += 1
    if depth != 0:
        return None
    alternatives.append(source[start:i])
    return alternatives, i


def _boundary_moved(alternative: str) -> str:
    """The same as ``\b`` + ``alternative``, with the word-boundary test made right after
    the first character when that is a lower-case letter that no quantifier follows:
    ``our`` -> ``o(?<=\bo)ur`` (the boundary before the 'o', tested one step later)."""
    first, second = alternative[:1], alternative[1:2]
    if "a" <= first <= "z" and not second.startswith(_QUANTIFIER_STARTS):
        return f"{first}(?<=\\b{first}){alternative[1:]}"
    return "\\b" + alternative


def fast_equivalent(source: str) -> str:
    """A pattern that matches exactly where ``source`` matches (the same spans, from any
    start position) but that Python's regular-expression engine searches faster.

    The engine jumps ahead quickly only to a literal (or to one of a set of first
    characters) that the pattern starts with; a leading ``\b`` hides it, so the engine
    tries every position. So a leading ``\b`` before a lower-case letter is moved behind
    that letter as a one-character look-behind (``\bour`` -> ``o(?<=\bo)ur``: the same
    test, of the same position), and a leading ``\b(?:a|b)`` is first distributed over
    the group's alternatives (``(?:\ba|\bb)``). Anything else is returned unchanged.
    """
    if not source.startswith("\\b") or source.startswith("\\b\\"):
        return source
    rest = source[2:]
    if rest.startswith("(?:"):
        read = _top_level(rest[3:])
        if read is None:
            return source
        alternatives, closing = read
        after = rest[3 + closing + 1:]
        if 3 + closing >= len(rest) or after.startswith(_QUANTIFIER_STARTS) \
                or not all(alternatives):
            return source
        return "(?:" + "|".join(_boundary_moved(a) for a in alternatives) + ")" + after
    return _boundary_moved(rest) if "a" <= rest[:1] <= "z" else source


def _matches_unnegated(text: str, pattern: re.Pattern, negation: re.Pattern,
                       first: re.Match | None = None) -> bool:
    """Does ``pattern`` match ``text`` at least once with no negator before it?
    (``first``: the first match, if already found.)"""
    match = first or pattern.search(text)
    while match is not None:
        if not _is_negated(text, match.start(), negation):
            return True
        match = pattern.search(text, max(match.end(), match.start() + 1))
    return False


@dataclass(frozen=True)
class Rule:
    """One code's patterns, compiled (``each``, in the order of ``sources``).

    The rule fires when some pattern matches with no negator close before it in the
    same clause, no rejection pattern matches, and the context rule (if any) fires.
    """

    dimension: str
    code: str
    sources: tuple[str, ...]
    each: tuple[re.Pattern, ...]
    negation: re.Pattern
    rejection: re.Pattern | None
    context: "Rule | None"

    def is_negated(self, text: str, start: int) -> bool:
        return _is_negated(text, start, self.negation)

    def matches(self, text: str, pattern: re.Pattern) -> bool:
        """Does ``pattern`` (one of ``each``) match the text at least once un-negated?"""
        return _matches_unnegated(text, pattern, self.negation)

    def survives_exclusions(self, text: str) -> bool:
        """No rejection pattern matches, and the context (if any) is present."""
        if self.rejection is not None and self.rejection.search(text):
            return False
        return self.context is None or self.context.fires(text)

    def fires(self, text: str) -> bool:
        """True if the (normalised) text triggers this rule."""
        if not any(self.matches(text, pattern) for pattern in self.each):
            return False
        return self.survives_exclusions(text)


@dataclass(frozen=True)
class Dictionary:
    """The compiled dictionary: one rule per move; ordered rules for the single-valued
    dimensions, each with a default."""

    path: Path
    version: str
    codebook_version: str
    move_ids: tuple[str, ...]
    moves: tuple[Rule, ...]
    named_agent_rules: tuple[Rule, ...]
    named_agent_default: str
    alignment_rules: tuple[Rule, ...]
    alignment_default: str
    alignment_values: dict
    negation: re.Pattern
    any_negator: str            # a pattern matching any negator, for the prefilter
    #: every distinct pattern of the rules and of their context rules, compiled, in
    #: first-seen order (several rules share patterns, e.g. a move and an alignment
    #: level; each runs once)
    compiled: dict[str, re.Pattern] = field(init=False, repr=False, compare=False)
    #: the same patterns, by the same sources, compiled from :func:`fast_equivalent`
    #: (identical matches, faster searches): what :func:`code_statements` runs
    fast: dict[str, re.Pattern] = field(init=False, repr=False, compare=False)
    #: every distinct rejection pattern (one per rule that has any), by its source
    rejections: dict[str, re.Pattern] = field(init=False, repr=False, compare=False)
    word_filter: WordFilter = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        compiled, rejections = {}, {}
        for rule in self.rules:
            for part in (rule, rule.context):
                if part is None:
                    continue
                for source, pattern in zip(part.sources, part.each):
                    compiled.setdefault(source, pattern)
                if part.rejection is not None:
                    rejections.setdefault(part.rejection.pattern, part.rejection)
        object.__setattr__(self, "compiled", compiled)
        object.__setattr__(self, "fast", {source: re.compile(fast_equivalent(source))
                                          for source in compiled})
        object.__setattr__(self, "rejections", rejections)
        # The prefilter's columns: every distinct pattern, "any negator", then every
        # rejection pattern.
        object.__setattr__(self, "word_filter",
                           WordFilter([*compiled, self.any_negator, *rejections]))

    @property
    def rules(self) -> tuple[Rule, ...]:
        """Every rule, in a fixed order: the moves, then named_agent's, then alignment's."""
        return (*self.moves, *self.named_agent_rules, *self.alignment_rules)


# --------------------------------------------------------------------------- loading

def _negation_patterns(path: Path, negation: dict) -> tuple[re.Pattern, str]:
    window = negation.get("window_tokens")
    if not isinstance(window, int) or isinstance(window, bool) or window < 1:
        raise InputError(path, "negation.window_tokens must be a whole number >= 1.",
                         row=line_of(negation, "window_tokens"), column="negation.window_tokens",
                         fix="write a whole number, e.g. window_tokens: 3.")
    negators = negation.get("negators")
    if not isinstance(negators, list) or not negators:
        raise InputError(path, "negation.negators must be a non-empty list of patterns.",
                         row=line_of(negation, "negators"), column="negation.negators",
                         fix="list the negator patterns, one '- ' item each.")
    for index, negator in enumerate(negators):
        _compile(path, negator, negators, index, "negation.negators")
    alternatives = "|".join(f"(?:{n})" for n in negators)
    # A negator, then up to window-1 intervening tokens, then the end of the searched
    # slice (the start of the match). The gaps may not cross clause punctuation: a
    # negation's scope ends at , ; : . ! ?
    gap = r"[^\w,;:.!?]+"
    scope = re.compile(rf"\b(?:{alternatives})\b(?:{gap}\w+){{0,{window - 1}}}?{gap}\Z")
    # Any negator at all: the prefilter uses it to spare the scope pattern in texts
    # that contain no negator (most of them).
    anywhere = rf"\b(?:{alternatives})\b"
    return scope, anywhere


def _compile(path: Path, source, container, index, where: str) -> re.Pattern:
    if not isinstance(source, str) or not source:
        raise InputError(path, f"{where}[{index}] must be a non-empty pattern string.",
                         row=line_of(container, index), column=where,
                         fix="write the pattern in single quotes, e.g. - 'our drones?'.")
    try:
        return re.compile(source)
    except re.error as error:
        raise InputError(path, f"{where}[{index}] is not a valid regular expression: {error}.",
                         row=line_of(container, index), column=where,
                         fix="close every bracket and parenthesis; write \\( for a literal "
                             "parenthesis.") from None


def _pattern_list(path: Path, spec: dict, key: str, where: str, *, required: bool) -> list[str]:
    if key not in spec:
        if required:
            raise InputError(path, f"{where} needs a non-empty '{key}' list.", row=line_of(spec),
                             column=f"{where}.{key}", fix=f"add '{key}:' with one pattern or more.")
        return []
    sources = spec[key]
    if not isinstance(sources, list) or not sources:
        raise InputError(path, f"{where}.{key} must be a non-empty list.", row=line_of(spec, key),
                         column=f"{where}.{key}", fix="list the patterns, one '- ' item each.")
    for index, source in enumerate(sources):
        _compile(path, source, sources, index, f"{where}.{key}")
    return sources


def _build_rule(path: Path, dimension: str, code: str, spec, where: str,
                negation: re.Pattern) -> Rule:
    if not isinstance(spec, dict):
        raise InputError(path, f"{where} must be a mapping with 'patterns'.",
                         row=line_of(spec), column=where,
                         fix="indent 'patterns:' and its list under it.")
    unknown = set(spec) - {"code", "patterns", "rejection_patterns", "context_patterns"}
    if unknown:
        raise InputError(path, f"{where}: unknown keys {sorted(unknown)}.", row=line_of(spec),
                         column=where, fix="keep only code, patterns, rejection_patterns and "
                                           "context_patterns.")
    sources = _pattern_list(path, spec, "patterns", where, required=True)
    rejections = _pattern_list(path, spec, "rejection_patterns", where, required=False)
    contexts = _pattern_list(path, spec, "context_patterns", where, required=False)
    context = None
    if contexts:
        context = _build_rule(path, dimension, code, {"patterns": contexts},
                              f"{where}.context_patterns", negation)
    return Rule(
        dimension=dimension, code=code, sources=tuple(sources),
        each=tuple(re.compile(s) for s in sources),
        negation=negation,
        rejection=re.compile("|".join(f"(?:{s})" for s in rejections)) if rejections else None,
        context=context,
    )


def _ordered_rules(path: Path, data: dict, dimension: str, codebook: Codebook,
                   negation: re.Pattern):
    spec = data.get(dimension)
    if not isinstance(spec, dict):
        raise InputError(path, f"needs a '{dimension}' mapping with 'rules' and 'default'.",
                         row=line_of(data, dimension if dimension in data else None),
                         column=dimension, fix=f"restore the '{dimension}' section (from git).")
    known = codebook.code_ids(dimension)
    default = spec.get("default")
    if default not in known:
        raise InputError(path, f"{dimension}.default {default!r} is not a code of {dimension}; "
                               f"known codes: {', '.join(known)}.",
                         row=line_of(spec, "default"), column=f"{dimension}.default",
                         fix=f"write one of: {', '.join(known)}.")
    rules = spec.get("rules")
    if not isinstance(rules, list) or not rules:
        raise InputError(path, f"{dimension}.rules must be a non-empty list.",
                         row=line_of(spec, "rules"), column=f"{dimension}.rules",
                         fix="list the rules, each starting with '- code:'.")
    compiled = []
    for index, rule in enumerate(rules):
        where = f"{dimension}.rules[{index}]"
        code = rule.get("code") if isinstance(rule, dict) else None
        if code not in known:
            raise InputError(path, f"{where}: unknown code {code!r}; known codes: "
                                   f"{', '.join(known)}.", row=line_of(rules, index),
                             column=f"{where}.code",
                             fix="use a code id of that dimension in codebook.yaml.")
        compiled.append(_build_rule(path, dimension, code, rule, where, negation))
    return tuple(compiled), default


def load_dictionary(path: Path | str = PATTERNS_PATH, codebook: Codebook | None = None) -> Dictionary:
    """Load, validate against the codebook, and compile the dictionary.

    InputError (file, line, key) for a YAML problem, a codebook version mismatch, a
    move without patterns, a pattern for an unknown code, or an invalid expression.
    """
    path = Path(path)
    codebook = codebook or load_codebook()
    data = load_yaml_strictly(path)
    for key in ("version", "codebook_version"):
        if not isinstance(data.get(key), str):
            raise InputError(path, f"needs '{key}' as a quoted version string.",
                             row=line_of(data, key if key in data else None), column=key,
                             fix=f'write {key}: "1.0.0" (with the quotes).')
    if data["codebook_version"] != codebook.version:
        raise InputError(path, f"written for codebook {data['codebook_version']}, but the "
                               f"codebook is {codebook.version}.",
                         row=line_of(data, "codebook_version"), column="codebook_version",
                         fix="review the patterns against the new definitions, then update "
                             "codebook_version.")
    negation = data.get("negation")
    if not isinstance(negation, dict):
        raise InputError(path, "needs a 'negation' mapping.", row=line_of(data),
                         column="negation", fix="restore the 'negation' section (from git).")
    negation_pattern, any_negator = _negation_patterns(path, negation)

    moves_spec = data.get("accountability_move")
    if not isinstance(moves_spec, dict):
        raise InputError(path, "needs an 'accountability_move' mapping, one entry per move.",
                         row=line_of(data), column="accountability_move",
                         fix="restore the 'accountability_move' section (from git).")
    move_ids = codebook.move_ids
    for code in moves_spec:
        if code not in move_ids:
            raise InputError(path, f"unknown accountability move {code!r}; the codebook's moves "
                                   f"are: {', '.join(move_ids)}.", row=line_of(moves_spec, code),
                             column=f"accountability_move.{code}",
                             fix="use a move id of codebook.yaml (check the spelling).")
    missing = [code for code in move_ids if code not in moves_spec]
    if missing:
        raise InputError(path, f"no patterns for the moves {missing}.",
                         row=line_of(moves_spec), column="accountability_move",
                         fix="give every move of the codebook an entry with 'patterns:'.")
    moves = tuple(_build_rule(path, "accountability_move", code, moves_spec[code],
                              f"accountability_move.{code}", negation_pattern) for code in move_ids)
    agent_rules, agent_default = _ordered_rules(path, data, "named_agent", codebook, negation_pattern)
    alignment_rules, alignment_default = _ordered_rules(path, data, "alignment", codebook,
                                                        negation_pattern)
    return Dictionary(path=path, version=data["version"], codebook_version=data["codebook_version"],
                      move_ids=tuple(move_ids), moves=moves,
                      named_agent_rules=agent_rules, named_agent_default=agent_default,
                      alignment_rules=alignment_rules, alignment_default=alignment_default,
                      alignment_values=codebook.ordinal_values("alignment"),
                      negation=negation_pattern, any_negator=any_negator)


@functools.lru_cache(maxsize=4)
def _cached_default(path: Path, mtime_ns: int) -> Dictionary:
    return load_dictionary(path)


def default_dictionary() -> Dictionary:
    """The repository's dictionary, compiled once per process (recompiled if the file
    changes)."""
    return _cached_default(PATTERNS_PATH, PATTERNS_PATH.stat().st_mtime_ns)


# --------------------------------------------------------------------------- coding

def output_columns(dictionary: Dictionary, id_column: str = "id") -> list[str]:
    """The columns of a coding, in order: id, one 0/1 per move, named_agent, alignment."""
    return [id_column, *dictionary.move_ids, "named_agent", "alignment"]


def code_statements(statements: pd.DataFrame, dictionary: Dictionary | None = None, *,
                    id_column: str = "id", text_column: str = "text") -> pd.DataFrame:
    """Code every statement: one row per input row, in input order.

    Returns ``id_column``, one 0/1 integer column per accountability move (named by
    its codebook id, in codebook order), ``named_agent`` (a codebook code) and
    ``alignment`` (an integer from -2 to 2). Missing text is coded as empty text.
    """
    dictionary = dictionary or default_dictionary()
    texts = statements[text_column].fillna("").astype(str)
    # Code each distinct text once; map the results back to every row.
    row_to_unique, unique_texts = pd.factorize(texts, use_na_sentinel=False)
    unique_texts = np.asarray(unique_texts, dtype=object)
    # In slices of distinct texts, so that memory stays bounded however many there are
    # (each text is coded on its own: slicing changes no code).
    parts = [_code_distinct(unique_texts[first:first + _TEXTS_PER_SLICE].tolist(), dictionary)
             for first in range(0, max(len(unique_texts), 1), _TEXTS_PER_SLICE)]
    coded = {column: np.concatenate([part[column] for part in parts]) for column in parts[0]}
    del parts

    # The arrays are new, so the frame may keep them as they are (copy=False: no
    # consolidating copy, which for a million rows is a hundred megabytes).
    result = pd.DataFrame({column: coded.pop(column)[row_to_unique] for column in list(coded)},
                          copy=False)
    result.insert(0, id_column, statements[id_column].to_numpy())
    result["named_agent"] = result["named_agent"].astype(str)
    columns = output_columns(dictionary, id_column)
    return result if list(result.columns) == columns else result[columns]


def _code_distinct(texts: list[str], dictionary: Dictionary) -> dict[str, np.ndarray]:
    """The codes of each text (as given, before normalisation): one array per output
    column except the id, in the order of ``texts``."""
    normalised = _normalise_all(texts)
    candidates = dictionary.word_filter.candidates(normalised)
    column_of = {source: column for column, source in
                 enumerate([*dictionary.compiled, None, *dictionary.rejections])}
    negation = dictionary.negation
    may_hold_negator = candidates[:, len(dictionary.compiled)]

    # Each distinct pattern is run at most once per text, only where the prefilter
    # allows, and only for texts some rule still needs it for. A match counts unless
    # negated (_matches_unnegated); in texts that cannot contain a negator the first
    # match decides.
    hits = {source: np.zeros(len(normalised), dtype=bool) for source in dictionary.compiled}
    known = {source: np.zeros(len(normalised), dtype=bool) for source in dictionary.compiled}

    def pattern_hits(source: str, among: np.ndarray) -> np.ndarray:
        needed = among & candidates[:, column_of[source]]
        todo = np.flatnonzero(needed & ~known[source])
        pattern = dictionary.fast[source]
        search = pattern.search
        without_negator = todo[~may_hold_negator[todo]]
        hits[source][without_negator] = [search(normalised[i]) is not None
                                         for i in without_negator.tolist()]
        with_negator = todo[may_hold_negator[todo]]
        hits[source][with_negator] = [_matches_unnegated(normalised[i], pattern, negation)
                                      for i in with_negator.tolist()]
        known[source][todo] = True
        return hits[source] & needed

    def rejected(source: str, among: np.ndarray) -> np.ndarray:
        """Where a rejection pattern matches at all (negated or not), among ``among``."""
        found = np.zeros(len(normalised), dtype=bool)
        todo = np.flatnonzero(among & candidates[:, column_of[source]])
        search = dictionary.rejections[source].search
        found[todo] = [search(normalised[i]) is not None for i in todo.tolist()]
        return found

    def any_pattern(rule: Rule, among: np.ndarray) -> np.ndarray:
        """Where some pattern of ``rule`` matches un-negated, among ``among``."""
        found = np.zeros(len(normalised), dtype=bool)
        for source in rule.sources:  # a text matched by one pattern needs no other
            found |= pattern_hits(source, among & ~found)
        return found

    def fires(rule: Rule, among: np.ndarray) -> np.ndarray:
        """Rule.fires for every text of ``among`` (False elsewhere). (Not recursive: a
        closure that calls itself would keep this slice's arrays alive until the next
        garbage collection.)"""
        fired = any_pattern(rule, among)
        # Rule.survives_exclusions: no rejection pattern matches, and the context fires.
        if rule.rejection is not None and fired.any():
            fired &= ~rejected(rule.rejection.pattern, fired)
        context = rule.context
        if context is not None and fired.any():
            present = any_pattern(context, fired)
            if context.rejection is not None or context.context is not None:
                indices = np.flatnonzero(present)  # context rules have neither, as built
                present[indices] = [context.survives_exclusions(normalised[i]) for i in indices]
            fired &= present
        return fired

    def first_rule_that_fires(ordered: tuple[Rule, ...], default: str) -> np.ndarray:
        decided = np.full(len(normalised), default, dtype=object)
        undecided = np.ones(len(normalised), dtype=bool)
        for rule in ordered:
            fired = fires(rule, undecided)
            decided[fired] = rule.code
            undecided &= ~fired
        return decided

    everything = np.ones(len(normalised), dtype=bool)
    coded: dict[str, np.ndarray] = {rule.code: fires(rule, everything).astype(np.int64)
                                    for rule in dictionary.moves}
    coded["named_agent"] = first_rule_that_fires(dictionary.named_agent_rules,
                                                 dictionary.named_agent_default)
    alignment_codes = first_rule_that_fires(dictionary.alignment_rules, dictionary.alignment_default)
    coded["alignment"] = np.array([dictionary.alignment_values[c] for c in alignment_codes],
                                  dtype=np.int64)
    return coded


def explain(text: str, dictionary: Dictionary | None = None) -> pd.DataFrame:
    """Why the dictionary codes ``text`` as it does: one row per pattern that matched.

    Columns: dimension, code, pattern, matched (the matched words), negated (a
    negator stood before the match), rejected (a rejection pattern of the same rule
    matched), counted (the match contributed to the code).
    """
    dictionary = dictionary or default_dictionary()
    normalised = normalise_text(text)
    rows = []
    for rule in dictionary.rules:
        rejected = bool(rule.rejection and rule.rejection.search(normalised))
        context_ok = rule.context is None or rule.context.fires(normalised)
        for source, compiled in zip(rule.sources, rule.each):
            for match in compiled.finditer(normalised):
                negated = rule.is_negated(normalised, match.start())
                rows.append({"dimension": rule.dimension, "code": rule.code, "pattern": source,
                             "matched": match.group(0), "negated": negated, "rejected": rejected,
                             "counted": not negated and not rejected and context_ok})
    columns = ["dimension", "code", "pattern", "matched", "negated", "rejected", "counted"]
    return pd.DataFrame(rows, columns=columns)
