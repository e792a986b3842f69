"""CSV output: one header row and the view's flat rows, with formulas and controls neutralised."""

from __future__ import annotations

import csv
import io

from ledger.render.text import neutralise
from ledger.render.view import CellValue, View

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_LEADING_SPACE = " \t\r\n\u00a0\u3000"
"""A spreadsheet skips leading spaces before it looks for a formula."""


def cell(value: CellValue) -> str:
    """A cell a spreadsheet shows as text: a leading formula character gets a `'` before it."""
    raw = str(value)
    text = neutralise(raw)
    formula = raw.startswith(_FORMULA_STARTS) or raw.lstrip(_LEADING_SPACE).startswith(
        _FORMULA_STARTS)
    return "'" + text if formula else text


def render(view: View) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    flat = view.flat()
    writer.writerow([cell(column) for column in flat.columns])
    writer.writerows([cell(value) for value in row] for row in flat.rows)
    return buffer.getvalue()
