"""The root command, and the one place where errors become exit codes and output is printed.

Every command parses its options, calls one library function inside `run`, and hands the result
to `emit` (or `confirm_saved` after a change). Library modules are imported inside the commands,
so that `ledger --help` starts fast.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from typer.core import TyperGroup

from ledger.core.errors import InvalidValue, LedgerError
from ledger.render import ListFormat, OutputFormat

if TYPE_CHECKING:
    import codecs
    from typing import TextIO

    from rich.console import Console

    from ledger.core.errors import Problem
    from ledger.core.model import Ledger
    from ledger.render.view import View
    from ledger.storage.loading import LoadedLedger
    from ledger.storage.writing import Draft

EXAMPLE = "doha-2020"
MAX_SIZE_VARIABLE = "COMPLIANCE_LEDGER_MAX_MB"
T = TypeVar("T")

FILE_OPTIONS = ("-f", "--file")


def _file_option(args: list[str], index: int) -> int:
    """How many tokens at `index` give the file (`-f PATH`, `--file PATH`: 2; `-fPATH`,
    `--file=PATH`, or `-f` with nothing after it: 1), or 0."""
    token = args[index]
    if token in FILE_OPTIONS:
        return 2 if index + 1 < len(args) else 1
    if token.startswith("--file=") or (token.startswith("-f") and not token.startswith("--")):
        return 1
    return 0


def hoist_file_option(group: Any, ctx: Any, args: list[str]) -> list[str]:
    """`args` with a `-f/--file PATH` given after the command (or between a group and its
    command) moved before it, where the root command reads it (hledger takes `-f` anywhere, gh
    takes `-R` on every command).

    The command's own options are read with their arities, so that a value that happens to be
    `-f` (`--summary -f`) stays where it is; after `--` nothing moves. Given twice, it is
    refused: silently reading one of two files would be worse.
    """
    position, head, moved, path = 0, [], [], []
    while position < len(args) and args[position].startswith("-") and args[position] != "--":
        width = _file_option(args, position) or 1
        head += args[position:position + width]
        position += width
    command = group
    while hasattr(command, "get_command") and position < len(args):
        width = _file_option(args, position)
        if width:
            moved += args[position:position + width]
            position += width
            continue
        found = command.get_command(ctx, args[position])
        if found is None:
            break
        command = found
        path.append(args[position])
        position += 1
    kept: list[str] = []
    if path and not hasattr(command, "get_command"):
        options = [param for param in command.params if param.param_type_name == "option"]
        takes_value = {name for param in options if not param.is_flag and not param.count
                       for name in (*param.opts, *param.secondary_opts)}
        rest = args[position:]
        index = 0
        while index < len(rest):
            token = rest[index]
            if token == "--":
                kept += rest[index:]
                break
            width = _file_option(rest, index)
            if width:
                moved += rest[index:index + width]
                index += width
                continue
            kept.append(token)
            if token in takes_value and index + 1 < len(rest):
                kept.append(rest[index + 1])
                index += 1
            index += 1
    else:
        kept = args[position:]
    from typer._click.exceptions import UsageError

    if moved and moved[-1] in FILE_OPTIONS:  # `-f` last, with no path after it
        if "--help" in args:
            moved.pop()  # help asked for: give it
        else:
            raise UsageError(f"{moved[-1]} needs the ledger's path", ctx)
    given = [token for token in (*head, *moved) if token in FILE_OPTIONS
             or token.startswith("--file=") or (token.startswith("-f")
                                                and not token.startswith("--"))]
    if len(given) > 1:
        raise UsageError("-f/--file is given more than once: give the ledger once", ctx)
    return [*head, *moved, *path, *kept]


METAVARS = {
    "id": "ID", "record": "ID", "term": "TERM", "condition": "TERM", "claimant": "PARTY",
    "subject": "PARTY", "party": "PARTY", "obligor": "PARTY", "signatory": "PARTY",
    "agreement": "AGREEMENT", "category": "CATEGORY", "as_of": "DATE", "known_at": "DATE",
    "since": "DATE", "until": "DATE", "date_": "DATE", "due": "DATE", "signed": "DATE",
    "effective": "DATE", "source_date": "DATE", "document": "PATH", "file": "FILE",
    "base": "FILE", "ours": "FILE", "theirs": "FILE", "path": "FILE", "sources": "DIR",
    "sha256": "HEX", "url": "URL", "sheet": "SHEET", "example": "NAME", "name": "NAME",
    "alias": "NAME", "term.id": "TERM", "party.id": "PARTY", "agreement.id": "AGREEMENT",
    "merge.base": "BASE", "merge.ours": "OURS", "merge.theirs": "THEIRS", "merge.name": "PATH",
}
"""What help shows for a value, by the parameter's name (`--party PARTY`, `--as-of DATE`), in
place of its Python type; any other text is `TEXT`. Fixed sets show their words."""


def _name_values(command: Any, noun: str = "") -> None:
    """Set the metavar of every parameter below `command` that takes free text."""
    from enum import Enum
    from typing import get_args

    for name, sub in getattr(command, "commands", {}).items():
        _name_values(sub, noun or name)
    for param in command.params:
        annotation = param.type_descriptor.annotation
        kinds = get_args(annotation) or (annotation,)
        words = [kind for kind in kinds if isinstance(kind, type) and issubclass(kind, Enum)]
        if param.metavar is not None or getattr(param, "is_flag", False):
            continue
        if words:  # a list of words from a fixed set: the set, not `list[...]`
            if kinds != (annotation,):
                param.metavar = "<" + "|".join(word.value for word in words[0]) + ">"
            continue
        param.metavar = METAVARS.get(f"{noun}.{param.name}", METAVARS.get(param.name, "TEXT"))


class _Root(TyperGroup):
    """The root command: `-f/--file` may come after the command name too, a value outside a
    fixed set is answered with the nearest word of the set, and help names each value by what
    it is (`--party PARTY`), not by its Python type."""

    def __init__(self, *args: Any, **named: Any) -> None:
        super().__init__(*args, **named)
        _name_values(self)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_file_option(self, ctx, args))

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except typer.BadParameter as error:
            error.message = with_suggestion(error.message)
            raise


_NOT_ONE_OF = re.compile(r"(?:Value error, )?'(?P<value>[^']*)' is not one of (?P<choices>.*)\.$")


def with_suggestion(message: str) -> str:
    """A usage error for a value outside a fixed set (`--stance disputed`), with the word meant:
    the nearest of the set, and a word of the other set when the value is a status word."""
    import difflib

    from ledger.core.status import Status
    from ledger.core.words import Stance

    found = _NOT_ONE_OF.match(message)
    if found is None:
        return message
    value, choices = found["value"], re.findall(r"'([^']*)'", found["choices"])
    message = f"{value!r} is not one of {', '.join(choices)}"
    if "," in value:
        return message + ": give the option once for each value"
    near = difflib.get_close_matches(value.lower(), choices, n=1, cutoff=0.6)
    if near:
        message += f": did you mean {near[0]}?"
    if value in {status.value for status in Status} and set(choices) == set(Stance):
        message += (f" ({value!r} is a status, the word a report gives an obligation; an entry's"
                    " stance is what its claimant says: claims, disputes or notes)")
    return message


app = typer.Typer(
    cls=_Root,
    help="Keep the terms of an agreement and dated evidence of who says each party complies; "
    "print per-party compliance reports.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.callback()
def root(
    file: Annotated[
        Path | None,
        typer.Option("--file", "-f", help="The ledger file, before or after the command. "
                     "Default: $COMPLIANCE_LEDGER, else ledger.json here or in the nearest "
                     "parent folder, else (read-only commands) the bundled example.",
                     dir_okay=True, show_default=False),
    ] = None,
    no_pager: Annotated[
        bool,
        typer.Option("--no-pager", help="Print long output straight to the terminal, not "
                     "through $PAGER (else `less -FRX`). Output to a pipe or file never pages."),
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", help="Print the version and exit.", is_eager=True,
                     callback=lambda given: _print_version() if given else None),
    ] = False,
) -> None:
    """Keep the terms of an agreement and dated evidence of who says each party complies."""
    LOADED.clear()
    PAGING[0] = not no_pager


def _print_version() -> None:
    """`compliance-ledger X.Y.Z`: the installed distribution's version (this source tree's when
    it is not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    from ledger import __version__

    try:
        number = version("compliance-ledger")
    except PackageNotFoundError:
        number = __version__
    write(f"compliance-ledger {number}\n")
    raise typer.Exit(0)


@dataclass(frozen=True)
class Target:
    """The ledger file a command works on, and whether the user named it."""

    path: Path
    named: bool


EXAMPLE_NOTE = "the bundled example {name!r}: no ledger.json was found"
"""Added to the example's title when a command reads it for want of a ledger, so that a report
redirected to a file says what it is."""


def target(ctx: typer.Context, *, search: bool = True) -> Target:
    """The ledger file chosen (`locate.locate`); `search=False` for `init`, which creates one in
    this folder rather than finding one in a parent folder."""
    from ledger.storage import locate

    option = ctx.find_root().params.get("file")
    path, named = locate.locate(str(option) if option else None, search=search)
    return Target(path, named)


# --- errors -----------------------------------------------------------------------------------


def program_name() -> str:
    """The name the program was started by, for its messages: `compliance-ledger` for people
    whose `ledger` is the accounting tool, else `ledger`."""
    return "compliance-ledger" if Path(sys.argv[0]).name == "compliance-ledger" else "ledger"


def say(message: str) -> None:
    """A message to stderr, on one line, neutralised; one that cannot be written is dropped."""
    from ledger.render.text import one_line

    with contextlib.suppress(OSError, ValueError):
        typer.echo(f"{program_name()}: {one_line(message)}", err=True)


def fail(message: str) -> NoReturn:
    say(f"error: {message}")
    raise typer.Exit(1)


def _option_name(field: str) -> str:
    return "ID" if field == "id" else "--" + field.replace("_", "-")


def run(action: Callable[[], T]) -> T:
    """Run a command's work; whatever stops it ends the command with one line per problem, exit 1.

    A LedgerFileError lists problems in a file; any other LedgerError is one line; an error in a
    value names the option it came from; running out of memory or an OS error is one line too.
    """
    from ledger.core.errors import LedgerFileError

    try:
        return action()
    except InvalidValue as error:
        fail(f"{_option_name(error.field)}: {error.message}")
    except LedgerFileError as error:
        from ledger.render.text import one_line

        with contextlib.suppress(OSError, ValueError):
            for line in error.lines():
                typer.echo(one_line(line), err=True)
        raise typer.Exit(1) from None
    except LedgerError as error:
        fail(str(error))
    except MemoryError:
        fail(f"out of memory: the file is too large for this machine (see ${MAX_SIZE_VARIABLE})")
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        fail(f"{where}{error.strerror or error}")


# --- reading and changing the ledger ----------------------------------------------------------


def max_bytes() -> int:
    """The ceiling on files read, from $COMPLIANCE_LEDGER_MAX_MB (MiB), else 1 GiB."""
    from ledger.storage.files import DEFAULT_MAX_BYTES

    value = os.environ.get(MAX_SIZE_VARIABLE, "").strip()
    if not value:
        return DEFAULT_MAX_BYTES
    if not value.isascii() or not value.isdigit() or int(value) == 0:
        raise LedgerError(f"${MAX_SIZE_VARIABLE}: {value!r} is not a positive whole number of MiB")
    return int(value) << 20


PAGING = [True]
"""Whether long output to a terminal goes through the pager (`--no-pager` turns it off)."""

LOADED: list[LoadedLedger] = []
"""Ledgers this command loaded, kept alive until `main` ends the process without freeing them."""


def load(path: Path) -> LoadedLedger:
    from ledger.storage import loading

    loaded = loading.load(path, max_bytes=max_bytes())
    LOADED.append(loaded)
    _note_migration(loaded)
    return loaded


def _note_migration(loaded: LoadedLedger) -> None:
    if loaded.migrated_from is not None:
        say(f"{loaded.path}: schema version {loaded.migrated_from} migrated in memory to "
            f"{loaded.ledger.schema_version}; the file is saved in the new version on the next "
            "write")


def read(ctx: typer.Context) -> LoadedLedger:
    """The ledger to read: the chosen file, else (when none was named) the bundled example."""
    from ledger.storage import bundled

    chosen = target(ctx)
    if not chosen.path.exists() and not chosen.path.is_symlink() and not chosen.named:
        say(f"no {chosen.path} here or in a parent folder: reading the bundled example "
            f"{EXAMPLE!r} (run `ledger init` to start your own)")
        example = load(bundled.bundled_path(EXAMPLE))
        return dataclasses.replace(example, ledger=example.ledger.model_copy(update={
            "title": f"{example.ledger.title} ({EXAMPLE_NOTE.format(name=EXAMPLE)})"}))
    loaded = load(chosen.path)
    _warn_of_cycle(loaded.ledger)
    return loaded


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

    whole = read(ctx).ledger
    as_of_day = clock_day("as_of", as_of)
    known_day = clock_day("known_at", known_at)
    day = as_of_day or known_day or clock.today()
    view = clocks.snapshot(whole, as_of=as_of_day, known_at=known_day, today=day)
    return Clocked(view, whole, as_of_day, known_day, day)


def update(ctx: typer.Context, change: Callable[[Ledger], tuple[Ledger, T]]) -> T:
    """Apply `change` to the chosen ledger in one transaction (lock, load, change, save)."""
    from ledger.storage import writing

    draft: Draft
    with writing.transaction(target(ctx).path, max_bytes=max_bytes()) as draft:
        LOADED.append(draft.loaded)
        _note_migration(draft.loaded)
        draft.ledger, result = change(draft.ledger)
    return result


def print_placed(kind: str, placed: list[Problem], more: int = 0) -> None:
    """Warnings or notes at their PATH:LINE:COL (or FILE:ROW:COL), on stderr, neutralised, then
    how many more there were: what fails nothing, printed as problems are."""
    from ledger.render.text import one_line

    with contextlib.suppress(OSError, ValueError):
        for item in placed:
            typer.echo(one_line(f"{item.path}:{item.line}:{item.column}: {kind}: "
                                f"{item.message}"), err=True)
        if more:
            typer.echo(f"... and {more} more {kind}s", err=True)


def warn(cautions: list[tuple[str, str]]) -> None:
    """Likely mistakes in what was just recorded, each naming its option, on stderr."""
    for field, message in cautions:
        say(f"warning: {_option_name(field)}: {message}")


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
    from ledger.storage.files import document_name_problem

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
                  cleared: tuple[str, ...] = ()) -> None:
    """`amend` and `correct` of every noun: record the change, print its id."""
    from ledger.cli import clock
    from ledger.core import edits
    from ledger.core.model import ChangeKind, RecordKind

    found: list[tuple[str, str]] = []

    def change(ledger: Ledger) -> tuple[Ledger, str]:
        changed, made = edits.change_record(
            ledger, RecordKind(of), id, kind=ChangeKind(kind), reason=reason,
            recorded_at=clock.now(), effective=effective, values=values, cleared=cleared)
        named = {field for field, value in values.items() if value is not None}
        found.extend(caution for caution in record_cautions(changed, of, id)
                     if caution[0] in named)  # of the values this change gives, not older ones
        return changed, made.id

    def days() -> None:
        nonlocal effective
        effective = full_day("effective", effective)
        for field in ("due", "signed"):
            if isinstance(values.get(field), str):
                values[field] = full_day(field, str(values[field]))

    run(days)
    made = run(lambda: update(ctx, change))
    when = f"from {effective}" if effective else "on every day"
    confirm_saved(made, f"{'amended' if kind == 'amendment' else 'corrected'} {of} {id} {when} "
                  f"(change {made})")
    warn(found)


def full_date(option: str, value: str | None) -> date | None:
    """A `YYYY-MM-DD` option (or `today`, `yesterday`) as a date; a bad value names the option."""
    from ledger.core.dates import parse_full

    return _parsed(option, value, lambda text: parse_full(text, words=True))


def clock_day(option: str, value: str | None) -> date | None:
    """`full_date` of a clock (`--as-of`, `--known-at`, the end of a window), with a warning
    for a day after today: a report as of it is a forecast (deadlines judged on it as if
    nothing more were recorded), and one as known at it cannot be printed again the same."""
    from ledger.cli import clock

    day = full_date(option, value)
    today = clock.today()
    if day is not None and day > today:
        said = ("only what is recorded so far counts, and a later run may print more"
                if option == "known_at" else
                "a forecast: the ledger as it would stand then if nothing more were recorded")
        say(f"warning: {_option_name(option)} {day.isoformat()} is after today "
            f"({today.isoformat()}): {said}")
    return day


def full_day(option: str, value: str | None) -> str | None:
    """A `YYYY-MM-DD` option (or `today`, `yesterday`) as the text a record holds."""
    day = full_date(option, value)
    return day.isoformat() if day is not None else None


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


# --- output -----------------------------------------------------------------------------------


class OutputFailed(LedgerError):
    """Standard output is closed, full or gone: the command's data could not be written."""


def _failed(error: OSError) -> OutputFailed:
    if isinstance(error, BrokenPipeError):
        return OutputFailed("cannot write the output: the reader closed the pipe")
    return OutputFailed(f"cannot write the output: {error.strerror or error}")


def write(text: str) -> None:
    """Write data to stdout now, so that a failure is known while the command can still say so.

    On a real descriptor the bytes go out by `os.write` until all are written: a text stream
    ignores a short write to a pipe whose reader has gone, and the command would end as if its
    output had been read.
    """
    stream = sys.stdout
    if stream is None:
        raise OutputFailed("cannot write the output: standard output is closed")
    try:
        descriptor = stream.fileno()
    except (OSError, ValueError, AttributeError):
        descriptor = None  # a stream in memory (tests): it takes everything it is given
    try:
        if descriptor is None:
            stream.write(text)
            stream.flush()
            return
        stream.flush()
        data = memoryview(_encoder(stream).encode(text))
        while data:
            try:
                data = data[os.write(descriptor, data):]
            except BlockingIOError:  # a non-blocking pipe, full: wait until the reader reads
                import select

                select.select([], [descriptor], [])
    except OSError as error:
        raise _failed(error) from None


_ENCODERS: dict[tuple[int, str, str], codecs.IncrementalEncoder] = {}


def _encoder(stream: TextIO) -> codecs.IncrementalEncoder:
    """One encoder for all that is written to a stream, as its text layer would keep: output
    written in parts (a page) gets one byte order mark, where the encoding has one, not one a
    part."""
    import codecs

    encoding = stream.encoding or "utf-8"
    errors = getattr(stream, "errors", None) or "strict"
    key = (id(stream), encoding, errors)
    if key not in _ENCODERS:
        _ENCODERS[key] = codecs.getincrementalencoder(encoding)(errors)
    return _ENCODERS[key]


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


def emit(view: View, output: OutputFormat | ListFormat) -> None:
    """Print a view: tables laid out for the terminal, the other formats as plain text; long
    output to a terminal goes through the pager."""
    run(lambda: _write_view(view, OutputFormat(output.value)))


def _encodes_unicode(stream: object) -> bool:
    encoding = getattr(stream, "encoding", None) or "utf-8"
    return encoding.lower().replace("-", "").replace("_", "") in ("utf8", "utf8sig")


def _terminal() -> Console:
    """Rich's view of stdout: colour and size (and NO_COLOR, FORCE_COLOR, COLUMNS, LINES)."""
    from rich.console import Console

    return Console(file=sys.stdout)


def _write_view(view: View, output: OutputFormat) -> None:
    if sys.stdout is None:
        write("")
    match output:
        case OutputFormat.TABLE:
            from ledger.render import table

            terminal = _terminal()
            styles = table.Styles(terminal.color_system if terminal.is_terminal else None,
                                  no_color=terminal.no_color)
            text = table.render(view, width=terminal.width, style=styles)
        case OutputFormat.JSON:
            from ledger.core import safejson
            from ledger.render import json

            text = json.render(view)
            if not _encodes_unicode(sys.stdout):
                text = safejson.ascii_only(text)
        case OutputFormat.CSV:
            from ledger.render import csv

            text = csv.render(view)
        case OutputFormat.MARKDOWN:
            from ledger.render import markdown

            text = markdown.render(view)
        case OutputFormat.HTML:
            from ledger.render import html

            parts = html.render_in_parts(view)
            if not _encodes_unicode(sys.stdout):  # the page says UTF-8: ASCII is UTF-8
                parts = (part.encode("ascii", "xmlcharrefreplace").decode("ascii")
                         for part in parts)
            if not (PAGING[0] and _is_terminal(sys.stdout)):
                for part in parts:  # a large page is never held whole
                    write(part)
                return
            text = "".join(parts)
    # Only output to a terminal asks Rich for its height: JSON and CSV to a pipe never load Rich.
    if PAGING[0] and _is_terminal(sys.stdout) and text.count("\n") >= _terminal().height:
        page(text)
    else:
        write(text)


def _is_terminal(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError, OSError):
        return False


def page(text: str) -> None:
    """Show `text` through the user's pager, as git and gh do: $PAGER (a shell command; empty
    or `cat` for none), else `less -FRX` (quit if one screen, keep colours, leave the text on
    the screen). A pager that cannot start prints the text directly; one left early is not an
    error."""
    import shutil
    import signal
    import subprocess

    command = os.environ.get("PAGER")
    if command is None:
        command = "less -FRX" if shutil.which("less") else ""
    if not command.strip() or command.strip() == "cat":
        write(text)
        return
    environment = {**os.environ, "LESS": os.environ.get("LESS", "FRX"),
                   "LV": os.environ.get("LV", "-c")}
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        pager = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=environment)
    except OSError:
        write(text)
        return
    assert pager.stdin is not None
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C belongs to the pager
    try:
        with contextlib.suppress(BrokenPipeError):
            pager.stdin.write(text.encode(encoding, "backslashreplace"))
        with contextlib.suppress(BrokenPipeError):
            pager.stdin.close()
        code = pager.wait()
    finally:
        signal.signal(signal.SIGINT, previous)
    if code in (126, 127):  # the shell found no such pager: the text is not lost
        write(text)


def confirm_saved(data: str | None, message: str) -> None:
    """After a change is saved: print its id (data) and message; a failure to print ends well.

    The change is on disk, so the command succeeds even when its output cannot be written: a
    script that retried on failure would record it twice.
    """
    if data is not None:
        try:
            write(data + "\n")
        except OutputFailed as error:
            say(f"{message}; saved, but {error}")
            return
    say(message)


# --- the script -------------------------------------------------------------------------------


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
    opens can land there, while `sys.stdout` stays None and `write` says it is closed."""
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
    and every lock released by the command itself. These process-wide settings live here only:
    a program that uses the library keeps its own.

    Third-party Pydantic plugins are switched off (Pydantic's own setting): no package that
    happens to be installed beside this one hooks into how a ledger is validated, and the models
    are built without first reading the metadata of every installed distribution to find them.

    Click runs outside its standalone mode, so that its usage errors are printed here through
    the one neutralising step.
    """
    import gc

    # Click's base class, whether Typer vendors Click or depends on it.
    click_exception: type[Exception] = next(kind for kind in typer.BadParameter.__mro__
                                            if kind.__name__ == "ClickException")
    gc.disable()
    os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"
    _guard_standard_streams()
    bad = _undecodable_argument()
    if bad is not None:
        sys.stderr.write(f"{program_name()}: error: argument {bad!r} is not valid UTF-8\n")
        sys.exit(1)
    code: int
    try:
        returned = app(standalone_mode=False)
        code = returned if isinstance(returned, int) else 0
    except click_exception as error:
        _usage_error(error)
        code = getattr(error, "exit_code", 2)
    except typer.Abort:
        say("aborted")
        code = 1
    except KeyboardInterrupt:
        say("interrupted")
        code = 130
    except OSError as error:  # Click's own output (help, completion scripts) failed
        say(f"error: {_failed(error)}")
        code = 1
    except SystemExit as exit_request:
        code = exit_request.code if isinstance(exit_request.code, int) else (
            0 if exit_request.code is None else 1)
        if isinstance(exit_request.code, str):
            say(exit_request.code)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            if stream is not None:
                stream.flush()
    os._exit(code)
