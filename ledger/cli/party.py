"""`ledger party`: add and list parties."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from ledger.cli.context import change_record, headed, read_as, stamp, update
from ledger.cli.errors import run
from ledger.cli.imports import DryRunOption, ImportFile, SheetOption, run_import
from ledger.cli.options import (
    AsOfOption,
    EffectiveOption,
    FormatOption,
    KnownAtOption,
    ReasonOption,
    complete_party,
)
from ledger.cli.output import confirm_saved, emit
from ledger.core.words import Role
from ledger.render import ListFormat

if TYPE_CHECKING:
    from ledger.core.model import Ledger

party_app = typer.Typer(help="Add and list parties.", no_args_is_help=True)


@party_app.command("add")
def party_add(
    ctx: typer.Context,
    id: Annotated[str, typer.Argument(help="A short id, e.g. taliban.")],
    name: Annotated[str, typer.Option(help="The party's name as reports show it.")],
    role: Annotated[Role, typer.Option(help="What the party is to the agreement.")] = Role.OTHER,
    alias: Annotated[list[str] | None, typer.Option(help="Another name (repeat).")] = None,
) -> None:
    """Add a party.

    Example: ledger party add taliban --name "The Taliban" --role signatory
    """
    from ledger.core import edits

    def change(ledger: Ledger) -> tuple[Ledger, None]:
        return edits.add_party(ledger, id, name=name, role=role,
                                 aliases=tuple(alias or ()), **stamp(ctx)), None

    run(lambda: update(ctx, change))
    confirm_saved(None, f"added party {id}")


PartyId = Annotated[str, typer.Argument(help="The party's id.", autocompletion=complete_party)]
NewName = Annotated[str | None, typer.Option("--name", help="A new name.")]
NewRole = Annotated[Role | None, typer.Option("--role", help="A new role.")]
NewAliases = Annotated[list[str] | None, typer.Option(
    "--alias", help="Other names, replacing the whole list (repeat for each).")]


@party_app.command("amend")
def party_amend(ctx: typer.Context, id: PartyId, effective: EffectiveOption,
                reason: ReasonOption, name: NewName = None, role: NewRole = None,
                alias: NewAliases = None) -> None:
    """Record that the party changed from a day on (renamed, a new role); its id stays.

    Example: ledger party amend north --effective 2025-01-01 --name "North Republic" --reason
    "Renamed by its constitution"
    """
    change_record(ctx, "party", "amendment", id, reason, effective,
                  {"name": name, "role": role, "aliases": alias})


@party_app.command("correct")
def party_correct(ctx: typer.Context, id: PartyId, reason: ReasonOption, name: NewName = None,
                  role: NewRole = None, alias: NewAliases = None) -> None:
    """Record that the party was entered wrong (a misspelt name): applies to every day.

    Example: ledger party correct north --name Northland --reason "Misspelt as Nothland"
    """
    change_record(ctx, "party", "correction", id, reason, None,
                  {"name": name, "role": role, "aliases": alias})


@party_app.command("list")
def party_list(ctx: typer.Context, as_of: AsOfOption = None, known_at: KnownAtOption = None,
               output: FormatOption = ListFormat.TABLE) -> None:
    """List the parties, each in the version in force.

    Example: ledger party list
    """
    from ledger.render.record_views import parties_view

    clocked = run(lambda: read_as(ctx, as_of, known_at))
    emit(headed(parties_view(list(clocked.ledger.parties)), clocked), output)


@party_app.command("import")
def party_import(ctx: typer.Context, file: ImportFile, dry_run: DryRunOption = False,
                 sheet: SheetOption = None) -> None:
    """Import parties from a CSV or Excel file, all or nothing: every problem of every row is
    printed as FILE:ROW:COL, and then nothing is written. Rows already in the ledger are skipped.

    Example: ledger party import parties.csv
    """
    from ledger.columns import ImportKind

    run_import(ctx, ImportKind.PARTY, file, dry_run, sheet)
