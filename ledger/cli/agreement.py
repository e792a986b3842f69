"""`ledger agreement`: add and list agreements."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from ledger.cli.app import confirm_saved, emit, read, run, update
from ledger.cli.options import FormatOption, complete_party
from ledger.render import OutputFormat

if TYPE_CHECKING:
    from ledger.model import Ledger

agreement_app = typer.Typer(help="Add and list agreements.", no_args_is_help=True)


@agreement_app.command("add")
def agreement_add(
    ctx: typer.Context,
    id: Annotated[str, typer.Argument(help="A short id, e.g. us-taliban-2020.")],
    title: Annotated[str, typer.Option(help="The agreement's title.")],
    signed: Annotated[str | None, typer.Option(help="Date signed, YYYY-MM-DD.")] = None,
    signatory: Annotated[
        list[str] | None,
        typer.Option(help="A signatory party id (repeat for each).",
                     autocompletion=complete_party),
    ] = None,
    place: Annotated[str | None, typer.Option(help="Where it was signed.")] = None,
    url: Annotated[str | None, typer.Option(help="Where its text is published.")] = None,
) -> None:
    """Add an agreement.

    Example: ledger agreement add doha --title "Doha agreement" --signed 2020-02-29 --signatory us
    """
    from ledger import changes

    def change(ledger: Ledger) -> tuple[Ledger, None]:
        return changes.add_agreement(ledger, id, title=title, signed=signed,
                                     signatories=tuple(signatory or ()), place=place,
                                     url=url), None

    run(lambda: update(ctx, change))
    confirm_saved(None, f"added agreement {id}")


@agreement_app.command("list")
def agreement_list(ctx: typer.Context, output: FormatOption = OutputFormat.TABLE) -> None:
    """List the agreements.

    Example: ledger agreement list --format json
    """
    from ledger.render.views import agreements_view

    ledger = run(lambda: read(ctx)).ledger
    emit(agreements_view(list(ledger.agreements), ledger), output)
