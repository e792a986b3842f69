"""The `ledger` command line: parse options, call the library, hand results to a renderer, print.

The only module that imports Typer and the only one that exits. Library modules are imported inside
the commands that use them, so that `ledger --help` starts fast.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, TypeVar

import typer

from ledger.errors import InvalidValue, LedgerError
from ledger.render import OutputFormat

if TYPE_CHECKING:
    from collections.abc import Callable

    from ledger.model import Ledger, Role, Stance, Term
    from ledger.render.view import View
    from ledger.store import LoadedLedger

EXAMPLE = "doha-2020"
T = TypeVar("T")

app = typer.Typer(
    help="Keep the terms of an agreement and dated evidence of who says each party complies; "
    "print per-party compliance reports.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
agreement_app = typer.Typer(help="Add and list agreements.", no_args_is_help=True)
party_app = typer.Typer(help="Add and list parties.", no_args_is_help=True)
term_app = typer.Typer(help="Add, list and show terms (the obligations of an agreement).",
                       no_args_is_help=True)
evidence_app = typer.Typer(help="Add, list, show and retract evidence entries.",
                           no_args_is_help=True)
app.add_typer(agreement_app, name="agreement")
app.add_typer(party_app, name="party")
app.add_typer(term_app, name="term")
app.add_typer(evidence_app, name="evidence")


@dataclass(frozen=True)
class Target:
    """The ledger file a command works on, and whether the user named it."""

    path: Path
    named: bool


def _target(ctx: typer.Context) -> Target:
    root = ctx.find_root()
    option = root.params.get("file")
    if option:
        return Target(Path(option), True)
    environment = os.environ.get("COMPLIANCE_LEDGER")
    if environment:
        return Target(Path(environment), True)
    return Target(Path("ledger.json"), False)


# --- completion -------------------------------------------------------------------------------


def _completion_ledger(ctx: typer.Context) -> Ledger | None:
    from ledger import store

    target = _target(ctx)
    try:
        if target.path.exists():
            return store.load(target.path, max_bytes=_max_bytes()).ledger
        if not target.named:
            return store.load(store.bundled_path(EXAMPLE)).ledger
    except (LedgerError, OSError, MemoryError):
        return None
    return None


def _completer(records: Callable[[Ledger], list[str]]) -> Callable[[typer.Context, str],
                                                                    list[str]]:
    def complete(ctx: typer.Context, incomplete: str) -> list[str]:
        ledger = _completion_ledger(ctx)
        if ledger is None:
            return []
        return [value for value in records(ledger) if value.startswith(incomplete)]

    return complete


complete_party = _completer(lambda ledger: [party.id for party in ledger.parties])
complete_term = _completer(lambda ledger: [term.id for term in ledger.terms])
complete_agreement = _completer(lambda ledger: [agreement.id for agreement in ledger.agreements])
complete_evidence = _completer(lambda ledger: [entry.id for entry in ledger.evidence])
complete_category = _completer(lambda ledger: sorted({term.category for term in ledger.terms}))


# --- shared options ---------------------------------------------------------------------------

FormatOption = Annotated[
    OutputFormat,
    typer.Option("--format", help="table for people; json, csv or markdown for tools."),
]
PartyFilter = Annotated[
    str | None,
    typer.Option("--party", help="Only this party, as subject or obligor.",
                 autocompletion=complete_party),
]
CategoryFilter = Annotated[
    str | None,
    typer.Option("--category", help="Only terms of this category.",
                 autocompletion=complete_category),
]


# --- output and errors ------------------------------------------------------------------------


def _fail(message: str) -> NoReturn:
    _say(f"error: {message}")
    raise typer.Exit(1)


def _say(message: str) -> None:
    """A message to stderr, neutralised; one that cannot be written is dropped (data is not)."""
    from ledger.render.text import neutralise

    with contextlib.suppress(OSError, ValueError):
        typer.echo(f"ledger: {neutralise(message)}", err=True)


MAX_SIZE_VARIABLE = "COMPLIANCE_LEDGER_MAX_MB"


def _max_bytes() -> int:
    """The ceiling on files read, from $COMPLIANCE_LEDGER_MAX_MB (MiB), else 1 GiB."""
    from ledger.files import DEFAULT_MAX_BYTES

    value = os.environ.get(MAX_SIZE_VARIABLE, "").strip()
    if not value:
        return DEFAULT_MAX_BYTES
    if not value.isdigit() or not value.isascii() or int(value) == 0:
        raise LedgerError(f"${MAX_SIZE_VARIABLE}: {value!r} is not a positive whole number of MiB")
    return int(value) << 20


class OutputFailed(LedgerError):
    """Standard output is closed, full or gone: the command's data could not be written."""


def _write(text: str) -> None:
    """Write data to stdout now, so that a failure is known while the command can still say so."""
    stream = sys.stdout
    if stream is None:
        raise OutputFailed("cannot write the output: standard output is closed")
    try:
        stream.write(text)
        stream.flush()
    except BrokenPipeError:
        raise OutputFailed("cannot write the output: the reader closed the pipe") from None
    except OSError as error:
        raise OutputFailed(f"cannot write the output: {error.strerror or error}") from None


def _confirm_saved(data: str | None, message: str) -> None:
    """After a change is saved: print its id (data) and message; a failure to print ends well.

    The change is on disk, so the command succeeds even when its output cannot be written: a
    script that retried on failure would record it twice.
    """
    if data is not None:
        try:
            _write(data + "\n")
        except OutputFailed as error:
            _say(f"{message}; saved, but {error}")
            return
    _say(message)


def _encodes_unicode(stream: object) -> bool:
    encoding = getattr(stream, "encoding", None) or "utf-8"
    return encoding.lower().replace("-", "").replace("_", "") in ("utf8", "utf8sig")


def _option_name(field: str) -> str:
    return "ID" if field == "id" else "--" + field.replace("_", "-")


def _emit(view: View, output: OutputFormat) -> None:
    """Print a view: tables through Rich, the other formats as plain text with no colour."""
    _run(lambda: _write_view(view, output))


def _write_view(view: View, output: OutputFormat) -> None:
    match output:
        case OutputFormat.TABLE:
            from rich.console import Console

            from ledger.render import table

            if sys.stdout is None:
                _write("")
            class OutputConsole(Console):
                def on_broken_pipe(self) -> None:  # Rich would exit 1 without a word
                    raise BrokenPipeError

            console = OutputConsole(highlight=False, emoji=False, file=sys.stdout)
            try:
                console.print(table.render(view))
                sys.stdout.flush()
            except BrokenPipeError:
                raise OutputFailed("cannot write the output: the reader closed the pipe") from None
            except OSError as error:
                raise OutputFailed(f"cannot write the output: {error.strerror or error}") from None
        case OutputFormat.JSON:
            from ledger import safejson
            from ledger.render import json

            text = json.render(view)
            _write(text if _encodes_unicode(sys.stdout) else safejson.ascii_only(text))
        case OutputFormat.CSV:
            from ledger.render import csv

            _write(csv.render(view))
        case OutputFormat.MARKDOWN:
            from ledger.render import markdown

            _write(markdown.render(view))


def _run(action: Callable[[], T]) -> T:
    """Run a command body; every LedgerError ends the command with a one-line error, exit 1."""
    from ledger.errors import LedgerFileError

    try:
        return action()
    except InvalidValue as error:
        _fail(f"{_option_name(error.field)}: {error.message}")
    except LedgerFileError as error:
        from ledger.render.text import neutralise

        try:
            for line in error.lines():
                typer.echo(neutralise(line), err=True)
        except (OSError, ValueError):
            pass
        raise typer.Exit(1) from None
    except LedgerError as error:
        _fail(str(error))
    except MemoryError:
        _fail("out of memory: the file is too large for this machine (see "
              f"${MAX_SIZE_VARIABLE})")
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        _fail(f"{where}{error.strerror or error}")


_LOADED: list[LoadedLedger] = []
"""Ledgers this command loaded, kept alive until `main` ends the process without freeing them."""


def _load(path: Path) -> LoadedLedger:
    from ledger import store

    loaded = store.load(path, max_bytes=_max_bytes())
    _LOADED.append(loaded)
    if loaded.migrated_from is not None:
        _say(f"{path}: schema version {loaded.migrated_from} migrated in memory to "
             f"{loaded.ledger.schema_version}; the file is saved in the new version on the next "
             "write")
    return loaded


def _read(ctx: typer.Context) -> LoadedLedger:
    """The ledger to read: the chosen file, else (when none was named) the bundled example."""
    from ledger import store

    target = _target(ctx)
    if not target.path.exists() and not target.path.is_symlink() and not target.named:
        _say(f"no {target.path} here: reading the bundled example {EXAMPLE!r} "
             "(run `ledger init` to start your own)")
        return _load(store.bundled_path(EXAMPLE))
    return _load(target.path)


def _update(ctx: typer.Context, change: Callable[[Ledger], tuple[Ledger, T]]) -> T:
    """Lock the ledger, load it, apply `change`, save atomically; the lock spans all three."""
    from ledger import store

    target = _target(ctx)
    if not target.path.exists() and not target.path.is_symlink():
        raise LedgerError(
            f"{target.path}: no ledger here; run `ledger init` (or `ledger init --example "
            f"{EXAMPLE}`) first"
        )
    with store.locked(target.path):
        loaded = _load(target.path)
        changed, result = change(loaded.ledger)
        store.save(target.path, changed)
    return result


def _now() -> datetime:
    return datetime.now(UTC)


def _full_date(option: str, value: str | None) -> date | None:
    from ledger.dates import parse_full

    if value is None:
        return None
    try:
        return parse_full(value)
    except ValueError as error:
        raise InvalidValue(option, str(error)) from None


def _partial_date(option: str, value: str | None) -> str | None:
    from ledger.dates import check_partial

    if value is None:
        return None
    try:
        return check_partial(value)
    except ValueError as error:
        raise InvalidValue(option, str(error)) from None


def _require_party(ledger: Ledger, option: str, party: str | None) -> None:
    known = [known.id for known in ledger.parties]
    if party is not None and party not in known:
        raise InvalidValue(option, f"no party {party!r} (known: {', '.join(known) or 'none'})")


def _require_category(ledger: Ledger, category: str | None) -> None:
    known = sorted({term.category for term in ledger.terms})
    if category is not None and category not in known:
        raise InvalidValue(
            "category", f"no term has category {category!r} (categories: "
            f"{', '.join(known) or 'none'})"
        )


# --- root -------------------------------------------------------------------------------------


@app.callback()
def root(
    file: Annotated[
        Path | None,
        typer.Option("--file", "-f", help="The ledger file. Default: $COMPLIANCE_LEDGER, "
                     "else ./ledger.json, else (read-only commands) the bundled example.",
                     dir_okay=True, show_default=False),
    ] = None,
) -> None:
    """Keep the terms of an agreement and dated evidence of who says each party complies."""
    _LOADED.clear()


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

    def create() -> Path:
        from ledger import ops, store

        target = _target(ctx)
        ledger = (
            store.load(store.bundled_path(example), max_bytes=_max_bytes()).ledger
            if example is not None
            else ops.new_ledger(title or "Compliance ledger")
        )
        if example is not None and title is not None:
            ledger = ledger.model_copy(update={"title": ops.new_ledger(title).title})
        if target.path.exists() or target.path.is_symlink():
            raise LedgerError(f"{target.path}: already exists; `ledger init` never overwrites")
        with store.locked(target.path):
            if target.path.exists():
                raise LedgerError(f"{target.path}: already exists; `ledger init` never overwrites")
            store.save(target.path, ledger)
        return target.path

    path = _run(create)
    _say(f"created {path}" + (f" from the bundled example {example!r}" if example else ""))


# --- agreements -------------------------------------------------------------------------------


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
    from ledger import ops

    def change(ledger: Ledger) -> tuple[Ledger, None]:
        return ops.add_agreement(ledger, id, title=title, signed=signed,
                                 signatories=tuple(signatory or ()), place=place, url=url), None

    _run(lambda: _update(ctx, change))
    _say(f"added agreement {id}")


@agreement_app.command("list")
def agreement_list(ctx: typer.Context, output: FormatOption = OutputFormat.TABLE) -> None:
    """List the agreements.

    Example: ledger agreement list --format json
    """
    from ledger.render.views import agreements_view

    loaded = _run(lambda: _read(ctx))
    _emit(agreements_view(list(loaded.ledger.agreements), loaded.ledger), output)


# --- parties ----------------------------------------------------------------------------------


@party_app.command("add")
def party_add(
    ctx: typer.Context,
    id: Annotated[str, typer.Argument(help="A short id, e.g. taliban.")],
    name: Annotated[str, typer.Option(help="The party's name as reports show it.")],
    role: Annotated[str, typer.Option(
        help="signatory, monitor, mediator, observer or other.")] = "other",
    alias: Annotated[list[str] | None, typer.Option(help="Another name (repeat).")] = None,
) -> None:
    """Add a party.

    Example: ledger party add taliban --name "The Taliban" --role signatory
    """
    from ledger import ops

    def change(ledger: Ledger) -> tuple[Ledger, None]:
        return ops.add_party(ledger, id, name=name, role=_role(role),
                             aliases=tuple(alias or ())), None

    _run(lambda: _update(ctx, change))
    _say(f"added party {id}")


def _role(value: str) -> Role:
    from ledger.model import Role

    try:
        return Role(value)
    except ValueError:
        raise InvalidValue(
            "role", f"{value!r} is not a role (use one of: {', '.join(Role)})"
        ) from None


@party_app.command("list")
def party_list(ctx: typer.Context, output: FormatOption = OutputFormat.TABLE) -> None:
    """List the parties.

    Example: ledger party list
    """
    from ledger.render.views import parties_view

    loaded = _run(lambda: _read(ctx))
    _emit(parties_view(list(loaded.ledger.parties)), output)


# --- terms ------------------------------------------------------------------------------------


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
    from ledger import ops

    def change(ledger: Ledger) -> tuple[Ledger, None]:
        return ops.add_term(ledger, id, title=title, category=category,
                            obligors=tuple(obligor), agreement=agreement, due=due, text=text,
                            article=article), None

    _run(lambda: _update(ctx, change))
    _say(f"added term {id}")


@term_app.command("list")
def term_list(
    ctx: typer.Context,
    category: CategoryFilter = None,
    party: Annotated[str | None, typer.Option(help="Only terms this party is bound by.",
                                              autocompletion=complete_party)] = None,
    agreement: Annotated[str | None, typer.Option(help="Only terms of this agreement.",
                                                  autocompletion=complete_agreement)] = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """List terms, optionally filtered.

    Example: ledger term list --party taliban --category counter-terrorism
    """
    from ledger.render.views import terms_view

    def select() -> tuple[Ledger, list[Term]]:
        ledger = _read(ctx).ledger
        _require_party(ledger, "party", party)
        _require_category(ledger, category)
        known = [known.id for known in ledger.agreements]
        if agreement is not None and agreement not in known:
            raise InvalidValue("agreement", f"no agreement {agreement!r} (known: "
                               f"{', '.join(known) or 'none'})")
        terms = [
            term for term in ledger.terms
            if (category is None or term.category == category)
            and (party is None or party in term.obligors)
            and (agreement is None or term.agreement == agreement)
        ]
        return ledger, terms

    ledger, terms = _run(select)
    _emit(terms_view(terms, ledger), output)


@term_app.command("show")
def term_show(
    ctx: typer.Context,
    id: Annotated[str, typer.Argument(help="The term's id.", autocompletion=complete_term)],
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Status as it stood on this day, YYYY-MM-DD.")] = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Show a term: its obligors, the status for each, and the timeline of its evidence.

    Example: ledger term show ct-1
    """
    from ledger import status
    from ledger.render.views import term_view

    def build() -> View:
        ledger = _read(ctx).ledger
        term = next((known for known in ledger.terms if known.id == id), None)
        if term is None:
            raise InvalidValue("id", f"no term {id!r}")
        day = _full_date("as_of", as_of)
        obligations = status.obligations_of_term(ledger, term, as_of=day, today=date.today())
        timeline = sorted((entry for entry in ledger.evidence if entry.term == id),
                          key=status.order_key)
        retractions = {known.evidence: known for known in ledger.retractions}
        return term_view(term, obligations, timeline, retractions, ledger)

    _emit(_run(build), output)


# --- evidence ---------------------------------------------------------------------------------


@evidence_app.command("add")
def evidence_add(
    ctx: typer.Context,
    term: Annotated[str, typer.Option(help="The term the assertion is about.",
                                      autocompletion=complete_term)],
    claimant: Annotated[str, typer.Option(help="The party making the assertion.",
                                          autocompletion=complete_party)],
    stance: Annotated[str, typer.Option(
        help="claims (the subject complies) or disputes (it does not).")],
    date_: Annotated[str, typer.Option("--date", help="When it was asserted: YYYY, YYYY-MM or "
                                       "YYYY-MM-DD, as precisely as known.")],
    summary: Annotated[str, typer.Option(help="What was asserted, in a sentence.")],
    subject: Annotated[str | None, typer.Option(
        help="The party whose compliance is at issue (needed when the term has several "
        "obligors).", autocompletion=complete_party)] = None,
    speaker: Annotated[str | None, typer.Option(help="Who said it.")] = None,
    quote: Annotated[str | None, typer.Option(help="Their words, verbatim.")] = None,
    source: Annotated[str | None, typer.Option(help="The source's title.")] = None,
    publisher: Annotated[str | None, typer.Option(help="The source's publisher.")] = None,
    url: Annotated[str | None, typer.Option(help="The source's address.")] = None,
    source_date: Annotated[str | None, typer.Option(help="The source's date (any precision).")
                           ] = None,
    document: Annotated[str | None, typer.Option(
        help="A local copy of the source (path relative to the ledger, or a file name found "
        "under `ledger check --sources DIR`).")] = None,
    sha256: Annotated[str | None, typer.Option(help="The SHA-256 of that local copy.")] = None,
) -> None:
    """Record who asserts that a party complies (or not) with a term; prints the new id.

    Example: ledger evidence add --term ct-1 --claimant un-team --stance disputes --date 2020-06
    --summary "UN report: al-Qaeda leadership still in Afghanistan"
    """
    from ledger import ops
    from ledger.model import Evidence

    def change(ledger: Ledger) -> tuple[Ledger, Evidence]:
        return ops.add_evidence(
            ledger, term=term, claimant=claimant, stance=_stance(stance), date=date_,
            summary=summary, recorded_at=_now(), subject=subject, speaker=speaker, quote=quote,
            source=source, publisher=publisher, url=url, source_date=source_date,
            document=document, sha256=sha256,
        )

    entry = _run(lambda: _update(ctx, change))
    _confirm_saved(entry.id, f"recorded: {entry.claimant} {entry.stance.value} that "
                   f"{entry.subject} complies with {entry.term}")


def _stance(value: str) -> Stance:
    from ledger.model import Stance

    try:
        return Stance(value)
    except ValueError:
        raise InvalidValue("stance", f"{value!r} is not a stance (use claims or disputes)"
                           ) from None


@evidence_app.command("list")
def evidence_list(
    ctx: typer.Context,
    term: Annotated[str | None, typer.Option(help="Only entries about this term.",
                                             autocompletion=complete_term)] = None,
    party: PartyFilter = None,
    claimant: Annotated[str | None, typer.Option(help="Only entries by this claimant.",
                                                 autocompletion=complete_party)] = None,
    stance: Annotated[str | None, typer.Option(help="Only claims or only disputes.")] = None,
    since: Annotated[str | None, typer.Option(
        help="Only entries dated in or after this period (YYYY, YYYY-MM or YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(
        help="Only entries dated in or before this period (YYYY, YYYY-MM or YYYY-MM-DD).")
    ] = None,
    include_retracted: Annotated[bool, typer.Option(
        "--include-retracted", help="Show retracted entries too, marked as such.")] = False,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """List evidence entries by date, optionally filtered.

    Example: ledger evidence list --party taliban --stance disputes --since 2020-06
    """
    from ledger import status
    from ledger.dates import first_day, last_day
    from ledger.render.views import evidence_list_view

    def build() -> View:
        ledger = _read(ctx).ledger
        if term is not None and term not in {known.id for known in ledger.terms}:
            raise InvalidValue("term", f"no term {term!r}")
        _require_party(ledger, "party", party)
        _require_party(ledger, "claimant", claimant)
        start = _partial_date("since", since)
        end = _partial_date("until", until)
        selection = status.EvidenceSelection(
            term=term, party=party, claimant=claimant,
            stance=_stance(stance) if stance is not None else None,
            since=first_day(start) if start else None, until=last_day(end) if end else None,
            include_retracted=include_retracted,
        )
        retractions = {known.evidence: known for known in ledger.retractions}
        return evidence_list_view(status.select_evidence(ledger, selection), retractions, ledger)

    _emit(_run(build), output)


@evidence_app.command("show")
def evidence_show(
    ctx: typer.Context,
    id: Annotated[str, typer.Argument(help="The entry's id or a unique prefix of it.",
                                      autocompletion=complete_evidence)],
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Show one evidence entry in full, with its retraction if it has one.

    Example: ledger evidence show 3fa2
    """
    from ledger import ops
    from ledger.render.views import evidence_view

    def build() -> View:
        ledger = _read(ctx).ledger
        entry = ops.resolve_evidence(ledger, id)
        return evidence_view(entry, ops.retraction_of(ledger, entry.id), ledger)

    _emit(_run(build), output)


@evidence_app.command("retract")
def evidence_retract(
    ctx: typer.Context,
    id: Annotated[str, typer.Argument(help="The entry's id or a unique prefix of it.",
                                      autocompletion=complete_evidence)],
    reason: Annotated[str, typer.Option(help="Why the entry no longer counts.")],
) -> None:
    """Retract an entry: it stops counting but stays in the ledger, marked, with the reason.

    Example: ledger evidence retract 3fa2 --reason "Misattributed: the speaker was not a spokesman"
    """
    from ledger import ops
    from ledger.model import Retraction

    def change(ledger: Ledger) -> tuple[Ledger, Retraction]:
        return ops.retract(ledger, id, reason=reason, recorded_at=_now())

    retraction = _run(lambda: _update(ctx, change))
    _say(f"retracted {retraction.evidence}")


# --- report, check, schema --------------------------------------------------------------------


@app.command()
def report(
    ctx: typer.Context,
    party: Annotated[str | None, typer.Option(help="Only this party's obligations.",
                                              autocompletion=complete_party)] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="The report as it stood on this day, YYYY-MM-DD: later entries and "
        "retractions are ignored.")] = None,
    category: CategoryFilter = None,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Per-party compliance report: each obligation's status, who claims, who disputes.

    Example: ledger report --party taliban --as-of 2020-12-31
    """
    from ledger import status
    from ledger.render.views import report_view

    def build() -> View:
        ledger = _read(ctx).ledger
        _require_party(ledger, "party", party)
        _require_category(ledger, category)
        built = status.build_report(ledger, today=date.today(), as_of=_full_date("as_of", as_of),
                                    party=party, category=category)
        return report_view(built, ledger)

    _emit(_run(build), output)


@app.command()
def check(
    ctx: typer.Context,
    against: Annotated[Path | None, typer.Option(
        help="A kept copy (e.g. the file at a git tag): fail if any of its evidence entries or "
        "retractions is missing or changed.")] = None,
    sources: Annotated[Path | None, typer.Option(
        help="A folder of source documents: every named document must be found there (by file "
        "name) with its recorded SHA-256, and every quote must occur in it verbatim.")] = None,
) -> None:
    """Check the ledger: structure, references, dates, edits to recorded entries, and quotes.

    Example: ledger check --sources ../shared/seeds --against ledger-2020-q4.json
    """
    from ledger import checks, store

    def run() -> str:
        if sources is not None and not sources.is_dir():
            raise InvalidValue("sources", f"{sources} is not a folder")
        loaded = _read(ctx)
        context = checks.CheckContext(loaded.ledger, loaded.path.parent, sources,
                                      max_bytes=_max_bytes())
        placed = loaded.place_all(checks.run_checks(context))
        problems, more = placed.problems, placed.more
        if against is not None:
            kept = store.load(against, max_bytes=_max_bytes())
            grown = kept.place_all(
                checks.growth_findings(kept.ledger, loaded.ledger, str(loaded.path)))
            problems, more = problems + grown.problems, more + grown.more
        if problems:
            from ledger.errors import LedgerFileError

            raise LedgerFileError(problems, more)
        ledger = loaded.ledger
        retracted = len({retraction.evidence for retraction in ledger.retractions})
        summary = (f"{loaded.path}: ok: {len(ledger.agreements)} agreements, "
                   f"{len(ledger.parties)} parties, {len(ledger.terms)} terms, "
                   f"{len(ledger.evidence)} evidence entries ({retracted} retracted), "
                   f"{len(ledger.retractions)} retractions")
        tally = context.tally
        summary += (f"; quotes: {tally['verified']} verified against their source, "
                    f"{tally['unverifiable']} unverifiable (no source document)")
        if tally["not checked"]:
            summary += (f", {tally['not checked']} not checked (document not found: "
                        "pass --sources DIR)")
        if against is not None:
            summary += f"; only grew since {against}"
        return summary

    from ledger.render.text import neutralise

    summary = _run(run)
    _run(lambda: _write(neutralise(summary) + "\n"))


@app.command()
def schema() -> None:
    """Print the JSON Schema of the ledger file, for editors that validate while you type.

    Example: ledger schema > ledger.schema.json
    """
    import json

    from ledger.model import Ledger

    text = json.dumps(Ledger.model_json_schema(), indent=2, ensure_ascii=False)
    _run(lambda: _write(text + "\n"))


def _undecodable_argument() -> str | None:
    """An argument that was not valid UTF-8 (Python keeps such bytes as lone surrogates)."""
    for argument in sys.argv[1:]:
        try:
            argument.encode("utf-8")
        except UnicodeEncodeError:
            return argument.encode("utf-8", "backslashreplace").decode("ascii", "replace")
    return None


def _guard_standard_streams() -> None:
    """Make output that the terminal cannot encode come out as visible escapes, not a crash,
    and keep a closed stdout closed: descriptor 1 gets /dev/null, so that no file this command
    opens can land there, while `sys.stdout` stays None and `_write` says it is closed."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    for descriptor in (0, 1, 2):
        try:
            os.fstat(descriptor)
        except OSError:
            placeholder = os.open(os.devnull, os.O_RDWR)
            if placeholder != descriptor:
                os.dup2(placeholder, descriptor)
                os.close(placeholder)


def _usage_error(error: Exception) -> None:
    """Click's own message for a bad command line, neutralised like every other message."""
    import io

    from ledger.render.text import neutralise

    buffer = io.StringIO()
    error.show(file=buffer)  # type: ignore[attr-defined]
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stderr.write(neutralise(buffer.getvalue()))


def main() -> None:
    """The `ledger` script: a short-lived process, run without the cyclic garbage collector and
    ended without the interpreter's teardown (as mypy does).

    A command makes objects by the million and ends within seconds: collector passes over them,
    and freeing them one by one at exit, each cost about as much as reading the ledger, while the
    operating system reclaims the memory at once. Output is flushed first; every file was closed
    and every lock released by the command itself.

    Third-party Pydantic plugins are switched off (Pydantic's own setting): no package that
    happens to be installed beside this one hooks into how a ledger is validated, and the models
    are built without first reading the metadata of every installed distribution to find them.

    Click runs outside its standalone mode, so that its usage errors are printed here through
    the one neutralising step.
    """
    # Click's base class, whether Typer vendors Click or depends on it.
    click_exception: type[Exception] = next(kind for kind in typer.BadParameter.__mro__
                           if kind.__name__ == "ClickException")

    gc.disable()
    os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"
    _guard_standard_streams()
    bad = _undecodable_argument()
    if bad is not None:
        sys.stderr.write(f"ledger: error: argument {bad!r} is not valid UTF-8\n")
        sys.exit(1)
    code: int
    try:
        returned = app(standalone_mode=False)
        code = returned if isinstance(returned, int) else 0
    except click_exception as error:
        _usage_error(error)
        code = getattr(error, "exit_code", 2)
    except typer.Abort:
        _say("aborted")
        code = 1
    except SystemExit as exit_request:
        code = exit_request.code if isinstance(exit_request.code, int) else (
            0 if exit_request.code is None else 1)
        if isinstance(exit_request.code, str):
            _say(exit_request.code)
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)
