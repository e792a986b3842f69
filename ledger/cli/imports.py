"""`ledger party|term|evidence import`: one way to import, shared by the three nouns."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ledger.cli.context import headed, load, max_bytes, stamp, target, update
from ledger.cli.errors import run, say
from ledger.cli.output import confirm_saved, emit, print_placed
from ledger.render import ListFormat

if TYPE_CHECKING:
    from ledger.columns import ImportKind
    from ledger.core.errors import Problem
    from ledger.core.model import Ledger
    from ledger.importing.planning import Plan
    from ledger.importing.tables import Table
    from ledger.render.view import View

ImportFile = Annotated[Path, typer.Argument(
    help="A .csv (UTF-8; comma or semicolon separated) or .xlsx file whose first row names the "
    "columns, as `list --format csv` writes them.", dir_okay=False, show_default=False)]
DryRunOption = Annotated[bool, typer.Option(
    "--dry-run", help="Check every row and show what would be added; write nothing (exit 1 "
    "when a row has a problem).")]
SheetOption = Annotated[str | None, typer.Option(
    help="The sheet of an .xlsx file (default: the first).")]


def run_import(ctx: typer.Context, kind: ImportKind, file: Path, dry_run: bool,
               sheet: str | None) -> None:
    """Check every row; with a problem in any, print each at FILE:ROW:COL and change nothing;
    else add every row in one transaction (one load, one save) and say what was added."""
    from ledger.columns import ImportKind
    from ledger.importing import planning, tables

    hashed: list[Problem] = []

    def plan_for(ledger: Ledger) -> Plan:
        table = tables.read_table(file, sheet=sheet, max_bytes=max_bytes())
        if kind is ImportKind.EVIDENCE:
            table = _with_document_digests(ctx, table, hashed)
        return planning.plan_import(ledger, kind, table, **stamp(ctx))

    if dry_run:
        before = run(lambda: load(target(ctx).path).ledger)
        plan = run(lambda: plan_for(before))
        emit(_planned_view(plan), ListFormat.TABLE)
        run(plan.check)
        say(f"would add {plan.summary()} (a dry run: nothing written)")
        _warn_placed(hashed + planning.import_cautions(plan, before))
        return

    found: list[Problem] = []

    def change(ledger: Ledger) -> tuple[Ledger, Plan]:
        plan = plan_for(ledger)
        plan.check()
        found.extend(planning.import_cautions(plan, ledger))
        return (plan.result if plan.added else ledger), plan

    done = run(lambda: update(ctx, change))
    ids = "".join(f"{record.id}\n" for record in done.added)
    confirm_saved(ids.rstrip("\n") or None, f"added {done.summary()}")
    _warn_placed(hashed + found)


def _with_document_digests(ctx: typer.Context, table: Table, missing: list[Problem]) -> Table:
    """The table with the SHA-256 of each row's `document` that names none, read from the
    ledger's folder as `evidence add --document` reads it; a document not there is a warning at
    its cell (the row still imports, as `evidence add` records it)."""
    import dataclasses

    from ledger.cli.context import document_digest
    from ledger.core.errors import Problem

    if "document" not in table.header or any(
            len(cells) > len(table.header) for _, cells in table.rows):
        return table  # a cell beyond the header is a problem the import names first
    header = table.header if "sha256" in table.header else [*table.header, "sha256"]
    at_document, at_digest = header.index("document"), header.index("sha256")
    rows = []
    for number, cells in table.rows:
        cells = cells + [""] * (len(header) - len(cells))
        name = cells[at_document].strip()
        if name and not cells[at_digest].strip():
            digest, problem = document_digest(ctx, name)
            if digest is not None:
                cells[at_digest] = digest
            elif problem is not None:
                missing.append(Problem(table.name, number, at_document + 1,
                                       f"column 'document': {problem}"))
        rows.append((number, cells))
    return dataclasses.replace(table, header=header, rows=rows)


def _warn_placed(found: list[Problem]) -> None:
    """Each warning at its FILE:ROW:COL, on stderr (the first thousand, then how many more)."""
    from ledger.storage.loading import MAX_PROBLEMS

    print_placed("warning", found[:MAX_PROBLEMS], more=max(len(found) - MAX_PROBLEMS, 0))


def _planned_view(plan: Plan) -> View:
    """The records a dry run would add, as their list shows them, with the names of the
    ledger's parties and terms as they stand today (every correction and amendment in force)."""
    import dataclasses

    from ledger.cli import clock
    from ledger.columns import ImportKind
    from ledger.core import clocks
    from ledger.core.model import Evidence, Party, Term
    from ledger.render.record_views import evidence_list_view, parties_view, terms_view

    ledger = clocks.snapshot(plan.result, today=clock.today())
    match plan.kind:
        case ImportKind.PARTY:
            view = parties_view([record for record in plan.added if isinstance(record, Party)])
        case ImportKind.TERM:
            view = terms_view([record for record in plan.added if isinstance(record, Term)],
                              ledger)
        case ImportKind.EVIDENCE:
            view = evidence_list_view([record for record in plan.added
                                       if isinstance(record, Evidence)], {}, ledger)
    provisional = " (ids provisional: an entry's follows from its recording time)" if (
        plan.kind is ImportKind.EVIDENCE) else ""
    what = (f"{view.what} of the rows without a problem (the import adds nothing while any row "
            "has one)" if plan.problems else f"{view.what} that the import would add")
    notes = view.notes if plan.added else ["Nothing to add: every row is already in the ledger."
                                           if not plan.problems else "No row is without a problem."]
    return headed(dataclasses.replace(view, what=what + provisional, notes=notes), ledger)
