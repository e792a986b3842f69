"""Positions in JSON text: where a value named by a path sits, and where a strict parse fails.

The fast load uses the C parser, which cannot say where a duplicate key, a lone surrogate or an
over-deep nesting is. These walks run only once a problem is known, so their cost is paid on error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

MAX_DEPTH = 32
MAX_NUMBER_LENGTH = 40

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_DECODER = json.JSONDecoder()
scanstring = json.decoder.scanstring  # type: ignore[attr-defined]


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of `offset` in `text`."""
    return lines_and_columns(text, [offset])[0]


def lines_and_columns(text: str, offsets: Sequence[int]) -> list[tuple[int, int]]:
    """1-based line and column of each offset, counting the text's line breaks once in all."""
    places: dict[int, tuple[int, int]] = {}
    line, counted = 1, 0
    for offset in sorted(set(offsets)):
        line += text.count("\n", counted, offset)
        counted = offset
        places[offset] = (line, offset - text.rfind("\n", 0, offset))
    return [places[offset] for offset in offsets]


def _skip(text: str, index: int) -> int:
    match = _WHITESPACE.match(text, index)
    assert match is not None
    return match.end()


_Node = dict[str | int | None, "Any"]


def locate_all(text: str, locations: Sequence[tuple[Sequence[str | int], bool]]) -> list[int]:
    """Offsets of the values that the paths name in valid JSON `text`, found in one walk.

    A location `(path, at_key)` names the value at `path`, or with `at_key` the key of its last
    step. Where a path runs out (a missing field), the offset of the deepest object or array
    that exists. The walk descends only where some path leads and skips everything else with
    the C decoder, stopping in each container once its last wanted member is passed; so the
    cost is one pass over the part of the file that holds the locations.
    """
    root: _Node = {}
    for number, (path, at_key) in enumerate(locations):
        node = root
        for step in path:
            node = node.setdefault(step, {})
        node.setdefault(None, []).append((number, at_key))
    offsets = [0] * len(locations)
    _visit(text, _skip(text, 0), None, root, offsets)
    return offsets


def _visit(text: str, index: int, key_offset: int | None, node: _Node, offsets: list[int]) -> None:
    for number, at_key in node.get(None, ()):
        offsets[number] = key_offset if at_key and key_offset is not None else index
    pending: _Node = {step: child for step, child in node.items() if step is not None}
    if not pending:
        return
    opener = text[index : index + 1]
    if opener == "{":
        _visit_members(text, index, pending, offsets)
    elif opener == "[":
        _visit_items(text, index, pending, offsets)
    for child in pending.values():  # steps the text lacks: placed at this container
        _place_missing(child, index, offsets)


def _visit_members(text: str, index: int, pending: _Node, offsets: list[int]) -> None:
    index = _skip(text, index + 1)
    if text[index] == "}":
        return
    while pending:
        key_offset = index
        key, index = scanstring(text, index + 1)
        index = _skip(text, _skip(text, index) + 1)
        child = pending.pop(key, None)
        if child is not None:
            _visit(text, index, key_offset, child, offsets)
            if not pending:
                return
        _, index = _DECODER.raw_decode(text, index)
        index = _skip(text, index)
        if text[index] == "}":
            return
        index = _skip(text, index + 1)


def _visit_items(text: str, index: int, pending: _Node, offsets: list[int]) -> None:
    index = _skip(text, index + 1)
    if text[index] == "]":
        return
    position = 0
    while pending:
        child = pending.pop(position, None)
        if child is not None:
            _visit(text, index, None, child, offsets)
            if not pending:
                return
        _, index = _DECODER.raw_decode(text, index)
        index = _skip(text, index)
        if text[index] == "]":
            return
        index = _skip(text, index + 1)
        position += 1


def _place_missing(node: _Node, index: int, offsets: list[int]) -> None:
    for step, child in node.items():
        if step is None:
            for number, _ in child:
                offsets[number] = index
        else:
            _place_missing(child, index, offsets)


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
