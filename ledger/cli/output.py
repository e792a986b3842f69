"""Output: data to stdout (through the pager at a terminal), in the format asked for."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ledger.cli.errors import option_name, run, say
from ledger.core.errors import LedgerError
from ledger.render import ListFormat, OutputFormat

if TYPE_CHECKING:
    import codecs
    from typing import TextIO

    from rich.console import Console

    from ledger.core.errors import Problem
    from ledger.render.view import View

_ENCODERS: dict[tuple[int, str, str], codecs.IncrementalEncoder] = {}


PAGING = [True]
"""Whether long output to a terminal goes through the pager (`--no-pager` turns it off)."""


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
        say(f"warning: {option_name(field)}: {message}")


class OutputFailed(LedgerError):
    """Standard output is closed, full or gone: the command's data could not be written."""


def output_failed(error: OSError) -> OutputFailed:
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
        raise output_failed(error) from None


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


def emit(view: View, output: OutputFormat | ListFormat) -> None:
    """Print a view: tables laid out for the terminal, the other formats as plain text; long
    output to a terminal goes through the pager. With `-o FILE`, the view goes to that file
    instead (written whole, then renamed into place); a spreadsheet only ever goes to one."""
    from typer._click.globals import get_current_context

    chosen = get_current_context().find_root().params.get("output_file")
    form = OutputFormat(output.value)
    if chosen is not None:
        run(lambda: _write_file(view, form, chosen))
    elif form is OutputFormat.XLSX:
        run(lambda: _refuse("--format xlsx writes a spreadsheet file: give -o FILE "
                            "(`-o report.xlsx`)"))
    else:
        run(lambda: _write_view(view, form))


def _refuse(message: str) -> None:
    from ledger.core.errors import InvalidValue

    raise InvalidValue("format", message)


def _write_file(view: View, output: OutputFormat, path: Path) -> None:
    """The view in `output` to `path`, replaced whole."""
    from ledger.core.errors import InvalidValue
    from ledger.storage.writing import replaced_whole

    if output is OutputFormat.TABLE:
        raise InvalidValue("output", "a table is for the terminal: give --format json, "
                           "csv, markdown, html or xlsx with -o")
    data = _rendered(view, output)
    with replaced_whole(path) as temporary:
        temporary.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    say(f"wrote {path}")


def _rendered(view: View, output: OutputFormat) -> str | bytes:
    """A view in a format a file holds."""
    match output:
        case OutputFormat.JSON:
            from ledger.render import json

            return json.render(view)
        case OutputFormat.CSV:
            from ledger.render import csv

            return csv.render(view)
        case OutputFormat.MARKDOWN:
            from ledger.render import markdown

            return markdown.render(view)
        case OutputFormat.HTML:
            from ledger.render import html

            return html.render(view)
        case _:
            from ledger.render import xlsx

            return xlsx.render(view)


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
            from ledger.render.styles import Styles

            terminal = _terminal()
            styles = Styles(terminal.color_system if terminal.is_terminal else None,
                            no_color=terminal.no_color)
            text = table.render(view, width=terminal.width, style=styles)
        case OutputFormat.JSON | OutputFormat.CSV | OutputFormat.MARKDOWN:
            rendered = _rendered(view, output)
            assert isinstance(rendered, str)  # only a spreadsheet is bytes
            text = rendered
            if output is OutputFormat.JSON and not _encodes_unicode(sys.stdout):
                from ledger.core import safejson

                text = safejson.ascii_only(text)
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
