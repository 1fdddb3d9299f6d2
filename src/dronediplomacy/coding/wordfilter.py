"""An exact word-level prefilter that lets the rule-based coder skip hopeless work.

Python's regular expressions cost a few microseconds per text and pattern, which for
100,000 statements and a few hundred patterns is far too slow. Most (text, pattern)
pairs cannot match, and that can be decided from the words alone:

1. From each pattern's parse tree, :func:`requirements` reads the literal text every
   match must contain, as *fragments* (pieces without whitespace): "demand ...
   withdraw" needs a word starting with "withdraw"; "\\b(?:brothers?|kin)" needs a word
   starting with "brother" or "kin"; "\\w+n't" needs a chunk containing "n't". A
   pattern yields a conjunction of such requirements.
2. :class:`WordFilter` splits every text at whitespace once, pools the distinct chunks
   of the whole corpus, finds which distinct chunks contain each fragment, and marks
   for every text, as bits, which requirements its chunks meet (numpy, vectorised).
3. A pattern is a candidate for a text when every one of its requirements is met.
   Only candidates are passed to the real regular expressions.

The filter is exact: a requirement is only ever something that any match must
contain, so it never drops a text the expression would have matched. A pattern from
which nothing useful can be read (e.g. ``\\w+``) is tried on every text, which is
slower, never wrong.
"""

from __future__ import annotations

import re
from re import _constants as sre_constants
from re import _parser as sre_parser

import numpy as np
import pandas as pd

_TEXTS_PER_CHUNK = 10_000  # bounds the memory of the per-word bit matrix
_SEPARATOR = "\x00"  # opens every text in the pooled corpus


#: A fragment: a piece of literal text without whitespace, and whether it must begin a
#: word (a "\b" or a non-word character stands before it in every match) or may sit
#: anywhere inside a whitespace-separated chunk of the text.
Fragment = tuple[str, bool]

_NON_WORD_CATEGORIES = {sre_constants.CATEGORY_NOT_WORD, sre_constants.CATEGORY_SPACE}
_WORD_START_ASSERTIONS = {sre_constants.AT_BOUNDARY, sre_constants.AT_BEGINNING,
                          sre_constants.AT_BEGINNING_STRING}


def _is_word_char(character: str) -> bool:
    return character.isalnum() or character == "_"


def _pieces(literal: str, starts_word: bool) -> list[Fragment]:
    """The whitespace-free pieces of a literal, each with whether it begins a word.
    Every piece of the literal is in any text the literal is in, inside one
    whitespace-separated chunk of that text."""
    pieces = []
    for match in re.finditer(r"\S+", literal):
        piece = match.group()
        follows_non_word = match.start() > 0 or starts_word  # whitespace is non-word
        pieces.append((piece, follows_non_word and _is_word_char(piece[0])))
    return pieces


def _representative(literal: str, starts_word: bool) -> Fragment | None:
    """The longest piece of a literal (one fragment standing for the whole literal)."""
    pieces = _pieces(literal, starts_word)
    return max(pieces, key=lambda piece: (len(piece[0]), piece[1], piece[0])) if pieces else None


def _is_non_word_class(items) -> bool:
    """Is this character class made of non-word characters only (\\W, \\s, punctuation)?"""
    return all((kind is sre_constants.CATEGORY and value in _NON_WORD_CATEGORIES)
               or (kind is sre_constants.LITERAL and not _is_word_char(chr(value)))
               for kind, value in items)


def _leading_literal(sequence) -> str:
    """The literal characters a sequence starts with ('' if none)."""
    characters = []
    for op, argument in sequence:
        if op is not sre_constants.LITERAL:
            break
        characters.append(chr(argument))
    return "".join(characters)


def _requirements_of(sequence, word_starts_here: bool) -> tuple[list[frozenset[Fragment]],
                                                                set[Fragment] | None, bool]:
    """Requirements of a parsed sequence; one set of fragments of which every match of
    the whole sequence contains at least one (for an enclosing branch); and whether a
    word necessarily starts right after the sequence (so a following literal begins a
    word). ``word_starts_here`` says the same about the position before it."""
    requirements: list[frozenset[Fragment]] = []
    option_sets: list[set[Fragment]] = []
    run: list[str] = []
    run_starts_word = word_starts_here
    before_word = word_starts_here

    def flush() -> None:
        if run:
            literal = "".join(run)
            requirements.extend(frozenset({piece}) for piece in _pieces(literal, run_starts_word))
            representative = _representative(literal, run_starts_word)
            if representative:
                option_sets.append({representative})
            run.clear()

    for op, argument in sequence:
        if op is sre_constants.LITERAL:
            if not run:
                run_starts_word = before_word
            run.append(chr(argument))
            before_word = not _is_word_char(chr(argument))
            continue
        if op is sre_constants.BRANCH and run:
            # A literal prefix shared by the branches (the parser factors it out):
            # glue it back onto each branch's leading literal for a stronger fragment.
            prefix = "".join(run)
            merged = {_representative(prefix + _leading_literal(branch), run_starts_word)
                      for branch in argument[1]}
            if None not in merged:
                requirements.append(frozenset(merged))
        flush()
        if op is sre_constants.SUBPATTERN:
            _group, add_flags, _del_flags, inner = argument
            if add_flags & sre_constants.SRE_FLAG_IGNORECASE:
                before_word = False
                continue
            inner_requirements, inner_options, before_word = _requirements_of(inner, before_word)
            requirements.extend(inner_requirements)
            if inner_options:
                option_sets.append(inner_options)
        elif op is sre_constants.BRANCH:
            branches = [_requirements_of(branch, before_word) for branch in argument[1]]
            if all(options for _, options, _ in branches):
                options = set().union(*(options for _, options, _ in branches))
                requirements.append(frozenset(options))
                option_sets.append(options)
            before_word = all(ends for _, _, ends in branches)
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
            minimum, _maximum, item = argument
            if minimum >= 1:
                inner_requirements, inner_options, _ = _requirements_of(item, before_word)
                requirements.extend(inner_requirements)
                if inner_options:
                    option_sets.append(inner_options)
            # After one or more repetitions: where the item leaves off (assessed from a
            # mid-word start, the cautious case); after none: where we were.
            item_ends_before_word = _requirements_of(item, False)[2]
            before_word = item_ends_before_word and (minimum >= 1 or before_word)
        elif op is sre_constants.AT:
            before_word = argument in _WORD_START_ASSERTIONS
        elif op is sre_constants.IN:
            before_word = _is_non_word_class(argument)
        else:  # any other element requires no literal and may end mid-word
            before_word = False
    flush()
    best = (max(option_sets, key=lambda s: (min(len(f) for f, _ in s), -len(s)))
            if option_sets else None)
    return requirements, best, before_word


def requirements(source: str) -> list[frozenset[Fragment]]:
    """What every match of the expression ``source`` contains, as a list of fragment
    sets: for each set, some word of the text contains one of its fragments (at the
    word's start, for a fragment marked so). An empty list means nothing could be
    read (the pattern is then tried on every text)."""
    parsed = sre_parser.parse(source)
    if parsed.state.flags & sre_constants.SRE_FLAG_IGNORECASE:
        return []
    found, _, _ = _requirements_of(parsed, word_starts_here=False)
    return list(dict.fromkeys(found))  # de-duplicated, order kept


class WordFilter:
    """Candidate (text, pattern) pairs for a list of patterns: for each text and each
    pattern, could the pattern match the text?"""

    def __init__(self, sources: list[str]) -> None:
        index: dict[frozenset[Fragment], int] = {}
        self.pattern_needs: list[tuple[int, ...]] = []
        for source in sources:
            # A one-letter fragment is in almost every text: such a requirement would
            # cost time and filter nothing, so it is dropped (which is always safe).
            useful = [r for r in requirements(source) if min(len(text) for text, _ in r) > 1]
            self.pattern_needs.append(tuple(index.setdefault(r, len(index)) for r in useful))
        #: per pattern, the indices of the requirements it needs (an empty tuple means
        #: nothing useful could be read from it, so it is tried on every text)
        self.requirements = list(index)
        self.n_blocks = max(1, -(-len(self.requirements) // 64))  # 64-bit blocks per bit set
        self._scanners = [self._scanner(must_begin_word) for must_begin_word in (True, False)]

    def _scanner(self, must_begin_word: bool):
        """A zero-width scan finding, at every position (or every word start), the
        longest fragment of one kind starting there, and a table of the requirement
        bits each found fragment earns: those of the fragment itself and of the
        shorter fragments that are its prefixes, which start there too."""
        texts = sorted({text for r in self.requirements for text, begins in r
                        if begins == must_begin_word}, key=lambda s: (-len(s), s))
        if not texts:
            return None
        number_of = {text: number for number, text in enumerate(texts)}
        table = np.zeros((len(texts), self.n_blocks), dtype=np.uint64)
        for number, requirement in enumerate(self.requirements):
            block, bit = divmod(number, 64)
            for fragment, begins in requirement:
                if begins != must_begin_word:
                    continue
                for longer in texts:
                    if longer.startswith(fragment):
                        table[number_of[longer], block] |= np.uint64(1) << np.uint64(bit)
        where = r"(?<!\w)" if must_begin_word else ""
        scan = re.compile(where + "(?=(" + "|".join(map(re.escape, texts)) + "))")
        return scan, number_of, table

    def _vocabulary_bits(self, vocabulary: list[str]) -> np.ndarray:
        """For each distinct word, the bits of the requirements it meets."""
        bits = np.zeros((len(vocabulary), self.n_blocks), dtype=np.uint64)
        if not vocabulary:
            return bits
        joined = "\n".join(vocabulary)
        lengths = np.fromiter((len(w) + 1 for w in vocabulary), dtype=np.int64, count=len(vocabulary))
        line_starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        for scanner in self._scanners:
            if scanner is None:
                continue
            scan, number_of, table = scanner
            found = [(m.start(), number_of[m.group(1)]) for m in scan.finditer(joined)]
            if not found:
                continue
            positions, numbers = np.asarray(found, dtype=np.int64).T
            rows = np.searchsorted(line_starts, positions, side="right") - 1
            np.bitwise_or.at(bits, rows, table[numbers])
        return bits

    def _text_bits(self, texts: list[str]) -> np.ndarray:
        """For each text, the bits of the requirements its words meet."""
        # Whitespace-separated chunks, not \w runs: a chunk contains every word run
        # inside it, so "contains a fragment" stays exact. One split of the whole
        # corpus, with a separator token opening every text, is much faster than a
        # split per text; the separator also gives an empty text one (empty) token.
        joined = "".join(f" {_SEPARATOR} {text}" for text in texts)
        if joined.count(_SEPARATOR) != len(texts):  # a text contains the separator itself
            joined = "".join(f" {_SEPARATOR} {text.replace(_SEPARATOR, ' ')}" for text in texts)
        if not texts:
            return np.zeros((0, self.n_blocks), dtype=np.uint64)
        codes, vocabulary = pd.factorize(np.array(joined.split(), dtype=object))
        separator_code = 0  # the corpus opens with a separator, the first value seen
        vocabulary_bits = self._vocabulary_bits(list(vocabulary))
        vocabulary_bits[separator_code] = 0
        text_starts = np.flatnonzero(codes == separator_code)
        text_bits = np.zeros((len(texts), self.n_blocks), dtype=np.uint64)
        for first in range(0, len(texts), _TEXTS_PER_CHUNK):
            last = min(first + _TEXTS_PER_CHUNK, len(texts))
            token_start = text_starts[first]
            token_end = text_starts[last] if last < len(texts) else len(codes)
            token_bits = vocabulary_bits[codes[token_start:token_end]]
            text_bits[first:last] = np.bitwise_or.reduceat(
                token_bits, text_starts[first:last] - token_start, axis=0)
        return text_bits

    def candidates(self, texts: list[str]) -> np.ndarray:
        """Boolean matrix (text, pattern): False where the pattern cannot match the text."""
        text_bits = self._text_bits(texts)
        # Built one pattern per row (contiguous), returned as its transpose: the same
        # (text, pattern) matrix, whose columns are contiguous for the coder.
        by_pattern = np.ones((len(self.pattern_needs), len(texts)), dtype=bool)
        blocks = np.ascontiguousarray(text_bits.T)
        for row, needed in enumerate(self.pattern_needs):
            for number in needed:
                block, bit = divmod(number, 64)
                mask = np.uint64(1) << np.uint64(bit)
                by_pattern[row] &= (blocks[block] & mask) != 0
        return by_pattern.T
