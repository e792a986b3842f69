"""Import parties, terms or evidence from a CSV or Excel file: every row checked against the
ledger and the rows before it, every problem placed at FILE:ROW:COL, then all rows or none.

The columns are the ones `ledger ... list --format csv` writes for the same kind, so an exported
list, edited in a spreadsheet, imports back. A row that is already in the ledger (every field
but its recording time, and for entries the id derived from it) is skipped, so running the same
import twice adds nothing the second time. Cells are text: a formula is imported as the literal
text it holds, never evaluated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ledger.columns import COLUMNS, IGNORED, LISTS, REQUIRED, TRIMMED, ImportKind, split
from ledger.core import edits
from ledger.core.counting import retracted_ids
from ledger.core.errors import InvalidValue, LedgerError, Problem
from ledger.core.model import Evidence, Ledger, Party, Term
from ledger.importing.importers import (
    ID,
    SUMMARY,
    EvidenceImporter,
    Made,
    PartyImporter,
    TermImporter,
    saying,
)
from ledger.importing.tables import Row, Table

_A = {ImportKind.PARTY: "a party", ImportKind.TERM: "a term",
      ImportKind.EVIDENCE: "an evidence"}
_FIELD_COLUMNS = {"obligor": "obligors", "alias": "aliases", "condition": "conditions"}
"""The names the record rules give some fields, and the column each is read from."""


# --- checking the rows --------------------------------------------------------------------




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
                recorded_at: datetime, recorded_by: str | None = None) -> Plan:
    """Check every row of `table` as records of `kind` for `ledger`; the records get recording
    times from `recorded_at` on, a microsecond apart, in the file's order."""
    plan = Plan(kind, table, result=ledger)
    columns = _columns(plan)
    if not columns:
        return plan
    missing = [column for column in REQUIRED[kind] if column not in columns]
    importer = _IMPORTERS[kind](ledger, recorded_by)
    wanted = [(position, column, column in TRIMMED) for position, column in enumerate(columns)
              if column in COLUMNS[kind] and column not in IGNORED]
    rows = [{column: cells[position].strip() if stripped else cells[position]
             for position, column, stripped in wanted
             if position < len(cells) and cells[position].strip()}
            for _, cells in table.rows]
    expect = getattr(importer, "expect", None)
    if expect is not None:
        expect(rows)
    seen: dict[object, int] = {}

    def decide(number: int, outcome: Made | list[Made | None] | None) -> None:
        """A row's record, or its records where one row makes several (an evidence row about
        several subjects): skipped when every one is in the ledger already."""
        made_ones = outcome if isinstance(outcome, list) else [outcome]
        if not any(made_ones):
            plan.already += 1
        for made in made_ones:
            if made is None:
                continue
            if made.key in seen:
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
                             f"({len(columns)}): name its column in row 1, or empty it"
                             + (" (a comma inside a cell? put the cell in double quotes: "
                                '"Kabul, Doha")' if table.name.lower().endswith(".csv")
                                else "")))
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


_IMPORTERS: dict[ImportKind, Callable[[Ledger, str | None], Any]] = {
    ImportKind.PARTY: PartyImporter, ImportKind.TERM: TermImporter,
    ImportKind.EVIDENCE: EvidenceImporter,
}


def import_cautions(plan: Plan, before: Ledger) -> list[Problem]:
    """The likely mistakes (`cautions`) in the records an import adds, placed at FILE:ROW:COL
    of the spreadsheet: the same rules as `evidence add` and `term add` warn by."""
    from ledger.core import cautions

    columns = plan.table.header

    def placed(number: int, field: str, message: str) -> Problem:
        column = columns.index(field) + 1 if field in columns else 1
        return Problem(plan.table.name, number, column, f"column {field!r}: {message}")

    rows = dict(plan.table.rows) if plan.table.first_of_month else {}
    found: list[Problem] = [
        placed(number, columns[column - 1], f"a date cell on the first of a month "
               f"({rows[number][column - 1]}), as a spreadsheet makes one of a typed month: if "
               f"the month was meant, type it as text ({rows[number][column - 1][:7]})")
        for number, column in plan.table.first_of_month
        if number in rows and column <= len(columns)
        and columns[column - 1] in ("date", "source_date")]
    if plan.kind is ImportKind.EVIDENCE:
        agreements = cautions.agreements_of_terms(plan.result)
        retracted = retracted_ids(before)
        said = {entry.said(): entry.id
                for entry in saying(before.evidence, set(map(SUMMARY, plan.added)))
                if entry.id not in retracted}
        named = _named_entries(plan, before)
        for number, entry in zip(plan.rows, plan.added, strict=True):
            assert isinstance(entry, Evidence)
            twin = said.setdefault(entry.said(), entry.id)
            found += [placed(number, field_name, message) for field_name, message in
                      cautions.entry_rules(entry, agreements.get(entry.term),
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
    held = set(map(ID, before.evidence))
    return {number: cells[number] for number in plan.rows if cells.get(number, "") in held}
