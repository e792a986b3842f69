"""`ledger evidence`: add, list, show and retract evidence entries."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from ledger.cli.context import (
    document_digest,
    headed,
    partial_date,
    period_end,
    period_start,
    read,
    read_as,
    stamp,
    target,
    update,
    window,
)
from ledger.cli.errors import run
from ledger.cli.imports import DryRunOption, ImportFile, SheetOption, run_import
from ledger.cli.options import (
    ANY_OF,
    AsOfOption,
    EvidenceId,
    FormatOption,
    KnownAtOption,
    PartyFilter,
    PeriodOption,
    StandingEvidenceId,
    complete_party,
    complete_term,
)
from ledger.cli.output import confirm_saved, emit, warn
from ledger.core.words import EntryOrder, Stance
from ledger.render import ListFormat

if TYPE_CHECKING:
    from ledger.core.model import Evidence, Ledger, Retraction
    from ledger.render.view import View

evidence_app = typer.Typer(help="Add, list, show and retract evidence entries.",
                           no_args_is_help=True)


_ASKED = " Required, unless --interactive asks for it."
_REQUIRED = {"term": "'--term' / '-t'", "claimant": "'--claimant' / '-c'",
             "stance": "'--stance' / '-s'", "date": "'--date' / '-d'",
             "summary": "'--summary' / '-m'"}


def _require(ctx: typer.Context, fields: dict[str, Any]) -> None:
    """Without --interactive, the five fields every entry has are required options."""
    from typer._click.exceptions import UsageError

    for field, option in _REQUIRED.items():
        if fields[field] is None:
            raise UsageError(f"Missing option {option} (or give --interactive to be asked).",
                             ctx)


def _interview(ctx: typer.Context, given: dict[str, Any]) -> dict[str, Any]:
    """The fields asked of a person at the terminal, each checked as it is answered."""
    from rich.console import Console

    from ledger.cli import clock
    from ledger.cli.interactive import interview
    from ledger.core import clocks, edits
    from ledger.core.dates import first_day, last_day
    from ledger.core.errors import LedgerError
    from ledger.core.model import RecordKind

    path = target(ctx).path
    if not path.exists():
        raise LedgerError(f"no {path} here or in a parent folder: run `ledger init` first "
                          "(an entry is recorded in your own ledger, never in the example)")
    ledger = read(ctx).ledger
    terms = {known.id: known for known in ledger.terms}
    grouped = clocks.changes_by_record(ledger.changes)

    def obligors(term: str, date: str) -> list[str]:
        """The parties the term binds throughout the period the date names."""
        bound = clocks.obligors_throughout(
            terms[term], grouped.get((RecordKind.TERM, term), []), first_day(date),
            last_day(date))
        return [party for party in edits.party_ids(ledger) if party in bound]

    def check(field: str, value: str, answers: dict[str, Any]) -> str:
        if field in ("date", "source_date"):
            return partial_date(field, value) or value
        if field == "term":
            return edits.known_value("term", value, list(terms))
        if field in ("subject", "claimant"):  # a party's name or alias gives its id
            party = edits.parties_named(ledger, field, [value])[0]
            if field == "claimant":
                return party
            return edits.known_value("subject", party, obligors(answers["term"], answers["date"]))
        if field == "stance":
            return edits.stance_of(value).value
        edits.check_value(field, value)
        return value

    answers = {key: value for key, value in given.items() if value is not None}
    return {**given, **interview(ledger, answers, clock.today().isoformat(), check, obligors,
                                 Console(stderr=True, highlight=False))}


@evidence_app.command("add")
def evidence_add(
    ctx: typer.Context,
    term: Annotated[str | None, typer.Option(
        "--term", "-t", help="The term the assertion is about." + _ASKED,
        autocompletion=complete_term)] = None,
    claimant: Annotated[str | None, typer.Option(
        "--claimant", "-c", help="The party making the assertion." + _ASKED,
        autocompletion=complete_party)] = None,
    stance: Annotated[Stance | None, typer.Option(
        "--stance", "-s",
        help="claims (the subject complies), disputes (it does not) or notes (context that "
        "says neither, such as a prediction: it never counts in a status)." + _ASKED)] = None,
    date_: Annotated[str | None, typer.Option(
        "--date", "-d", help="When it was asserted: YYYY, YYYY-MM or YYYY-MM-DD (or today, "
        "yesterday), as precisely as known." + _ASKED)] = None,
    summary: Annotated[str | None, typer.Option(
        "--summary", "-m", help="What was asserted, in a sentence." + _ASKED)] = None,
    subject: Annotated[list[str] | None, typer.Option(
        help="The party whose compliance is at issue (needed when the term has several "
        "obligors). Repeat it for a statement about several: one entry each, linked; `all` for "
        "every obligor of the term.", autocompletion=complete_party)] = None,
    speaker: Annotated[str | None, typer.Option(help="Who said it.")] = None,
    quote: Annotated[str | None, typer.Option("--quote", "-q",
                                              help="Their words, verbatim.")] = None,
    source: Annotated[str | None, typer.Option(help="The source's title.")] = None,
    publisher: Annotated[str | None, typer.Option(help="The source's publisher.")] = None,
    url: Annotated[str | None, typer.Option(help="The source's address.")] = None,
    source_date: Annotated[str | None, typer.Option(help="The source's date (any precision).")
                           ] = None,
    document: Annotated[str | None, typer.Option(
        help="A local copy of the source: a relative path inside the ledger's folder, or a file "
        "name found under `ledger check --sources DIR`.")] = None,
    sha256: Annotated[str | None, typer.Option(help="The SHA-256 of that local copy.")] = None,
    interactive: Annotated[bool, typer.Option(
        "--interactive", "-i", help="Ask for each field not given, offering the ledger's ids "
        "(Tab completes them at a terminal) and checking each answer, as `hledger add` does.")
    ] = False,
    duplicate: Annotated[bool, typer.Option(
        "--duplicate", help="Record it even though a counted entry says the same (a deliberate "
        "repeat); without it, that is an error naming the entry.")] = False,
) -> None:
    """Record who asserts that a party complies (or not) with a term; prints the new id.

    Example: ledger evidence add --term ct-1 --claimant un-team --stance disputes --date 2020-06
    --summary "UN report: al-Qaeda leadership still in Afghanistan"
    """
    from ledger.core import cautions, entry_edits
    from ledger.core.errors import InvalidValue
    from ledger.core.log import assertion

    subjects = list(dict.fromkeys(subject or ()))
    fields: dict[str, Any] = {
        "term": term, "claimant": claimant, "stance": stance, "date": date_,
        "summary": summary, "subject": subjects[0] if len(subjects) == 1 and subjects != ["all"]
        else None, "speaker": speaker, "quote": quote,
        "source": source, "publisher": publisher, "url": url, "source_date": source_date,
        "document": document}
    several = len(subjects) > 1 or subjects == ["all"]
    if interactive and not several:
        fields = run(lambda: _interview(ctx, fields))
    else:
        _require(ctx, fields)
    found: list[tuple[str, str]] = []

    def change(ledger: Ledger) -> tuple[Ledger, list[Evidence]]:
        digest, missing = (document_digest(ctx, fields["document"]) if sha256 is None
                           else (sha256, None))
        given = {**fields, "date": partial_date("date", fields["date"]),
                 "source_date": partial_date("source_date", fields["source_date"])}
        if several:
            del given["subject"]
            changed, entries = entry_edits.add_statement(
                ledger, subjects=subjects, **given, **stamp(ctx), sha256=digest)
        else:
            changed, entry = entry_edits.add_evidence(ledger, **given, **stamp(ctx),
                                                      sha256=digest)
            entries = [entry]
        agreements = cautions.agreements_of_terms(changed)
        for entry in entries:
            twin = cautions.same_statement(changed, entry)
            if twin is not None and not duplicate:
                raise InvalidValue("summary", f"the same statement as entry {twin}, which "
                                   "counts: give --duplicate to record it again on purpose")
            found.extend(cautions.entry_rules(entry, agreements.get(entry.term), twin))
        if missing is not None:
            found.append(("document", missing))
        return changed, entries

    entries = run(lambda: update(ctx, change))
    confirm_saved("\n".join(entry.id for entry in entries),
                  "; ".join(f"recorded: {assertion(entry)}" for entry in entries))
    warn(found)


@evidence_app.command("list")
def evidence_list(
    ctx: typer.Context,
    term: Annotated[list[str] | None, typer.Option(
        help="Only entries about this term." + ANY_OF, autocompletion=complete_term)] = None,
    party: PartyFilter = None,
    claimant: Annotated[list[str] | None, typer.Option(
        help="Only entries by this claimant." + ANY_OF, autocompletion=complete_party)] = None,
    stance: Annotated[list[Stance] | None, typer.Option(
        help="Only entries of this stance: claims, disputes or notes." + ANY_OF)] = None,
    since: Annotated[str | None, typer.Option(
        help="Only entries dated on or after the first day of this period (YYYY, YYYY-Qn, "
        "YYYY-Hn, YYYY-MM or YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(
        help="Only entries dated on or before the last day of this period.")] = None,
    period: PeriodOption = None,
    include_retracted: Annotated[bool, typer.Option(
        "--include-retracted", help="Show retracted entries too, marked as such.")] = False,
    grep: Annotated[list[str] | None, typer.Option(
        "--grep", help="Only entries whose summary, quote, speaker or source title holds this "
        "text (any case)." + ANY_OF)] = None,
    source: Annotated[list[str] | None, typer.Option(
        "--source", help="Only entries whose source title holds this text (any case)." + ANY_OF)
    ] = None,
    speaker: Annotated[list[str] | None, typer.Option(
        "--speaker", help="Only entries whose speaker holds this text (any case)." + ANY_OF)
    ] = None,
    category: Annotated[list[str] | None, typer.Option(
        "--category", help="Only entries about terms of this category." + ANY_OF)] = None,
    sort: Annotated[EntryOrder, typer.Option(
        "--sort", help="date: by each entry's date, then by when it was recorded; recorded: by "
        "when each was recorded, the newest last.")] = EntryOrder.DATE,
    as_of: AsOfOption = None,
    known_at: KnownAtOption = None,
    output: FormatOption = ListFormat.TABLE,
) -> None:
    """List evidence entries by date (or as recorded), filtered; with --as-of, those made by then.

    Example: ledger evidence list --party taliban --stance disputes --since 2020-06
    """
    from ledger.core import select
    from ledger.core.counting import retractions_by_entry
    from ledger.core.errors import InvalidValue
    from ledger.core.naming import as_party_ids
    from ledger.render.record_views import evidence_list_view

    def build() -> View:
        clocked = read_as(ctx, as_of, known_at)
        ledger = clocked.ledger
        first, last = window(since, until, period)
        start, end = period_start(*first), period_end(*last)
        if start is not None and end is not None and start > end:
            raise InvalidValue("since", f"{start.isoformat()} is after --until {end.isoformat()}")
        selection = select.EvidenceSelection(
            term=term, party=as_party_ids(clocked.whole, party, ledger), stance=stance,
            claimant=as_party_ids(clocked.whole, claimant, ledger), since=start, until=end,
            include_retracted=include_retracted, as_of=clocked.as_of, grep=grep,
            source=source, speaker=speaker, category=category, sort=sort,
        )
        return headed(evidence_list_view(select.select_evidence(ledger, selection),
                                         retractions_by_entry(ledger), ledger), clocked)

    emit(run(build), output)


@evidence_app.command("show")
def evidence_show(ctx: typer.Context, id: EvidenceId, as_of: AsOfOption = None,
                  known_at: KnownAtOption = None,
                  output: FormatOption = ListFormat.TABLE) -> None:
    """Show one evidence entry in full: its retraction, the entry it corrects, and the entry
    that corrects it (names as of --as-of; what was known at --known-at).

    Example: ledger evidence show 3fa2
    """
    import dataclasses

    from ledger.core import entry_edits
    from ledger.core.counting import counts_from, made_by
    from ledger.core.dates import clock_text, recorded_day
    from ledger.core.errors import InvalidValue
    from ledger.render.record_views import evidence_view

    def build() -> View:
        clocked = read_as(ctx, as_of, known_at)
        ledger = clocked.ledger
        try:
            entry = entry_edits.resolve_evidence(ledger, id)
        except InvalidValue:
            if clocked.known_at is None:
                raise
            later = entry_edits.resolve_evidence(clocked.whole, id)  # or its own error
            raise InvalidValue("id", f"no evidence entry with id {id!r} as known at "
                               f"{clock_text(clocked.known_at)}: {later.id} was recorded at "
                               f"{later.recorded_at}") from None
        corrected_by = [other.id for other in ledger.evidence if other.corrects == entry.id]
        retractions = [retraction for retraction in ledger.retractions
                       if retraction.evidence == entry.id]
        view = evidence_view(entry, retractions, ledger, corrected_by)
        if clocked.as_of is not None and not made_by(clocked.as_of)(entry):
            view = dataclasses.replace(view, notes=[*view.notes, (
                f"Not yet made on {clocked.as_of.isoformat()}: dated {entry.date} and recorded "
                f"on {recorded_day(entry.recorded_at)}, it counts from {counts_from(entry)} on.")])
        return headed(view, clocked)

    emit(run(build), output)


@evidence_app.command("correct")
def evidence_correct(
    ctx: typer.Context,
    id: StandingEvidenceId,
    reason: Annotated[str, typer.Option(help="What was wrong with the entry.")],
    term: Annotated[str | None, typer.Option(help="The right term.",
                                             autocompletion=complete_term)] = None,
    subject: Annotated[str | None, typer.Option(help="The right subject.",
                                                autocompletion=complete_party)] = None,
    claimant: Annotated[str | None, typer.Option(help="The right claimant.",
                                                 autocompletion=complete_party)] = None,
    stance: Annotated[Stance | None, typer.Option(help="The right stance.")] = None,
    date_: Annotated[str | None, typer.Option("--date", help="The right date.")] = None,
    summary: Annotated[str | None, typer.Option(help="The right summary.")] = None,
    speaker: Annotated[str | None, typer.Option(help="The right speaker.")] = None,
    quote: Annotated[str | None, typer.Option(help="The right quote.")] = None,
    source: Annotated[str | None, typer.Option(help="The right source title.")] = None,
    publisher: Annotated[str | None, typer.Option(help="The right publisher.")] = None,
    url: Annotated[str | None, typer.Option(help="The right address.")] = None,
    source_date: Annotated[str | None, typer.Option(help="The right source date.")] = None,
    document: Annotated[str | None, typer.Option(help="The right local copy.")] = None,
    sha256: Annotated[str | None, typer.Option(help="The right SHA-256.")] = None,
) -> None:
    """Replace a wrongly recorded entry: retract it with the reason and record a corrected copy
    that names it (every field carried over except those given); prints the new id.

    Example: ledger evidence correct 3fa2 --term ct-2 --reason "Filed against the wrong term"
    """
    from ledger.core import cautions, entry_edits

    found: list[tuple[str, str]] = []

    def change(ledger: Ledger) -> tuple[Ledger, Evidence]:
        changed, entry = entry_edits.correct_evidence(
            ledger, id, reason=reason, **stamp(ctx), term=term, subject=subject,
            claimant=claimant, stance=stance, date=partial_date("date", date_), summary=summary,
            speaker=speaker, quote=quote, source=source, publisher=publisher, url=url,
            source_date=partial_date("source_date", source_date), document=document,
            sha256=sha256)
        named = {"summary"} | {field for field, value in (("date", date_), ("url", url))
                               if value is not None}
        found.extend(caution for caution in cautions.entry_cautions(changed, entry)
                     if caution[0] in named)  # what this correction gives, and a twin
        return changed, entry

    entry = run(lambda: update(ctx, change))
    confirm_saved(entry.id, f"corrected {entry.corrects}: recorded {entry.id} in its place")
    warn(found)


@evidence_app.command("retract")
def evidence_retract(
    ctx: typer.Context,
    id: StandingEvidenceId,
    reason: Annotated[str, typer.Option(help="Why the entry no longer counts.")],
) -> None:
    """Retract an entry: it stops counting but stays in the ledger, marked, with the reason.

    Example: ledger evidence retract 3fa2 --reason "Misattributed: the speaker was not a spokesman"
    """
    from ledger.core import entry_edits
    from ledger.core.assessments import citing

    cited: list[str] = []

    def change(ledger: Ledger) -> tuple[Ledger, Retraction]:
        changed, made = entry_edits.retract(ledger, id, reason=reason, **stamp(ctx))
        cited.extend(assessment.id for assessment in citing(changed, made.evidence))
        return changed, made

    retraction = run(lambda: update(ctx, change))
    confirm_saved(None, f"retracted {retraction.evidence}")
    if cited:
        warn([("id", f"assessment {', '.join(cited)} cites this entry: look at the finding "
                     "again (`ledger assessment correct` or `withdraw`)")])


@evidence_app.command("import")
def evidence_import(ctx: typer.Context, file: ImportFile, dry_run: DryRunOption = False,
                    sheet: SheetOption = None) -> None:
    """Import evidence entries from a CSV or Excel file, all or nothing: every problem of every
    row is printed as FILE:ROW:COL, and then nothing is written. Rows already in the ledger are
    skipped.

    Example: ledger evidence import evidence.csv --dry-run
    """
    from ledger.columns import ImportKind

    run_import(ctx, ImportKind.EVIDENCE, file, dry_run, sheet)
