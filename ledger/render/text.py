"""Neutralising untrusted text: the one place that decides what a quote may do to a terminal."""

from __future__ import annotations

import re

from ledger.lookalike import INVISIBLE_CHARACTERS

# C0 controls except tab and newline, DEL, C1 controls, and every invisible or direction-changing
# character. Shown as escapes so that a reader sees they were there, and two names that differ
# only by one do not look alike.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]|" + INVISIBLE_CHARACTERS)


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def neutralise(text: str) -> str:
    """`text` with every character a terminal would act on replaced by a visible escape."""
    if text.isascii() and text.isprintable():  # the common case, at C speed
        return text
    return _UNSAFE.sub(_visible, text) if _UNSAFE.search(text) else text


_LINE_BREAKS = re.compile(r"[\n\t]")


def one_line(text: str) -> str:
    """`text` neutralised, with line breaks and tabs shown as escapes too: a message is one line,
    so that a file name holding a newline cannot forge a second problem line."""
    return neutralise(_LINE_BREAKS.sub(lambda match: repr(match.group())[1:-1], text))
