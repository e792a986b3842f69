"""Reading a spreadsheet: the cells of a .csv or .xlsx file, each row numbered as the
spreadsheet numbers it."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from ledger.columns import COLUMNS
from ledger.core.errors import InvalidValue, LedgerError, Problem
from ledger.storage.files import DEFAULT_MAX_BYTES, read_regular

Row = dict[str, str]
"""A row's non-empty cells by column."""


@dataclass(frozen=True)
class Table:
    """A file's cells: the header (row 1) and each later row that holds anything, numbered as
    the spreadsheet numbers it."""

    name: str
    header: list[str]
    rows: list[tuple[int, list[str]]]
    first_of_month: list[tuple[int, int]] = field(default_factory=list)
    """(row, column) of each date cell on the first of a month: a spreadsheet makes one from a
    typed `2015-03`, and the day it gives is not what was meant."""


def read_table(path: Path, *, sheet: str | None = None,
               max_bytes: int = DEFAULT_MAX_BYTES) -> Table:
    """The cells of a `.csv` (UTF-8, with or without a byte order mark, comma or semicolon
    separated) or `.xlsx` file (`sheet`, else the first); LedgerError for anything else."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise LedgerError(f"{path}: not a .csv or .xlsx file (save the spreadsheet as one of "
                          "these)")
    if sheet is not None and suffix != ".xlsx":
        raise InvalidValue("sheet", "only an .xlsx file has sheets")
    raw = read_regular(path, what="spreadsheet", max_bytes=max_bytes)
    return _read_xlsx(raw, path, sheet, max_bytes) if suffix == ".xlsx" else _read_csv(raw, path)


def _read_csv(raw: bytes, path: Path) -> Table:
    import csv
    import io
    import itertools

    from ledger.core.errors import LedgerFileError
    from ledger.storage.files import decode_utf8

    def delimiter_of(text: str) -> str:
        """`,` or `;`, whichever separates more column names in the first line."""
        first_line = text.split("\n", 1)[0]
        known = {column for columns in COLUMNS.values() for column in columns}
        return max((",", ";"), key=lambda candidate: (
            sum(cell.strip().strip('"') in known for cell in first_line.split(candidate)),
            candidate == ","))

    def cell_after(text: str) -> tuple[int, int]:
        """The row and column of the cell that `text`, the start of the file, ends in."""
        cells = list(csv.reader(io.StringIO(text + "x", newline=""),
                                delimiter=delimiter_of(text)))
        return len(cells), len(cells[-1])

    csv.field_size_limit(max(len(raw), 131072))  # a field may be as long as the file
    text = decode_utf8(raw, path, ": save the file as CSV UTF-8", place=cell_after)
    delimiter = delimiter_of(text)
    # Lines decoded as they are read (the text is checked already): a StringIO would hold the
    # whole file again, four bytes a character.
    lines = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8-sig", newline="")
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    lines_read = 0
    try:
        for number, cells in enumerate(reader, 1):
            rows.append((number, cells))
            lines_read = reader.line_num
    except csv.Error as error:
        # Placed without parsing again what was read: the failing row starts after the lines
        # that the rows before it took, and only that row is looked at.
        ends = _LINE_END.finditer(text)
        before = next(itertools.islice(ends, lines_read - 1, None), None) if lines_read else None
        column = _cell_at_fault(text, before.end() if before is not None else 0, delimiter)
        raise LedgerFileError([Problem(str(path), len(rows) + 1, column,
                                       f"not readable as CSV: {error}")]) from None
    return _table(str(path), rows)


_LINE_END = re.compile(r"\r\n?|\n")
"""Where a line ends, as the csv module reads lines (`newline=""`)."""


_QUOTED_REST = re.compile(r'[^"]*+(?:""[^"]*+)*+"')
"""The rest of a quoted cell, through its closing quote."""


def _cell_at_fault(text: str, at: int, delimiter: str) -> int:
    """The column of the cell at which strict CSV reading of the row that starts at `at` stops:
    the first cell that a delimiter does not follow, a quoted cell that never closes or whose
    closing quote comes before something else. Cells are told apart as the csv module does, in
    one pass over the row: a cell that starts with a quote runs to its closing quote (`""`
    inside it is a quote), any other to the next delimiter or line break."""
    cell_end = re.compile(rf"[{re.escape(delimiter)}\r\n]")
    column = 1
    while True:
        if text.startswith('"', at):
            closed = _QUOTED_REST.match(text, at + 1)
            if closed is None:
                return column
            at = closed.end()
        else:
            end = cell_end.search(text, at)
            at = end.start() if end is not None else len(text)
        if text[at:at + 1] != delimiter:
            return column
        at += 1
        column += 1


EXCEL_ROWS = 1_048_576


EXCEL_COLUMNS = 16_384


EXCEL_CELL = 32_767
"""The most rows, columns and characters in a cell a spreadsheet holds (Excel's limits)."""


def _read_xlsx(raw: bytes, path: Path, sheet: str | None, max_bytes: int) -> Table:
    """The cells of a workbook's sheet, within bounds: a workbook is a zip file, and one of a
    few kilobytes can unpack to gigabytes. The parts it unpacks to count against the same
    ceiling as any file read (their sizes in the zip's directory bound what unpacking gives),
    and a row, a column or a cell beyond what a spreadsheet holds is refused as it is met. So
    is the cell at which the sheet's text passes that ceiling: a text is stored once however
    many cells repeat it (openpyxl gives each the one string), so a small file can name
    gigabytes of text, which a ledger would then hold written out in full."""
    import io
    import itertools
    import warnings
    import zipfile

    from openpyxl import load_workbook

    from ledger.core.errors import LedgerFileError
    from ledger.storage.files import describe_size, over_the_ceiling

    name = f"{path}" if sheet is None else f"{path}[{sheet}]"
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as error:
        raise LedgerError(f"{path}: not a readable .xlsx file ({error})") from None
    if unpacked > max_bytes:
        raise LedgerError(f"{path}: spreadsheet unpacks to "
                          f"{over_the_ceiling(unpacked, max_bytes)}")

    text_read = 0

    first_of_month: list[tuple[int, int]] = []

    def bounded(number: int, values: tuple[object, ...]) -> tuple[int, list[str]]:
        nonlocal text_read
        if number > EXCEL_ROWS or len(values) > EXCEL_COLUMNS:
            raise LedgerFileError([Problem(
                name, number, min(len(values), EXCEL_COLUMNS + 1),
                f"beyond the {EXCEL_ROWS:,} rows and {EXCEL_COLUMNS:,} columns a spreadsheet "
                "holds")])
        cells = [_cell_text(value) for value in values]
        first_of_month.extend((number, column) for column, value in enumerate(values, 1)
                              if isinstance(value, date) and value.day == 1)
        lengths = list(map(len, cells))
        if max(lengths, default=0) > EXCEL_CELL:
            column = next(at for at, length in enumerate(lengths, 1) if length > EXCEL_CELL)
            raise LedgerFileError([Problem(
                name, number, column, f"a cell of {lengths[column - 1]:,} characters, "
                f"more than a spreadsheet cell holds ({EXCEL_CELL:,})")])
        before, text_read = text_read, text_read + sum(lengths)
        if text_read > max_bytes:
            column = next(at for at, total in enumerate(itertools.accumulate(lengths), 1)
                          if before + total > max_bytes)
            raise LedgerFileError([Problem(
                name, number, column, f"the sheet's cells hold more text than a file may: "
                f"over {describe_size(max_bytes)} by this cell (a text stored once and repeated "
                "in many cells counts each time; set COMPLIANCE_LEDGER_MAX_MB to read more)")])
        return number, cells

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's notes on styles it does not read
            workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
            try:
                names = workbook.sheetnames
                if sheet is not None and sheet not in names:
                    raise InvalidValue("sheet", f"no sheet {sheet!r} in {path} (sheets: "
                                       f"{', '.join(map(repr, names))})")
                worksheet = workbook[sheet] if sheet is not None else workbook.worksheets[0]
                # The size the sheet declares is not trusted (A1:XFD1048576 in a file of a
                # kilobyte): rows are read as they are, not padded to it, and empty ones,
                # which name nothing, are not kept.
                worksheet.reset_dimensions()
                rows = [bounded(number, values) for number, values
                        in enumerate(worksheet.iter_rows(values_only=True), 1)
                        if number == 1 or any(value is not None for value in values)]
            finally:
                workbook.close()
    except LedgerError:
        raise
    except (zipfile.BadZipFile, MemoryError) as error:
        raise LedgerError(f"{path}: not a readable .xlsx file ({error})") from None
    except Exception as error:  # noqa: BLE001 - a malformed file fails in whichever of
        # openpyxl's parsers (zip, XML, styles, cell types) meets it first, each with its own
        # exception; every one of them means the same to the user.
        raise LedgerError(f"{path}: not a readable .xlsx file "
                          f"({type(error).__name__}: {error})") from None
    return dataclasses.replace(_table(name, rows), first_of_month=first_of_month)


def _cell_text(value: object) -> str:
    """A spreadsheet cell as the text the ledger reads: a date cell as its ISO day, a whole
    number without a decimal point, a formula as the formula's own text."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()  # the ledger's dates are days: a time of day is dropped
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _table(name: str, rows: list[tuple[int, list[str]]]) -> Table:
    from ledger.render.csv import uncell

    if not rows:
        return Table(name, [], [])
    header = [cell.strip() for cell in rows[0][1]]
    while header and not header[-1]:
        header.pop()
    body = [(number, [uncell(cell) for cell in cells]) for number, cells in rows[1:]
            if any(cell.strip() for cell in cells)]
    return Table(name, header, body)
