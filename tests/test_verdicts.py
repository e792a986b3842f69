"""Whose word a status rests on: the obligor's own, another party's, or an independent one."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import INSTALLED_LEDGER, Run, add_evidence, as_json, ok


def obligation(run: Run, party: str, term: str, *args: str) -> dict[str, Any]:
    report = as_json(run("report", "--format", "json", *args))
    found = [item for entry in report["parties"] if entry["id"] == party
             for item in entry["obligations"] if item["term"] == term]
    assert len(found) == 1
    return found[0]


def test_each_side_rests_on_the_most_independent_word(run: Run, small: Path) -> None:
    """`claim_basis` and `dispute_basis`: own (the obligor itself), party (a signatory or an
    obligor of any term), independent (anyone else); null when no one takes that side."""
    basis = ("claim_basis", "dispute_basis")
    assert [obligation(run, "north", "withdraw")[key] for key in basis] == [None, None]
    add_evidence(run, "withdraw", "north", "claims", "2021-05")
    assert [obligation(run, "north", "withdraw")[key] for key in basis] == ["own", None]
    add_evidence(run, "withdraw", "south", "claims", "2021-06")
    assert [obligation(run, "north", "withdraw")[key] for key in basis] == ["party", None]
    add_evidence(run, "withdraw", "monitor", "disputes", "2021-07")
    assert [obligation(run, "north", "withdraw")[key] for key in basis] == ["party",
                                                                          "independent"]
    add_evidence(run, "ceasefire", "south", "disputes", "2021-07")
    assert [obligation(run, "south", "ceasefire")[key] for key in basis] == [None, "own"]
    add_evidence(run, "ceasefire", "north", "disputes", "2021-08")
    assert [obligation(run, "south", "ceasefire")[key] for key in basis] == [None, "party"]


def test_a_monitor_bound_by_a_term_speaks_as_a_party(run: Run, small: Path) -> None:
    """A party to the process is any signatory and any obligor: once a term binds the monitors,
    their word is a party's, not an independent one."""
    add_evidence(run, "withdraw", "monitor", "disputes", "2021-07")
    assert obligation(run, "north", "withdraw")["dispute_basis"] == "independent"
    ok(run("term", "add", "patrol", "--agreement", "accord", "--title", "Patrol the line",
           "--category", "monitoring", "--obligor", "monitor"))
    assert obligation(run, "north", "withdraw")["dispute_basis"] == "party"


def test_own_word_is_said_beside_the_status_and_in_the_count(run: Run, small: Path) -> None:
    add_evidence(run, "withdraw", "north", "claims", "2021-05")
    add_evidence(run, "release", "north", "claims", "2021-05", "--subject", "north")
    add_evidence(run, "release", "monitor", "claims", "2021-06", "--subject", "south")
    table = ok(run("report", "--party", "north")).stdout
    assert "claimed (own word)" in table
    assert "2 claimed, all on their own word · 0 disputed" in table
    south = ok(run("report", "--party", "south")).stdout
    assert "own word" not in south.split("Status words")[0], "a monitor's claim is not own word"
    add_evidence(run, "release", "monitor", "claims", "2021-06", "--subject", "north")
    table = ok(run("report", "--party", "north")).stdout
    assert "2 claimed, 1 of them on their own word" in table
    markdown = ok(run("report", "--party", "north", "--format", "markdown")).stdout
    assert "| claimed (own word) |" in markdown
    csv = ok(run("report", "--party", "north", "--format", "csv")).stdout.splitlines()
    assert csv[0].split(",")[7:9] == ["claim_basis", "dispute_basis"]
    assert any(line.startswith("north,withdraw,") and ",north,,own,," in line for line in csv)
    page = ok(run("report", "--format", "html")).stdout
    assert '<span class="flag own-word">own word</span>' in page, "words, not colour alone"


def test_the_installed_script_reports_the_basis(small: Path) -> None:
    environment = {"COMPLIANCE_LEDGER_NOW": "2024-03-01T12:00:00Z", "PATH": "/usr/bin:/bin"}
    subprocess.run([str(INSTALLED_LEDGER), "-f", str(small), "evidence", "add", "-t", "withdraw",
                    "-c", "monitor", "-s", "disputes", "-d", "2021-05", "-m", "Troops remain"],
                   check=True, capture_output=True, env=environment)
    printed = subprocess.run([str(INSTALLED_LEDGER), "-f", str(small), "report", "--format",
                              "json"], check=True, capture_output=True, text=True,
                             env=environment).stdout
    assert '"dispute_basis": "independent"' in printed and '"claim_basis": null' in printed


def test_an_entry_not_yet_counted_is_said_not_hidden(run: Run, small: Path) -> None:
    """An entry whose dated period contains the day judged on does not count yet (it may have
    been made later in its period), and the report says so: JSON `not_yet_counted`, and a note
    `+1 dated 2021-05, count from 2021-05-31`; at the period's end it counts."""
    recorded = {"COMPLIANCE_LEDGER_NOW": "2022-01-05T12:00:00Z"}
    month = ok(run("evidence", "add", "-t", "withdraw", "-c", "monitor", "-s", "disputes",
                   "-d", "2021-05", "-m", "Troops remain", env=recorded)).stdout.strip()
    year = ok(run("evidence", "add", "-t", "ceasefire", "-c", "monitor", "-s", "disputes",
                  "-d", "2021", "-m", "Shelling all year", env=recorded)).stdout.strip()
    assert obligation(run, "north", "withdraw", "--as-of", "2021-05-20")["not_yet_counted"] == [
        month]
    assert obligation(run, "north", "withdraw", "--as-of", "2021-05-31")["not_yet_counted"] == []
    assert obligation(run, "north", "withdraw", "--as-of", "2021-05-31")["status"] == "disputed"
    assert obligation(run, "north", "withdraw", "--as-of", "2021-04-30")["not_yet_counted"] == [
        ], "an entry dated after the day is not pending: it is later"
    assert obligation(run, "south", "ceasefire", "--as-of", "2021-12-30")["not_yet_counted"] == [
        year]
    assert obligation(run, "south", "ceasefire", "--as-of", "2021-12-31")["status"] == "disputed"
    table = ok(run("report", "--as-of", "2021-05-20")).stdout
    assert "Not yet counted as of 2021-05-20" in table
    assert "withdraw (Northland): +1 dated 2021-05, count from 2021-05-31" in " ".join(
        table.split())
    assert "ceasefire (Southland): +1 dated 2021, count from 2021-12-31" in " ".join(
        table.split())
    early = {"COMPLIANCE_LEDGER_NOW": "2021-05-10T12:00:00Z"}
    ok(run("evidence", "add", "-t", "withdraw", "-c", "south", "-s", "claims", "-d", "2021-05",
           "-m", "Troops gone", env=early))
    page = ok(run("report", "--as-of", "2021-05-09", "--format", "html")).stdout
    assert "+1 dated 2021-05, count from 2021-05-10" in page, "the day it was recorded, if earlier"


def test_an_agreement_that_ended_stands_as_it_stood_on_its_last_day(run: Run,
                                                                     small: Path) -> None:
    """`agreement end --on DAY`: as of that day and after, each obligation of the agreement is
    shown as it stood then, never overdue nor waiting, with `ended` and the deadline word
    `ended`; before it, nothing changes; a correction undoes it."""
    add_evidence(run, "withdraw", "monitor", "disputes", "2021-06")
    bad = run("agreement", "end", "accord", "--on", "soon", "--reason", "Abandoned")
    assert bad.exit_code == 1 and bad.stderr.startswith("ledger: error: --on: not a full date")
    ok(run("agreement", "end", "accord", "--on", "2021-01-31", "--reason", "Abandoned"))

    def standing(day: str) -> tuple[object, ...]:
        item = obligation(run, "north", "withdraw", "--as-of", day)
        return item["status"], item["deadline"], item["overdue"], item["ended"]

    assert standing("2021-01-30") == ("no-evidence", "due", False, None)
    assert obligation(run, "north", "release", "--as-of", "2021-01-30")["deadline"] == (
        "past due, no evidence")
    assert standing("2021-01-31") == ("no-evidence", "ended", False, "2021-01-31")
    assert standing("2022-01-31") == ("no-evidence", "ended", False, "2021-01-31"), \
        "past its due day and disputed since, but the agreement had ended"
    assert obligation(run, "north", "release", "--as-of", "2022-01-31")["deadline"] == "ended"
    table = ok(run("report", "--as-of", "2022-01-31", "--party", "north")).stdout
    assert "ended 2021-01-31" in table and "OVERDUE" not in table.split("Status words")[0]
    csv = ok(run("report", "--as-of", "2022-01-31", "--format", "csv")).stdout
    assert ",ended," in csv
    window = as_json(run("changes", "--since", "2021-01", "--until", "2021-02", "--format",
                         "json"))
    north = next(party for party in window["parties"] if party["id"] == "north")
    assert {(change["term"], change["after"]["deadline"]) for change in north["changes"]} == {
        ("withdraw", "ended"), ("release", "ended")}, "changes lists what ended in the window"
    end = next(line["id"] for line in as_json(run("log", "--format", "json"))
               if line["what"] == "agreement" and line["kind"] == "amended")
    assert all(change["amendments"] == [end] and change["after"]["ended"] == "2021-01-31"
               for change in north["changes"]), "with the end that did it"
    ok(run("agreement", "amend", "accord", "--effective", "2021-01-31", "--no-ended",
           "--reason", "It did not end after all"))
    assert standing("2022-01-31") == ("disputed", "overdue", True, None), \
        "a later amendment of the same day undoes the end"


def test_a_position_goes_stale_after_the_window(run: Run, small: Path) -> None:
    """A position whose dated period ended more than N months before the day judged on no
    longer counts; when every position has, the status is `stale`. The window is the
    agreement's (kept as an amendment), or `--stale-after` on the reading command (0: never)."""
    dispute = add_evidence(run, "withdraw", "monitor", "disputes", "2021-05")
    twelve = ("--stale-after", "12")
    assert obligation(run, "north", "withdraw", "--as-of", "2022-05-31", *twelve)[
        "status"] == "disputed", "exactly 12 months after May ended: still counts"
    gone = obligation(run, "north", "withdraw", "--as-of", "2022-06-01", *twelve)
    assert (gone["status"], gone["stale"], gone["disputed_by"]) == ("stale", [dispute], [])
    assert gone["deadline"] == "past due, no evidence", "no current word either way"
    table = ok(run("report", "--as-of", "2022-06-01", "--party", "north", *twelve)).stdout
    assert "stale since 2021-05" in table and "1 stale" in table
    counts = as_json(run("report", "--as-of", "2022-06-01", "--format", "json", *twelve))[
        "parties"][0]["counts"]
    assert counts["stale"] == 1
    assert obligation(run, "north", "withdraw", "--as-of", "2022-06-01")["status"] == "disputed", \
        "no window: a position never goes stale"
    window = as_json(run("changes", "--since", "2022-05", "--until", "2022-06", "--format",
                         "json", *twelve))
    assert [(change["term"], change["before"]["status"], change["after"]["status"])
            for party in window["parties"] for change in party["changes"]] == [
        ("withdraw", "disputed", "stale")], "changes lists what went stale in the window"

    ok(run("agreement", "amend", "accord", "--effective", "2023-01-01", "--stale-after", "6",
           "--reason", "The monitors' six-month rule"))
    assert obligation(run, "north", "withdraw", "--as-of", "2022-12-31")["status"] == "disputed"
    assert obligation(run, "north", "withdraw", "--as-of", "2023-01-01")["status"] == "stale"
    assert obligation(run, "north", "withdraw", "--as-of", "2023-01-01", "--stale-after", "0")[
        "status"] == "disputed", "--stale-after 0: never"
    claim = add_evidence(run, "withdraw", "south", "claims", "2022-11")
    mixed = obligation(run, "north", "withdraw", "--as-of", "2023-01-01")
    assert (mixed["status"], mixed["claimed_by"], mixed["stale"]) == ("claimed", ["south"],
                                                                        [dispute])
    assert mixed["evidence"] == [claim]
    shown = ok(run("term", "show", "withdraw", "--as-of", "2023-06-01", "--stale-after",
                   "1")).stdout
    assert "stale since 2022-11" in shown


def test_one_statement_about_several_parties(run: Run, small: Path, ledger_path: Path) -> None:
    """`--subject A --subject B` (or `all`) records one entry per subject, prints one id per
    line in the order given, and links them; each can be retracted alone."""
    said = ("evidence", "add", "-t", "release", "-c", "monitor", "-s", "disputes", "-d",
            "2020-04", "-m", "Neither side released anyone")
    ids = ok(run(*said, "--subject", "south", "--subject", "north")).stdout.split()
    assert len(ids) == 2
    entries = {entry["id"]: entry for entry in as_json(run("evidence", "list", "--format",
                                                           "json"))}
    assert [entries[id]["subject"] for id in ids] == ["south", "north"]
    assert "statement" not in entries[ids[0]] and entries[ids[1]]["statement"] == ids[0]
    shown = as_json(run("evidence", "show", ids[0], "--format", "json"))
    assert shown["same_statement"] == [ids[1]]
    assert "same statement" in ok(run("evidence", "show", ids[1])).stdout
    every = ok(run(*[word if word != "2020-04" else "2020-05" for word in said],
                   "--subject", "all")).stdout.split()
    assert len(every) == 2, "release binds north and south"
    single = ok(run(*said[:-1], "One side only", "--subject", "north")).stdout.split()
    assert "statement" not in as_json(run("evidence", "show", single[0], "--format", "json"))
    assert [entries[id]["subject"] for id in ids] == ["south", "north"]
    ok(run("evidence", "retract", ids[1], "--reason", "Wrong subject"))
    counted = [entry["id"] for entry in as_json(run("evidence", "list", "--format", "json"))]
    assert ids[0] in counted and ids[1] not in counted, "the other entry of it stays"


def test_the_page_says_each_verdict_in_words(run: Run, small: Path) -> None:
    """Own word, stale, ended and not yet counted each appear on the HTML page as words, not
    as colour alone."""
    add_evidence(run, "ceasefire", "south", "claims", "2021-03")
    add_evidence(run, "release", "monitor", "disputes", "2019-01", "--subject", "north")
    ok(run("evidence", "add", "-t", "release", "-c", "monitor", "-s", "claims", "-d", "2021-06",
           "--subject", "south", "-m", "Released", env={
               "COMPLIANCE_LEDGER_NOW": "2021-07-05T12:00:00Z"}))
    ok(run("agreement", "add", "truce", "--title", "Truce", "--signed", "2020-01-01",
           "--signatory", "north"))
    ok(run("term", "add", "hold", "--agreement", "truce", "--title", "Hold the line",
           "--category", "ceasefire", "--obligor", "north", "--due", "2020-06-30"))
    ok(run("agreement", "end", "truce", "--on", "2021-01-31", "--reason", "Superseded"))
    page = ok(run("report", "--as-of", "2021-06-20", "--stale-after", "12", "--format",
                  "html")).stdout
    text = " ".join(page.split())
    assert '<span class="flag own-word">own word</span>' in page
    assert ">stale</a>" in page, "a stale status is worded in the matrix"
    assert "ended 2021-01-31" in text
    assert "+1 dated 2021-06, count from 2021-06-30" in text


@pytest.mark.slow
def test_three_subjects_in_one_add_and_in_one_import_cell(small: Path, tmp_path: Path) -> None:
    """Through the installed script: `--subject` three times, and a `subject` cell naming three
    (`a; b; c`), each make one entry per subject linked to the first; the same file imported
    again adds nothing."""
    environment = {"COMPLIANCE_LEDGER_NOW": "2024-03-01T12:00:00Z", "PATH": "/usr/bin:/bin"}

    def ledger(*args: str) -> str:
        return subprocess.run([str(INSTALLED_LEDGER), "-f", str(small), *args], check=True,
                              capture_output=True, text=True, env=environment).stdout

    ledger("term", "add", "talks", "--agreement", "accord", "--title", "Attend the talks",
           "--category", "political", "--obligor", "north", "--obligor", "south",
           "--obligor", "monitor")
    added = ledger("evidence", "add", "-t", "talks", "-c", "monitor", "-s", "claims", "-d",
                   "2021-03", "-m", "All three attended", "--subject", "monitor", "--subject",
                   "north", "--subject", "south").split()
    sheet = tmp_path / "rows.csv"
    sheet.write_text("term,subject,claimant,stance,date,summary\n"
                     "talks,south; monitor; north,north,disputes,2021-04,Nobody came\n"
                     "talks,north,south,claims,2021-04,North came\n", encoding="utf-8")
    ledger("evidence", "import", str(sheet))
    entries = json.loads(ledger("evidence", "list", "--term", "talks", "--format", "json"))
    by_summary: dict[str, list[dict[str, object]]] = {}
    for entry in sorted(entries, key=lambda entry: str(entry.get("statement") or "")):
        by_summary.setdefault(str(entry["summary"]), []).append(entry)
    came, nobody = by_summary["All three attended"], by_summary["Nobody came"]
    assert [entry["id"] for entry in came][0] == added[0] and len(added) == 3
    assert {entry["id"] for entry in came} == set(added)
    for statement in (came, nobody):
        first = next(entry for entry in statement if entry.get("statement") is None)
        assert sorted(str(entry["subject"]) for entry in statement) == ["monitor", "north",
                                                                        "south"]
        assert all(entry.get("statement") == first["id"] for entry in statement
                   if entry is not first)
    assert [entry["subject"] for entry in nobody if entry.get("statement") is None] == ["south"]
    assert len(by_summary["North came"]) == 1 and "statement" not in by_summary["North came"][0]
    before = small.read_bytes()
    assert "added 0 evidence entries; 2 rows skipped" in subprocess.run(
        [str(INSTALLED_LEDGER), "-f", str(small), "evidence", "import", str(sheet)],
        check=True, capture_output=True, text=True, env=environment).stderr
    assert small.read_bytes() == before


def test_an_entry_no_report_counts_after_its_agreement_ended_is_warned_of(run: Run,
                                                                          small: Path) -> None:
    """Never hidden silently: an entry that counts only from after its agreement ended is a
    warning of `check` at its date (failing --strict), and of `evidence add` as it is
    recorded; one counted by the end day is not, nor a note."""
    add_evidence(run, "withdraw", "monitor", "disputes", "2021-01")
    ok(run("agreement", "end", "accord", "--on", "2021-01-31", "--reason", "Superseded"))
    added = ok(run("evidence", "add", "-t", "withdraw", "-c", "monitor", "-s", "claims", "-d",
                   "2021-02", "-m", "Gone"))
    late = added.stdout.strip()
    said = (f"entry {late} counts from 2021-02-28, after its agreement accord ended "
            "(2021-01-31): no report counts it")
    assert f"warning: --date: {said}" in added.stderr
    add_evidence(run, "ceasefire", "monitor", "notes", "2021-03")
    result = ok(run("check"))
    warnings = [line for line in result.stderr.splitlines() if ": warning: " in line]
    assert len(warnings) == 1 and said in warnings[0], result.stderr
    assert run("check", "--strict").exit_code == 1
    ok(run("agreement", "amend", "accord", "--effective", "2021-03-01", "--no-ended",
           "--reason", "Revived"))
    assert ": warning: " not in ok(run("check")).stderr


@pytest.mark.slow
def test_every_deadline_word_in_json_and_csv_through_the_installed_script(small: Path) -> None:
    """One word for the deadline, the table's, in JSON (`deadline`) and CSV (a `deadline`
    column): null, due, met, late, overdue, past due with no evidence, waits on, ended; only
    `overdue` sets `"overdue": true`, and the counts keep overdue and past due apart."""
    environment = {"COMPLIANCE_LEDGER_NOW": "2024-03-01T12:00:00Z", "PATH": "/usr/bin:/bin"}

    def ledger(*args: str) -> str:
        return subprocess.run([str(INSTALLED_LEDGER), "-f", str(small), *args], check=True,
                              capture_output=True, text=True, env=environment).stdout

    def term(id: str, obligor: str, *more: str) -> None:
        ledger("term", "add", id, "--agreement", "accord", "--title", id, "--category", "c",
               "--obligor", obligor, *more)

    term("vote", "north", "--due", "2030")
    term("census", "south", "--due", "2022")
    term("review", "north", "--due", "2022-06-30", "--condition", "census")
    ledger("agreement", "add", "truce", "--title", "Truce", "--signed", "2020-01-01",
           "--signatory", "north")
    ledger("term", "add", "hold", "--agreement", "truce", "--title", "Hold", "--category", "c",
           "--obligor", "north", "--due", "2020-06-30")
    ledger("agreement", "end", "truce", "--on", "2021-01-31", "--reason", "Superseded")
    for term_id, subject, stance, day in (("withdraw", "north", "claims", "2021-03"),
                                          ("release", "north", "claims", "2020-05"),
                                          ("release", "south", "disputes", "2020-04")):
        ledger("evidence", "add", "-t", term_id, "--subject", subject, "-c", "monitor", "-s",
               stance, "-d", day, "-m", f"{stance} {term_id}")
    expected = {("north", "vote"): "due", ("south", "ceasefire"): None,
                ("north", "withdraw"): "met", ("north", "release"): "late",
                ("south", "release"): "overdue", ("south", "census"): "past due, no evidence",
                ("north", "review"): "waits on", ("north", "hold"): "ended"}
    report = json.loads(ledger("report", "--as-of", "2025-01-01", "--format", "json"))
    words = {(party["id"], item["term"]): (item["deadline"], item["overdue"])
             for party in report["parties"] for item in party["obligations"]}
    assert {key: words[key] for key in expected} == {
        key: (word, word == "overdue") for key, word in expected.items()}
    south = next(party["counts"] for party in report["parties"] if party["id"] == "south")
    assert (south["overdue"], south["past_due_no_evidence"]) == (1, 1)
    rows = list(csv.DictReader(io.StringIO(ledger("report", "--as-of", "2025-01-01", "--format",
                                                  "csv"))))
    assert {(row["party"], row["term"]): row["deadline"] for row in rows
            if (row["party"], row["term"]) in expected} == {
        key: word or "" for key, word in expected.items()}
    assert {row["overdue"] for row in rows if row["deadline"] != "overdue"} == {"no"}


@pytest.mark.slow
def test_stale_ended_and_not_yet_counted_through_the_installed_script(small: Path) -> None:
    """The installed script, as a user runs it: an entry not yet counted at a month's and a
    year's edges, a position gone stale at exactly N months, an agreement ended the day before,
    the day of and a year after, each clock given as a period."""
    environment = {"COMPLIANCE_LEDGER_NOW": "2022-01-05T12:00:00Z", "PATH": "/usr/bin:/bin"}

    def ledger(*args: str) -> str:
        return subprocess.run([str(INSTALLED_LEDGER), "-f", str(small), *args], check=True,
                              capture_output=True, text=True, env=environment).stdout

    def north(*options: str) -> dict[str, object]:
        report = json.loads(ledger("report", "--format", "json", "--party", "north", *options))
        return next(item for item in report["parties"][0]["obligations"]
                    if item["term"] == "withdraw")

    month = ledger("evidence", "add", "-t", "withdraw", "-c", "monitor", "-s", "disputes", "-d",
                   "2021-05", "-m", "Troops remain").strip()
    assert north("--as-of", "2021-05-30")["not_yet_counted"] == [month]
    assert north("--as-of", "2021-05")["status"] == "disputed", "2021-05 means its last day"
    assert north("--as-of", "2021-04")["not_yet_counted"] == []
    year = ledger("evidence", "add", "-t", "withdraw", "-c", "south", "-s", "claims", "-d",
                  "2021", "-m", "All gone this year").strip()
    assert north("--as-of", "2021-Q4")["status"] == "contested"
    assert north("--as-of", "2021-12-30")["not_yet_counted"] == [year]
    assert north("--as-of", "2022-05", "--stale-after", "12")["status"] == "contested"
    assert north("--as-of", "2022-06-01", "--stale-after", "12")["claimed_by"] == ["south"]
    assert north("--as-of", "2022h2", "--stale-after", "12")["claimed_by"] == ["south"]
    assert north("--as-of", "2023", "--stale-after", "12")["status"] == "stale"
    ledger("agreement", "end", "accord", "--on", "2021-06-30", "--reason", "Superseded")
    assert north("--as-of", "2021-06-29")["ended"] is None
    assert (north("--as-of", "2021h1")["ended"], north("--as-of", "2021-06-30")["deadline"]) == (
        "2021-06-30", "ended")
    after = north("--as-of", "2022-06-30")
    assert (after["status"], after["deadline"], after["overdue"]) == ("disputed", "ended", False)
    assert "ended 2021-06-30" in ledger("report", "--as-of", "2022-Q2", "--party", "north")


def test_an_ended_agreement_stands_as_on_its_end_day_staleness_and_pending_included(
        run: Run, small: Path) -> None:
    """As of the end day and after, each obligation is judged on the end day by the same rule
    as any day: positions stale by then stay stale, and entries dated in a period that had not
    ended by then are said (never counted), in `report` and `term show` alike."""
    add_evidence(run, "withdraw", "monitor", "disputes", "2020-03")
    add_evidence(run, "withdraw", "south", "claims", "2021-01")
    ok(run("agreement", "amend", "accord", "--effective", "2020-02-29", "--stale-after", "6",
           "--reason", "Six months"))
    before = obligation(run, "north", "withdraw", "--as-of", "2021-01-20")
    assert before["status"] == "stale" and len(before["not_yet_counted"]) == 1
    ok(run("agreement", "end", "accord", "--on", "2021-01-20", "--reason", "Superseded"))
    for day in ("2021-01-20", "2023-06-30"):
        item = obligation(run, "north", "withdraw", "--as-of", day)
        assert (item["status"], item["deadline"], item["ended"]) == ("stale", "ended",
                                                                     "2021-01-20"), day
        assert len(item["not_yet_counted"]) == 1, "the claim dated 2021-01 is said"
        shown = as_json(run("term", "show", "withdraw", "--as-of", day, "--format", "json"))
        assert shown["obligations"][0]["not_yet_counted"] == item["not_yet_counted"]
    table = " ".join(ok(run("report", "--as-of", "2023-06-30", "--party", "north")).stdout.split())
    assert ("+1 dated 2021-01, never counted: the agreement ended 2021-01-20, before "
            "2021-01-31") in table


def test_doubtful_ends_are_warned_of_and_a_huge_window_is_refused(run: Run, small: Path) -> None:
    """An end after the day it is recorded, a second end, an end before signing, and a
    correction that an amendment overrides each get a warning naming the option; a window over
    1200 months is a usage error, never a traceback."""
    now = {"COMPLIANCE_LEDGER_NOW": "2024-03-01T12:00:00Z"}
    future = ok(run("agreement", "end", "accord", "--on", "2030-01-01", "--reason", "x", env=now))
    assert "warning: --on: ended 2030-01-01, after the day it is recorded (2024-03-01)" in (
        future.stderr)
    early = ok(run("agreement", "end", "accord", "--on", "2020-01-31", "--reason", "y", env=now))
    assert "warning: --on: it was already recorded as ended on 2030-01-01" in early.stderr
    assert "warning: --on: ended 2020-01-31, before it was signed (2020-02-29)" in early.stderr
    undone = ok(run("agreement", "correct", "accord", "--no-ended", "--reason", "z", env=now))
    assert ("warning: --ended: an amendment from 2020-01-31" in undone.stderr
            and "amend it with --effective 2020-01-31" in undone.stderr)
    before = small.read_bytes()
    for words in (("agreement", "amend", "accord", "--effective", "2024-01-01",
                   "--stale-after", "99999999999999999999999", "--reason", "r"),
                  ("report", "--stale-after", "1201")):
        result = run(*words)
        assert result.exit_code == 2 and "--stale-after" in result.stderr, words
        assert "Traceback" not in result.stderr
    assert small.read_bytes() == before
