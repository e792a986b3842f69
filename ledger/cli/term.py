"""`ledger term`: add, list and show terms (the obligations of an agreement)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from ledger.cli.context import (
    change_record,
    due_period,
    headed,
    read_as,
    record_cautions,
    stamp,
    update,
)
from ledger.cli.errors import run
from ledger.cli.imports import DryRunOption, ImportFile, SheetOption, run_import
from ledger.cli.options import (
    ANY_OF,
    AgreementFilter,
    AsOfOption,
    CategoryFilter,
    DraftsOption,
    EffectiveOption,
    FormatOption,
    KnownAtOption,
    ReasonOption,
    ReportFormatOption,
    SortOption,
    StaleAfterOption,
    complete_agreement,
    complete_party,
    complete_term,
)
from ledger.cli.output import confirm_saved, emit, warn
from ledger.core.words import TermOrder
from ledger.render import ListFormat, OutputFormat

if TYPE_CHECKING:
    from ledger.core.model import Ledger
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
    due: Annotated[str | None, typer.Option(
        help="When it is due: a day (YYYY-MM-DD, today, yesterday), or by the end of a period "
             "kept at its precision (YYYY, YYYY-Qn, YYYY-Hn, YYYY-MM).")
                   ] = None,
    text: Annotated[str | None, typer.Option(help="The clause text or a paraphrase.")] = None,
    article: Annotated[str | None, typer.Option(help="Article reference, e.g. 'Part One A.1'.")
                       ] = None,
    condition: Annotated[list[str] | None, typer.Option(
        help="A term this one waits on (repeat for each): it is not overdue until every "
        "condition is claimed for each of its obligors.", autocompletion=complete_term)] = None,
) -> None:
    """Add a term (an obligation of one or more parties).

    Example: ledger term add ct-1 --title "No safe haven" --category counter-terrorism
    --obligor taliban
    """
    from ledger.core import edits

    def change(ledger: Ledger) -> tuple[Ledger, list[tuple[str, str]]]:
        changed = edits.add_term(ledger, id, title=title, category=category,
                                   obligors=tuple(obligor), agreement=agreement,
                                   due=due_period(due), text=text, article=article,
                                   conditions=tuple(condition or ()), **stamp(ctx))
        return changed, record_cautions(changed, "term", id)

    found = run(lambda: update(ctx, change))
    confirm_saved(None, f"added term {id}")
    warn(found)


TermId = Annotated[str, typer.Argument(help="The term's id.", autocompletion=complete_term)]
NewTitle = Annotated[str | None, typer.Option("--title", help="A new title.")]
NewCategory = Annotated[str | None, typer.Option("--category", help="A new category.")]
NewObligors = Annotated[list[str] | None, typer.Option(
    "--obligor", help="The parties bound, replacing the whole list (repeat for each).",
    autocompletion=complete_party)]
NewDue = Annotated[str | None, typer.Option("--due", help="A new due day or period (as in "
                                           "`term add --due`).")]
NoDue = Annotated[bool, typer.Option("--no-due", help="The term has no due date any more.")]
NewText = Annotated[str | None, typer.Option("--text", help="New clause text.")]
NewArticle = Annotated[str | None, typer.Option("--article", help="A new article reference.")]
NewConditions = Annotated[list[str] | None, typer.Option(
    "--condition", help="The terms it waits on, replacing the whole list (repeat for each).",
    autocompletion=complete_term)]
NoConditions = Annotated[bool, typer.Option("--no-condition",
                                            help="The term waits on nothing any more.")]


def _change_term(ctx: typer.Context, kind: str, id: str, reason: str, effective: str | None,
                 values: dict[str, object], no_due: bool, no_condition: bool) -> None:
    cleared = (("due",) if no_due else ()) + (("conditions",) if no_condition else ())
    change_record(ctx, "term", kind, id, reason, effective, values, cleared)


@term_app.command("amend")
def term_amend(
    ctx: typer.Context, id: TermId, effective: EffectiveOption, reason: ReasonOption,
    title: NewTitle = None, category: NewCategory = None, obligor: NewObligors = None,
    due: NewDue = None, no_due: NoDue = False, text: NewText = None, article: NewArticle = None,
    condition: NewConditions = None, no_condition: NoConditions = False,
) -> None:
    """Record that the term itself changed from a day on (a deadline moved by the parties).

    Example: ledger term amend withdraw --effective 2024-07-01 --due 2024-12-31 --reason "Extended
    at the Geneva talks"
    """
    _change_term(ctx, "amendment", id, reason, effective,
                 {"title": title, "category": category, "obligors": obligor, "due": due,
                  "text": text, "article": article, "conditions": condition}, no_due,
                 no_condition)


@term_app.command("correct")
def term_correct(
    ctx: typer.Context, id: TermId, reason: ReasonOption,
    title: NewTitle = None, category: NewCategory = None, obligor: NewObligors = None,
    due: NewDue = None, no_due: NoDue = False, text: NewText = None, article: NewArticle = None,
    condition: NewConditions = None, no_condition: NoConditions = False,
) -> None:
    """Record that the term was entered wrong (a typo, a wrong due date): applies to every day.

    Example: ledger term correct withdraw --due 2024-06-30 --reason "Typed 2024-03-30 by mistake"
    """
    _change_term(ctx, "correction", id, reason, None,
                 {"title": title, "category": category, "obligors": obligor, "due": due,
                  "text": text, "article": article, "conditions": condition}, no_due,
                 no_condition)


@term_app.command("list")
def term_list(
    ctx: typer.Context,
    category: CategoryFilter = None,
    party: Annotated[list[str] | None, typer.Option(
        help="Only terms this party is bound by." + ANY_OF, autocompletion=complete_party)
    ] = None,
    agreement: AgreementFilter = None,
    sort: SortOption = TermOrder.ID,
    as_of: AsOfOption = None,
    known_at: KnownAtOption = None,
    output: FormatOption = ListFormat.TABLE,
) -> None:
    """List terms, optionally filtered, each in the version in force.

    Example: ledger term list --party taliban --category counter-terrorism
    """
    from ledger.core import select
    from ledger.core.naming import as_party_ids
    from ledger.render.record_views import terms_view

    def build() -> View:
        clocked = read_as(ctx, as_of, known_at)
        selection = select.TermSelection(category=category,
                                         party=as_party_ids(clocked.whole, party, clocked.ledger),
                                         agreement=agreement,
                                         sort=sort)
        return headed(terms_view(select.select_terms(clocked.ledger, selection), clocked.ledger),
                      clocked)

    emit(run(build), output)


@term_app.command("show")
def term_show(
    ctx: typer.Context,
    id: TermId,
    as_of: AsOfOption = None,
    known_at: KnownAtOption = None,
    stale_after: StaleAfterOption = None,
    drafts: DraftsOption = False,
    output: ReportFormatOption = OutputFormat.TABLE,
) -> None:
    """Show a term: the version in force, the status for each obligor, the timeline of its
    evidence, and its history (each amendment and correction, with its reason).

    Example: ledger term show ct-1 --as-of 2020-12-31
    """
    from ledger.core import clocks, select, status
    from ledger.core.counting import retractions_by_entry
    from ledger.core.model import RecordKind
    from ledger.render.record_views import term_view

    def build() -> View:
        clocked = read_as(ctx, as_of, known_at)
        ledger = clocked.ledger
        term = select.find_term(ledger, id)
        obligations = status.obligations_of_term(ledger, term, as_of=clocked.as_of,
                                                 today=clocked.today, stale_after=stale_after,
                                                 drafts=drafts)
        first = next(known for known in clocked.whole.terms if known.id == id)
        return headed(term_view(term, obligations, select.timeline_of(ledger, id, clocked.as_of),
                                retractions_by_entry(ledger), ledger, clocked.today,
                                clocks.history_of(ledger, RecordKind.TERM, first),
                                as_of=clocked.as_of, known_at=clocked.known_at), clocked)

    emit(run(build), output)


@term_app.command("import")
def term_import(ctx: typer.Context, file: ImportFile, dry_run: DryRunOption = False,
                sheet: SheetOption = None) -> None:
    """Import terms from a CSV or Excel file, all or nothing: every problem of every row is
    printed as FILE:ROW:COL, and then nothing is written. Rows already in the ledger are skipped.

    Example: ledger term import terms.xlsx --sheet Terms
    """
    from ledger.columns import ImportKind

    run_import(ctx, ImportKind.TERM, file, dry_run, sheet)
