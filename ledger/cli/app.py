"""The root command and the `ledger` script: process set-up, then Typer, then exit codes.

Every command parses its options, calls one library function inside `errors.run`, and hands the
result to `output.emit` (or `output.confirm_saved` after a change). Library modules are imported
inside the commands, so that `ledger --help` starts fast.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from ledger.cli.argv import hoist_file_option, name_values, undecodable_argument, with_suggestion
from ledger.cli.context import LOADED
from ledger.cli.errors import program_name, say, show_usage_error
from ledger.cli.output import PAGING, output_failed, write


class _Root(TyperGroup):
    """The root command: `-f/--file` may come after the command name too, a value outside a
    fixed set is answered with the nearest word of the set, and help names each value by what
    it is (`--party PARTY`), not by its Python type."""

    def __init__(self, *args: Any, **named: Any) -> None:
        super().__init__(*args, **named)
        name_values(self)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_file_option(self, ctx, args))

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except typer.BadParameter as error:
            error.message = with_suggestion(error.message)
            raise


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
        str | None,
        typer.Option("--file", "-f", help="The ledger file, before or after the command "
                     "(`-f example`: the bundled example). Default: $COMPLIANCE_LEDGER, else "
                     "ledger.json here or in the nearest parent folder, else (read-only "
                     "commands) the bundled example.", metavar="PATH", show_default=False),
    ] = None,  # as typed: `-f ./example` names a file, where a Path would read `example`
    by: Annotated[
        str | None,
        typer.Option("--by", help="Who records this change, before or after the command "
                     "(kept as `recorded_by`). Default: $COMPLIANCE_LEDGER_AUTHOR, else git's "
                     "user.name for the ledger's folder, else the login name.",
                     show_default=False),
    ] = None,
    example: Annotated[
        bool,
        typer.Option("--example", help="Read the bundled example (before or after the command; "
                     "`-f example` too): without it, a folder with no ledger shows the example "
                     "only as a table.", show_default=False),
    ] = False,
    output_file: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the output to this file (json, csv, markdown, "
                     "html or xlsx; a spreadsheet only ever so), before or after the command.",
                     dir_okay=False, show_default=False),
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


# --- errors -----------------------------------------------------------------------------------


# --- reading and changing the ledger ----------------------------------------------------------


# --- output -----------------------------------------------------------------------------------




# --- the script -------------------------------------------------------------------------------


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
    the one neutralising step. Ctrl-C is said (`interrupted`, exit 130) however it arrives:
    Typer turns it into an exit with status 130, and Click's prompts into an Abort, so the
    signal itself is noted here.
    """
    import gc
    import signal

    # Click's base class, whether Typer vendors Click or depends on it.
    click_exception: type[Exception] = next(kind for kind in typer.BadParameter.__mro__
                                            if kind.__name__ == "ClickException")
    gc.disable()
    os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"
    _guard_standard_streams()
    bad = undecodable_argument()
    if bad is not None:
        sys.stderr.write(f"{program_name()}: error: argument {bad!r} is not valid UTF-8\n")
        sys.exit(1)
    interrupted: list[int] = []

    def interrupt(signal_number: int, frame: object) -> None:
        interrupted.append(signal_number)
        raise KeyboardInterrupt

    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not ignored (nohup)
        signal.signal(signal.SIGINT, interrupt)
    code: int
    try:
        returned = app(standalone_mode=False)
        code = returned if isinstance(returned, int) else 0
    except click_exception as error:
        show_usage_error(error)
        code = getattr(error, "exit_code", 2)
    except typer.Abort:
        if not interrupted:
            say("aborted")
        code = 1
    except KeyboardInterrupt:
        interrupted.append(signal.SIGINT)
    except OSError as error:  # Click's own output (help, completion scripts) failed
        say(f"error: {output_failed(error)}")
        code = 1
    except SystemExit as exit_request:
        code = exit_request.code if isinstance(exit_request.code, int) else (
            0 if exit_request.code is None else 1)
        if isinstance(exit_request.code, str):
            say(exit_request.code)
    if interrupted:
        say("interrupted")
        code = 130
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            if stream is not None:
                stream.flush()
    os._exit(code)
