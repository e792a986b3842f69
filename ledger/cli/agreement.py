"""`ledger agreement`: add and list agreements."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from ledger.cli.context import (
    change_record,
    full_day,
    headed,
    read_as,
    record_cautions,
    stamp,
    update,
)
from ledger.cli.errors import run
from ledger.cli.options import (
    AsOfOption,
    EffectiveOption,
    FormatOption,
    KnownAtOption,
    ReasonOption,
    complete_agreement,
    complete_party,
)
from ledger.cli.output import confirm_saved, emit, warn
from ledger.render import ListFormat

if TYPE_CHECKING:
    from ledger.core.model import Ledger

NewStaleAfter = Annotated[int | None, typer.Option(
    "--stale-after", min=0, max=1200, metavar="MONTHS",
    help="Months (0-1200) after a position's dated period ends when it no longer counts, "
    "for its terms (0: never). A monitor's window: a word about a "
    "ceasefire a year ago says little of it today.")]

agreement_app = typer.Typer(help="Add and list agreements.", no_args_is_help=True)


@agreement_app.command("add")
def agreement_add(
    ctx: typer.Context,
    id: Annotated[str, typer.Argument(help="A short id, e.g. us-taliban-2020.")],
    title: Annotated[str, typer.Option(help="The agreement's title.")],
    signed: Annotated[str | None, typer.Option(
        help="Date signed, YYYY-MM-DD (or today, yesterday).")] = None,
    signatory: Annotated[
        list[str] | None,
        typer.Option(help="A signatory party id (repeat for each).",
                     autocompletion=complete_party),
    ] = None,
    place: Annotated[str | None, typer.Option(help="Where it was signed.")] = None,
    url: Annotated[str | None, typer.Option(help="Where its text is published.")] = None,
    stale_after: NewStaleAfter = None,
) -> None:
    """Add an agreement.

    Example: ledger agreement add doha --title "Doha agreement" --signed 2020-02-29 --signatory us
    """
    from ledger.core import edits

    def change(ledger: Ledger) -> tuple[Ledger, list[tuple[str, str]]]:
        changed = edits.add_agreement(ledger, id, title=title,
                                        signed=full_day("signed", signed),
                                        signatories=tuple(signatory or ()), place=place,
                                        url=url, stale_after=stale_after,
                                        **stamp(ctx))
        return changed, record_cautions(changed, "agreement", id)

    found = run(lambda: update(ctx, change))
    confirm_saved(None, f"added agreement {id}")
    warn(found)


AgreementId = Annotated[str, typer.Argument(help="The agreement's id.",
                                             autocompletion=complete_agreement)]
NewTitle = Annotated[str | None, typer.Option("--title", help="A new title.")]
NewSigned = Annotated[str | None, typer.Option("--signed", help="A new date signed.")]
NewSignatories = Annotated[list[str] | None, typer.Option(
    "--signatory", help="The signatories, replacing the whole list (repeat for each).",
    autocompletion=complete_party)]
NewPlace = Annotated[str | None, typer.Option("--place", help="A new place.")]
NewUrl = Annotated[str | None, typer.Option("--url", help="A new address of its text.")]
NewEnded = Annotated[str | None, typer.Option(
    "--ended", help="The day it ended, YYYY-MM-DD: its obligations are judged as they stood "
    "that day, and are never overdue after it.")]
NoEnded = Annotated[bool, typer.Option("--no-ended", help="It has not ended after all.")]
NoStaleAfter = Annotated[bool, typer.Option(
    "--no-stale-after", help="Positions about its terms never go stale any more.")]


@agreement_app.command("amend")
def agreement_amend(
    ctx: typer.Context, id: AgreementId, effective: EffectiveOption, reason: ReasonOption,
    title: NewTitle = None, signed: NewSigned = None, signatory: NewSignatories = None,
    place: NewPlace = None, url: NewUrl = None, ended: NewEnded = None,
    no_ended: NoEnded = False, stale_after: NewStaleAfter = None,
    no_stale_after: NoStaleAfter = False,
) -> None:
    """Record that the agreement changed from a day on (a party joined, it was renamed).

    Example: ledger agreement amend accord --effective 2025-01-01 --signatory north --signatory
    south --signatory east --reason "East acceded"
    """
    change_record(ctx, "agreement", "amendment", id, reason, effective,
                  {"title": title, "signed": signed, "signatories": signatory, "place": place,
                   "url": url, "ended": ended, "stale_after": stale_after},
                  (("ended",) if no_ended else ()) + (
                      ("stale_after",) if no_stale_after else ()))


@agreement_app.command("end")
def agreement_end(
    ctx: typer.Context, id: AgreementId,
    on: Annotated[str, typer.Option(
        "--on", help="The day it ended, YYYY-MM-DD (or today, yesterday).")],
    reason: ReasonOption,
) -> None:
    """Record that the agreement ended on a day: from then on its obligations are shown as they
    stood that day, never overdue nor waiting (an amendment; `agreement amend ID --effective DAY
    --no-ended` from the same day undoes it).

    Example: ledger agreement end accord --on 2022-02-21 --reason "Recognition of the republics"
    """
    day = run(lambda: full_day("on", on))
    change_record(ctx, "agreement", "amendment", id, reason, day, {"ended": day},
                  options={"ended": "on"})


@agreement_app.command("correct")
def agreement_correct(
    ctx: typer.Context, id: AgreementId, reason: ReasonOption,
    title: NewTitle = None, signed: NewSigned = None, signatory: NewSignatories = None,
    place: NewPlace = None, url: NewUrl = None, ended: NewEnded = None,
    no_ended: NoEnded = False,
) -> None:
    """Record that the agreement was entered wrong: the correction applies to every day.

    Example: ledger agreement correct accord --signed 2024-03-02 --reason "Signed a day later"
    """
    change_record(ctx, "agreement", "correction", id, reason, None,
                  {"title": title, "signed": signed, "signatories": signatory, "place": place,
                   "url": url, "ended": ended}, ("ended",) if no_ended else ())


@agreement_app.command("list")
def agreement_list(ctx: typer.Context, as_of: AsOfOption = None, known_at: KnownAtOption = None,
                   output: FormatOption = ListFormat.TABLE) -> None:
    """List the agreements, each in the version in force.

    Example: ledger agreement list --format json
    """
    from ledger.render.record_views import agreements_view

    clocked = run(lambda: read_as(ctx, as_of, known_at))
    emit(headed(agreements_view(list(clocked.ledger.agreements), clocked.ledger), clocked),
         output)
