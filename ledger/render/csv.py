"""CSV output: one header row and the view's flat rows, with formulas and controls neutralised."""

from __future__ import annotations

import csv
import io

from ledger.render.text import neutralise
from ledger.render.view import CellValue, View

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: CellValue) -> str:
    """A cell a spreadsheet shows as text: a leading formula character gets a `'` before it."""
    raw = str(value)
    text = neutralise(raw)
    return "'" + text if raw.startswith(_FORMULA_STARTS) else text


def render(view: View) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([cell(column) for column in view.flat.columns])
    writer.writerows([cell(value) for value in row] for row in view.flat.rows)
    return buffer.getvalue()
