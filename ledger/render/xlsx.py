"""Spreadsheet output: the view's flat table (the rows its CSV has) as one sheet of an .xlsx
workbook, its header row frozen, every cell text (a date at its precision, never a number or a
formula), so that `ledger ... import` of it reads back what it holds."""

from __future__ import annotations

import io

from ledger.render.text import neutralise
from ledger.render.view import CellValue, View

SHEET_TITLE_LIMIT = 31
"""The longest sheet name Excel takes."""
_NOT_IN_A_SHEET_NAME = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def render(view: View) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    title = (view.what or "Ledger").translate(_NOT_IN_A_SHEET_NAME).strip()
    sheet.title = title[:SHEET_TITLE_LIMIT] or "Ledger"
    flat = view.flat()
    sheet.append([_text(column) for column in flat.columns])
    for row in flat.rows:
        sheet.append([_text(value) for value in row])
    for cells in sheet.iter_rows():
        for cell in cells:
            cell.data_type = "s"  # text, whatever it starts with: never a formula
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text(value: CellValue) -> str:
    """A cell's text, its control characters written as visible escapes (a sheet cannot hold
    them, and a reader must not act on them)."""
    return neutralise(str(value))
