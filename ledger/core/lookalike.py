"""Characters that show nothing or move text: the one list, for escapes in output and for telling
names apart."""

from __future__ import annotations

import re

INVISIBLE_CHARACTERS = (
    "[\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160"
    "\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2028-\u202e\u2060-\u206f\u2800\u3164"
    "\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001345f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
"""Characters that show nothing or change how text around them shows: every format control
(Unicode category Cf, a test holds the list to it), variation selectors, fillers and blanks
(Hangul, Khmer, braille), the combining grapheme joiner, and line and paragraph separators."""
_INVISIBLE = re.compile(INVISIBLE_CHARACTERS)


_PUNCTUATION_ALIKE = str.maketrans(
    dict.fromkeys("\u2018\u2019\u201a\u201b\u02bc\u2032\u00b4`", "'")
    | dict.fromkeys("\u201c\u201d\u201e\u201f\u2033", '"')
    | dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))
"""Apostrophes, quotation marks and dashes that print alike, each as its ASCII form (NFKC keeps
them apart)."""


def name_key(name: str) -> str:
    """What a name reads as: invisible characters dropped, NFKC, case folded, apostrophes, quotes
    and dashes as their ASCII forms, spaces collapsed.

    Two parties whose names have the same key look alike in a report, so the second is refused;
    and a party named in a command is found by this key (`naming.party_names`).
    """
    import unicodedata

    visible = _INVISIBLE.sub("", unicodedata.normalize("NFKC", name))
    folded = unicodedata.normalize("NFKC", visible.casefold()).translate(_PUNCTUATION_ALIKE)
    return " ".join(folded.split())
