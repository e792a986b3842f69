"""`ledger term`: add, list and show terms (the obligations of an agreement)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from ledger.cli.app import confirm_saved, emit, full_date, read, run, update
from ledger.cli.options import (
    AgreementFilter,
    AsOfOption,
    CategoryFilter,
    FormatOption,
    complete_agreement,
    complete_party,
    complete_term,
)
from ledger.render import OutputFormat

if TYPE_CHECKING:
    from ledger.model import Ledger
    from ledger.render.view import View

term_app = typer.Typer(help="Add, list and show terms (the obligations of an agreement).",
                       no_args_is_help=True)


@term_app.command("add")
def term_add(
    ctx: typer.Context,
    id: Annotated[str, typer.Argument(help="A short id, e.g. ct-no-safe-haven.")],
    title: Annotated[str, typer.Option(help="A short title for the obligation.")],
    category: Annotated[str, typer.Option(
        help="A short label: withdrawal, prisoner-release, counter-terrorism, ...")],
    obligor: Annotated[list[str], typer.Option(
        help="A party bound by the term (repeat for each).", autocompletion=complete_party)],
    agreement: Annotated[str | None, typer.Option(
        help="The agreement (needed when the ledger has more than one).",
        autocompletion=complete_agreement)] = None,
    due: Annotated[str | None, typer.Option(help="Due date, YYYY-MM-DD.")] = None,
    text: Annotated[str | None, typer.Option(help="The clause text or a paraphrase.")] = None,
    article: Annotated[str | None, typer.Option(help="Article reference, e.g. 'Part One A.1'.")
                       ] = None,
) -> None:
    """Add a term (an obligation of one or more parties).

    Example: ledger term add ct-1 --title "No safe haven" --category counter-terrorism
    --obligor taliban
    """
    from ledger import changes

    def change(ledger: Ledger) -> tuple[Ledger, None]:
        return changes.add_term(ledger, id, title=title, category=category,
                                obligors=tuple(obligor), agreement=agreement, due=due,
                                text=text, article=article), None

    run(lambda: update(ctx, change))
    confirm_saved(None, f"added term {id}")


@term_app.command("list")
def term_list(
    ctx: typer.Context,
    category: CategoryFilter = None,
    party: Annotated[str | None, typer.Option(help="Only terms this party is bound by.",
                                              autocompletion=complete_party)] = None,
    agreement: AgreementFilter = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """List terms, optionally filtered.

    Example: ledger term list --party taliban --category counter-terrorism
    """
    from ledger import status
    from ledger.render.views import terms_view

    def build() -> View:
        ledger = read(ctx).ledger
        selection = status.TermSelection(category=category, party=party, agreement=agreement)
        return terms_view(status.select_terms(ledger, selection), ledger)

    emit(run(build), output)


@term_app.command("show")
def term_show(
    ctx: typer.Context,
    id: Annotated[str, typer.Argument(help="The term's id.", autocompletion=complete_term)],
    as_of: AsOfOption = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Show a term: its obligors, the status for each, and the timeline of its evidence.

    Example: ledger term show ct-1
    """
    from ledger import clock, status
    from ledger.render.views import term_view

    def build() -> View:
        ledger = read(ctx).ledger
        term = status.find_term(ledger, id)
        obligations = status.obligations_of_term(ledger, term, as_of=full_date("as_of", as_of),
                                                 today=clock.today())
        return term_view(term, obligations, status.timeline_of(ledger, id),
                         status.retractions_by_entry(ledger), ledger)

    emit(run(build), output)
