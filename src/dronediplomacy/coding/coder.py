"""The rule-based coder: the dictionary in ``data/input/coder_patterns.yaml`` applied
to statements' text.

It is transparent (every code comes from a listed pattern; :func:`explain` shows
which) and independent of the hand coding (the dictionary was written from the
codebook's definitions, not fitted to the hand codes). It reads the text alone, so it
codes only the accountability moves, the named agent and the alignment.

One function, :func:`code_text`, decides a statement's codes and records the evidence
(which pattern matched which words, negated or not); :func:`code_statements` and
:func:`explain` are both built on it. Identical texts are coded once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dronediplomacy import paths
from dronediplomacy.coding.codebook import Codebook, line_of, load_codebook, load_yaml_strictly
from dronediplomacy.errors import InputError

PATTERNS_PATH = paths.DATA_INPUT / "coder_patterns.yaml"
#: Typographic quotes straightened before matching, so patterns need only ' and ".
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"'})
#: How far back (in characters) to look for a negator before a match. The token window
#: is what limits the scope; this only bounds the search.
_NEGATION_LOOKBACK_CHARS = 80
REQUIRED = ("patterns", "negators")  # the pattern lists that may not be left out
EVIDENCE_COLUMNS = ["dimension", "code", "pattern", "matched", "negated", "rejected", "counted"]


def normalise_text(text: str) -> str:
    """What the patterns are matched against: lower case, straight quotes."""
    return text.lower().translate(_QUOTES)


@dataclass(frozen=True)
class Rule:
    """One code's patterns (sources). The rule fires when a pattern matches with no
    negator close before it in the same clause, no rejection pattern matches at all, and
    (if there are context patterns) a context pattern matches un-negated."""

    dimension: str
    code: str
    patterns: tuple[str, ...]
    rejections: tuple[str, ...] = ()
    contexts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Dictionary:
    """The validated dictionary: one rule per move; ordered rules (the first that fires
    decides, else the default) for named_agent and alignment."""

    path: Path
    version: str
    codebook_version: str
    moves: tuple[Rule, ...]
    named_agent_rules: tuple[Rule, ...]
    named_agent_default: str
    alignment_rules: tuple[Rule, ...]
    alignment_default: str
    alignment_values: dict
    negation: re.Pattern
    #: every distinct pattern source -> (its compiled expression, its literal_starts)
    compiled: dict
    starts: frozenset  # every literal that a match of some pattern may begin with

    @property
    def move_ids(self) -> tuple[str, ...]:
        return tuple(rule.code for rule in self.moves)

    @property
    def rules(self) -> tuple[Rule, ...]:
        """Every rule, in a fixed order: the moves, then named_agent's, then alignment's."""
        return (*self.moves, *self.named_agent_rules, *self.alignment_rules)


# --------------------------------------------------------------------------- coding

_SPECIAL = set("\\[](){}|.^$?*+")


def _alternatives(source: str) -> list[str] | None:
    """The top-level alternatives of a pattern (split at each ``|`` outside groups and
    classes); None if a group or class is not closed where expected."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(source):
        char = source[i]
        if char == "\\":
            if i + 1 == len(source):
                return None  # an escape cut in two: not a group's end
            i += 1
        elif char == "[":  # skip the class: a ']' first in it is literal; mind escapes
            i += 2 if source[i + 1:i + 2] == "^" else 1
            i += source[i:i + 1] == "]"
            while i < len(source) and source[i] != "]":
                i += 2 if source[i] == "\\" else 1
            if i >= len(source):
                return None
        elif char in "()":
            depth += 1 if char == "(" else -1
        elif char == "|" and depth == 0:
            parts.append(source[start:i])
            start = i + 1
        i += 1
    return parts + [source[start:]] if depth == 0 else None


def literal_starts(source: str) -> frozenset[str] | None:
    """Strings one of which every match of the pattern ``source`` begins with, read from
    its leading literal characters and ``(?:a|b)`` groups; None if none can be read. The
    coder runs a pattern only on texts that contain one of them: the same codes, sooner.
    """
    read = _starts(source)
    return frozenset(read[0]) if read and all(read[0]) else None


def _starts(source: str) -> tuple[list[str], bool] | None:
    """(strings, whole) for a pattern or group body: every match begins with one of the
    strings; ``whole`` if the strings are the only possible matches."""
    strings, whole = [], True
    for alternative in _alternatives(source) or ():
        read = _sequence_starts(alternative)
        if read is None:
            return None
        strings += read[0]
        whole &= read[1]
    return (strings, whole) if strings else None


def _sequence_starts(text: str) -> tuple[list[str], bool] | None:
    while text.startswith("\\b"):  # a word boundary is zero-width
        text = text[2:]
    if not text:
        return [""], True
    if text.startswith("(?:"):
        close = next((i for i in range(3, len(text)) if text[i] == ")"
                      and _alternatives(text[3:i]) is not None), None)
        head = _starts(text[3:close]) if close else None
        rest = text[close + 1:] if close else ""
        if head is None or rest[:1] in ("*", "+", "{"):
            return None
        if rest[:1] == "?":  # optional: a match begins in the group or after it
            after = _sequence_starts(rest[1:])
            return None if after is None else (head[0] + after[0], False)
    else:
        literal = ""
        for char in text:
            if char in _SPECIAL:
                break
            literal += char
        rest = text[len(literal):]
        if rest[:1] in ("?", "*", "{"):  # the last character is optional
            return ([literal[:-1]], False) if literal[:-1] else None
        if not literal:
            return None
        if rest[:1] != "(":
            return [literal], not rest
        head = ([literal], True)
    if not head[1] or not rest:
        return head
    after = _sequence_starts(rest)
    if after is None or len(head[0]) * len(after[0]) > 30:
        return head[0], False
    return [h + t for h in head[0] for t in after[0]], after[1]


def code_text(text: str, dictionary: Dictionary) -> tuple[dict, list[tuple]]:
    """The codes of one statement, and the evidence for them.

    Returns ``codes`` (move id -> 0/1 in codebook order, then ``named_agent`` -> a code
    and ``alignment`` -> an integer from -2 to 2) and ``evidence``: one tuple per match of
    a rule's pattern, in rule order, with the fields of :data:`EVIDENCE_COLUMNS`.
    """
    text = normalise_text(text)
    negation = dictionary.negation
    found = {}  # pattern source -> [(matched words, negated)]
    present = set(filter(text.__contains__, dictionary.starts))
    for source, (pattern, starts) in dictionary.compiled.items():
        if starts and starts.isdisjoint(present):
            continue  # the pattern cannot match: no match could begin
        hits = [(match.group(0),
                 negation.search(text, max(0, match.start() - _NEGATION_LOOKBACK_CHARS),
                                 match.start()) is not None)
                for match in pattern.finditer(text)]
        if hits:
            found[source] = hits

    def affirmed(sources) -> bool:
        return any(not negated for source in sources for _, negated in found.get(source, ()))

    codes, evidence, decided = {}, [], {}
    for rule in dictionary.rules:
        if found.keys().isdisjoint(rule.patterns):  # nothing matched: the rule cannot fire
            codes.setdefault(rule.code, 0) if rule.dimension == "accountability_move" else None
            continue
        rejected = any(source in found for source in rule.rejections)
        context = not rule.contexts or affirmed(rule.contexts)
        fired = affirmed(rule.patterns) and not rejected and context
        if rule.dimension == "accountability_move":
            codes[rule.code] = int(fired)
        elif fired:
            decided.setdefault(rule.dimension, rule.code)
        evidence += [(rule.dimension, rule.code, source, matched, negated, rejected,
                      not negated and not rejected and context)
                     for source in rule.patterns for matched, negated in found.get(source, ())]
    codes["named_agent"] = decided.get("named_agent", dictionary.named_agent_default)
    codes["alignment"] = dictionary.alignment_values[decided.get("alignment",
                                                                 dictionary.alignment_default)]
    return codes, evidence


def output_columns(dictionary: Dictionary, id_column: str = "id") -> list[str]:
    """The columns of a coding, in order: id, one 0/1 per move, named_agent, alignment."""
    return [id_column, *dictionary.move_ids, "named_agent", "alignment"]


def code_statements(statements: pd.DataFrame, dictionary: Dictionary | None = None, *,
                    id_column: str = "id", text_column: str = "text") -> pd.DataFrame:
    """Code every statement: one row per input row, in input order.

    Returns ``id_column``, one 0/1 integer column per accountability move (named by its
    codebook id, in codebook order), ``named_agent`` (a codebook code) and ``alignment``
    (an integer from -2 to 2). Missing text is coded as empty text.
    """
    dictionary = dictionary or load_dictionary()
    columns = output_columns(dictionary, id_column)
    row_to_text, texts = pd.factorize(statements[text_column].fillna("").astype(str))
    coded = pd.DataFrame.from_records(
        [tuple(code_text(text, dictionary)[0].values()) for text in texts],
        columns=columns[1:], nrows=len(texts))
    coded = coded.astype({column: "int64" for column in columns[1:] if column != "named_agent"})
    coded = coded.take(row_to_text).reset_index(drop=True)
    coded.insert(0, id_column, statements[id_column].to_numpy())
    coded["named_agent"] = coded["named_agent"].astype(str)
    return coded


def explain(text: str, dictionary: Dictionary | None = None) -> pd.DataFrame:
    """Why the dictionary codes ``text`` as it does: one row per pattern match.

    Columns: dimension, code, pattern, matched (the matched words), negated (a negator
    stood before the match), rejected (a rejection pattern of the same rule matched),
    counted (the match contributed to the code).
    """
    return pd.DataFrame(code_text(text, dictionary or load_dictionary())[1],
                        columns=EVIDENCE_COLUMNS)


# --------------------------------------------------------------------------- loading

def _fail(path: Path, container, key, problem: str, fix: str, column: str) -> InputError:
    return InputError(path, problem, row=line_of(container, key), column=column, fix=fix)


def _patterns(path: Path, spec, key: str, where: str, compiled: dict) -> tuple[str, ...]:
    """A list of patterns of the dictionary, each compiled once into ``compiled``."""
    sources = spec.get(key, [])
    if not isinstance(sources, list) or not sources and (key in spec or key in REQUIRED):
        raise _fail(path, spec, key if key in spec else None, f"{where} needs a non-empty "
                    f"'{key}' list.", "list the patterns, one '- ' item each.", f"{where}.{key}")
    for index, source in enumerate(sources):
        if not isinstance(source, str) or not source:
            raise _fail(path, sources, index, f"{where}.{key}[{index}] must be a non-empty "
                        "pattern string.", "write the pattern in single quotes, e.g. - 'our "
                        "drones?'.", f"{where}.{key}")
        try:
            compiled.setdefault(source, (re.compile(source), literal_starts(source)))
        except re.error as error:
            raise _fail(path, sources, index, f"{where}.{key}[{index}] is not a valid regular "
                        f"expression: {error}.", "close every bracket and parenthesis; write \\( "
                        "for a literal parenthesis.", f"{where}.{key}") from None
    return tuple(sources)


def _rule(path: Path, dimension: str, code: str, spec, where: str, compiled: dict) -> Rule:
    if not isinstance(spec, dict):
        raise _fail(path, spec, None, f"{where} must be a mapping with 'patterns'.",
                    "indent 'patterns:' and its list under it.", where)
    unknown = set(spec) - {"code", "patterns", "rejection_patterns", "context_patterns"}
    if unknown:
        raise _fail(path, spec, None, f"{where}: unknown keys {sorted(unknown)}.", "keep only "
                    "code, patterns, rejection_patterns and context_patterns.", where)
    return Rule(dimension, code, *(_patterns(path, spec, key, where, compiled) for key in
                                   ("patterns", "rejection_patterns", "context_patterns")))


def _ordered_rules(path: Path, data: dict, dimension: str, codebook: Codebook, compiled: dict):
    spec = data.get(dimension)
    if not isinstance(spec, dict) or not isinstance(spec.get("rules"), list) or not spec["rules"]:
        raise _fail(path, data, dimension if dimension in data else None, f"needs a "
                    f"'{dimension}' mapping with a non-empty 'rules' list and a 'default'.",
                    f"restore the '{dimension}' section (from git).", dimension)
    known = codebook.code_ids(dimension)
    rules = []
    for index, rule in enumerate([spec, *spec["rules"]]):
        where = f"{dimension}.default" if index == 0 else f"{dimension}.rules[{index - 1}]"
        code = spec.get("default") if index == 0 else rule.get("code") if isinstance(rule, dict) \
            else None
        if code not in known:
            raise _fail(path, spec if index == 0 else spec["rules"],
                        "default" if index == 0 else index - 1,
                        f"{where}: unknown code {code!r}; known codes: {', '.join(known)}.",
                        f"write a code id of {dimension} in codebook.yaml: {', '.join(known)}.",
                        where if index == 0 else f"{where}.code")
        if index:
            rules.append(_rule(path, dimension, code, rule, where, compiled))
    return tuple(rules), spec["default"]


def load_dictionary(path: Path | str = PATTERNS_PATH, codebook: Codebook | None = None) -> Dictionary:
    """Load the dictionary, validate it against the codebook, compile its patterns.

    InputError (file, line, key, fix) for a YAML problem, a codebook version mismatch, a
    move without patterns, a pattern for an unknown code, or an invalid expression.
    """
    path = Path(path)
    codebook = codebook or load_codebook()
    data = load_yaml_strictly(path)
    for key in ("version", "codebook_version"):
        if not isinstance(data.get(key), str):
            raise _fail(path, data, key if key in data else None, f"needs '{key}' as a quoted "
                        "version string.", f'write {key}: "1.0.0" (with the quotes).', key)
    if data["codebook_version"] != codebook.version:
        raise _fail(path, data, "codebook_version", f"written for codebook "
                    f"{data['codebook_version']}, but the codebook is {codebook.version}.",
                    "review the patterns of the codes that changed (python -m "
                    "dronediplomacy.coding.revise lists them), then update codebook_version.",
                    "codebook_version")
    negation = data.get("negation")
    window = negation.get("window_tokens") if isinstance(negation, dict) else None
    if not isinstance(window, int) or isinstance(window, bool) or window < 1:
        raise _fail(path, negation if isinstance(negation, dict) else data, "window_tokens",
                    "negation.window_tokens must be a whole number >= 1.",
                    "write a whole number under 'negation:', e.g. window_tokens: 3.",
                    "negation.window_tokens")
    negators = _patterns(path, negation, "negators", "negation", {})
    # A negator, then up to window-1 intervening tokens, then the end of the searched slice
    # (the start of the match); the gaps may not cross clause punctuation (, ; : . ! ?).
    alternatives, gap = "|".join(f"(?:{n})" for n in negators), r"[^\w,;:.!?]+"
    scope = re.compile(rf"\b(?:{alternatives})\b(?:{gap}\w+){{0,{window - 1}}}?{gap}\Z")

    moves = data.get("accountability_move")
    if not isinstance(moves, dict):
        raise _fail(path, data, None, "needs an 'accountability_move' mapping, one entry per "
                    "move.", "restore the 'accountability_move' section (from git).",
                    "accountability_move")
    for code in moves:
        if code not in codebook.move_ids:
            raise _fail(path, moves, code, f"unknown accountability move {code!r}; the "
                        f"codebook's moves are: {', '.join(codebook.move_ids)}.",
                        "use a move id of codebook.yaml (check the spelling).",
                        f"accountability_move.{code}")
    missing = [code for code in codebook.move_ids if code not in moves]
    if missing:
        raise _fail(path, moves, None, f"no patterns for the moves {missing}.", "give every "
                    "move of the codebook an entry with 'patterns:'.", "accountability_move")
    compiled: dict = {}
    move_rules = tuple(_rule(path, "accountability_move", code, moves[code],
                             f"accountability_move.{code}", compiled) for code in codebook.move_ids)
    agents, agent_default = _ordered_rules(path, data, "named_agent", codebook, compiled)
    alignment, alignment_default = _ordered_rules(path, data, "alignment", codebook, compiled)
    return Dictionary(path, data["version"], data["codebook_version"], move_rules, agents,
                      agent_default, alignment, alignment_default,
                      codebook.ordinal_values("alignment"), scope, compiled,
                      frozenset().union(*(starts or () for _, starts in compiled.values())))
