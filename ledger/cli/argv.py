"""The command line before Typer parses it: -f hoisted from anywhere, value names, suggestions."""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:


    pass



FILE_OPTIONS = ("-f", "--file")
BY_OPTION = "--by"
"""Who records (a global option, like `-f`), except on a command with a `--by` of its own
(`report --by quarter`)."""
EXAMPLE_OPTION = "--example"
"""Read the bundled example (a global flag), except on `init`, whose `--example` names one."""
OUTPUT_OPTIONS = ("-o", "--output")
"""Where the output goes (a global option, like `-f`)."""


def _file_option(args: list[str], index: int, *, by: bool = True, example: bool = True) -> int:
    """How many tokens at `index` give the file (`-f PATH`, `--file PATH`: 2; `-fPATH`,
    `--file=PATH`, or `-f` with nothing after it: 1), or, where `by`, who records (`--by NAME`,
    `--by=NAME`), or, where `example`, the flag `--example` (1), or 0."""
    token = args[index]
    if example and token == EXAMPLE_OPTION:
        return 1
    if token in (*FILE_OPTIONS, *OUTPUT_OPTIONS) or (by and token == BY_OPTION):
        return 2 if index + 1 < len(args) else 1
    if token.startswith("--output=") or (token.startswith("-o") and len(token) > 2):
        return 1
    if token.startswith("--file=") or (token.startswith("-f") and not token.startswith("--")):
        return 1
    if by and token.startswith(BY_OPTION + "="):
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
        global_by = not any(BY_OPTION in param.opts for param in options)
        global_example = not any(EXAMPLE_OPTION in param.opts for param in options)
        takes_value = {name for param in options if not param.is_flag and not param.count
                       for name in (*param.opts, *param.secondary_opts)}
        rest = args[position:]
        index = 0
        while index < len(rest):
            token = rest[index]
            if token == "--":
                kept += rest[index:]
                break
            width = _file_option(rest, index, by=global_by, example=global_example)
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

    if moved and moved[-1] in (*FILE_OPTIONS, BY_OPTION, *OUTPUT_OPTIONS):  # no value after it
        if "--help" in args:
            moved.pop()  # help asked for: give it
        elif moved[-1] == BY_OPTION:
            raise UsageError(f"{BY_OPTION} needs a name", ctx)
        elif moved[-1] in OUTPUT_OPTIONS:
            raise UsageError(f"{moved[-1]} needs the file to write", ctx)
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
    "by": "NAME", "period": "PERIOD", "evidence": "ID", "level": "0-3", "rationale": "TEXT",
    "out": "OUT", "output_file": "FILE", "metadata": "FILE",
    "effective": "DATE", "source_date": "DATE", "document": "PATH", "file": "FILE",
    "base": "FILE", "ours": "FILE", "theirs": "FILE", "path": "FILE", "sources": "DIR",
    "sha256": "HEX", "url": "URL", "sheet": "SHEET", "example": "NAME", "name": "NAME",
    "alias": "NAME", "term.id": "TERM", "party.id": "PARTY", "agreement.id": "AGREEMENT",
    "merge.base": "BASE", "merge.ours": "OURS", "merge.theirs": "THEIRS", "merge.name": "PATH",
}
"""What help shows for a value, by the parameter's name (`--party PARTY`, `--as-of DATE`), in
place of its Python type; any other text is `TEXT`. Fixed sets show their words."""


def name_values(command: Any, noun: str = "") -> None:
    """Set the metavar of every parameter below `command` that takes free text."""
    from enum import Enum
    from typing import get_args

    for name, sub in getattr(command, "commands", {}).items():
        name_values(sub, noun or name)
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


_NOT_ONE_OF = re.compile(r"(?:Value error, )?'(?P<value>[^']*)' is not one of (?P<choices>.*)\.$")


def with_suggestion(message: str) -> str:
    """A usage error for a value outside a fixed set (`--stance disputed`), with the word meant:
    the nearest of the set, and a word of the other set when the value is a status word."""
    import difflib

    from ledger.core.rules import Status
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


def undecodable_argument() -> str | None:
    """An argument that was not valid UTF-8 (Python keeps such bytes as lone surrogates)."""
    for argument in sys.argv[1:]:
        try:
            argument.encode("utf-8")
        except UnicodeEncodeError:
            return argument.encode("utf-8", "backslashreplace").decode("ascii", "replace")
    return None
