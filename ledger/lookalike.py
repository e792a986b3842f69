"""Characters that show nothing or move text: the one list, for escapes in output and for telling
names apart."""

from __future__ import annotations

import re

INVISIBLE_CHARACTERS = (
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u2028-\u202e"
    "\u2060-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb\U000e0000-\U000e0fff]"
)
"""Characters that show nothing or move text: zero-width spaces and joiners, BOM, soft hyphen,
fillers, tag characters, line and paragraph separators, direction marks."""
_INVISIBLE = re.compile(INVISIBLE_CHARACTERS)


def name_key(name: str) -> str:
    """What a name reads as: invisible characters dropped, NFKC, case folded, spaces collapsed.

    Two parties whose names have the same key look alike in a report, so the second is refused.
    """
    import unicodedata

    visible = _INVISIBLE.sub("", unicodedata.normalize("NFKC", name))
    return " ".join(unicodedata.normalize("NFKC", visible.casefold()).split())
