"""Commands on the whole ledger: `init`, `report`, `check` and `schema`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ledger.cli.app import app
from ledger.cli.context import (
    Clocked,
    clock_day,
    headed,
    load,
    max_bytes,
    period_end,
    period_start,
    read,
    read_as,
    target,
    window,
)
from ledger.cli.errors import fail, run, say
from ledger.cli.example import EXAMPLE
from ledger.cli.options import (
    AgreementFilter,
    AsOfOption,
    CategoryFilter,
    DraftsOption,
    FormatOption,
    KnownAtOption,
    ObligationsFilter,
    PeriodOption,
    ReportFormatOption,
    SortOption,
    StaleAfterOption,
)
from ledger.cli.output import confirm_saved, emit, print_placed, write
from ledger.core.words import TermOrder
from ledger.render import ListFormat, OutputFormat

if TYPE_CHECKING:
    from ledger.render.view import View
    from ledger.storage.loading import LoadedLedger


@app.command()
def init(
    ctx: typer.Context,
    title: Annotated[str | None, typer.Option(help="The ledger's title.")] = None,
    example: Annotated[
        str | None, typer.Option(help=f"Start from a bundled ledger (e.g. {EXAMPLE}).")
    ] = None,
) -> None:
    """Create a new ledger file at the chosen path; never overwrites one.

    Example: ledger -f peace.json init --title "Peace process monitor"
    """
    from ledger.core import edits
    from ledger.storage import bundled, loading, writing

    def create() -> tuple[Path, list[Path]]:
        if ctx.find_root().params.get("example") and example is None:
            from ledger.core.errors import InvalidValue

            raise InvalidValue("example", "name the example to copy after `init`: `ledger init "
                               "--example doha-2020`")
        path = target(ctx, search=False).path
        sources: dict[Path, bytes] = {}
        if example is None:
            ledger = edits.new_ledger(title or "Compliance ledger")
        else:
            ledger = loading.load(bundled.bundled_path(example), max_bytes=max_bytes()).ledger
            if title is not None:
                ledger = ledger.model_copy(update={"title": edits.new_ledger(title).title})
            sources = bundled.sources_beside(path, example,
                                             bundled.bundled_sources(example, ledger))
        writing.create(path, ledger)
        bundled.write_new_files(sources)
        return path, list(sources)

    path, sources = run(create)
    copied = (f"; beside it, the {len(sources) - 1} source documents its entries quote and "
              f"{sources[-1].name}, which says where they come from" if sources else "")
    confirm_saved(None, f"created {path}" + (f" from the bundled example {example!r}"
                                             if example else "") + copied)


class Grouping(StrEnum):
    YEAR = "year"
    QUARTER = "quarter"
    MONTH = "month"


@app.command()
def report(
    ctx: typer.Context,
    party: ObligationsFilter = None,
    as_of: AsOfOption = None,
    known_at: KnownAtOption = None,
    category: CategoryFilter = None,
    agreement: AgreementFilter = None,
    stale_after: StaleAfterOption = None,
    drafts: DraftsOption = False,
    sort: SortOption = TermOrder.ID,
    by: Annotated[Grouping | None, typer.Option(
        "--by", help="Status over time: the report at the end of each year, quarter or month "
        "from --since to --until, one column per period.")] = None,
    since: Annotated[str | None, typer.Option(
        help="With --by: the first period (a day or a period: YYYY, YYYY-Qn, YYYY-Hn, "
        "YYYY-MM).")] = None,
    until: Annotated[str | None, typer.Option(
        help="With --by: the last period (default: the --known-at day, else today).")] = None,
    output: ReportFormatOption = OutputFormat.TABLE,
) -> None:
    """Per-party compliance report: each obligation's status, who claims, who disputes, and the
    team's approved finding; with --by, the same at the end of each period.

    Example: ledger report --as-of 2024-03-31 --known-at 2024-04-02
    """
    from ledger.core import status
    from ledger.core.naming import as_party_ids
    from ledger.render.report_views import report_view

    def build() -> View:
        if by is not None or since is not None or until is not None:
            return _over_time(ctx, by, since, until, as_of, known_at, party=party,
                              category=category, agreement=agreement, stale_after=stale_after,
                              drafts=drafts, sort=sort)
        clocked = read_as(ctx, as_of, known_at)
        built = status.build_report(clocked.ledger, today=clocked.today, as_of=clocked.as_of,
                                    known_at=clocked.known_at, category=category,
                                    party=as_party_ids(clocked.whole, party, clocked.ledger),
                                    agreement=agreement, stale_after=stale_after,
                                    drafts=drafts, sort=sort)
        return headed(report_view(built, clocked.ledger), clocked)

    emit(run(build), output)


def _over_time(ctx: typer.Context, by: Grouping | None, since: str | None, until: str | None,
               as_of: str | None, known_at: str | None, **filters: Any) -> View:
    """`report --by`: the report at the end of each period (`over_time`)."""
    from ledger.cli import clock
    from ledger.core import clocks, over_time
    from ledger.core.dates import day_of
    from ledger.core.errors import InvalidValue
    from ledger.core.naming import as_party_ids
    from ledger.render.grid_views import grid_view

    if by is None:
        raise InvalidValue("since" if since is not None else "until",
                           "--since and --until go with --by year|quarter|month")
    if as_of is not None:
        raise InvalidValue("as_of", "give --by with --since and --until, not --as-of: each "
                           "period is judged as of its last day")
    start = period_start("since", since)
    if start is None:
        raise InvalidValue("since", "give --since: the first period of the grid")
    known = clock_day("known_at", known_at)
    end = period_end("until", until) or (day_of(known) if known else clock.today())
    if start > end:
        raise InvalidValue("since", f"{start.isoformat()} is after {end.isoformat()}, where "
                           "the grid ends")
    whole = read(ctx).ledger
    filters["party"] = as_party_ids(whole, filters["party"])
    grid = over_time.status_over_time(whole, by=by.value, since=start, until=end,
                                      known_at=known,
                                      today=day_of(known) if known else clock.today(), **filters)
    at_end = clocks.snapshot(whole, as_of=end, known_at=known, today=end)
    return headed(grid_view(grid), Clocked(at_end, whole, None, known, end))


@app.command()
def changes(
    ctx: typer.Context,
    since: Annotated[str | None, typer.Option(
        help="The start of the window, a day or the first day of a period (YYYY, YYYY-Qn, "
        "YYYY-Hn, YYYY-MM): the report as of the day before is compared with the one as of "
        "--until.")] = None,
    until: Annotated[str | None, typer.Option(
        help="The end of the window, a day or the last day of a period (default: the "
        "--known-at day, else today).")] = None,
    period: PeriodOption = None,
    party: ObligationsFilter = None,
    category: CategoryFilter = None,
    agreement: AgreementFilter = None,
    known_at: KnownAtOption = None,
    stale_after: StaleAfterOption = None,
    drafts: DraftsOption = False,
    output: ReportFormatOption = OutputFormat.TABLE,
) -> None:
    """What changed between two days: each obligation whose status, overdue flag or due date
    moved, or that gained or lost an entry, with the entries behind it and the counts at both ends.

    Example: ledger changes --since 2024-03-31 --until 2024-06-30
    """
    from ledger.cli import clock
    from ledger.core import clocks, compare
    from ledger.core.dates import day_of
    from ledger.core.errors import InvalidValue
    from ledger.core.naming import as_party_ids
    from ledger.render.change_views import changes_view

    def build() -> View:
        whole = read(ctx).ledger
        first, last = window(since, until, period)
        start = period_start(*first)
        if start is None:
            raise InvalidValue("since", "give --since (or --period): where the window starts")
        known = clock_day("known_at", known_at)
        # as a report judges on the day it was known at: what was printed that day
        end = clock_day(*last) or (day_of(known) if known else clock.today())
        if last[1] is None and start > end:
            ends = f"--known-at {end.isoformat()}" if known else f"today ({end.isoformat()})"
            raise InvalidValue("since", f"{start.isoformat()} is after {ends}, where the window "
                               "ends when --until is not given")
        at_end = clocks.snapshot(whole, as_of=end, known_at=known, today=end)
        before = compare.day_before(start)
        built = compare.changes_between(
            clocks.snapshot(whole, as_of=before, known_at=known, today=before), at_end,
            since=start, until=end, known_at=known, party=as_party_ids(whole, party, at_end),
            category=category,
            agreement=agreement, stale_after=stale_after, drafts=drafts)
        return headed(changes_view(built, at_end), Clocked(at_end, whole, None, known, end))

    emit(run(build), output)


@app.command()
def log(
    ctx: typer.Context,
    since: Annotated[str | None, typer.Option(
        help="Only what was recorded in or after this period (YYYY, YYYY-Qn, YYYY-Hn, YYYY-MM "
        "or YYYY-MM-DD).")
    ] = None,
    until: Annotated[str | None, typer.Option(
        help="Only what was recorded in or before this period.")] = None,
    period: PeriodOption = None,
    record: Annotated[str | None, typer.Option(
        help="Only this record: an evidence id (or a unique prefix), an agreement, party or "
        "term id, or a party's name or alias.")] = None,
    output: FormatOption = ListFormat.TABLE,
) -> None:
    """The audit trail: every record and change in the order recorded, with the reason.

    Example: ledger log --since 2024-03 --record withdraw
    """
    from ledger.core import naming
    from ledger.core.dates import recorded_day
    from ledger.core.errors import InvalidValue
    from ledger.core.log import log_of
    from ledger.render.change_views import log_view

    def build() -> View:
        ledger = read(ctx).ledger
        first, last = window(since, until, period)
        start, end = period_start(*first), period_end(*last)
        if start is not None and end is not None and start > end:
            raise InvalidValue("until", f"{last[1]} is before --since {first[1]}: nothing can "
                               "match")
        wanted = naming.resolve_record(ledger, record) if record is not None else None
        lines = [
            line for line in log_of(ledger)
            if (start is None or recorded_day(line.recorded_at or "") >= start.isoformat())
            and (end is None or recorded_day(line.recorded_at or "") <= end.isoformat())
            and (wanted is None or wanted in (line.record, line.id))
        ]
        return headed(log_view(lines), ledger)

    emit(run(build), output)


@app.command()
def check(
    ctx: typer.Context,
    against: Annotated[str | None, typer.Option(
        metavar="REV|FILE",
        help="A kept copy: a file, or a git revision (tag, branch, HEAD~3) whose version of the "
        "ledger is read through git; a name that is both is refused (say ./NAME for the file, "
        "NAME: for the revision). Fails if any record or change of it is missing or changed.")
    ] = None,
    sources: Annotated[Path | None, typer.Option(
        help="A folder of source documents: every named document must be found there (by file "
        "name) with its recorded SHA-256, and every quote must occur in it verbatim.")] = None,
    strict: Annotated[bool, typer.Option(
        help="Fail (exit 1) on warnings too: likely mistakes such as an entry dated after it "
        "was recorded, the same statement twice, or a category one letter from another.")
    ] = False,
) -> None:
    """Check the ledger: structure, references, dates, edits to recorded entries, and quotes.

    Example: ledger check --sources data --against v2020-q4
    """
    from ledger import checks
    from ledger.render.text import one_line

    git_warnings = 0

    def run_checks() -> checks.CheckOutcome:
        nonlocal git_warnings
        loaded = read(ctx)  # a file with conflict markers is refused here, saying what to run
        git_warnings = _git_warnings(loaded.path)
        kept = _kept_copy(loaded.path, against) if against is not None else None
        outcome = checks.check_ledger(loaded, sources=sources, kept=kept, max_bytes=max_bytes())
        failure = outcome.failure()
        if failure is not None:
            raise failure
        return outcome

    outcome = run(run_checks)
    print_placed("warning", outcome.warnings, more=outcome.more_warnings)
    print_placed("note", outcome.notes)
    if strict and (outcome.warnings or git_warnings):
        count = len(outcome.warnings) + outcome.more_warnings + git_warnings
        fail(f"{count} warning{'s' if count > 1 else ''}, and --strict makes warnings fail")
    run(lambda: write(one_line(outcome.summary()) + "\n"))


def _git_warnings(path: Path) -> int:
    """Warn of what git will do, or holds, that the file cannot show, and say how many: a
    clone whose attributes name our merge driver but which has none (git would merge the
    ledger line by line), and a merge of the ledger not yet concluded (the file may then lack
    the other side's records, when git could not hand the merge to the driver)."""
    from ledger.storage import git

    warned = 0
    state = git.merge_state(path)
    if state.driver_missing:
        say(f"warning: {path}: .gitattributes merges this file with `ledger merge`, but this "
            "clone has no such merge driver: git would merge it line by line; run `ledger "
            "git-setup`")
        warned += 1
    if state.unfinished:
        say(f"warning: {path}: git holds a merge of this file not yet concluded. If `ledger "
            "merge` printed its conflicts and you have fixed each, `git add` the file; if it "
            "printed nothing (git could not start the merge driver: run `ledger git-setup` "
            "again), or you took one side (`git checkout --theirs`), the file may lack the "
            f"other's records: `ledger resolve {path}` merges both sides, and the file, by record")
        warned += 1
    return warned


def _kept_copy(ledger: Path, against: str) -> LoadedLedger:
    """`--against`: a file, or the ledger at a git revision; a name that is both is refused, as
    git refuses an ambiguous name, saying how to choose (`./NAME`, `NAME:`)."""
    import os

    from ledger.core.errors import InvalidValue
    from ledger.storage import git, loading

    revision = against.removesuffix(":")
    named = Path(against)
    if revision == against and (named.exists() or named.is_symlink()):
        kind = git.revision_kind(ledger, against)
        if kind is None:
            return load(named)
        as_file = against if against.startswith(("./", "/")) else os.path.join(".", against)
        as_revision = f"`--against {against}:`" + (
            f" or `--against refs/tags/{against}`" if kind == "tag" else "")
        raise InvalidValue("against", f"{against!r} is both a file and a git {kind}: say "
                           f"`--against {as_file}` for the file, or {as_revision} for the "
                           f"{kind}")
    try:
        raw, name = git.file_at(ledger, revision, max_bytes=max_bytes())
    except git.NotARevision as error:
        missing = "" if revision != against else f"no file {against!r}, and "
        raise InvalidValue("against", f"{missing}{error}") from None
    return loading.load_bytes(raw, Path(name))


@app.command()
def schema() -> None:
    """Print the JSON Schema of the ledger file, for editors that validate while you type.

    Example: ledger schema > ledger.schema.json
    """
    import json

    from ledger.core.model import Ledger

    text = json.dumps(Ledger.model_json_schema(), indent=2, ensure_ascii=False)
    run(lambda: write(text + "\n"))
