"""Positions in JSON text: where a value named by a path sits, and where a strict parse fails.

The fast load uses the C parser, which cannot say where a duplicate key, a lone surrogate or an
over-deep nesting is. These walks run only once a problem is known, so their cost is paid on error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

MAX_DEPTH = 32
MAX_NUMBER_LENGTH = 40

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_DECODER = json.JSONDecoder()
scanstring = json.decoder.scanstring  # type: ignore[attr-defined]


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of `offset` in `text`."""
    line = text.count("\n", 0, offset) + 1
    column = offset - text.rfind("\n", 0, offset)
    return line, column


def _skip(text: str, index: int) -> int:
    match = _WHITESPACE.match(text, index)
    assert match is not None
    return match.end()


def locate(text: str, path: Sequence[str | int], *, at_key: bool = False) -> int:
    """Offset of the value that `path` names in valid JSON `text`.

    With `at_key`, the offset of the last step's key instead of its value. Where the path runs out
    (a missing field), the offset of the deepest object or array that exists.
    """
    index = _skip(text, 0)
    last = len(path) - 1
    for position, step in enumerate(path):
        opener = text[index : index + 1]
        if opener == "{" and isinstance(step, str):
            found = _find_member(text, index, step)
            if found is None:
                return index
            key_offset, value_offset = found
            index = key_offset if at_key and position == last else value_offset
        elif opener == "[" and isinstance(step, int):
            found_item = _find_item(text, index, step)
            if found_item is None:
                return index
            index = found_item
        else:
            return index
    return index


def _find_member(text: str, index: int, wanted: str) -> tuple[int, int] | None:
    index = _skip(text, index + 1)
    if text[index] == "}":
        return None
    while True:
        key_offset = index
        key, index = scanstring(text, index + 1)
        index = _skip(text, _skip(text, index) + 1)
        if key == wanted:
            return key_offset, index
        _, index = _DECODER.raw_decode(text, index)
        index = _skip(text, index)
        if text[index] == "}":
            return None
        index = _skip(text, index + 1)


def _find_item(text: str, index: int, wanted: int) -> int | None:
    index = _skip(text, index + 1)
    if text[index] == "]":
        return None
    position = 0
    while True:
        if position == wanted:
            return index
        _, index = _DECODER.raw_decode(text, index)
        index = _skip(text, index)
        if text[index] == "]":
            return None
        index = _skip(text, index + 1)
        position += 1


class _Found(Exception):
    def __init__(self, offset: int, message: str) -> None:
        self.offset = offset
        self.message = message


def find_anomaly(text: str) -> tuple[int, str] | None:
    """The first thing in syntactically valid JSON that a ledger must not hold, with its offset.

    Duplicate keys, NaN and Infinity, numbers too long to be meant, strings holding a lone UTF-16
    surrogate, and nesting deeper than any ledger needs.
    """
    try:
        _walk(text, _skip(text, 0), 0)
    except _Found as found:
        return found.offset, found.message
    except (ValueError, IndexError):
        return None
    return None


def _walk(text: str, index: int, depth: int) -> int:
    char = text[index : index + 1]
    if char in ("{", "["):
        if depth >= MAX_DEPTH:
            raise _Found(index, f"nesting deeper than {MAX_DEPTH} levels")
        return _walk_container(text, index, depth)
    if char == '"':
        value, end = scanstring(text, index + 1)
        _check_string(value, index)
        return end
    number = _NUMBER.match(text, index)
    if number is not None and number.end() > index:
        if number.end() - index > MAX_NUMBER_LENGTH:
            raise _Found(index, f"number too large ({number.end() - index} characters)")
        if number.group(1) is not None or number.group(2) is not None:
            value = float(number.group(0))
            if value in (float("inf"), float("-inf")):
                raise _Found(index, "number too large")
        return number.end()
    for literal in ("true", "false", "null"):
        if text.startswith(literal, index):
            return index + len(literal)
    for constant in ("NaN", "Infinity", "-Infinity"):
        if text.startswith(constant, index):
            raise _Found(index, f"{constant} is not valid JSON")
    raise ValueError("not JSON")


def _walk_container(text: str, index: int, depth: int) -> int:
    closer = "}" if text[index] == "{" else "]"
    index = _skip(text, index + 1)
    if text[index] == closer:
        return index + 1
    seen: set[str] = set()
    while True:
        if closer == "}":
            key, after = scanstring(text, index + 1)
            _check_string(key, index)
            if key in seen:
                raise _Found(index, f"duplicate key {json.dumps(key)}")
            seen.add(key)
            index = _skip(text, _skip(text, after) + 1)
        index = _skip(text, _walk(text, index, depth + 1))
        if text[index] == closer:
            return index + 1
        index = _skip(text, index + 1)


def _check_string(value: str, offset: int) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise _Found(offset, "string holds a lone UTF-16 surrogate (\\ud800-\\udfff)") from None
