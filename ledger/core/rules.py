"""The status rules as one table (`RULES`): each word a report prints beside an obligation, the
value JSON and CSV give it, and what it means. The legend under every report (`legend`) and
the tables of the rules in docs/ and the README (`rules_table`, which a test holds them to) are
made from it, so that no copy can drift."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Status(StrEnum):
    CLAIMED = "claimed"
    DISPUTED = "disputed"
    CONTESTED = "contested"
    NO_EVIDENCE = "no-evidence"
    STALE = "stale"


class Deadline(StrEnum):
    """Where an obligation stands against its due day, as a report words it."""

    OVERDUE = "OVERDUE"
    PAST_DUE = "past due, no evidence"
    WAITING = "waits on"
    LATE = "late"
    ENDED = "ended"
    NONE = ""


DEADLINE_WORDS = frozenset(deadline.value for deadline in Deadline if deadline is not Deadline.NONE)
"""How `status.showing` names the deadlines a report shows."""

DAY = "{day}"
"""Stands, in a rule's meaning, for the day a report judges on."""


@dataclass(frozen=True)
class Rule:
    word: str
    """As tables, Markdown and HTML print it (`T`, `D`, `P`, `N` stand for what varies)."""
    kind: str
    """Which line of the legend: `status`, `deadline` or `also` (a qualifier or note)."""
    data: str
    """How JSON and CSV give it."""
    means: str
    shown_when: str | None = None
    """Said in a legend only where the report shows it (`status.showing` names what a report
    shows: each status and deadline by its word)."""


RULES: tuple[Rule, ...] = (
    Rule(Status.CLAIMED, "status", '`"status": "claimed"`',
         "every claimant's latest entry says the party complies", Status.CLAIMED),
    Rule(Status.DISPUTED, "status", '`"status": "disputed"`',
         "every claimant's latest entry says it does not", Status.DISPUTED),
    Rule(Status.CONTESTED, "status", '`"status": "contested"`', "claimants disagree",
         Status.CONTESTED),
    Rule(Status.NO_EVIDENCE, "status", '`"status": "no-evidence"`',
         "no entry claims or disputes it yet", Status.NO_EVIDENCE),
    Rule(Status.STALE, "status", '`"status": "stale"`, `"stale": [ids]`',
         "every claimant's latest entry is about a period that ended longer ago than the "
         "agreement's staleness window", "stale"),
    Rule(Deadline.OVERDUE, "deadline", '`"deadline": "overdue"`, `"overdue": true`',
         f"the due day passed before {DAY}, no condition is unmet, and the latest entries "
         "dispute compliance (disputed or contested)", Deadline.OVERDUE),
    Rule(Deadline.PAST_DUE, "deadline", '`"deadline": "past due, no evidence"`',
         f"the due day passed before {DAY}, no condition is unmet, and no entry says either "
         "way (or only stale ones): not a finding that the party failed", Deadline.PAST_DUE),
    Rule(f"{Deadline.WAITING} T", "deadline", '`"deadline": "waits on"`, `"waiting_on": [T]`',
         "T, a term it depends on, is not yet claimed, so it is not overdue", Deadline.WAITING),
    Rule(Deadline.LATE, "deadline", '`"deadline": "late"`',
         "claimed only by entries dated after the due day (or its period)", Deadline.LATE),
    Rule(f"{Deadline.ENDED} D", "deadline", '`"deadline": "ended"`, `"ended": "D"`',
         "its agreement ended on D: it stands as it stood that day, never overdue nor waiting",
         Deadline.ENDED),
    Rule("stale since P", "also", '`"stale": [ids]`',
         "the latest word on it, now stale, is dated P", "stale"),
    Rule("own word", "also", '`"claim_basis"` or `"dispute_basis"`: `"own"`',
         "claimed (or disputed) on the obligor's own word alone", "own word"),
    Rule("+N dated P, count from D", "also", '`"not_yet_counted": [ids]`',
         f"N entries dated in a period P that has not ended by {DAY} (they may have been made "
         "later): each counts from the period's last day D", "pending"),
    Rule("notes", "also", '`"stance": "notes"`',
         "an entry that gives context and says neither; it never counts", "notes"),
    Rule("Finding", "also", '`"assessment": {"finding", "level", "period", ...}`',
         "the monitoring team's own finding for the latest period over by "
         f"{DAY}, approved by a second reader (`draft` if not yet, with --drafts): complies, "
         "partly, violates or unverifiable, with the Peace Accords Matrix's level (0 not "
         "initiated, 1 minimal, 2 intermediate, 3 full); never a party's word", "finding"),
)


def legend(judged_on: date | str | None, *, showing: Iterable[str] = ()) -> tuple[str, ...]:
    """The legend under a report: one line per kind of word, each rule's word and meaning on
    the day judged on; a rule with `shown_when` only where the report shows it (`showing`),
    and a line only when it has a word to say."""
    day = judged_on.isoformat() if isinstance(judged_on, date) else judged_on
    shown = set(showing)
    titles = {"status": "Status words", "deadline": "Deadlines", "also": "Also"}
    lines = []
    for kind, title in titles.items():
        said = "; ".join(
            f"{_quoted(rule.word)} = {rule.means.replace(DAY, day or 'the day of the report')}"
            for rule in RULES if rule.kind == kind
            and (rule.shown_when is None or rule.shown_when in shown))
        if said:
            lines.append(f"{title}: {said}.")
    return tuple(lines)


def _quoted(word: str) -> str:
    """A word of several, quoted where a legend runs it into its meaning."""
    return f"'{word}'" if " " in word else word


def rules_table() -> str:
    """The rules as the Markdown table docs/ and the README show (a test holds them to it)."""
    rows = ["| A report says | JSON and CSV | Meaning |", "|---|---|---|"]
    rows += [f"| `{rule.word}` | {rule.data} | "
             f"{rule.means.replace(DAY, 'the day judged on')} |" for rule in RULES]
    return "\n".join(rows) + "\n"
