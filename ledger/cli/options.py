"""Options that several commands share, declared once, with completion of ids from the ledger."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from ledger.cli.context import max_bytes, target
from ledger.cli.example import EXAMPLE
from ledger.core.errors import LedgerError
from ledger.core.words import TermOrder
from ledger.render import ListFormat, OutputFormat

if TYPE_CHECKING:
    from ledger.core.model import Ledger


def _completion_ledger(ctx: typer.Context) -> Ledger | None:
    from ledger.storage import bundled, loading

    chosen = target(ctx)
    try:
        if chosen.path.exists():
            return loading.load(chosen.path, max_bytes=max_bytes()).ledger
        if not chosen.named:
            return loading.load(bundled.bundled_path(EXAMPLE)).ledger
    except (LedgerError, OSError, MemoryError):
        return None
    return None


_SHELL_WORD = re.compile(r"[\w.+@][\w.+@-]*")
"""What a completion may be: letters, digits and `_.+@-`, not starting with `-` (an option).
A shell reads the completions it is given as shell code (zsh's `_arguments` evaluates them),
and no shell's quoting by Typer can be trusted with every string: a category named
`1 <(touch x) \\` would run `touch x` at the press of Tab. Ids are such words by their rules;
free text that is not (a category with a space, a quote or a backslash) is not offered."""


def _completer(records: Callable[[Ledger], list[str]]) -> Callable[[typer.Context, str],
                                                                    list[str]]:
    def complete(ctx: typer.Context, incomplete: str) -> list[str]:
        ledger = _completion_ledger(ctx)
        if ledger is None:
            return []
        from ledger.render.text import neutralise

        # neutralise: nor a letter that shows nothing (a Hangul filler, U+3164, is a letter)
        return [value for value in records(ledger) if value.startswith(incomplete)
                and _SHELL_WORD.fullmatch(value) and neutralise(value) == value]

    return complete


complete_party = _completer(lambda ledger: [party.id for party in ledger.parties])
complete_term = _completer(lambda ledger: [term.id for term in ledger.terms])
complete_agreement = _completer(lambda ledger: [agreement.id for agreement in ledger.agreements])
complete_evidence = _completer(lambda ledger: [entry.id for entry in ledger.evidence])


def _unretracted(ledger: Ledger) -> list[str]:
    from ledger.core.counting import retracted_ids

    retracted = retracted_ids(ledger)
    return [entry.id for entry in ledger.evidence if entry.id not in retracted]


complete_unretracted = _completer(_unretracted)
complete_category = _completer(lambda ledger: sorted({term.category for term in ledger.terms}))

FormatOption = Annotated[
    ListFormat,
    typer.Option("--format", help="table for people; json, csv or markdown for tools."),
]
ReportFormatOption = Annotated[
    OutputFormat,
    typer.Option("--format", help="table for people; html for a page to publish; json, csv or "
                 "markdown for tools."),
]
ANY_OF = " Repeat for any of several."
PartyFilter = Annotated[
    list[str] | None,
    typer.Option("--party", help="Only this party, as subject or obligor." + ANY_OF,
                 autocompletion=complete_party),
]
ObligationsFilter = Annotated[
    list[str] | None,
    typer.Option("--party", help="Only this party's obligations." + ANY_OF,
                 autocompletion=complete_party),
]
CategoryFilter = Annotated[
    list[str] | None,
    typer.Option("--category", help="Only terms of this category." + ANY_OF,
                 autocompletion=complete_category),
]
AgreementFilter = Annotated[
    list[str] | None,
    typer.Option("--agreement", help="Only terms of this agreement." + ANY_OF,
                 autocompletion=complete_agreement),
]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="The facts as they stood at the end of this day, or of this "
                 "period (YYYY, YYYY-Qn, YYYY-Hn, YYYY-MM, YYYY-MM-DD, today or yesterday), as "
                 "the ledger knows them now: amendments in force then, entries made by then."),
]
KnownAtOption = Annotated[
    str | None,
    typer.Option("--known-at", help="Only what had been recorded by the end of this day, or of "
                 "this period (YYYY, YYYY-Qn, YYYY-Hn, YYYY-MM, YYYY-MM-DD, today or yesterday; "
                 "UTC), or by this moment (2026-12-07T18:28:00Z): reproduces what was printed "
                 "then."),
]
ReasonOption = Annotated[str, typer.Option(help="Why: the source of the change, or the error.")]
EffectiveOption = Annotated[str, typer.Option(
    help="The day the change takes effect, YYYY-MM-DD (or today, yesterday; a period, YYYY-Qn "
    "say, means its last day): reports as of earlier days keep the old value.")]
EvidenceId = Annotated[
    str,
    typer.Argument(help="The entry's id or a unique prefix of it.",
                   autocompletion=complete_evidence),
]
StandingEvidenceId = Annotated[
    str,
    typer.Argument(help="The entry's id or a unique prefix of it (completion offers the entries "
                   "not yet retracted).", autocompletion=complete_unretracted),
]
PeriodOption = Annotated[
    str | None,
    typer.Option("--period", help="Short for --since P --until P: the whole period (YYYY, "
                 "YYYY-Qn, YYYY-Hn, YYYY-MM or YYYY-MM-DD)."),
]
StaleAfterOption = Annotated[
    int | None,
    typer.Option("--stale-after", min=0, max=1200, metavar="MONTHS",
                 help="Months (0-1200) after a position's dated period ends when it no longer "
                 "counts, for every agreement (0: never; "
                 "default: each agreement's own, set by `agreement add|amend --stale-after`)."),
]
SortOption = Annotated[TermOrder, typer.Option(
    "--sort", help="The order of terms. id: as the agreements read (by agreement, in signing "
    "order, then naturally by id: m2-9 before m2-10); article (naturally: Point 9 before Point "
    "10); due; recorded (the order they were added).")]
DraftsOption = Annotated[
    bool,
    typer.Option("--drafts", help="Show the team's findings not yet reviewed too (marked draft); "
                 "by default only approved ones."),
]
