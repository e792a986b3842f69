"""Property-based tests: save/load round trips, and the status rules against a simple model."""

from __future__ import annotations

import json
import shutil
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from builders import base_ledger, sealed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from typer.testing import CliRunner

from ledger import store
from ledger.cli import app
from ledger.model import Agreement, Evidence, Ledger, Party, Retraction, Role, Source, Term

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


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledger=ledgers())
def test_save_load_save_is_byte_identical(ledger: Ledger) -> None:
    folder = Path(tempfile.mkdtemp())
    try:
        path = folder / "ledger.json"
        first = store.serialize(ledger)
        path.write_bytes(first)
        loaded = store.load(path)
        assert loaded.ledger == ledger
        assert store.serialize(loaded.ledger) == first
        assert first.endswith(b"\n") and b'\n  "title": ' in first
        assert json.loads(first) == loaded.ledger.model_dump(mode="json", exclude_none=True)
    finally:
        shutil.rmtree(folder)


DATES = ["2020", "2020-03", "2020-03-01", "2020-03-15", "2021"]
AS_OF = ["2020-02-28", "2020-03-01", "2020-03-14", "2020-12-31", "2021-01-01"]


def first_day(text: str) -> date:
    parts = [int(part) for part in text.split("-")] + [1, 1]
    return date(parts[0], parts[1], parts[2])


class StatusMachine(RuleBasedStateMachine):
    """Adds and retracts entries through the CLI; the report must match a plain model."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp())
        self.path = self.folder / "ledger.json"
        self.runner = CliRunner()
        self.entries: list[dict[str, Any]] = []

    def teardown(self) -> None:
        shutil.rmtree(self.folder)

    def cli(self, *args: str, now: str | None = None) -> str:
        environment = {"COMPLIANCE_LEDGER_NOW": now} if now else None
        result = self.runner.invoke(app, ["-f", str(self.path), *args], env=environment)
        assert result.exit_code == 0, result.stderr
        return result.stdout

    @initialize()
    def create(self) -> None:
        self.path.write_bytes(store.serialize(base_ledger()))

    @rule(pair=st.sampled_from([("withdraw", "north"), ("release", "north"),
                                ("release", "south")]),
          claimant=st.sampled_from(["north", "south", "monitor"]),
          stance=st.sampled_from(["claims", "disputes"]), day=st.sampled_from(DATES))
    def add(self, pair: tuple[str, str], claimant: str, stance: str, day: str) -> None:
        term, subject = pair
        entry_id = self.cli("evidence", "add", "--term", term, "--subject", subject,
                            "--claimant", claimant, "--stance", stance, "--date", day,
                            "--summary", "s").strip()
        self.entries.append({"id": entry_id, "term": term, "subject": subject,
                             "claimant": claimant, "stance": stance, "date": day,
                             "retracted": False})

    @rule(choice=st.integers(min_value=0), day=st.sampled_from(AS_OF))
    def retract(self, choice: int, day: str) -> None:
        """A retraction recorded on `day` (the clock set for it): as-of reports before that day
        still count the entry, those on or after it do not."""
        open_entries = [entry for entry in self.entries if not entry["retracted"]]
        if not open_entries:
            return
        entry = open_entries[choice % len(open_entries)]
        self.cli("evidence", "retract", entry["id"][:8], "--reason", "r", now=f"{day}T12:00:00Z")
        entry["retracted"] = date.fromisoformat(day)

    def expected(self, as_of: date | None) -> dict[tuple[str, str], tuple[str, list[str],
                                                                           list[str]]]:
        result = {}
        for term, subject in [("withdraw", "north"), ("release", "north"), ("release", "south")]:
            positions: dict[str, tuple[tuple[date, int], str]] = {}
            for sequence, entry in enumerate(self.entries):
                retracted = entry["retracted"]
                if as_of is None:
                    counts = not retracted
                else:
                    counts = first_day(entry["date"]) <= as_of and (
                        not retracted or retracted > as_of)
                if (entry["term"], entry["subject"]) != (term, subject) or not counts:
                    continue
                key = (first_day(entry["date"]), sequence)
                if entry["claimant"] not in positions or key > positions[entry["claimant"]][0]:
                    positions[entry["claimant"]] = (key, entry["stance"])
            claims = sorted(c for c, (_, s) in positions.items() if s == "claims")
            disputes = sorted(c for c, (_, s) in positions.items() if s == "disputes")
            status = ("no-evidence" if not positions else "contested" if claims and disputes
                      else "claimed" if claims else "disputed")
            result[term, subject] = (status, claims, disputes)
        return result

    def reported(self, *options: str) -> dict[tuple[str, str], tuple[str, list[str],
                                                                      list[str]]]:
        report = json.loads(self.cli("report", "--format", "json", *options))
        return {(item["term"], party["id"]): (item["status"], item["claimed_by"],
                                              item["disputed_by"])
                for party in report["parties"] for item in party["obligations"]}

    @invariant()
    def report_agrees(self) -> None:
        if self.path.exists():
            assert self.reported() == self.expected(None)

    @rule(day=st.sampled_from(AS_OF))
    def report_as_of_agrees(self, day: str) -> None:
        assert self.reported("--as-of", day) == self.expected(date.fromisoformat(day))


TestStatusMachine = StatusMachine.TestCase
TestStatusMachine.settings = settings(max_examples=25, stateful_step_count=12, deadline=None,
                                      suppress_health_check=[HealthCheck.too_slow])
