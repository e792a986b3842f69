"""Property-based tests: save/load round trips, and the status rules against a simple model."""

from __future__ import annotations

import json
import shutil
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from builders import base_ledger, sealed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from typer.testing import CliRunner

from ledger.cli import app
from ledger.core.digests import sealed as seal
from ledger.core.model import (
    OPTIONAL_LISTS,
    Agreement,
    Evidence,
    Ledger,
    Party,
    Retraction,
    Role,
    Source,
    Term,
)
from ledger.storage import loading, writing

ANY_TEXT = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=40)
SLUGS = st.from_regex(r"[a-z0-9][a-z0-9._-]{0,11}", fullmatch=True)
PARTIAL_DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)).flatmap(
    lambda day: st.sampled_from([day.isoformat(), day.isoformat()[:7], day.isoformat()[:4]]))
TIMESTAMPS = st.datetimes(min_value=datetime(2000, 1, 1)).map(
    lambda moment: moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))


@st.composite
def ledgers(draw: st.DrawFn) -> Ledger:
    party_ids = draw(st.lists(SLUGS, min_size=1, max_size=4, unique=True))
    parties = tuple(Party(id=party, name=draw(ANY_TEXT), role=draw(st.sampled_from(list(Role))),
                          aliases=tuple(draw(st.lists(ANY_TEXT, max_size=2))))
                    for party in party_ids)
    agreement = Agreement(id="a", title=draw(ANY_TEXT), signatories=tuple(party_ids[:2]),
                          signed=draw(st.none() | st.just("2020-02-29")),
                          place=draw(st.none() | ANY_TEXT))
    term_ids = draw(st.lists(SLUGS, min_size=1, max_size=3, unique=True))
    terms = tuple(Term(id=term, agreement="a", title=draw(ANY_TEXT), category=draw(ANY_TEXT),
                       obligors=tuple(draw(st.lists(st.sampled_from(party_ids), min_size=1,
                                                    max_size=2, unique=True))),
                       text=draw(st.none() | ANY_TEXT), article=draw(st.none() | ANY_TEXT),
                       due=draw(st.none() | st.just("2021-04-29")))
                  for term in term_ids)
    evidence: list[Evidence] = []
    for _ in range(draw(st.integers(0, 5))):
        term = draw(st.sampled_from(terms))
        source = draw(st.none() | st.builds(
            Source, title=st.none() | ANY_TEXT, publisher=st.none() | ANY_TEXT,
            url=st.none() | ANY_TEXT, date=st.none() | PARTIAL_DATES))
        entry = sealed(Evidence(
            id="0" * 12, term=term.id, subject=draw(st.sampled_from(term.obligors)),
            claimant=draw(st.sampled_from(party_ids)), stance=draw(st.sampled_from(
                ["claims", "disputes"])), date=draw(PARTIAL_DATES),
            recorded_at=draw(TIMESTAMPS), summary=draw(ANY_TEXT),
            speaker=draw(st.none() | ANY_TEXT), quote=draw(st.none() | ANY_TEXT), source=source))
        assert isinstance(entry, Evidence)
        evidence.append(entry)
    unique = list({entry.id: entry for entry in evidence}.values())
    retractions = tuple(
        sealed(Retraction(id="0" * 12, evidence=entry.id, reason=draw(ANY_TEXT),
                          recorded_at=draw(TIMESTAMPS)))
        for entry in unique if draw(st.booleans()))
    return Ledger(title=draw(ANY_TEXT), parties=parties, agreements=(agreement,), terms=terms,
                  evidence=tuple(unique), retractions=retractions)


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledger=ledgers())
def test_save_load_save_is_byte_identical(ledger: Ledger) -> None:
    folder = Path(tempfile.mkdtemp())
    try:
        path = folder / "ledger.json"
        first = writing.serialize(ledger)
        path.write_bytes(first)
        loaded = loading.load(path)
        assert loaded.ledger == writing.canonical(ledger)
        assert writing.serialize(loaded.ledger) == first
        assert first.endswith(b"\n") and b'\n  "title": ' in first
        empty = {field for field in OPTIONAL_LISTS if not getattr(loaded.ledger, field)}
        assert json.loads(first) == loaded.ledger.model_dump(mode="json", exclude_none=True,
                                                             exclude=empty)
    finally:
        shutil.rmtree(folder)


DATES = ["2020", "2020-03", "2020-03-01", "2020-03-15", "2020-06", "2021"]
AS_OF = ["2020-02-28", "2020-03-01", "2020-03-14", "2020-12-31", "2021-01-01"]
RECORDED = ["2020-02-15", "2020-03-05", "2020-03-31", "2020-07-01", "2021-06-01"]
"""Days on which the machine records things: some before, some after the periods of DATES."""
DUES = {"2020-03-10": date(2020, 3, 10), "2020-Q2": date(2020, 6, 30),
        "2021": date(2021, 12, 31)}
"""Due days and periods (due by the end of the period), and the last day each means."""
ENDS = ["2020-03-10", "2020-06-30", "2020-12-31"]
"""Days on which the machine ends the agreement."""
NOW = "2030-01-01T00:00:00Z"
"""Today, for the reports: after everything recorded."""
PERIODS = {"2020": date(2020, 12, 31), "2020-Q1": date(2020, 3, 31), "2020h1": date(2020, 6, 30),
           "2020-03": date(2020, 3, 31), "2021Q1": date(2021, 3, 31)}
"""Periods as a clock takes them, and the last day each means."""
WINDOWS = [None, 0, 1, 3, 12]
"""Staleness windows in months (`--stale-after`), None for the agreement's (none)."""
PAIRS = [("withdraw", "north"), ("release", "north"), ("release", "south")]


def first_day(text: str) -> date:
    parts = [int(part) for part in text.split("-")] + [1, 1]
    return date(parts[0], parts[1], parts[2])


def last_day(text: str) -> date:
    import calendar

    if len(text) == 4:
        return date(int(text), 12, 31)
    if len(text) == 7:
        year, month = int(text[:4]), int(text[5:])
        return date(year, month, calendar.monthrange(year, month)[1])
    return date.fromisoformat(text)


class StatusMachine(RuleBasedStateMachine):
    """Adds, retracts, amends and corrects (due days and due periods), ends the agreement and
    undoes the end, through the CLI, each on a day of its own; every report, with and without
    each clock (as a day or a period), and with a staleness window, must match a plain model of
    the rules."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp())
        self.path = self.folder / "ledger.json"
        self.runner = CliRunner()
        self.entries: list[dict[str, Any]] = []
        self.changes: list[dict[str, Any]] = []
        self.ends: list[dict[str, Any]] = []
        self.sequence = 0

    def teardown(self) -> None:
        shutil.rmtree(self.folder)

    def stamp(self, day: str) -> str:
        """A recording time on `day`, later than any stamped before on the same day."""
        self.sequence += 1
        return f"{day}T12:{self.sequence // 60:02d}:{self.sequence % 60:02d}.000000Z"

    def cli(self, *args: str, now: str = NOW) -> str:
        result = self.runner.invoke(app, ["-f", str(self.path), *args],
                                    env={"COMPLIANCE_LEDGER_NOW": now})
        assert result.exit_code == 0, result.stderr
        return result.stdout

    @initialize()
    def create(self) -> None:
        """The base ledger as a version-1 file would give it: agreements, parties and terms
        known at any day, so that only what the machine records depends on the clocks."""
        base = base_ledger()
        self.path.write_bytes(writing.serialize(base.model_copy(update={
            field: tuple(seal(record.model_copy(update={"recorded_at": None}))
                         for record in getattr(base, field))
            for field in ("agreements", "parties", "terms")})))

    @rule(pair=st.sampled_from(PAIRS), claimant=st.sampled_from(["north", "south", "monitor"]),
          stance=st.sampled_from(["claims", "disputes"]), day=st.sampled_from(DATES),
          recorded=st.sampled_from(RECORDED))
    def add(self, pair: tuple[str, str], claimant: str, stance: str, day: str,
            recorded: str) -> None:
        term, subject = pair
        moment = self.stamp(recorded)
        words = ("evidence", "add", "--term", term, "--subject", subject, "--claimant",
                 claimant, "--stance", stance, "--date", day, "--summary", "s", "--duplicate")
        if first_day(day) > date.fromisoformat(recorded):  # a statement not yet made
            refused = self.runner.invoke(app, ["-f", str(self.path), *words],
                                         env={"COMPLIANCE_LEDGER_NOW": moment})
            assert refused.exit_code == 1 and "begins after the day it is recorded" in (
                refused.stderr)
            return
        entry_id = self.cli(*words, now=moment).strip()
        self.entries.append({"id": entry_id, "term": term, "subject": subject,
                             "claimant": claimant, "stance": stance, "date": day,
                             "recorded": moment, "retracted": None})

    @rule(choice=st.integers(min_value=0), recorded=st.sampled_from(RECORDED))
    def retract(self, choice: int, recorded: str) -> None:
        open_entries = [entry for entry in self.entries if entry["retracted"] is None]
        if not open_entries:
            return
        entry = open_entries[choice % len(open_entries)]
        moment = self.stamp(recorded)
        self.cli("evidence", "retract", entry["id"][:8], "--reason", "r", now=moment)
        entry["retracted"] = moment

    @rule(effective=st.sampled_from(AS_OF), due=st.sampled_from(list(DUES)),
          recorded=st.sampled_from(RECORDED))
    def amend(self, effective: str, due: str, recorded: str) -> None:
        moment = self.stamp(recorded)
        self.cli("term", "amend", "withdraw", "--effective", effective, "--due", due,
                 "--reason", "moved", now=moment)
        self.changes.append({"effective": effective, "due": due, "recorded": moment})

    @rule(due=st.sampled_from(list(DUES)), recorded=st.sampled_from(RECORDED))
    def correct(self, due: str, recorded: str) -> None:
        moment = self.stamp(recorded)
        self.cli("term", "correct", "withdraw", "--due", due, "--reason", "typo", now=moment)
        self.changes.append({"effective": None, "due": due, "recorded": moment})

    @rule(on=st.sampled_from(ENDS), recorded=st.sampled_from(RECORDED))
    def end(self, on: str, recorded: str) -> None:
        moment = self.stamp(recorded)
        self.cli("agreement", "end", "accord", "--on", on, "--reason", "ended", now=moment)
        self.ends.append({"effective": on, "ended": on, "recorded": moment})

    @rule(effective=st.sampled_from(ENDS), recorded=st.sampled_from(RECORDED))
    def revive(self, effective: str, recorded: str) -> None:
        moment = self.stamp(recorded)
        self.cli("agreement", "amend", "accord", "--effective", effective, "--no-ended",
                 "--reason", "revived", now=moment)
        self.ends.append({"effective": effective, "ended": None, "recorded": moment})

    def ended_in_force(self, day: date, known_at: date | None) -> str | None:
        """The agreement's end as the amendments in force on `day` state it, if it is by then."""
        ended = None
        for change in sorted((c for c in self.ends if c["effective"] <= day.isoformat() and (
                known_at is None or c["recorded"][:10] <= known_at.isoformat())),
                key=lambda c: (c["effective"], c["recorded"])):
            ended = change["ended"]
        return ended if ended is not None and ended <= day.isoformat() else None

    def due_in_force(self, day: date, known_at: date | None) -> str:
        """Corrections in the order recorded, then amendments in force by effective day."""
        known = [change for change in self.changes
                 if known_at is None or change["recorded"][:10] <= known_at.isoformat()]
        due = "2024-06-30"  # base_ledger's
        for change in sorted((c for c in known if c["effective"] is None),
                             key=lambda c: c["recorded"]):
            due = change["due"]
        for change in sorted((c for c in known if c["effective"] is not None
                              and c["effective"] <= day.isoformat()),
                             key=lambda c: (c["effective"], c["recorded"])):
            due = change["due"]
        return due

    def expected(self, as_of: date | None, known_at: date | None, window: int | None = None
                 ) -> dict[tuple[str, str], tuple[Any, ...]]:
        judged = as_of or known_at or date(2030, 1, 1)
        ended = self.ended_in_force(judged, known_at)
        if ended is not None:  # as it stood on the day it ended (stale by then), never overdue
            as_of = date.fromisoformat(ended)
        day = as_of or known_at or date(2030, 1, 1)
        # a position is stale when its period ended more than `window` months before the day
        index = day.year * 12 + day.month - 1 - (window or 0)
        cutoff_month = date(index // 12, index % 12 + 1, 1)
        cutoff = cutoff_month.replace(day=min(day.day, last_day(
            cutoff_month.isoformat()[:7]).day)) if window else None
        result = {}
        for term, subject in PAIRS:
            positions: dict[str, tuple[tuple[date, str], str, str]] = {}
            for entry in self.entries:
                if (entry["term"], entry["subject"]) != (term, subject):
                    continue
                if known_at is not None and entry["recorded"][:10] > known_at.isoformat():
                    continue
                retracted = entry["retracted"]
                if retracted is not None and (known_at is None
                                              or retracted[:10] <= known_at.isoformat()):
                    continue
                if as_of is not None and not (last_day(entry["date"]) <= as_of
                                              or entry["recorded"][:10] <= as_of.isoformat()):
                    continue
                key = (first_day(entry["date"]), entry["recorded"])
                if entry["claimant"] not in positions or key > positions[entry["claimant"]][0]:
                    positions[entry["claimant"]] = (key, entry["stance"], entry["date"])
            fresh = {claimant: held for claimant, held in positions.items()
                     if cutoff is None or last_day(held[2]) >= cutoff}
            claims = sorted(c for c, (_, s, _) in fresh.items() if s == "claims")
            disputes = sorted(c for c, (_, s, _) in fresh.items() if s == "disputes")
            status = ("stale" if positions and not fresh else "no-evidence" if not fresh
                      else "contested" if claims and disputes
                      else "claimed" if claims else "disputed")
            due = self.due_in_force(judged, known_at) if term == "withdraw" else None
            due_by = None if due is None else DUES.get(due) or date.fromisoformat(due)
            past_due = due_by is not None and due_by < day and status != "claimed"
            overdue = past_due and status not in ("no-evidence", "stale") and ended is None
            result[term, subject] = (status, claims, disputes, due, overdue)
        return result

    def reported(self, *options: str) -> dict[tuple[str, str], tuple[Any, ...]]:
        report = json.loads(self.cli("report", "--format", "json", *options))
        return {(item["term"], party["id"]): (item["status"], item["claimed_by"],
                                              item["disputed_by"], item["due"], item["overdue"])
                for party in report["parties"] for item in party["obligations"]}

    @invariant()
    def report_agrees(self) -> None:
        if self.path.exists():
            assert self.reported() == self.expected(None, None)

    @rule(as_of=st.sampled_from([None, *AS_OF, *PERIODS]),
          known_at=st.sampled_from([None, *RECORDED, *PERIODS]),
          window=st.sampled_from(WINDOWS))
    def report_on_both_clocks_agrees(self, as_of: str | None, known_at: str | None,
                                     window: int | None) -> None:
        """Either clock as a day or a period (its last day), and a staleness window."""
        options = [*(("--as-of", as_of) if as_of else ()),
                   *(("--known-at", known_at) if known_at else ()),
                   *(("--stale-after", str(window)) if window is not None else ())]

        def day(text: str | None) -> date | None:
            return None if text is None else PERIODS.get(text) or date.fromisoformat(text)

        assert self.reported(*options) == self.expected(day(as_of), day(known_at), window)


TestStatusMachine = pytest.mark.slow(StatusMachine.TestCase)
TestStatusMachine.settings = settings(max_examples=100, stateful_step_count=20, deadline=None,
                                      suppress_health_check=[HealthCheck.too_slow])


@settings(max_examples=60, deadline=None)
@given(entries=st.integers(0, 60), seed=st.integers(0, 50), count=st.integers(1, 12),
       tied=st.booleans(),
       as_of=st.sampled_from([None, date(2023, 12, 31), date(2024, 3, 31), date(2024, 12, 31)]))
def test_the_latest_of_each_timeline_are_the_end_of_that_timeline(
        entries: int, seed: int, count: int, tied: bool, as_of: date | None) -> None:
    """What a report page shows of each timeline (one sort, a walk back) is the end of the
    timeline `term show` shows whole, and its length: entries of one date and recording time
    (`tied`) keep their file order in both."""
    from builders import generated_ledger

    from ledger.core import select

    ledger = generated_ledger(entries, seed)
    if tied:
        ledger = ledger.model_copy(update={"evidence": tuple(
            entry.model_copy(update={"recorded_at": "2024-01-01T00:00:00.000000Z"})
            for entry in ledger.evidence)})
    terms = {term.id for term in ledger.terms} | {"no-such-term"}
    whole = select.timelines_of(ledger, terms, as_of)
    latest = select.latest_of_timelines(ledger, terms, count, as_of)
    assert {term: (total, [entry.id for entry in shown])
            for term, (total, shown) in latest.items()} == {
        term: (len(whole.get(term, [])), [entry.id for entry in whole.get(term, [])[-count:]])
        for term in terms}


@settings(max_examples=60, deadline=None)
@given(entries=st.integers(0, 80), seed=st.integers(0, 50), tied=st.booleans(),
       partial=st.booleans())
def test_each_claimants_position_is_their_first_latest_entry(entries: int, seed: int,
                                                             tied: bool, partial: bool) -> None:
    """The report's positions, found in one pass: for each term, subject and claimant, the
    entry with the latest order key, the first in the file of a tie (`tied`: one recording
    time; `partial`: years and the first days of years, which order alike)."""
    from builders import generated_ledger

    from ledger.core import counting, status
    from ledger.core.model import Stance

    ledger = generated_ledger(entries, seed)
    evidence = list(ledger.evidence)
    if tied:
        evidence = [entry.model_copy(update={"recorded_at": "2024-01-01T00:00:00.000000Z"})
                    for entry in evidence]
    if partial:
        evidence = [entry.model_copy(update={"date": entry.date[:4] + ("" if number % 2
                                                                      else "-01-01")})
                    for number, entry in enumerate(evidence)]
    expected: dict[tuple[str, str], dict[str, Evidence]] = {}
    for entry in evidence:
        if entry.stance not in (Stance.CLAIMS, Stance.DISPUTES):
            continue
        held = expected.setdefault((entry.term, entry.subject), {}).get(entry.claimant)
        if held is None or counting.order_key(entry) > counting.order_key(held):
            expected[entry.term, entry.subject][entry.claimant] = entry
    found = status.positions_by_obligation(evidence)
    assert {slot: {claimant: entry.id for claimant, (_, entry) in keyed.items()}
            for slot, keyed in found.items()} == {
        slot: {claimant: entry.id for claimant, entry in held.items()}
        for slot, held in expected.items()}
    terms = {term.id: term for term in ledger.terms}
    for (term, subject), keyed in found.items():
        made = status.obligation(terms[term], subject, keyed, reference_day=date(2030, 1, 1),
                                 parties=frozenset())
        chosen = list(expected[term, subject].values())
        assert [entry.id for entry in made.positions] == [
            entry.id for entry in sorted(chosen, key=counting.order_key)]
        assert made.latest == max(chosen, key=counting.order_key).date


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledger=ledgers(), data=st.data())
def test_status_over_time_is_the_report_as_of_each_period_end(ledger: Ledger,
                                                              data: st.DataObject) -> None:
    """`report --by quarter` (and year), period by period, is `report --as-of` the period's
    last day: the same statuses and the same approved findings, on random ledgers with random
    assessments and reviews."""
    from ledger.core.model import Assessment, Review

    assessments, reviews = [], []
    for number in range(data.draw(st.integers(0, 4))):
        term = data.draw(st.sampled_from(ledger.terms))
        made = seal(Assessment(
            id="0" * 12, term=term.id, party=data.draw(st.sampled_from(term.obligors)),
            period=data.draw(st.sampled_from(["2019-Q4", "2020", "2020-H1", "2020-05",
                                              "2021-Q1", "2021-03-15"])),
            finding=data.draw(st.sampled_from(["complies", "partly", "violates"])),
            rationale=f"reason {number}", recorded_at=f"2022-01-0{number + 1}T00:00:00.000000Z",
            recorded_by="ana"))
        assessments.append(made)
        if data.draw(st.booleans()):
            reviews.append(seal(Review(
                id="0" * 12, assessment=made.id, action=data.draw(st.sampled_from(
                    ["approved", "rejected"])), reason="r",
                recorded_at=f"2022-02-0{number + 1}T00:00:00.000000Z", recorded_by="ben")))
    folder = Path(tempfile.mkdtemp())
    try:
        path = folder / "ledger.json"
        path.write_bytes(writing.serialize(ledger.model_copy(update={
            "assessments": tuple(assessments), "reviews": tuple(reviews)})))
        runner = CliRunner()
        for by, labels in (("quarter", {"2019-Q4": "2019-12-31", "2020-Q1": "2020-03-31",
                                        "2020-Q2": "2020-06-30", "2020-Q3": "2020-09-30",
                                        "2020-Q4": "2020-12-31", "2021-Q1": "2021-03-31",
                                        "2021-Q2": "2021-06-30"}),
                           ("year", {"2019": "2019-12-31", "2020": "2020-12-31",
                                     "2021": "2021-12-31"})):
            result = runner.invoke(app, ["-f", str(path), "report", "--by", by, "--since",
                                         "2019-10", "--until", "2021-Q2", "--format", "json"],
                                   env={"COMPLIANCE_LEDGER_NOW": NOW})
            assert result.exit_code == 0, result.stderr
            grid = json.loads(result.stdout)
            assert grid["periods"] == list(labels)
            for label, last in labels.items():
                single = runner.invoke(app, ["-f", str(path), "report", "--as-of", last,
                                             "--format", "json"],
                                       env={"COMPLIANCE_LEDGER_NOW": NOW})
                assert single.exit_code == 0, single.stderr
                expected = {(party["id"], item["term"]): (
                    item["status"], item["assessment"]["finding"] if item["assessment"]
                    else None)
                    for party in json.loads(single.stdout)["parties"]
                    for item in party["obligations"]}
                got = {(party["id"], item["term"]): (item["statuses"][label],
                                                     item["findings"][label])
                       for party in grid["parties"] for item in party["obligations"]
                       if item["statuses"][label] is not None}
                assert got == expected, (by, label)
    finally:
        shutil.rmtree(folder)
