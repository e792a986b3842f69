"""Spreadsheet output: the view's flat table (the rows its CSV has) as one sheet of an .xlsx
workbook, its header row frozen, every cell text (a date at its precision, never a number or a
formula), so that `ledger ... import` of it reads back what it holds."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from ledger.render.text import neutralise
from ledger.render.view import CellValue, View

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell

SHEET_TITLE_LIMIT = 31
"""The longest sheet name Excel takes."""
_NOT_IN_A_SHEET_NAME = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def render(view: View) -> bytes:
    """Written row by row (openpyxl's write-only mode: a quarter faster than building the sheet
    whole), a cell object made only for a text it would take for something else."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ERROR_CODES

    workbook = Workbook(write_only=True)
    title = (view.what or "Ledger").translate(_NOT_IN_A_SHEET_NAME).strip()
    sheet = workbook.create_sheet(title[:SHEET_TITLE_LIMIT] or "Ledger")
    sheet.freeze_panes = "A2"

    def text(value: CellValue) -> str | Cell:
        """A cell's text, its control characters written as visible escapes (a sheet cannot
        hold them, and a reader must not act on them); a text openpyxl would write as a formula
        (`=...`) or an error (`#N/A`) is marked as text."""
        shown = neutralise(str(value))
        if not shown.startswith("=") and shown not in ERROR_CODES:
            return shown
        cell = WriteOnlyCell(sheet, value=shown)
        cell.data_type = "s"
        return cell

    flat = view.flat()
    sheet.append([text(column) for column in flat.columns])
    for row in flat.rows:
        sheet.append([text(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
