"""`ledger assess` and `ledger assessment`: the monitoring team's own findings, read by a second
reader before a report shows them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from ledger.cli.context import headed, read_as, stamp, update
from ledger.cli.errors import run
from ledger.cli.options import (
    ANY_OF,
    FormatOption,
    KnownAtOption,
    PartyFilter,
    complete_party,
    complete_term,
)
from ledger.cli.output import confirm_saved, emit, warn
from ledger.core.words import Finding
from ledger.render import ListFormat

if TYPE_CHECKING:
    from ledger.core.model import Assessment, Ledger, Review
    from ledger.render.view import View

assessment_app = typer.Typer(help="Review, list, show, withdraw and correct the team's "
                             "assessments (`ledger assess` records one).", no_args_is_help=True)

AssessmentId = Annotated[str, typer.Argument(help="The assessment's id or a unique prefix.")]
ReasonOption = Annotated[str, typer.Option("--reason", help="Why, in words a reader can check.")]
LevelOption = Annotated[int | None, typer.Option(
    "--level", min=0, max=3, help="The Peace Accords Matrix's implementation scale: 0 not "
    "initiated, 1 minimal, 2 intermediate, 3 full.")]
EvidenceOption = Annotated[list[str] | None, typer.Option(
    "--evidence", "-e", help="An entry the finding rests on (its id or a unique prefix; repeat "
    "for each): of this term and party, counted by the end of the period.")]
PeriodArgument = Annotated[str, typer.Option(
    "--period", help="The period the finding covers: YYYY, YYYY-Hn, YYYY-Qn, YYYY-MM or a day "
    "(over by today).")]


def period_named(text: str) -> str:
    """`--period` as given, `today` and `yesterday` named by the one clock (as every period
    option takes them)."""
    from ledger.cli import clock
    from ledger.core.dates import named_day

    return named_day(text, clock.today())


def assess(
    ctx: typer.Context,
    term: Annotated[str, typer.Option("--term", "-t", help="The term assessed.",
                                      autocompletion=complete_term)],
    party: Annotated[str, typer.Option("--party", "-p", help="The obligor assessed.",
                                       autocompletion=complete_party)],
    period: PeriodArgument,
    finding: Annotated[Finding, typer.Option(
        "--finding", help="complies, partly, violates or unverifiable.")],
    rationale: Annotated[str, typer.Option("--rationale", help="Why: required.")],
    level: LevelOption = None,
    evidence: EvidenceOption = None,
) -> None:
    """Record the team's finding on one obligation for one period, a draft until a second
    reader approves it (`ledger assessment review`). Prints the new id.

    Example: ledger assess -t withdraw -p north --period 2024-Q3 --finding violates --level 1
    --rationale "Two companies stayed past the deadline" -e 5795
    """
    from ledger.core import assessments

    found: list[tuple[str, str]] = []

    def change(ledger: Ledger) -> tuple[Ledger, Assessment]:
        changed, made = assessments.assess(
            ledger, term=term, party=party, period=period_named(period), finding=finding,
            rationale=rationale, level=level, evidence=evidence or (), **stamp(ctx))
        found.extend(assessments.cautions_of(changed, made))
        return changed, made

    made = run(lambda: update(ctx, change))
    confirm_saved(made.id, f"assessed {made.party} on {made.term} for {made.period}: "
                  f"{made.finding.value} (a draft until reviewed)")
    warn(found)


@assessment_app.command("review")
def assessment_review(
    ctx: typer.Context,
    id: AssessmentId,
    reason: ReasonOption,
    approve: Annotated[bool, typer.Option("--approve", help="Approve it: reports show it.")]
    = False,
    reject: Annotated[bool, typer.Option("--reject", help="Reject it: reports never show it.")]
    = False,
) -> None:
    """Review an assessment as its second reader: someone other than who recorded it.

    Example: ledger assessment review 7c1e --approve --reason "Checked against both reports"
    """
    from ledger.core import assessments
    from ledger.core.errors import InvalidValue
    from ledger.core.words import ReviewAction

    found: list[tuple[str, str]] = []

    def change(ledger: Ledger) -> tuple[Ledger, Review]:
        if approve == reject:
            raise InvalidValue("approve", "give --approve or --reject (one of them)")
        action = ReviewAction.APPROVED if approve else ReviewAction.REJECTED
        changed, made = assessments.review(ledger, id, action=action, reason=reason,
                                           **stamp(ctx))
        if approve:
            found.extend(assessments.cautions_of(changed, assessments.resolve_assessment(
                changed, made.assessment)))
        return changed, made

    made = run(lambda: update(ctx, change))
    confirm_saved(made.id, f"{made.action.value} assessment {made.assessment}")
    warn(found)


@assessment_app.command("withdraw")
def assessment_withdraw(ctx: typer.Context, id: AssessmentId, reason: ReasonOption) -> None:
    """Withdraw an assessment: no report shows it again; it stays in the ledger, with why.

    Example: ledger assessment withdraw 7c1e --reason "Rests on a misread report"
    """
    from ledger.core import assessments
    from ledger.core.words import ReviewAction

    def change(ledger: Ledger) -> tuple[Ledger, Review]:
        return assessments.review(ledger, id, action=ReviewAction.WITHDRAWN, reason=reason,
                                  **stamp(ctx))

    made = run(lambda: update(ctx, change))
    confirm_saved(made.id, f"withdrew assessment {made.assessment}")


@assessment_app.command("correct")
def assessment_correct(
    ctx: typer.Context,
    id: AssessmentId,
    reason: ReasonOption,
    period: Annotated[str | None, typer.Option("--period", help="The right period.")] = None,
    finding: Annotated[Finding | None, typer.Option("--finding", help="The right finding.")]
    = None,
    level: LevelOption = None,
    rationale: Annotated[str | None, typer.Option("--rationale", help="The right rationale.")]
    = None,
    evidence: EvidenceOption = None,
) -> None:
    """Correct an assessment: it is withdrawn with the reason, and a corrected copy recorded,
    a new draft for a second reader. Prints the new id.

    Example: ledger assessment correct 7c1e --level 2 --reason "Level misread"
    """
    from ledger.core import assessments

    found: list[tuple[str, str]] = []

    def change(ledger: Ledger) -> tuple[Ledger, Assessment]:
        changed, made = assessments.correct(
            ledger, id, reason=reason, period=period_named(period) if period else None,
            finding=finding, level=level, rationale=rationale,
            evidence=tuple(evidence) if evidence else None, **stamp(ctx))
        found.extend(assessments.cautions_of(changed, made))
        return changed, made

    made = run(lambda: update(ctx, change))
    confirm_saved(made.id, f"corrected assessment {made.corrects} (a draft until reviewed)")
    warn(found)


@assessment_app.command("list")
def assessment_list(
    ctx: typer.Context,
    party: PartyFilter = None,
    term: Annotated[list[str] | None, typer.Option(
        "--term", help="Only assessments of this term." + ANY_OF,
        autocompletion=complete_term)] = None,
    pending: Annotated[bool, typer.Option(
        "--pending", help="Only drafts: those waiting for a second reader.")] = False,
    known_at: KnownAtOption = None,
    output: FormatOption = ListFormat.TABLE,
) -> None:
    """List the team's assessments with their findings and where each stands (draft,
    approved, rejected, withdrawn).

    Example: ledger assessment list --pending
    """
    from ledger.core import assessments
    from ledger.core.naming import as_party_ids
    from ledger.core.select import require_known
    from ledger.render.assessment_views import assessments_view

    def build() -> View:
        clocked = read_as(ctx, None, known_at)
        ledger = clocked.ledger
        known = require_known(ledger, party=as_party_ids(clocked.whole, party, ledger), term=term)
        parties, terms = known["party"], known["term"]
        standing = assessments.standings(ledger)
        shown = [assessment for assessment in ledger.assessments
                 if (not parties or assessment.party in parties)
                 and (not terms or assessment.term in terms)
                 and (not pending or standing[assessment.id].state == assessments.DRAFT)]
        return headed(assessments_view(shown, standing, ledger), clocked)

    emit(run(build), output)


@assessment_app.command("show")
def assessment_show(ctx: typer.Context, id: AssessmentId, known_at: KnownAtOption = None,
                    output: FormatOption = ListFormat.TABLE) -> None:
    """Show one assessment in full: its finding, rationale, the entries it cites, and every
    review.

    Example: ledger assessment show 7c1e
    """
    from ledger.core import assessments
    from ledger.render.assessment_views import assessment_view

    def build() -> View:
        clocked = read_as(ctx, None, known_at)
        ledger = clocked.ledger
        found = assessments.resolve_assessment(ledger, id)
        return headed(assessment_view(found, assessments.standings(ledger)[found.id], ledger),
                      clocked)

    emit(run(build), output)
