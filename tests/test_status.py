"""The status rules, through `ledger report` and `term show` on real files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import Run, add_evidence, as_json, ok


def obligations(run: Run, *options: str) -> dict[tuple[str, str], dict[str, Any]]:
    report = as_json(run("report", "--format", "json", *options))
    return {(party["id"], item["term"]): item
            for party in report["parties"] for item in party["obligations"]}


def status(run: Run, party: str, term: str, *options: str) -> str:
    return str(obligations(run, *options)[party, term]["status"])


def test_report_json_has_exactly_the_documented_shape(run: Run, small: Path) -> None:
    disputed = add_evidence(run, "release", "monitor", "disputes", "2020-04", "--subject", "south")
    claimed = add_evidence(run, "release", "south", "claims", "2020-05", "--subject", "south")
    report = as_json(run("report", "--format", "json", "--as-of", "2026-01-01"))
    assert report == {
        "title": "Test ledger",
        "as_of": "2026-01-01",
        "known_at": None,
        "parties": [
            {"id": "north", "name": "Northland",
             "obligations": [
                 {"term": "release", "title": "Release prisoners",
                  "category": "prisoner-release", "status": "no-evidence", "claimed_by": [],
                  "disputed_by": [], "claim_basis": None, "dispute_basis": None,
                  "latest": None, "due": "2020-03-10", "overdue": False,
                  "deadline": "past due, no evidence", "ended": None, "waiting_on": [],
                  "late": False,
                  "evidence": [], "not_yet_counted": [], "stale": [], "assessment": None},
                 {"term": "withdraw", "title": "Withdraw troops", "category": "withdrawal",
                  "status": "no-evidence", "claimed_by": [], "disputed_by": [], "claim_basis": None,
                  "dispute_basis": None, "latest": None,
                  "due": "2021-04-29", "overdue": False, "deadline": "past due, no evidence",
                  "ended": None,
                  "waiting_on": [], "late": False,
                  "evidence": [], "not_yet_counted": [], "stale": [], "assessment": None}],
             "counts": {"claimed": 0, "disputed": 0, "contested": 0, "no-evidence": 2,
                        "stale": 0, "overdue": 0, "past_due_no_evidence": 2}},
            {"id": "south", "name": "Southland",
             "obligations": [
                 {"term": "ceasefire", "title": "Hold the ceasefire", "category": "ceasefire",
                  "status": "no-evidence", "claimed_by": [], "disputed_by": [],
                  "claim_basis": None, "dispute_basis": None, "latest": None, "due": None,
                  "overdue": False, "deadline": None, "ended": None, "waiting_on": [],
                  "late": False,
                  "evidence": [], "not_yet_counted": [], "stale": [], "assessment": None},
                 {"term": "release", "title": "Release prisoners",
                  "category": "prisoner-release", "status": "contested",
                  "claimed_by": ["south"], "disputed_by": ["monitor"], "claim_basis": "own",
                  "dispute_basis": "independent", "latest": "2020-05",
                  "due": "2020-03-10", "overdue": True, "deadline": "overdue", "ended": None,
                  "waiting_on": [], "late": False, "evidence": sorted([disputed, claimed]),
                  "not_yet_counted": [], "stale": [], "assessment": None}],
             "counts": {"claimed": 0, "disputed": 0, "contested": 1, "no-evidence": 1,
                        "stale": 0, "overdue": 1, "past_due_no_evidence": 0}},
        ],
    }
    assert as_json(run("report", "--format", "json"))["as_of"] is None


def test_each_status(run: Run, small: Path) -> None:
    assert status(run, "north", "withdraw") == "no-evidence"
    add_evidence(run, "withdraw", "north", "claims", "2020-06")
    assert status(run, "north", "withdraw") == "claimed"
    add_evidence(run, "ceasefire", "monitor", "disputes", "2020-06")
    assert status(run, "south", "ceasefire") == "disputed"
    add_evidence(run, "withdraw", "monitor", "disputes", "2020-07")
    item = obligations(run)["north", "withdraw"]
    assert (item["status"], item["claimed_by"], item["disputed_by"]) == (
        "contested", ["north"], ["monitor"])


def test_only_each_claimants_latest_position_counts(run: Run, small: Path) -> None:
    add_evidence(run, "withdraw", "monitor", "disputes", "2020-01-15")
    add_evidence(run, "withdraw", "monitor", "claims", "2020-06-01")
    assert status(run, "north", "withdraw") == "claimed"
    add_evidence(run, "withdraw", "monitor", "disputes", "2020-03")
    assert status(run, "north", "withdraw") == "claimed", "an older assertion recorded later"


def test_same_date_is_ordered_by_recording_time(run: Run, small: Path) -> None:
    add_evidence(run, "withdraw", "monitor", "claims", "2020-06")
    add_evidence(run, "withdraw", "monitor", "disputes", "2020-06")
    assert status(run, "north", "withdraw") == "disputed"


def test_reduced_precision_dates_order_by_their_first_day(run: Run, small: Path) -> None:
    add_evidence(run, "withdraw", "monitor", "claims", "2020-03")
    add_evidence(run, "withdraw", "monitor", "disputes", "2020")
    assert status(run, "north", "withdraw") == "claimed"
    assert obligations(run)["north", "withdraw"]["latest"] == "2020-03"
    add_evidence(run, "withdraw", "monitor", "disputes", "2020-03-01")
    assert status(run, "north", "withdraw") == "disputed", "same first day: later recording wins"
    listed = as_json(run("evidence", "list", "--format", "json"))
    assert [entry["date"] for entry in listed] == ["2020", "2020-03", "2020-03-01"]


def test_retracted_entry_stops_counting_and_the_earlier_position_returns(
        run: Run, small: Path) -> None:
    add_evidence(run, "withdraw", "monitor", "claims", "2020-01")
    latest = add_evidence(run, "withdraw", "monitor", "disputes", "2020-02")
    assert status(run, "north", "withdraw") == "disputed"
    ok(run("evidence", "retract", latest, "--reason", "misquoted"))
    assert status(run, "north", "withdraw") == "claimed"
    shown = as_json(run("evidence", "show", latest, "--format", "json"))
    assert shown["retraction"]["reason"] == "misquoted"
    again = run("evidence", "retract", latest, "--reason", "twice")
    assert again.exit_code == 1
    assert "already retracted" in again.stderr


def test_as_of_counts_entries_made_by_then_and_every_retraction(run: Run, small: Path) -> None:
    later = {"COMPLIANCE_LEDGER_NOW": "2099-01-01T00:00:00Z"}
    add_evidence(run, "withdraw", "north", "claims", "2020-05-31")
    june = ok(run("evidence", "add", "--term", "withdraw", "--claimant", "monitor", "--stance",
                  "disputes", "--date", "2020-06", "--summary", "s", env=later)).stdout.strip()
    assert status(run, "north", "withdraw", "--as-of", "2020-05-31") == "claimed"
    assert status(run, "north", "withdraw", "--as-of", "2020-06-01") == "claimed", \
        "a June entry is not certain to have been made on 1 June"
    assert status(run, "north", "withdraw", "--as-of", "2020-06-30") == "contested"
    assert status(run, "north", "withdraw", "--as-of", "2020-04-30") == "no-evidence"
    ok(run("evidence", "retract", june, "--reason", "unreliable",
           env={"COMPLIANCE_LEDGER_NOW": "2099-02-01T00:00:00Z"}))
    assert status(run, "north", "withdraw") == "claimed"
    assert status(run, "north", "withdraw", "--as-of", "2020-12-31") == "claimed", \
        "a retraction says the entry was wrong: it never counted"
    assert status(run, "north", "withdraw", "--as-of", "2020-12-31",
                  "--known-at", "2099-01-15") == "contested", "not yet retracted on 2099-01-15"


def test_an_entry_recorded_before_its_period_ends_counts_from_its_recording(
        run: Run, small: Path) -> None:
    ok(run("evidence", "add", "--term", "withdraw", "--claimant", "monitor", "--stance",
           "disputes", "--date", "2024", "--summary", "s",
           env={"COMPLIANCE_LEDGER_NOW": "2024-03-10T09:00:00Z"}))
    assert status(run, "north", "withdraw", "--as-of", "2024-03-09") == "no-evidence"
    assert status(run, "north", "withdraw", "--as-of", "2024-03-10") == "disputed"
    assert status(run, "north", "withdraw", "--as-of", "2023-12-31") == "no-evidence"


def test_overdue_only_when_due_has_passed_and_not_claimed(run: Run, small: Path) -> None:
    """One deadline word everywhere (JSON `deadline`); `overdue` is true for `overdue` alone."""
    def deadline(*options: str) -> str | None:
        item = obligations(run, *options)["north", "release"]
        assert item["overdue"] is (item["deadline"] == "overdue")
        return item["deadline"]

    assert deadline() == "past due, no evidence"
    assert deadline("--as-of", "2020-03-10") == "due", "due today is not yet overdue"
    assert deadline("--as-of", "2020-03-11") == "past due, no evidence"
    add_evidence(run, "release", "monitor", "disputes", "2020-03", "--subject", "north")
    assert deadline("--as-of", "2020-03-31") == "overdue"
    add_evidence(run, "release", "north", "claims", "2020-03", "--subject", "north")
    assert deadline("--as-of", "2020-03-31") == "overdue", "contested is not claimed"
    add_evidence(run, "release", "monitor", "claims", "2020-04", "--subject", "north")
    assert deadline("--as-of", "2020-04-29") == "overdue", "an April entry counts once April ended"
    assert deadline("--as-of", "2020-04-30") == "met"
    assert obligations(run)["north", "withdraw"]["deadline"] == "past due, no evidence"
    assert obligations(run)["south", "ceasefire"]["deadline"] is None, "no due day"


def test_report_filters_and_table(run: Run, small: Path) -> None:
    add_evidence(run, "release", "monitor", "disputes", "2020-04", "--subject", "south")
    report = as_json(run("report", "--party", "south", "--format", "json"))
    assert [party["id"] for party in report["parties"]] == ["south"]
    report = as_json(run("report", "--category", "withdrawal", "--format", "json"))
    assert [(party["id"], [item["term"] for item in party["obligations"]])
            for party in report["parties"]] == [("north", ["withdraw"])]
    assert as_json(run("report", "--party", "monitor", "--format", "json"))["parties"] == []
    table = ok(run("report")).stdout
    assert "Southland (south)" in table
    assert "The Monitors" in table, "claimants are named in the table"
    assert "OVERDUE" in table
    assert "0 claimed · 1 disputed · 0 contested · 1 no-evidence · 1 overdue\n" in table
    assert "0 claimed · 0 disputed · 0 contested · 2 no-evidence · 0 overdue · 2 past due, no " \
        "evidence\n" in table
    csv_lines = ok(run("report", "--format", "csv")).stdout.splitlines()
    assert csv_lines[0] == ("party,term,title,category,status,claimed_by,disputed_by,"
                            "claim_basis,dispute_basis,latest,due,overdue,deadline,waiting_on,"
                            "late,ended,stale,not_yet_counted,finding,finding_level,"
                            "finding_period,finding_id,finding_reviewed_by")
    assert "south,release,Release prisoners,prisoner-release,disputed,,monitor,,independent," \
        "2020-04,2020-03-10,yes,overdue,,no,,,,,,,," in csv_lines
    markdown = ok(run("report", "--format", "markdown")).stdout
    assert "## Southland (south)" in markdown
    assert "| release | Release prisoners | prisoner-release | disputed |  | The Monitors |" \
        in markdown


@pytest.mark.parametrize(("written", "recorded", "first_day_counted"), [
    ("2020", "2021-06-01", "2020-12-31"),
    ("2020-02", "2021-06-01", "2020-02-29"),
    ("2021-02", "2021-06-01", "2021-02-28"),
    ("2020-12", "2021-06-01", "2020-12-31"),
    ("2020-06-15", "2021-06-01", "2020-06-15"),
    ("2020", "2020-03-10", "2020-03-10"),
    ("2020-06", "2020-06-03", "2020-06-03"),
])
def test_an_entry_counts_from_the_end_of_its_period_or_its_recording(
        run: Run, small: Path, written: str, recorded: str, first_day_counted: str) -> None:
    """The edges of every precision, against the calendar (leap years, month lengths)."""
    from datetime import date, timedelta

    ok(run("evidence", "add", "--term", "withdraw", "--claimant", "monitor", "--stance",
           "disputes", "--date", written, "--summary", "s",
           env={"COMPLIANCE_LEDGER_NOW": f"{recorded}T08:00:00Z"}))
    day = date.fromisoformat(first_day_counted)
    before = (day - timedelta(days=1)).isoformat()
    assert status(run, "north", "withdraw", "--as-of", before) == "no-evidence"
    assert status(run, "north", "withdraw", "--as-of", day.isoformat()) == "disputed"


def test_a_repeated_filter_selects_any_of_its_values_on_every_command(run: Run,
                                                                       small: Path) -> None:
    """`--party a --party b` is both parties, not the last one (issue 18, item 1)."""
    add_evidence(run, "release", "monitor", "disputes", "2020-04", "--subject", "south")
    add_evidence(run, "release", "north", "claims", "2020-05", "--subject", "north")
    add_evidence(run, "withdraw", "south", "disputes", "2020-06")
    report = as_json(run("report", "--party", "south", "--party", "north", "--format", "json"))
    assert [party["id"] for party in report["parties"]] == ["north", "south"]
    report = as_json(run("report", "--category", "withdrawal", "--category", "ceasefire",
                         "--format", "json"))
    assert sorted(item["term"] for party in report["parties"]
                  for item in party["obligations"]) == ["ceasefire", "withdraw"]
    entries = as_json(run("evidence", "list", "--claimant", "monitor", "--claimant", "north",
                          "--format", "json"))
    assert sorted(entry["claimant"] for entry in entries) == ["monitor", "north"]
    both = as_json(run("evidence", "list", "--stance", "claims", "--stance", "disputes",
                       "--term", "withdraw", "--term", "release", "--format", "json"))
    assert len(both) == 3
    by_party = as_json(run("evidence", "list", "--party", "south", "--party", "monitor",
                           "--format", "json"))
    assert sorted(entry["summary"] for entry in by_party) == sorted(
        entry["summary"] for entry in both if entry["term"] == "release"), \
        "south is bound by release; monitor by nothing"
    terms = as_json(run("term", "list", "--party", "north", "--party", "south",
                        "--category", "ceasefire", "--category", "withdrawal",
                        "--format", "json"))
    assert [term["id"] for term in terms] == ["ceasefire", "withdraw"]
    changed = as_json(run("changes", "--since", "2020-01-01", "--until", "2020-12-31",
                          "--party", "north", "--party", "south", "--agreement", "accord",
                          "--format", "json"))
    assert {party["id"] for party in changed["parties"]} == {"north", "south"}
    unknown = run("report", "--party", "north", "--party", "nobody")
    assert unknown.exit_code == 1
    assert unknown.stderr.startswith("ledger: error: --party: no party 'nobody' (known: ")
