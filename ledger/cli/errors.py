"""The one place where errors become messages on stderr and exit codes."""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeVar

import typer

from ledger.core.errors import InvalidValue, LedgerError

if TYPE_CHECKING:


    pass


T = TypeVar("T")
MAX_SIZE_VARIABLE = "COMPLIANCE_LEDGER_MAX_MB"


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


def option_name(field: str) -> str:
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
        fail(f"{option_name(error.field)}: {error.message}")
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


def show_usage_error(error: Exception) -> None:
    """Click's own message for a bad command line, neutralised like every other message."""

    from ledger.render.text import neutralise

    buffer = io.StringIO()
    error.show(file=buffer)  # type: ignore[attr-defined]
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stderr.write(neutralise(buffer.getvalue()))
