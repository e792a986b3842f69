"""`ledger changes`: the periodic monitoring report, what changed between two days."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from conftest import Run, add_evidence, as_json, ok

EARLY = {"COMPLIANCE_LEDGER_NOW": "2020-01-01T00:00:00Z"}


def changes(run: Run, *options: str) -> Any:
    return as_json(run("changes", "--format", "json", *options))


def party_changes(report: Any, party: str) -> Any:
    return next(entry for entry in report["parties"] if entry["id"] == party)


def test_a_new_dispute_moves_claimed_to_contested(run: Run, small: Path) -> None:
    claim = add_evidence(run, "withdraw", "north", "claims", "2020-05-10")
    dispute = add_evidence(run, "withdraw", "monitor", "disputes", "2020-06-15")
    report = changes(run, "--since", "2020-05-31", "--until", "2020-06-30")
    assert (report["since"], report["until"], report["known_at"]) == (
        "2020-05-31", "2020-06-30", None)
    north = party_changes(report, "north")
    assert north["changes"] == [{
        "term": "withdraw", "title": "Withdraw troops",
        "before": {"status": "claimed", "overdue": False, "deadline": "met", "due": "2021-04-29",
                   "waiting_on": [], "late": False, "ended": None, "assessment": None},
        "after": {"status": "contested", "overdue": False, "deadline": "due",
                  "due": "2021-04-29", "waiting_on": [], "late": False, "ended": None,
                  "assessment": None},
        "new_evidence": [dispute], "amendments": []}]
    assert north["counts"]["before"]["claimed"] == 1 and north["counts"]["after"]["contested"] == 1
    assert claim not in str(north["changes"])
    south = party_changes(report, "south")
    assert south["changes"] == [] and south["counts"]["before"] == south["counts"]["after"]


def test_a_new_entry_that_leaves_the_status_is_still_listed(run: Run, small: Path) -> None:
    add_evidence(run, "withdraw", "monitor", "disputes", "2020-05-10")
    second = add_evidence(run, "withdraw", "south", "disputes", "2020-06-10")
    north = party_changes(changes(run, "--since", "2020-05-31", "--until", "2020-06-30"), "north")
    [change] = north["changes"]
    assert change["before"]["status"] == change["after"]["status"] == "disputed"
    assert change["new_evidence"] == [second]


def test_becoming_overdue_and_a_moved_due_date_inside_the_window(run: Run, small: Path) -> None:
    report = changes(run, "--since", "2021-04-01", "--until", "2021-05-31")
    [change] = party_changes(report, "north")["changes"]
    assert (change["term"], change["before"]["deadline"], change["after"]["deadline"]) == (
        "withdraw", "due", "past due, no evidence")
    assert change["new_evidence"] == []
    amendment = ok(run("term", "amend", "withdraw", "--effective", "2021-04-15", "--due",
                       "2021-12-31", "--reason", "Extended")).stdout.strip()
    report = changes(run, "--since", "2021-04-01", "--until", "2021-05-31")
    [change] = party_changes(report, "north")["changes"]
    assert (change["before"]["due"], change["after"]["due"]) == ("2021-04-29", "2021-12-31")
    assert change["after"]["deadline"] == "due" and change["amendments"] == [amendment]
    table = ok(run("changes", "--since", "2021-04-01", "--until", "2021-05-31")).stdout
    assert f"{amendment} from 2021-04-15: Extended" in table, "the table names the amendment"
    csv = ok(run("changes", "--since", "2021-04-01", "--until", "2021-05-31", "--format",
                 "csv")).stdout.splitlines()
    assert csv[0].startswith("party,term,title,status_before,status_after,overdue_before,"
                             "overdue_after,deadline_before,deadline_after,due_before,"
                             "due_after,waiting_on_before,"
                             "waiting_on_after,late_before,late_after,")


def test_retractions_and_the_window_edges(run: Run, small: Path) -> None:
    late = add_evidence(run, "withdraw", "monitor", "disputes", "2020-06")
    edge = add_evidence(run, "ceasefire", "monitor", "disputes", "2020-05")
    ok(run("evidence", "retract", late, "--reason", "Wrong", env={
        "COMPLIANCE_LEDGER_NOW": "2099-01-01T00:00:00Z"}))
    report = changes(run, "--since", "2020-06-01", "--until", "2020-06-30")
    assert party_changes(report, "north")["changes"] == [], "a retraction never counted"
    assert party_changes(report, "south")["changes"] == [], "a May entry counted by 31 May"
    assert changes(run, "--period", "2020-06") == report, "--period P: --since P --until P"
    may_included = changes(run, "--since", "2020-05-31", "--until", "2020-06-30")
    [change] = party_changes(may_included, "south")["changes"]
    assert change["new_evidence"] == [edge], "a window includes its first day"
    known = changes(run, "--since", "2020-06", "--until", "2020-06-30", "--known-at",
                    "2098-12-31")
    assert [change["new_evidence"] for change in party_changes(known, "north")["changes"]] == [
        [late]], "as known before the retraction was recorded"


def test_every_format_and_the_errors(run: Run, small: Path) -> None:
    dispute = add_evidence(run, "withdraw", "monitor", "disputes", "2020-06-15")
    table = ok(run("changes", "--since", "2020-05-31", "--until", "2020-06-30",
                   env={"COLUMNS": "120"})).stdout
    assert "no-evidence" in table and "disputed" in table and dispute in table
    assert "0 -> 1 disputed" in table
    rows = list(csv.DictReader(io.StringIO(ok(run(
        "changes", "--since", "2020-05-31", "--until", "2020-06-30", "--format", "csv")).stdout)))
    assert [(row["party"], row["term"], row["status_before"], row["status_after"],
             row["new_evidence"]) for row in rows] == [
        ("north", "withdraw", "no-evidence", "disputed", dispute)]
    markdown = ok(run("changes", "--since", "2020-05-31", "--until", "2020-06-30",
                      "--format", "markdown")).stdout
    assert "| --- |" in markdown and dispute in markdown
    reversed_window = run("changes", "--since", "2021-01-01", "--until", "2020-01-01")
    assert reversed_window.exit_code == 1
    assert "--since: 2021-01-01 is after --until 2020-01-01" in reversed_window.stderr
    bad = run("changes", "--since", "2020-Q5")
    assert bad.exit_code == 1 and "--since: not a period: '2020-Q5'" in bad.stderr
    assert run("changes").exit_code == 1, "a window needs a start"
    both = run("changes", "--period", "2020", "--until", "2020-06-30")
    assert both.exit_code == 1 and "--period" in both.stderr
    assert run("changes", "--since", "2020-01-01", "--party", "nobody").exit_code == 1


def test_the_bundled_example_over_the_second_half_of_2020(tmp_path: Path, run: Run) -> None:
    example = tmp_path / "example.json"
    ok(run("init", "--example", "doha-2020", file=example))
    report = as_json(run("changes", "--since", "2020-05-31", "--until", "2020-12-31", "--party",
                         "taliban", "--category", "counter-terrorism", "--format", "json",
                         file=example))
    terms = {change["term"]: change for change in party_changes(report, "taliban")["changes"]}
    assert terms["doha-2-3"]["after"]["status"] == "contested"
    assert len(terms["doha-2-3"]["new_evidence"]) == 5, "four positions and the Taliban's note"


def test_entries_are_listed_by_date_and_a_wrapped_one_goes_on_indented(run: Run,
                                                                        small: Path) -> None:
    """The entries of a change in their order (date, then recording time), not by id; in a
    narrow table, an entry that wraps goes on indented, under the one line each entry starts."""
    ok(run("party", "add", "observers", "--name", "The Special Monitoring Mission of Observers"))
    dated = {day: add_evidence(run, "withdraw", "observers", "disputes", day)
             for day in ("2020-06-20", "2020-06", "2020-06-25", "2020-06-03", "2020-06-11")}
    report = changes(run, "--since", "2020-05-31", "--until", "2020-06-30")
    [change] = party_changes(report, "north")["changes"]
    assert change["new_evidence"] == [dated["2020-06"], dated["2020-06-03"], dated["2020-06-11"],
                                      dated["2020-06-20"], dated["2020-06-25"]], \
        "ordered as every timeline is: a month by its first day"
    table = ok(run("changes", "--since", "2020-05-31", "--until", "2020-06-30",
                   env={"COLUMNS": "60"})).stdout.splitlines()
    starts = [number for number, line in enumerate(table)
              if any(entry in line for entry in dated.values())]
    assert len(starts) == 5
    for number in starts:
        assert table[number].startswith(("    New entries: ", f"    {table[number][4:16]}"))
        assert table[number + 1].startswith("      ") or number + 1 in starts or \
            not table[number + 1].startswith("    "), table[number:number + 2]
    wrapped = [table[number + 1] for number in starts if table[number + 1].startswith("      ")]
    assert wrapped, "at 60 columns, the observers' long name wraps each entry"


def test_the_changes_page_says_what_each_new_entry_says(run: Run, small: Path) -> None:
    """On the page and in Markdown, each new entry comes with its summary, claimant, stance
    and date; the terminal's table keeps to the id, claimant, stance and date."""
    entry = add_evidence(run, "withdraw", "monitor", "disputes", "2021-05", "--summary",
                         "Two companies still at the crossing")
    shown = f"{entry} The Monitors disputes (2021-05): Two companies still at the crossing"
    page = ok(run("changes", "--since", "2021", "--format", "html")).stdout
    assert shown in " ".join(page.split())
    markdown = ok(run("changes", "--since", "2021", "--format", "markdown")).stdout
    assert shown in markdown
    table = ok(run("changes", "--since", "2021")).stdout
    assert "Two companies still at the crossing" not in table and entry in table
