"""What a command works on: the ledger chosen, read on the two clocks or changed in a
transaction; the date options."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer

from ledger.cli.errors import MAX_SIZE_VARIABLE, option_name, run, say
from ledger.cli.example import EXAMPLE, no_ledger_advice, wants_example
from ledger.cli.output import confirm_saved, warn
from ledger.core.errors import InvalidValue, LedgerError

if TYPE_CHECKING:
    from ledger.core.model import Change, Ledger
    from ledger.render.view import View
    from ledger.storage.loading import LoadedLedger
    from ledger.storage.writing import Draft

T = TypeVar("T")


@dataclass(frozen=True)
class Target:
    """The ledger file a command works on, and whether the user named it."""

    path: Path
    named: bool
    given: str | None = None
    """The `-f` value as typed: `-f example` is the bundled example, `-f ./example` a file."""


EXAMPLE_NOTE = "the bundled example {name!r}: no ledger.json was found"
"""Added to the example's title when a command reads it for want of a ledger, so that a report
redirected to a file says what it is."""


def target(ctx: typer.Context, *, search: bool = True) -> Target:
    """The ledger file chosen (`locate.locate`); `search=False` for `init`, which creates one in
    this folder rather than finding one in a parent folder."""
    from ledger.storage import locate

    option = ctx.find_root().params.get("file")
    path, named = locate.locate(option, search=search)
    return Target(path, named, option)


def max_bytes() -> int:
    """The ceiling on files read, from $COMPLIANCE_LEDGER_MAX_MB (MiB), else 1 GiB."""
    from ledger.storage.files import DEFAULT_MAX_BYTES

    value = os.environ.get(MAX_SIZE_VARIABLE, "").strip()
    if not value:
        return DEFAULT_MAX_BYTES
    if not value.isascii() or not value.isdigit() or int(value) == 0:
        raise LedgerError(f"${MAX_SIZE_VARIABLE}: {value!r} is not a positive whole number of MiB")
    return int(value) << 20


LOADED: list[LoadedLedger] = []
"""Ledgers this command loaded, kept alive until `main` ends the process without freeing them."""


def load(path: Path) -> LoadedLedger:
    from ledger.cli.conflicts import with_way_out
    from ledger.core.errors import LedgerFileError
    from ledger.storage import loading

    try:
        loaded = loading.load(path, max_bytes=max_bytes())
    except LedgerFileError as error:  # conflict markers: the way to merge the sides
        raise with_way_out(error, path) from None
    LOADED.append(loaded)
    _note_migration(loaded)
    return loaded


def _note_migration(loaded: LoadedLedger) -> None:
    if loaded.migrated_from is not None:
        say(f"{loaded.path}: schema version {loaded.migrated_from} migrated in memory to "
            f"{loaded.ledger.schema_version}; the file is saved in the new version on the next "
            "write")


def read(ctx: typer.Context) -> LoadedLedger:
    """The ledger to read: the chosen file; the bundled example when it was asked for (`--example`,
    `-f example`), or, when no ledger was named nor found, as a table only (a report in another
    format would be taken for the user's own: a cron job would publish the example)."""
    chosen = target(ctx)
    if wants_example(ctx, chosen):
        return _bundled_example(f"the bundled example {EXAMPLE!r}")
    if not chosen.path.exists() and not chosen.path.is_symlink() and not chosen.named:
        output = ctx.params.get("output")
        if output is not None and str(getattr(output, "value", output)) != "table":
            raise LedgerError(f"no {chosen.path} here or in a parent folder, and the bundled "
                              "example is shown only as a table unless asked for: "
                              + no_ledger_advice(chosen.path))
        say(f"no {chosen.path} here or in a parent folder: reading the bundled example "
            f"{EXAMPLE!r} (run `ledger init` to start your own)")
        return _bundled_example(EXAMPLE_NOTE.format(name=EXAMPLE))
    loaded = load(chosen.path)
    _warn_of_cycle(loaded.ledger)
    return loaded


def _bundled_example(note: str) -> LoadedLedger:
    """The bundled example, its title saying what it is (`note`), so that a report of it
    redirected to a file says so."""
    from ledger.storage import bundled

    example = load(bundled.bundled_path(EXAMPLE))
    return dataclasses.replace(example, ledger=example.ledger.model_copy(update={
        "title": f"{example.ledger.title} ({note})"}))


def _warn_of_cycle(ledger: Ledger) -> None:
    """A cycle of conditions written into the file by hand (the commands refuse one): reports
    stay well defined, for a condition is met or not whatever it waits on itself, but each term
    on the cycle can never be judged overdue, so every reading command says so."""
    from ledger.core.clocks import condition_cycle

    cycle = condition_cycle(ledger)
    if cycle is not None:
        say(f"warning: conditions form a cycle: {' waits on '.join(cycle)}; `ledger check` "
            "places it, and `ledger term correct ID --no-condition` undoes it")


@dataclass(frozen=True)
class Clocked:
    """The ledger as it stood on the two clocks the user gave, and the days themselves."""

    ledger: Ledger
    """As of `as_of`, as known at `known_at` (clocks.snapshot)."""
    whole: Ledger
    """Everything recorded, for histories."""
    as_of: date | None
    known_at: date | None
    today: date
    """The day overdue is judged on: `as_of`, else `known_at`, else today."""


def read_as(ctx: typer.Context, as_of: str | None, known_at: str | None) -> Clocked:
    """The chosen ledger as of `as_of` and as known at `known_at` (both optional)."""
    from ledger.cli import clock
    from ledger.core import clocks
    from ledger.core.dates import day_of

    whole = read(ctx).ledger
    as_of_day = clock_day("as_of", as_of)
    known_day = clock_day("known_at", known_at)
    day = as_of_day or (day_of(known_day) if known_day else None) or clock.today()
    view = clocks.snapshot(whole, as_of=as_of_day, known_at=known_day, today=day)
    return Clocked(view, whole, as_of_day, known_day, day)


def update(ctx: typer.Context, change: Callable[[Ledger], tuple[Ledger, T]]) -> T:
    """Apply `change` to the chosen ledger in one transaction (lock, load, change, save)."""
    from ledger.cli.conflicts import with_way_out
    from ledger.core.errors import LedgerFileError
    from ledger.storage import writing

    draft: Draft
    chosen = target(ctx)
    path = chosen.path
    if wants_example(ctx, chosen):
        raise LedgerError(f"the bundled example is read-only: `ledger init --example {EXAMPLE}` "
                          "copies it into a ledger of your own")
    if not path.exists() and not path.is_symlink() and not chosen.named:
        raise LedgerError(f"no {path} here or in a parent folder: "
                          + no_ledger_advice(path, writing=True))
    try:
        with writing.transaction(path, max_bytes=max_bytes()) as draft:
            LOADED.append(draft.loaded)
            _note_migration(draft.loaded)
            draft.ledger, result = change(draft.ledger)
    except LedgerFileError as error:  # conflict markers: the way to merge the sides
        raise with_way_out(error, path) from None
    return result


def stamp(ctx: typer.Context) -> dict[str, Any]:
    """When and by whom a record is made: `recorded_at` by the one clock, `recorded_by` by
    `author`; the keyword arguments of every function that makes records."""
    from ledger.cli import clock
    from ledger.cli.author import author

    return {"recorded_at": clock.now(), "recorded_by": author(ctx, target(ctx).path)}


def record_cautions(ledger: Ledger, of: str, id: str) -> list[tuple[str, str]]:
    """The warnings for an agreement or a term in the version its changes now give it."""
    from ledger.core import cautions, clocks
    from ledger.core.model import RecordKind

    kind = RecordKind(of)
    changes = clocks.changes_by_record(ledger.changes).get((kind, id), [])
    if kind is RecordKind.TERM:
        term = next(known for known in ledger.terms if known.id == id)
        return cautions.term_cautions(ledger, clocks.apply(term, changes, None))
    if kind is RecordKind.AGREEMENT:
        agreement = next(known for known in ledger.agreements if known.id == id)
        return cautions.agreement_cautions(ledger, clocks.apply(agreement, changes, None))
    return []


def document_digest(ctx: typer.Context, name: str | None) -> tuple[str | None, str | None]:
    """The SHA-256 of a source document named without `--sha256`, found and read as `ledger
    check` finds and reads it (`checks.Documents`: never outside the ledger's folder); or None
    and why it could not be read."""
    from ledger.checks import Documents
    from ledger.core.documents import document_name_problem

    if name is None or document_name_problem(name) is not None:
        return None, None  # the entry's own rules refuse a name that leaves the folder
    folder = target(ctx).path.parent
    documents = Documents(folder, max_bytes=max_bytes())
    found = documents.find(name)
    if isinstance(found, str):
        return None, f"{found}: not read"
    if found is None:
        return None, (f"{name} is not in the ledger's folder ({os.path.abspath(folder)}; a "
                      "document's name is relative to it), so its SHA-256 is not recorded: give "
                      "--sha256, or put the file there, so that `ledger check` can verify it")
    try:
        return documents.read(found)[0], None
    except LedgerError as error:  # a folder, a pipe, a file over the ceiling: said at its cell
        return None, f"{error}, so its SHA-256 is not recorded"


def change_record(ctx: typer.Context, of: str, kind: str, id: str, reason: str,
                  effective: str | None, values: dict[str, object],
                  cleared: tuple[str, ...] = (), options: dict[str, str] | None = None) -> None:
    """`amend` and `correct` of every noun: record the change, print its id. `options`: the
    option that gave a field, where it is not named after it (`agreement end --on`)."""
    from ledger.core import edits
    from ledger.core.model import ChangeKind, RecordKind

    found: list[tuple[str, str]] = []

    def change(ledger: Ledger) -> tuple[Ledger, Change]:
        changed, made = edits.change_record(
            ledger, RecordKind(of), id, kind=ChangeKind(kind), reason=reason,
            **stamp(ctx), effective=effective, values=values, cleared=cleared)
        from ledger.core.cautions import change_cautions

        named = {field for field, value in values.items() if value is not None}
        found.extend(caution for caution in record_cautions(changed, of, made.record)
                     if caution[0] in named)  # of the values this change gives, not older ones
        found.extend(change_cautions(changed, made))
        return changed, made

    def days() -> None:
        nonlocal effective
        effective_day = period_end("effective", effective)
        effective = effective_day.isoformat() if effective_day is not None else None
        for field in ("signed", "ended"):
            if isinstance(values.get(field), str):
                values[field] = full_day(field, str(values[field]))
        if isinstance(values.get("due"), str):
            values["due"] = due_period(str(values["due"]))

    run(days)
    made = run(lambda: update(ctx, change))  # its record: the id a party's name gave
    when = f"from {effective}" if effective else "on every day"
    verb = "amended" if kind == "amendment" else "corrected"
    confirm_saved(made.id, f"{verb} {of} {made.record} {when} (change {made.id})")
    warn([((options or {}).get(field, field), message)
          for field, message in dict.fromkeys(found)])  # said once, by either rule


def full_date(option: str, value: str | None) -> date | None:
    """A `YYYY-MM-DD` option (or `today`, `yesterday`) as a date; a bad value names the option."""
    from ledger.core.dates import parse_full

    return _parsed(option, value, lambda text: parse_full(text, words=True))


def period_end(option: str, value: str | None) -> date | None:
    """The last day of the period an option names (`2019`, `2019-Q3`, `2019-H2`, `2019-07`, a
    day, `today`, `yesterday`): what `--as-of`, `--known-at`, `--until` and `--effective`
    mean by a period (certainly over by then)."""
    from ledger.core.dates import period_bounds

    bounds = _parsed(option, value, lambda text: period_bounds(text, words=True))
    return bounds[1] if bounds is not None else None


def period_start(option: str, value: str | None) -> date | None:
    """The first day of the period an option names: what `--since` means by a period."""
    from ledger.core.dates import period_bounds

    bounds = _parsed(option, value, lambda text: period_bounds(text, words=True))
    return bounds[0] if bounds is not None else None


def window(since: str | None, until: str | None, period: str | None
           ) -> tuple[tuple[str, str | None], tuple[str, str | None]]:
    """The options that start and end a window: `--period P` is short for `--since P --until P`
    (and goes with neither)."""
    if period is None:
        return ("since", since), ("until", until)
    if since is not None or until is not None:
        raise InvalidValue("period", "give --period, or --since and --until, not both")
    return ("period", period), ("period", period)


def clock_day(option: str, value: str | None) -> date | None:
    """`period_end` of a clock (`--as-of`, `--known-at`, the end of a window), with a warning
    for a day after today: a report as of it is a forecast (deadlines judged on it as if
    nothing more were recorded), and one as known at it cannot be printed again the same.
    `--known-at` also takes a moment (`2026-12-07T18:28:00Z`, UTC unless it says otherwise):
    a report published in the morning and corrected that afternoon can each be printed again."""
    from ledger.cli import clock

    if option == "known_at" and value is not None and "T" in value.strip():
        return _moment(value)
    day = period_end(option, value)
    today = clock.today()
    if day is not None and day > today:
        said = ("only what is recorded so far counts, and a later run may print more"
                if option == "known_at" else
                "a forecast: the ledger as it would stand then if nothing more were recorded")
        say(f"warning: {option_name(option)} {day.isoformat()} is after today "
            f"({today.isoformat()}): {said}")
    return day


def _moment(value: str) -> datetime:
    """`--known-at` as a moment: ISO 8601 to the minute or second, in UTC (`Z`) or with an
    offset; one without a zone is taken as UTC, as every recording time is."""
    from ledger.cli import clock

    try:
        moment = datetime.fromisoformat(value.strip().replace("z", "Z"))
    except ValueError:
        raise InvalidValue("known_at", f"not a day, a period or a moment: {value!r} (use "
                           "YYYY-MM-DD, a period, or YYYY-MM-DDTHH:MM:SSZ)") from None
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    if moment > clock.now():
        say(f"warning: --known-at {moment.strftime('%Y-%m-%dT%H:%M:%SZ')} is after now: only "
            "what is recorded so far counts, and a later run may print more")
    return moment


def full_day(option: str, value: str | None) -> str | None:
    """A `YYYY-MM-DD` option (or `today`, `yesterday`) as the text a record holds."""
    day = full_date(option, value)
    return day.isoformat() if day is not None else None


def due_period(value: str | None) -> str | None:
    """`--due` as a term keeps it: a day (or `today`, `yesterday`), or a period kept at its
    precision, due by its end (`2015`, `2015-Q4` from `2015q4`, `2015-H2`, `2015-12`)."""
    from ledger.core.dates import canonical_period

    return _parsed("due", value, lambda text: canonical_period(text, words=True))


def partial_date(option: str, value: str | None) -> str | None:
    """A `YYYY`, `YYYY-MM` or `YYYY-MM-DD` option (or `today`, `yesterday`), checked; a bad
    value names the option."""
    from ledger.core.dates import check_partial

    return _parsed(option, value, lambda text: check_partial(text, words=True))


def _parsed(option: str, value: str | None, parse: Callable[[str], T]) -> T | None:
    """`value` with `today` and `yesterday` named by the one clock, then parsed."""
    from ledger.cli import clock
    from ledger.core.dates import named_day

    if value is None:
        return None
    try:
        return parse(named_day(value, clock.today()))
    except ValueError as error:
        raise InvalidValue(option, str(error)) from None


def headed(view: View, about: Clocked | Ledger) -> View:
    """`view` with the header of a printed report: the ledger's title, the kind of report, the
    two clocks when given, and the day it is made."""
    import dataclasses

    from ledger.cli import clock
    from ledger.render.view import Header

    if isinstance(about, Clocked):
        title, as_of, known_at = about.whole.title, about.as_of, about.known_at
    else:
        title, as_of, known_at = about.title, None, None
    return dataclasses.replace(view, header=Header(title, view.what, clock.today(), as_of,
                                                   known_at))
