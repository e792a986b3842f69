"""Import parties, terms or evidence from a CSV or Excel file: every row checked against the
ledger and the rows before it, every problem placed at FILE:ROW:COL, then all rows or none.

The columns are the ones `ledger ... list --format csv` writes for the same kind, so an exported
list, edited in a spreadsheet, imports back. A row that is already in the ledger (every field
but its recording time, and for entries the id derived from it) is skipped, so running the same
import twice adds nothing the second time. Cells are text: a formula is imported as the literal
text it holds, never evaluated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import compress
from operator import attrgetter
from pathlib import Path
from typing import Any

from ledger.columns import COLUMNS, IGNORED, LISTS, REQUIRED, ImportKind, split
from ledger.core import clocks, edits
from ledger.core.errors import InvalidValue, LedgerError, Problem
from ledger.core.model import Evidence, Ledger, Party, RecordKind, Term
from ledger.storage.files import DEFAULT_MAX_BYTES, read_regular

_A = {ImportKind.PARTY: "a party", ImportKind.TERM: "a term",
      ImportKind.EVIDENCE: "an evidence"}
_FIELD_COLUMNS = {"obligor": "obligors", "alias": "aliases", "condition": "conditions"}
"""The names the record rules give some fields, and the column each is read from."""
_CHOICES = ("id", "role", "stance", "date", "due", "source_date", "sha256", "term", "subject",
            "claimant", "agreement", "retracted")
"""Columns whose cells are read without surrounding white space (ids, choices, dates)."""


@dataclass(frozen=True)
class Table:
    """A file's cells: the header (row 1) and each later row that holds anything, numbered as
    the spreadsheet numbers it."""

    name: str
    header: list[str]
    rows: list[tuple[int, list[str]]]


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
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)

    def fails(start: int, end: int) -> bool:
        """Whether reading `text[start:end]` fails, other than by ending early."""
        try:
            list(csv.reader(io.StringIO(text[start:end], newline=""), delimiter=delimiter,
                            strict=True))
        except csv.Error as error:
            return "unexpected end of data" not in str(error)
        return False

    def bad_cell(lines_read: int) -> tuple[int, int]:
        """The row and column where reading fails, in the row after `lines_read` lines: the
        shortest text from that row's start on that fails ends with the character at fault."""
        skipped = io.StringIO(text, newline="")
        for _ in range(lines_read):
            skipped.readline()
        start = low = skipped.tell()
        high = len(text)
        while low < high:
            middle = (low + high) // 2
            low, high = (low, middle) if fails(start, middle) else (middle + 1, high)
        return cell_after(text[:low - 1])

    rows: list[tuple[int, list[str]]] = []
    lines_read = 0
    try:
        for number, cells in enumerate(reader, 1):
            rows.append((number, cells))
            lines_read = reader.line_num
    except csv.Error as error:
        row, column = bad_cell(lines_read)
        raise LedgerFileError([Problem(str(path), row, column,
                                       f"not readable as CSV: {error}")]) from None
    return _table(str(path), rows)


EXCEL_ROWS, EXCEL_COLUMNS, EXCEL_CELL = 1_048_576, 16_384, 32_767
"""The most rows, columns and characters in a cell a spreadsheet holds (Excel's limits)."""


def _read_xlsx(raw: bytes, path: Path, sheet: str | None, max_bytes: int) -> Table:
    """The cells of a workbook's sheet, within bounds: a workbook is a zip file, and one of a
    few kilobytes can unpack to gigabytes. The parts it unpacks to count against the same
    ceiling as any file read (their sizes in the zip's directory bound what unpacking gives),
    and a row, a column or a cell beyond what a spreadsheet holds is refused as it is met."""
    import io
    import warnings
    import zipfile

    from openpyxl import load_workbook

    from ledger.core.errors import LedgerFileError
    from ledger.storage.files import over_the_ceiling

    name = f"{path}" if sheet is None else f"{path}[{sheet}]"
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as error:
        raise LedgerError(f"{path}: not a readable .xlsx file ({error})") from None
    if unpacked > max_bytes:
        raise LedgerError(f"{path}: spreadsheet unpacks to "
                          f"{over_the_ceiling(unpacked, max_bytes)}")

    def bounded(number: int, values: tuple[object, ...]) -> tuple[int, list[str]]:
        if number > EXCEL_ROWS or len(values) > EXCEL_COLUMNS:
            raise LedgerFileError([Problem(
                name, number, min(len(values), EXCEL_COLUMNS + 1),
                f"beyond the {EXCEL_ROWS:,} rows and {EXCEL_COLUMNS:,} columns a spreadsheet "
                "holds")])
        cells = [_cell_text(value) for value in values]
        if max(map(len, cells), default=0) > EXCEL_CELL:
            column = next(at for at, cell in enumerate(cells, 1) if len(cell) > EXCEL_CELL)
            raise LedgerFileError([Problem(
                name, number, column, f"a cell of {len(cells[column - 1]):,} characters, "
                f"more than a spreadsheet cell holds ({EXCEL_CELL:,})")])
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
    return _table(name, rows)


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


# --- checking the rows --------------------------------------------------------------------


Row = dict[str, str]
"""A row's non-empty cells by column."""


@dataclass
class Plan:
    """What an import would do: the records to add, the rows skipped, and every problem."""

    kind: ImportKind
    table: Table
    added: list[Party | Term | Evidence] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    """The row of the file each added record comes from."""
    already: int = 0
    """Rows already in the ledger (every field but the recording time)."""
    repeated: list[tuple[int, int]] = field(default_factory=list)
    """(row, earlier row) of each row that repeats an earlier one of the file."""
    problems: list[Problem] = field(default_factory=list)
    result: Ledger = Ledger(title="-")
    """The ledger with the records of every row without a problem added."""

    def check(self) -> None:
        """Raise every problem, the first MAX_PROBLEMS listed, as loading a ledger lists them."""
        from ledger.core.errors import LedgerFileError
        from ledger.storage.loading import MAX_PROBLEMS

        if self.problems:
            raise LedgerFileError(self.problems[:MAX_PROBLEMS],
                                  more=max(len(self.problems) - MAX_PROBLEMS, 0))

    def summary(self) -> str:
        what = {ImportKind.PARTY: ("party", "parties"), ImportKind.TERM: ("term", "terms"),
                ImportKind.EVIDENCE: ("evidence entry", "evidence entries")}[self.kind]
        count = len(self.added)
        line = f"{count} {what[0] if count == 1 else what[1]}"
        line += f"; {self.already} row{'' if self.already == 1 else 's'} skipped, already in " \
                "the ledger"
        if self.repeated:
            line += "; " + ", ".join(f"row {row} repeats row {earlier}"
                                     for row, earlier in self.repeated[:10])
            if len(self.repeated) > 10:
                line += f" and {len(self.repeated) - 10} more"
        return line


def plan_import(ledger: Ledger, kind: ImportKind, table: Table, *,
                recorded_at: datetime) -> Plan:
    """Check every row of `table` as records of `kind` for `ledger`; the records get recording
    times from `recorded_at` on, a microsecond apart, in the file's order."""
    plan = Plan(kind, table, result=ledger)
    columns = _columns(plan)
    if not columns:
        return plan
    missing = [column for column in REQUIRED[kind] if column not in columns]
    importer = _IMPORTERS[kind](ledger)
    wanted = [(position, column, column in _CHOICES) for position, column in enumerate(columns)
              if column in COLUMNS[kind] and column not in IGNORED]
    rows = [{column: cells[position].strip() if stripped else cells[position]
             for position, column, stripped in wanted
             if position < len(cells) and cells[position].strip()}
            for _, cells in table.rows]
    expect = getattr(importer, "expect", None)
    if expect is not None:
        expect(rows)
    seen: dict[object, int] = {}

    def decide(number: int, made: _Made | None) -> None:
        if made is None:
            plan.already += 1
        elif made.key in seen:
            plan.repeated.append((number, seen[made.key]))
        else:
            seen[made.key] = number
            importer.keep(made)
            plan.added.append(made.record)
            plan.rows.append(number)

    checked: list[tuple[int, Row, list[tuple[str | None, str]], Any]] = []
    for offset, ((number, cells), row) in enumerate(zip(table.rows, rows, strict=True)):
        problems: list[tuple[str | None, str]] = [
            (column, "required") for column in REQUIRED[kind]
            if column not in row and column not in missing]
        beyond = next((position for position in range(len(columns), len(cells))
                       if cells[position].strip()), None)
        if beyond is not None:
            problems.append((f"#{beyond + 1}", f"a cell beyond the last named column "
                             f"({len(columns)}): name its column in row 1, or empty it"))
        retracted = row.pop("retracted", "no")
        if retracted.lower() not in ("no", "false", "0"):
            problems.append(("retracted", "a retracted entry is not imported: remove the row "
                             "(a retraction is recorded with its reason, by `ledger evidence "
                             "retract`)"))
        made: Any = None
        if not problems and not missing:
            # The record's own checks first: a good row (the usual case) is checked once.
            try:
                made = importer.make(row, recorded_at + timedelta(microseconds=offset), number)
            except InvalidValue as error:
                problems.append((_FIELD_COLUMNS.get(error.field, error.field), error.message))
                made = error
            except LedgerError as error:
                problems.append((None, str(error)))
                made = error
            else:
                if not importer.deferred:
                    decide(number, made)
        checked.append((number, row, problems, made))
    # A row is made only when it has no problem of its own and the file no missing column.
    outcomes = importer.settle([made for _, _, problems, made in checked
                                if not problems and not missing])
    for number, row, problems, made in checked:
        if not problems and not missing:
            outcome = next(outcomes) if importer.deferred else made
            if isinstance(outcome, InvalidValue):
                problems.append((_FIELD_COLUMNS.get(outcome.field, outcome.field),
                                 outcome.message))
            elif importer.deferred:
                decide(number, outcome)
        if problems or missing:
            # Then each cell on its own, so that every problem of the row is named.
            problems += [problem for problem in _cell_problems(kind, row, importer)
                         if problem not in problems]
        for column, message in problems:
            if column is not None and column.startswith("#"):
                at, column = int(column[1:]), None
            else:
                at = columns.index(column) + 1 if column in columns else 1
            plan.problems.append(Problem(
                table.name, number, at,
                f"column {column!r}: {message}" if column is not None else message))
    plan.problems.sort(key=lambda problem: (problem.line, problem.column))
    plan.result = importer.result()
    return plan


def _columns(plan: Plan) -> list[str]:
    import difflib

    table, kind = plan.table, plan.kind
    allowed = COLUMNS[kind]
    if not table.header:
        plan.problems.append(Problem(table.name, 1, 1, "row 1 must name the columns (the "
                                     f"columns of {_A[kind]} file: {', '.join(allowed)})"))
        return []
    for position, column in enumerate(table.header, 1):
        if not column:
            plan.problems.append(Problem(table.name, 1, position, "a column without a name"))
        elif column not in allowed:
            near = difflib.get_close_matches(column.strip().lower(), allowed, n=1, cutoff=0.6)
            plan.problems.append(Problem(
                table.name, 1, position, f"unknown column {column!r} ("
                + (f"did you mean {near[0]!r}? " if near else "")
                + f"the columns of {_A[kind]} file: {', '.join(allowed)})"))
        elif table.header.index(column) != position - 1:
            plan.problems.append(Problem(table.name, 1, position,
                                         f"column {column!r} appears twice"))
    plan.problems += [Problem(table.name, 1, 1, f"missing column {column!r} (required)")
                      for column in REQUIRED[kind] if column not in table.header]
    return table.header


def _cell_problems(kind: ImportKind, row: Row, importer: Any) -> Iterable[tuple[str, str]]:
    """Each cell's own problems, by the rules the records apply, and the ids it names that the
    ledger does not hold."""
    for column, value in row.items():
        if column == "id" and kind is ImportKind.EVIDENCE:
            continue  # an entry's id is derived from its content and recording time
        items = split(value) if column in LISTS else [value]
        for item in items:
            try:
                edits.check_value(column, item)
                importer.check_reference(column, item, row)
            except InvalidValue as error:
                yield column, error.message


@dataclass(frozen=True)
class _Made:
    record: Any
    key: object
    """What the record holds but its recording time (and id, for an entry)."""


class _KeptImporter:
    """Parties or terms: each row added to the ledger that the rows before it made, so that the
    record rules (ids, names that read alike) see them all."""

    kind: RecordKind
    deferred = False
    """Each row is made, and kept, before the next is checked (`settle` passes it on)."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self._pending = ledger
        self._rows: dict[str, tuple[tuple[object, ...], int]] = {}
        self.existing = _existing(ledger, self.kind, self._records(ledger), self._key)

    def settle(self, made: list[Any]) -> Iterator[Any]:
        return iter(made)

    def _records(self, ledger: Ledger) -> tuple[Any, ...]:
        return ledger.parties if self.kind is RecordKind.PARTY else ledger.terms

    def _key(self, record: Any) -> tuple[object, ...]:
        raise NotImplementedError

    def check_reference(self, column: str, value: str, row: Row) -> None:
        """A cell that names an agreement or a party the ledger does not hold, or a condition
        that is no term (nor one the file adds) or the row's own term."""
        if column == "agreement":
            edits.known_value("agreement", value, [agreement.id
                                                     for agreement in self.ledger.agreements])
        elif column == "obligors":
            edits.known_value("obligor", value, edits.party_ids(self.ledger))
        elif column == "conditions":
            edits.conditions_of(self.ledger, row.get("id", ""), [value],
                                  getattr(self, "coming", frozenset()))

    def _in_file(self, id: str, key: tuple[object, ...], number: int) -> _Made | None:
        """A row whose id an earlier row of the file holds: the same record (repeated) or a
        problem."""
        if id not in self._rows:
            self._rows[id] = (key, number)
            return None
        earlier_key, earlier = self._rows[id]
        if earlier_key != key:
            raise InvalidValue("id", f"{id!r} is also in row {earlier}, with other values")
        return _Made(None, key)

    def _made(self, key: tuple[object, ...], grown: Ledger) -> _Made:
        self._pending = grown
        return _Made(self._records(grown)[-1], key)

    def keep(self, made: _Made) -> None:
        self.ledger = self._pending

    def result(self) -> Ledger:
        return self.ledger


class _PartyImporter(_KeptImporter):
    kind = RecordKind.PARTY

    def _key(self, party: Party) -> tuple[object, ...]:
        return (party.id, party.name, party.role, party.aliases)

    def make(self, row: Row, recorded_at: datetime, number: int) -> _Made | None:
        aliases = tuple(split(row.get("aliases", "")))
        role = edits.role_of(row.get("role", "other"))
        key = (row["id"], row["name"], role, aliases)
        if _already(self.existing, row["id"], key, "party"):
            return None
        repeated = self._in_file(row["id"], key, number)
        if repeated is not None:
            return repeated
        return self._made(key, edits.add_party(self.ledger, row["id"], name=row["name"],
                                                 role=role, aliases=aliases,
                                                 recorded_at=recorded_at))


class _TermImporter(_KeptImporter):
    kind = RecordKind.TERM
    coming: frozenset[str] = frozenset()
    """The ids of the file's rows: a condition may name a term of a row further down."""

    def expect(self, rows: list[Row]) -> None:
        held = {term.id for term in self.ledger.terms}
        self.coming = frozenset(row["id"] for row in rows if "id" in row) - held

    def _key(self, term: Term) -> tuple[object, ...]:
        return (term.id, term.agreement, term.title, term.category, term.obligors, term.due,
                term.text, term.article, term.conditions or ())

    def make(self, row: Row, recorded_at: datetime, number: int) -> _Made | None:
        agreements = [agreement.id for agreement in self.ledger.agreements]
        agreement = row.get("agreement") or (agreements[0] if len(agreements) == 1 else None)
        obligors = tuple(dict.fromkeys(split(row["obligors"])))
        conditions = tuple(dict.fromkeys(split(row.get("conditions", ""))))
        key = (row["id"], agreement, row["title"], row["category"], obligors, row.get("due"),
               row.get("text"), row.get("article"), conditions)
        if _already(self.existing, row["id"], key, "term"):
            return None
        repeated = self._in_file(row["id"], key, number)
        if repeated is not None:
            return repeated
        return self._made(key, edits.add_term(
            self.ledger, row["id"], title=row["title"], category=row["category"],
            obligors=obligors, agreement=row.get("agreement"), due=row.get("due"),
            text=row.get("text"), article=row.get("article"), conditions=conditions,
            recorded_at=recorded_at, coming=self.coming))


_ENTRY_FIELDS = ("term", "subject", "claimant", "stance", "date", "summary", "speaker", "quote",
                 "source")
"""What makes two entries the same assertion. `corrects` is left out: an export does not carry
it (the id it names is of this ledger only), so a correction exported and imported again is
the entry already there."""


_ENTRY_CONTENT = attrgetter(*_ENTRY_FIELDS)
_SUMMARY = attrgetter("summary")
_ID = attrgetter("id")


def _saying(evidence: Sequence[Evidence], summaries: set[str | None]) -> Iterator[Evidence]:
    """The entries whose summary is one of `summaries`, picked in C: two entries that say the
    same thing have the same summary, and a large ledger holds few with a given one."""
    return compress(evidence, map(summaries.__contains__, map(_SUMMARY, evidence)))


def _entry_key(entry: Evidence) -> tuple[object, ...]:
    """Everything an entry holds but its id and recording time (a source compares by value)."""
    return _ENTRY_CONTENT(entry)


class _EvidenceImporter:
    _OPTIONS = {"speaker": "speaker", "quote": "quote", "source": "source",
                "publisher": "publisher", "url": "url", "source_date": "source_date",
                "document": "document", "sha256": "sha256", "subject": "subject"}

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.maker = edits.EvidenceMaker(ledger)
        self._existing: set[tuple[object, ...]] = set()
        self.new: list[Evidence] = []

    def expect(self, rows: Iterable[Row]) -> None:
        """Only entries with a summary that some row has can be one of the rows: those alone
        are compared in full (a large ledger holds few of them). A summary is imported as its
        cell holds it."""
        said = {row.get("summary") for row in rows}
        candidates = list(_saying(self.ledger.evidence, said))
        if any("\\" in summary for summary in said if summary):  # an export's visible escapes
            from ledger.render.text import neutralise

            candidates += compress(self.ledger.evidence, map(
                said.__contains__, map(neutralise, map(_SUMMARY, self.ledger.evidence))))
        keys = list(map(_entry_key, candidates))
        self._existing = {*keys, *map(_as_exported, keys)}

    def _already(self, entry: Evidence, key: tuple[object, ...]) -> bool:
        return key in self._existing

    def check_reference(self, column: str, value: str, row: Row) -> None:
        if column == "term":
            self.maker.term(value)
        elif column in ("claimant", "subject"):
            self.maker.party(column, value)

    deferred = True
    """Rows are checked one by one, and validated by Pydantic all at once (`settle`)."""

    def make(self, row: Row, recorded_at: datetime, number: int) -> dict[str, Any]:
        return self.maker.content(
            term=row["term"], claimant=row["claimant"], stance=row["stance"], date=row["date"],
            summary=row["summary"], recorded_at=recorded_at,
            **{option: row.get(column) for column, option in self._OPTIONS.items()})

    def settle(self, contents: list[dict[str, Any]]) -> Iterator[_Made | InvalidValue | None]:
        for entry in self.maker.finish(contents):
            if isinstance(entry, InvalidValue):
                yield entry
                continue
            key = _entry_key(entry)
            yield None if self._already(entry, key) else _Made(entry, key)

    def keep(self, made: _Made) -> None:
        self.new.append(made.record)

    def result(self) -> Ledger:
        return self.ledger.model_copy(update={"evidence": (*self.ledger.evidence, *self.new)})


_IMPORTERS: dict[ImportKind, Callable[[Ledger], Any]] = {
    ImportKind.PARTY: _PartyImporter, ImportKind.TERM: _TermImporter,
    ImportKind.EVIDENCE: _EvidenceImporter,
}


def _existing(ledger: Ledger, kind: RecordKind, records: Iterable[Any],
              key: Callable[[Any], tuple[object, ...]]) -> dict[str, set[tuple[object, ...]]]:
    """Each record's keys, as it was added and in every version since (an export shows the
    version in force, so a re-imported export matches it)."""
    grouped = clocks.changes_by_record(ledger.changes)
    found: dict[str, set[tuple[object, ...]]] = {}
    for record in records:
        versions = clocks.versions_in_force(record, grouped.get((kind, record.id), []))
        keys = [key(record), *map(key, versions)]
        found[record.id] = {*keys, *map(_as_exported, keys)}
    return found


def _as_exported(value: Any) -> Any:
    """A record's value as a CSV export of it holds it: its text neutralised (control and
    invisible characters written as visible escapes, as every output writes them), so that a
    row of an unedited export is the record it came from."""
    from ledger.core.model import Source
    from ledger.render.text import neutralise

    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, tuple):
        return tuple(map(_as_exported, value))
    if isinstance(value, Source):
        return value.model_copy(update={name: neutralise(text) for name, text in value
                                        if isinstance(text, str)})
    return value


_KEY_FIELDS = {"party": ("id", "name", "role", "aliases"),
               "term": ("id", "agreement", "title", "category", "obligors", "due", "text",
                        "article", "conditions")}
"""The columns that a party's or a term's key holds, in order."""


def _already(existing: dict[str, set[tuple[object, ...]]], id: str, key: tuple[object, ...],
             what: str) -> bool:
    """Whether the row is the record of that id already in the ledger; a problem, placed at
    the first column that differs, if the id is taken by a record with other values."""
    if id not in existing:
        return False
    if key in existing[id]:
        return True
    fields = _KEY_FIELDS[what]
    closest = min(existing[id], key=lambda version: sum(map(
        lambda mine, theirs: mine != theirs, key, version)))
    differ = [name for name, mine, theirs in zip(fields, key, closest, strict=True)
              if mine != theirs]
    raise InvalidValue(differ[0], f"the {what} {id!r} is already in the ledger with another "
                       f"{' and '.join(differ)}: change it there with `ledger {what} correct "
                       f"{id}` (or `amend`)")


def import_cautions(plan: Plan, before: Ledger) -> list[Problem]:
    """The likely mistakes (`cautions`) in the records an import adds, placed at FILE:ROW:COL
    of the spreadsheet: the same rules as `evidence add` and `term add` warn by."""
    from ledger.core import cautions

    columns = plan.table.header

    def placed(number: int, field: str, message: str) -> Problem:
        column = columns.index(field) + 1 if field in columns else 1
        return Problem(plan.table.name, number, column, f"column {field!r}: {message}")

    found: list[Problem] = []
    if plan.kind is ImportKind.EVIDENCE:
        signed = cautions.signing_days(plan.result)
        retracted = {retraction.evidence for retraction in before.retractions}
        said = {cautions.ENTRY_CONTENT(entry): entry.id
                for entry in _saying(before.evidence, set(map(_SUMMARY, plan.added)))
                if entry.id not in retracted}
        named = _named_entries(plan, before)
        for number, entry in zip(plan.rows, plan.added, strict=True):
            assert isinstance(entry, Evidence)
            twin = said.setdefault(cautions.ENTRY_CONTENT(entry), entry.id)
            found += [placed(number, field_name, message) for field_name, message in
                      cautions.entry_rules(entry, signed.get(entry.term),
                                           twin if twin != entry.id else None)]
            if number in named:
                found.append(placed(number, "id", (
                    f"entry {named[number]} is in the ledger with other values; this row is "
                    "added as a new entry (to change that entry instead: ledger evidence "
                    f"correct {named[number]})")))
    elif plan.kind is ImportKind.TERM:
        categories = {term.category for term in before.terms}
        for number, term in zip(plan.rows, plan.added, strict=True):
            assert isinstance(term, Term)
            found += [placed(number, field_name, message) for field_name, message in
                      cautions.term_cautions(plan.result, term, categories)]
            categories.add(term.category)
    return found


def _named_entries(plan: Plan, before: Ledger) -> dict[int, str]:
    """The rows to be added whose `id` cell names an entry already in the ledger: an exported
    row edited to change that entry, which an import cannot do (it adds a new entry)."""
    if "id" not in plan.table.header:
        return {}
    at = plan.table.header.index("id")
    cells = {number: row[at].strip() for number, row in plan.table.rows if at < len(row)}
    held = set(map(_ID, before.evidence))
    return {number: cells[number] for number in plan.rows if cells.get(number, "") in held}
