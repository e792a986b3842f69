"""JSON bytes safe to print: the one place that keeps terminal controls out of JSON we write."""

from __future__ import annotations

import re
from typing import Any

# DEL, the C1 controls, the bidi embeddings, overrides and isolates, and the invisible direction
# marks, as UTF-8 byte sequences. JSON may carry them raw; a terminal showing the file would act
# on them. One pattern per lead byte, each tried only when its lead byte is there at all (one
# byte is looked for as fast as memory is read; two are not, in Arabic text): a pattern that
# starts with a literal byte is scanned far faster than one alternation of them all, and
# ledgers of 100,000 entries are written whole.
_TERMINAL_CONTROLS = tuple(
    (lead, re.compile(pattern))
    for lead, pattern in ((b"\x7f", rb"\x7f"), (b"\xc2", rb"\xc2[\x80-\x9f]"),
                          (b"\xd8", rb"\xd8\x9c"),
                          (b"\xe2", rb"\xe2(?:\x80[\x8e\x8f\xaa-\xae]|\x81[\xa6-\xa9])"))
)


def _escaped(match: re.Match[bytes]) -> bytes:
    return f"\\u{ord(match.group().decode()):04x}".encode()


def dumps(data: Any) -> bytes:
    """`data` as 2-space indented UTF-8 JSON with a trailing newline, same data in, same bytes out.

    Every character is kept: the ones a terminal would act on are written as `\\u` escapes.
    """
    import orjson

    return escape_controls(orjson.dumps(data, option=orjson.OPT_INDENT_2
                                        | orjson.OPT_APPEND_NEWLINE))


def escape_controls(content: bytes) -> bytes:
    """JSON bytes with every character a terminal would act on written as a `\\u` escape."""
    for lead, pattern in _TERMINAL_CONTROLS:
        if lead in content and pattern.search(content):
            content = pattern.sub(_escaped, content)
    return content


def escaped_piece(raw: bytes, start: int, end: int) -> bytes | memoryview:
    """`escape_controls` of `raw[start:end]`: a view of `raw`, not a copy, when nothing in it
    needs an escape (the usual case, for the records of a file this program wrote)."""
    if any(raw.find(lead, start, end) >= 0 and pattern.search(raw, start, end)
           for lead, pattern in _TERMINAL_CONTROLS):
        return escape_controls(raw[start:end])
    return memoryview(raw)[start:end]


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def ascii_only(text: str) -> str:
    """JSON text with every non-ASCII character written as a `\\u` escape: the same JSON, for an
    output that cannot encode Unicode. Outside strings our JSON holds ASCII only."""
    return _NON_ASCII.sub(_json_escape, text)
