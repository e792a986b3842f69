"""CSV output: one header row and the view's flat rows, with formulas and controls neutralised."""

from __future__ import annotations

import csv
import io

from ledger.render.text import neutralise
from ledger.render.view import CellValue, View

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_LEADING_SPACE = " \t\r\n\u00a0\u3000"
"""A spreadsheet skips leading spaces before it looks for a formula."""


def formula_like(text: str) -> bool:
    """Whether a spreadsheet would take `text` for a formula, once any `'` it begins with is
    taken away: such a text is written with one more `'`, so that `ledger ... import` can take
    exactly that one away again (`uncell`)."""
    text = text.lstrip("'")
    return text.startswith(_FORMULA_STARTS) or text.lstrip(_LEADING_SPACE).startswith(
        _FORMULA_STARTS)


def cell(value: CellValue) -> str:
    """A cell a spreadsheet shows as text: a leading formula character gets a `'` before it."""
    raw = str(value)
    text = neutralise(raw)
    return "'" + text if formula_like(raw) else text


def uncell(text: str) -> str:
    """The text a cell written by `cell` came from (its control characters aside)."""
    return text[1:] if text.startswith("'") and formula_like(text) else text


def render(view: View) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    flat = view.flat()
    writer.writerow([cell(column) for column in flat.columns])
    writer.writerows([cell(value) for value in row] for row in flat.rows)
    return buffer.getvalue()
