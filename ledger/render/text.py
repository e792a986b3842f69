"""Neutralising untrusted text: the one place that decides what a quote may do to a terminal."""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, C1 controls, bidi embeddings/overrides/isolates, and
# the invisible direction marks. Shown as escapes so that a reader sees they were there.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def neutralise(text: str) -> str:
    """`text` with every character a terminal would act on replaced by a visible escape."""
    return _UNSAFE.sub(_visible, text) if _UNSAFE.search(text) else text
