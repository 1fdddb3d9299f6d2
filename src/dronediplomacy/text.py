"""The one text normalisation, :data:`RULE` (printed in the data dictionary).

The coder, the verification of quotations and anchors and the detection of duplicates all
compare text after :func:`normalise`, so a verified quotation is coded exactly as the words it
verified, whatever characters a web page, editor or spreadsheet used. Apostrophes are replaced
before NFKC, which would turn the acute accent ´ into a space and a combining accent. Turkish
İ and ı fold to ``i`` (Python leaves ``i`` plus a combining dot for İ), so "Kıran" and "Kiran",
or "TÜRKİYE" and "Türkiye", compare equal. Other diacritics stay: in a name, ``ş`` is not ``s``.
"""

import re
import unicodedata

RULE = (
    "Text is compared after one normalisation: invisible characters (soft hyphen, zero-width "
    "spaces and joiners, byte order mark) removed; apostrophe variants (’ ‘ ʼ ` ´ ′ ‛ ＇) "
    "made ' and quotation-mark variants (“ ” „ ‟ « » ″ ＂) made \"; Unicode NFKC "
    "normalisation (composed accents; no-break, thin and other spaces made plain); case folded, "
    "with Turkish İ and ı folded to i; every run of whitespace, line breaks included, made one "
    "space, and the ends stripped. Diacritics otherwise stay: ş is not s.")

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_APOSTROPHES = dict.fromkeys(map(ord, "\u2019\u2018\u02bc\u0060\u00b4\u2032\u201b\uff07"), "'")
_QUOTATION_MARKS = dict.fromkeys(map(ord, "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\uff02"), '"')
_TURKISH_I = {ord("\u0130"): "i", ord("\u0131"): "i"}
_TABLE = str.maketrans({**_INVISIBLE, **_APOSTROPHES, **_QUOTATION_MARKS, **_TURKISH_I})
_WHITESPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """``text`` (a ``str``) under :data:`RULE`, as texts are compared and coded; idempotent.
    TypeError for anything but a ``str``, so a date or number read from YAML or CSV never
    slips through as text."""
    if not isinstance(text, str):
        raise TypeError(f"normalise() takes text (str), not {type(text).__name__}: {text!r}")
    text = unicodedata.normalize("NFKC", text.translate(_TABLE))
    # NFKC can produce characters of the table again (e.g. from compatibility forms),
    # and folding may too (casefold("İ") is "i̇"): apply the table once more after both.
    text = unicodedata.normalize("NFC", text.casefold().translate(_TABLE).replace("i\u0307", "i"))
    return _WHITESPACE.sub(" ", text).strip()


def invisible_or_unusual(text: str) -> list[tuple[int, str]]:
    """Characters a hand-edited table must not contain, as (position, Unicode name), [] if none:
    invisible ones, no-break and other non-ASCII spaces, and decomposed accents (a combining
    mark that composes with the letter before it: the table should hold the composed letter)."""
    found = []
    for position, char in enumerate(text):
        decomposed = unicodedata.combining(char) and not unicodedata.is_normalized(
            "NFC", text[max(position - 1, 0):position + 1])  # Arabic vowel signs etc. are fine
        if ord(char) in _INVISIBLE or (char.isspace() and char not in " \n") or decomposed:
            found.append((position, unicodedata.name(char, f"U+{ord(char):04X}")))
    return found
