"""`ledger party`: add and list parties."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from ledger.cli.app import confirm_saved, emit, read, run, update
from ledger.cli.options import FormatOption
from ledger.render import OutputFormat
from ledger.words import Role

if TYPE_CHECKING:
    from ledger.model import Ledger

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
    from ledger import changes

    def change(ledger: Ledger) -> tuple[Ledger, None]:
        return changes.add_party(ledger, id, name=name, role=role,
                                 aliases=tuple(alias or ())), None

    run(lambda: update(ctx, change))
    confirm_saved(None, f"added party {id}")


@party_app.command("list")
def party_list(ctx: typer.Context, output: FormatOption = OutputFormat.TABLE) -> None:
    """List the parties.

    Example: ledger party list
    """
    from ledger.render.views import parties_view

    emit(parties_view(list(run(lambda: read(ctx)).ledger.parties)), output)
