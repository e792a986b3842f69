"""Neutralising untrusted text: the one place that decides what a quote may do to a terminal."""

from __future__ import annotations

import re

from ledger.core.lookalike import INVISIBLE_CHARACTERS

# C0 controls except tab and newline, DEL, C1 controls, and every invisible or direction-changing
# character. Shown as escapes so that a reader sees they were there, and two names that differ
# only by one do not look alike.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]|" + INVISIBLE_CHARACTERS)
_PRINTABLE_UNSAFE_OR_ASTRAL = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180d\u180f\u2800\u3164\ufe00-\ufe0f\uffa0"
    "\U00010000-\U0010ffff]")
"""The unsafe characters below U+10000 that `str.isprintable` passes (a test holds it to
`_UNSAFE`): every other unsafe character is a control, a format character or a separator.
And every character from U+10000, which the full rule then looks at."""


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def neutralise(text: str) -> str:
    """`text` with every character a terminal would act on replaced by a visible escape."""
    if text.isprintable() and (text.isascii() or not _PRINTABLE_UNSAFE_OR_ASTRAL.search(text)):
        return text  # the common case, tested at C speed: nothing to escape
    return _UNSAFE.sub(_visible, text) if _UNSAFE.search(text) else text


_LINE_BREAKS = re.compile(r"[\n\t]")


def one_line(text: str) -> str:
    """`text` neutralised, with line breaks and tabs shown as escapes too: a message is one line,
    so that a file name holding a newline cannot forge a second problem line."""
    return neutralise(_LINE_BREAKS.sub(lambda match: repr(match.group())[1:-1], text))
