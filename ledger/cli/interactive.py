"""`ledger evidence add --interactive`: ask for each field, as `hledger add` does, with the ids of
the ledger offered (and completed with Tab on a terminal) and each answer checked as it is given.

The questions go to stderr and the answers come from stdin, so that stdout still carries only the
new entry's id. Nothing is locked while a person types: the entry is recorded afterwards, through
the same command and the same rules as one given by options.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ledger.core.errors import InvalidValue, LedgerError
from ledger.core.words import Stance

if TYPE_CHECKING:
    from rich.console import Console

    from ledger.core.model import Ledger


@dataclass(frozen=True)
class Question:
    field: str
    """The option's name, as `add_evidence` takes it."""
    text: str
    required: bool = True
    choices: Callable[[dict[str, Any]], list[str]] | None = None
    """The values offered, from the answers so far (a term's obligors, say)."""
    default: Callable[[dict[str, Any]], str | None] | None = None
    settled: Callable[[dict[str, Any]], str | None] | None = None
    """The answer when there is only one (a term with one obligor): not asked."""


def questions(ledger: Ledger, today: str,
              obligors: Callable[[str, str], list[str]]) -> list[Question]:
    """The fields of an entry, in the order a person thinks of them: the subject after the date,
    for a term binds the parties its version on that date names (`obligors(term, date)`)."""
    terms = [term.id for term in ledger.terms]
    parties = [party.id for party in ledger.parties]

    def bound(given: dict[str, Any]) -> list[str]:
        return obligors(given["term"], given["date"])

    return [
        Question("term", "Term", choices=lambda _: terms),
        Question("date", "Date said (YYYY, YYYY-MM, YYYY-MM-DD, today, yesterday)",
                 default=lambda _: today),
        Question("subject", "Subject (whose compliance)", choices=bound,
                 settled=lambda given: bound(given)[0] if len(bound(given)) == 1 else None),
        Question("claimant", "Claimant (who says so)", choices=lambda _: parties),
        Question("stance", "Stance", choices=lambda _: [stance.value for stance in Stance]),
        Question("summary", "Summary, in a sentence"),
        Question("speaker", "Speaker", required=False),
        Question("quote", "Quote, verbatim", required=False),
        Question("source", "Source title", required=False),
        Question("publisher", "Publisher", required=False),
        Question("url", "Source address", required=False),
        Question("source_date", "Source date", required=False),
        Question("document", "Local copy of the source (a path beside the ledger)",
                 required=False),
    ]


@contextlib.contextmanager
def completing(words: list[str]) -> Iterator[None]:
    """Tab completes from `words` while a question is asked at a terminal (readline)."""
    try:
        import readline
    except ImportError:  # no readline on this platform: questions still work
        yield
        return
    previous = readline.get_completer()

    def complete(text: str, state: int) -> str | None:
        matches = [word for word in words if word.startswith(text)]
        return matches[state] if state < len(matches) else None

    readline.set_completer(complete)
    readline.parse_and_bind("tab: complete")
    try:
        yield
    finally:
        readline.set_completer(previous)


Check = Callable[[str, str, dict[str, Any]], str]
"""Checks one answer, given the answers so far: the value to keep, or InvalidValue."""


class Finished(Exception):
    """End of input at an optional question: the rest are left empty."""


def ask(console: Console, question: Question, given: dict[str, Any], check: Check
        ) -> str | None:
    """Ask until the answer passes `check` (which returns the value to keep or raises
    InvalidValue); an optional field may be left empty. End of input at a required question
    stops the command; at an optional one, it leaves the rest empty."""
    choices = question.choices(given) if question.choices else []
    default = question.default(given) if question.default else None
    shown = f" [{', '.join(choices)}]" if choices and len(choices) <= 12 else ""
    suffix = f" ({default})" if default else (" (Enter to skip)" if not question.required
                                              else "")
    while True:
        console.print(f"{question.text}{shown}{suffix}: ", end="", markup=False)
        with completing(choices):
            try:
                answer = input().strip()
            except KeyboardInterrupt:
                console.print()  # the message that it was interrupted goes on a line of its own
                raise
            except EOFError:
                console.print()
                if not question.required:
                    raise Finished from None
                raise LedgerError("no more answers: nothing recorded") from None
        if not answer:
            if default:
                answer = default
            elif not question.required:
                return None
            else:
                console.print("  an answer is needed", style="red")
                continue
        try:
            return check(question.field, answer, given)
        except InvalidValue as error:
            console.print(f"  {error.message}", style="red", markup=False)


def interview(ledger: Ledger, given: dict[str, Any], today: str, check: Check,
              obligors: Callable[[str, str], list[str]], console: Console) -> dict[str, Any]:
    """Every field not given as an option, asked in turn; the answers with the options. A value
    given as an option is checked first, and asked again if it is wrong, so that no answer is
    lost to a mistake found at the end."""
    if not ledger.terms:
        raise LedgerError("the ledger has no terms yet: add one with `ledger term add`")
    answers = dict(given)
    try:
        for question in questions(ledger, today, obligors):
            if answers.get(question.field) is not None:
                try:
                    answers[question.field] = check(question.field,
                                                    str(answers[question.field]), answers)
                    continue
                except InvalidValue as error:
                    console.print(f"--{question.field.replace('_', '-')}: {error.message}",
                                  style="red", markup=False)
            settled = question.settled(answers) if question.settled else None
            answers[question.field] = (settled if settled is not None
                                       else ask(console, question, answers, check))
    except Finished:
        pass
    return answers
