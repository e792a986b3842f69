"""The careful parse of a ledger's text: duplicate keys, non-finite numbers and conflict markers
found and placed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ledger.core.errors import LedgerFileError, Problem

_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


class _Suspect(Exception):
    """The fast parse met something that needs the slow walk to place and name."""


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _Suspect
    return result


def _reject_constant(name: str) -> Any:
    raise _Suspect


def _finite_float(literal: str) -> float:
    value = float(literal)
    if value in (float("inf"), float("-inf")):
        raise _Suspect
    return value


_CONFLICT_MARKER = re.compile(r"^(<{7}|\|{7}|={7}|>{7})( |$)", re.MULTILINE)
"""A line git writes into a file it could not merge. JSON strings hold no raw line break, so
such a line is never inside a value; it is looked for only once the parse has failed."""


def conflict_markers_in(raw: bytes) -> bool:
    """Whether the file holds a line of git's conflict markers."""
    return _CONFLICT_MARKER.search(raw.decode("utf-8", "replace")) is not None


def parse_carefully(text: str, path: Path) -> dict[str, Any]:
    """The careful path's parse; `json` and `jsonpos` are imported here, off the fast path."""
    import json

    from ledger.storage import jsonpos

    if not text or text.isspace():
        raise LedgerFileError([Problem(str(path), 1, 1, "empty file: a ledger is a JSON object")])
    try:
        data = json.loads(text, object_pairs_hook=_unique_pairs, parse_constant=_reject_constant,
                          parse_float=_finite_float)
    except json.JSONDecodeError as error:
        marker = _CONFLICT_MARKER.search(text)
        if marker is not None:
            line, column = jsonpos.line_and_column(text, marker.start())
            raise LedgerFileError([Problem(
                str(path), line, column,
                f"merge conflict markers at line {line}: run `ledger resolve`")]) from None
        message = error.msg.removesuffix(" at")  # the position is the problem's own
        end = text.rstrip()
        if message == "Extra data":
            message = "unexpected content after the ledger's closing brace"
        elif (error.pos >= len(end) or message.startswith("Unterminated string")
              or (error.pos > 0 and "\n" not in end[error.pos:] and not end.endswith(("}", "]")))):
            # The parse stopped at the end, or in the last line of a file that does not close.
            message += " (the file ends too early: truncated?)"
        raise LedgerFileError([Problem(str(path), error.lineno, error.colno, message)]) from None
    except (_Suspect, RecursionError, ValueError):
        raise _anomaly(text, path) from None
    if _SURROGATE_ESCAPE.search(text) and jsonpos.find_anomaly(text) is not None:
        raise _anomaly(text, path)
    if not isinstance(data, dict):
        line, column = jsonpos.line_and_column(text, len(text) - len(text.lstrip()))
        raise LedgerFileError([Problem(
            str(path), line, column, "the top level must be a JSON object, not " + _kind(data)
        )])
    return data


def _anomaly(text: str, path: Path) -> LedgerFileError:
    from ledger.storage import jsonpos

    found = jsonpos.find_anomaly(text)
    offset, message = found if found is not None else (0, "not a valid ledger")
    line, column = jsonpos.line_and_column(text, offset)
    return LedgerFileError([Problem(str(path), line, column, message)])


def _kind(value: object) -> str:
    return {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number"
    )
