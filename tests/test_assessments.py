"""The team's own finding: assessments kept apart from evidence, read by a second reader, shown
beside the parties' word, and status over time."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import INSTALLED_LEDGER, Run, add_evidence, as_json, ok

ANA, BEN = {"COMPLIANCE_LEDGER_AUTHOR": "ana"}, {"COMPLIANCE_LEDGER_AUTHOR": "ben"}


def assess(run: Run, *args: str, by: dict[str, str] = ANA) -> str:
    """Record an assessment through the CLI as `by`; return the id it printed."""
    result = ok(run("assess", "-t", "withdraw", "-p", "north", *args, env=by))
    return result.stdout.strip()


def shown(run: Run, *options: str) -> Any:
    report = as_json(run("report", "--format", "json", "--party", "north", *options))
    return next(item["assessment"] for item in report["parties"][0]["obligations"]
                if item["term"] == "withdraw")


def test_an_assessment_needs_reasons_and_evidence_of_its_own_obligation(run: Run,
                                                                         small: Path) -> None:
    """The rationale is required; so is evidence, unless the finding is unverifiable; each
    entry cited must be of the term and party, not retracted, and counted by the period's end.
    Each refusal is one line naming the option (and the entry), and changes nothing."""
    dispute = add_evidence(run, "withdraw", "monitor", "disputes", "2021-05")
    other = add_evidence(run, "release", "monitor", "disputes", "2021-05", "--subject", "north")
    later = add_evidence(run, "withdraw", "monitor", "disputes", "2021-08")
    gone = add_evidence(run, "withdraw", "south", "disputes", "2021-04")
    ok(run("evidence", "retract", gone, "--reason", "Misread"))
    before = small.read_bytes()
    base = ("assess", "-t", "withdraw", "-p", "north", "--period", "2021-Q2")
    for args, message in (
            (("--finding", "violates", "--rationale", " ", "-e", dispute), "--rationale:"),
            (("--finding", "violates", "--rationale", "Stayed"), "--evidence: give at least"),
            (("--finding", "violates", "--rationale", "Stayed", "-e", other),
             f"--evidence: entry {other} is about 'north' on 'release'"),
            (("--finding", "violates", "--rationale", "Stayed", "-e", later),
             f"--evidence: entry {later} counts from 2021-08-31, after the period ends "
             "(2021-06-30)"),
            (("--finding", "violates", "--rationale", "Stayed", "-e", gone),
             f"--evidence: entry {gone} is retracted"),
            (("--finding", "violates", "--rationale", "Stayed", "-e", "ffff"),
             "--evidence: no evidence entry with id 'ffff'")):
        result = run(*base, *args)
        assert result.exit_code == 1, (args, result.stdout, result.stderr)
        assert result.stderr.startswith(f"ledger: error: {message}"), result.stderr
    future = run("assess", "-t", "withdraw", "-p", "south", "--period", "2099",
                 "--finding", "unverifiable", "--rationale", "x")
    assert future.exit_code == 1 and "--party:" in future.stderr
    not_over = run(*base[:5], "--period", "2099", "--finding", "unverifiable", "--rationale", "x")
    assert not_over.exit_code == 1 and "2099 has not ended" in not_over.stderr
    missing = run(*base, "--finding", "violates", "-e", dispute)
    assert missing.exit_code == 2 and "--rationale" in missing.stderr
    assert small.read_bytes() == before
    made = ok(run(*base, "--finding", "violates", "--level", "1", "--rationale", "Stayed",
                  "-e", dispute[:6]))
    assert len(made.stdout.split()) == 1 and len(made.stdout.strip()) == 12, "only the id"
    assert assess(run, "--period", "2021-H1", "--finding", "unverifiable", "--rationale",
                  "No access to the zone")


def test_a_second_reader_and_what_reports_show(run: Run, small: Path) -> None:
    """A draft is hidden until someone other than its assessor approves it (`--drafts` shows
    it); the latest approved finding whose period is over stands beside the parties' word."""
    dispute = add_evidence(run, "withdraw", "monitor", "disputes", "2021-05")
    first = assess(run, "--period", "2021-Q2", "--finding", "violates", "--level", "1",
                   "--rationale", "Two companies stayed", "-e", dispute)
    assert shown(run) is None, "a draft is not shown"
    draft = shown(run, "--drafts")
    assert (draft["id"], draft["by"], draft["reviewed_by"]) == (first, "ana", None)
    mine = run("assessment", "review", first, "--approve", "--reason", "Fine", env=ANA)
    assert mine.exit_code == 1 and "a second reader must review it" in mine.stderr
    ok(run("assessment", "review", first, "--approve", "--reason", "Checked", env=BEN))
    approved = shown(run)
    assert approved == {"id": first, "period": "2021-Q2", "finding": "violates", "level": 1,
                        "rationale": "Two companies stayed", "evidence": [dispute],
                        "by": "ana", "reviewed_by": "ben"}
    assert shown(run, "--as-of", "2021-06-29") is None, "its period is not over yet"
    assert shown(run, "--as-of", "2021-06-30")["id"] == first
    table = ok(run("report", "--party", "north")).stdout
    assert "violates, level 1 minimal (2021-Q2)" in " ".join(table.split())
    rejected = assess(run, "--period", "2021-Q3", "--finding", "complies", "--rationale",
                      "All gone", "-e", dispute)
    ok(run("assessment", "review", rejected, "--reject", "--reason", "The entry says the "
           "opposite", env=BEN))
    assert shown(run)["id"] == first, "a rejected finding is never shown"
    assert shown(run, "--drafts")["id"] == first
    listed = as_json(run("assessment", "list", "--format", "json"))
    assert [(item["id"], item["state"]) for item in listed] == [(first, "approved"),
                                                               (rejected, "rejected")]
    assert as_json(run("assessment", "list", "--pending", "--format", "json")) == []


def test_withdrawn_and_corrected(run: Run, small: Path) -> None:
    dispute = add_evidence(run, "withdraw", "monitor", "disputes", "2021-05")
    first = assess(run, "--period", "2021-Q2", "--finding", "violates", "--level", "1",
                   "--rationale", "Two companies stayed", "-e", dispute)
    ok(run("assessment", "review", first, "--approve", "--reason", "Checked", env=BEN))
    corrected = ok(run("assessment", "correct", first, "--level", "2", "--reason",
                       "Level misread", env=ANA)).stdout.strip()
    assert shown(run) is None, "the old one is withdrawn, the new one a draft"
    ok(run("assessment", "review", corrected, "--approve", "--reason", "Now right", env=BEN))
    now = shown(run)
    assert (now["id"], now["level"], now["finding"]) == (corrected, 2, "violates")
    record = as_json(run("assessment", "show", first, "--format", "json"))
    assert record["state"] == "withdrawn" and record["corrected_by"] == [corrected]
    assert [review["action"] for review in record["reviews"]] == ["approved", "withdrawn"]
    ok(run("assessment", "withdraw", corrected[:6], "--reason", "Superseded by the report"))
    assert shown(run) is None and shown(run, "--drafts") is None
    again = run("assessment", "review", corrected, "--approve", "--reason", "x", env=BEN)
    assert again.exit_code == 1 and "was withdrawn" in again.stderr
    log = as_json(run("log", "--format", "json"))
    kinds = [(line["kind"], line["by"]) for line in log if line["what"] == "assessment"]
    assert kinds[:2] == [("assessed", "ana"), ("approved", "ben")]
    assert set(kinds[2:4]) == {("withdrawn", "ana"), ("corrected", "ana")}, "one moment"
    assert kinds[4:] == [("approved", "ben"), ("withdrawn", "analyst")]


def test_check_and_changes_see_findings(run: Run, small: Path) -> None:
    dispute = add_evidence(run, "withdraw", "monitor", "disputes", "2021-05")
    first = assess(run, "--period", "2021-Q2", "--finding", "violates", "--rationale",
                   "Stayed", "-e", dispute)
    ok(run("assessment", "review", first, "--approve", "--reason", "Checked", env=BEN))
    window = as_json(run("changes", "--period", "2021-Q2", "--format", "json"))
    north = next(party for party in window["parties"] if party["id"] == "north")
    assert [(change["term"], change["before"]["assessment"], change["after"]["assessment"]["id"])
            for change in north["changes"]] == [("withdraw", None, first)]
    assert "ok:" in ok(run("check")).stdout
    ok(run("evidence", "retract", dispute, "--reason", "Misread the report"))
    checked = ok(run("check"))
    assert f"warning: cites entry {dispute}, retracted at" in checked.stderr
    assert run("check", "--strict").exit_code == 1
    small.write_text(small.read_text(encoding="utf-8").replace('"Stayed"', '"Left"'),
                     encoding="utf-8")
    edited = run("check")
    assert edited.exit_code == 1 and f"assessment {first} was changed" in edited.stderr


def test_two_analysts_assessments_and_reviews_merge_by_record(run: Run, small: Path,
                                                              tmp_path: Path) -> None:
    dispute = add_evidence(run, "withdraw", "monitor", "disputes", "2021-05")
    first = assess(run, "--period", "2021-Q2", "--finding", "violates", "--rationale",
                   "Stayed", "-e", dispute)
    base, theirs = tmp_path / "base.json", tmp_path / "theirs.json"
    shutil.copy(small, base)
    shutil.copy(small, theirs)
    ok(run("assessment", "review", first, "--approve", "--reason", "Checked", env=BEN))
    second = ok(run("assess", "-t", "release", "-p", "south", "--period", "2021",
                    "--finding", "unverifiable", "--rationale", "No access", file=theirs,
                    env={"COMPLIANCE_LEDGER_AUTHOR": "cy"})).stdout.strip()
    ok(run("merge", str(base), str(small), str(theirs)))
    merged = as_json(run("assessment", "list", "--format", "json"))
    assert {(item["id"], item["state"], item["by"] if "by" in item else item["recorded_by"])
            for item in merged} == {(first, "approved", "ana"), (second, "draft", "cy")}
    assert "ok:" in ok(run("check")).stdout


def test_a_ledger_without_assessments_is_written_as_before(run: Run, small: Path) -> None:
    """No `assessments` or `reviews` member in a file that has none: the same bytes as before
    they existed, which an older copy of the program still reads."""
    text = small.read_text(encoding="utf-8")
    assert '"assessments"' not in text and '"reviews"' not in text
    dispute = add_evidence(run, "withdraw", "monitor", "disputes", "2021-05")
    assess(run, "--period", "2021-Q2", "--finding", "violates", "--rationale", "x", "-e",
           dispute)
    members = list(json.loads(small.read_text(encoding="utf-8")))
    assert members[-2:] == ["changes", "assessments"], "reviews only once there is one"


def test_status_over_time_by_quarter(run: Run, small: Path) -> None:
    """`report --by quarter`: one column per quarter, each as `report --as-of` its last day."""
    dispute = add_evidence(run, "withdraw", "monitor", "disputes", "2021-05")
    add_evidence(run, "withdraw", "north", "claims", "2021-08")
    first = assess(run, "--period", "2021-Q2", "--finding", "violates", "--rationale",
                   "Stayed", "-e", dispute)
    ok(run("assessment", "review", first, "--approve", "--reason", "Checked", env=BEN))
    grid = as_json(run("report", "--by", "quarter", "--since", "2021", "--until", "2021-12",
                       "--format", "json"))
    assert grid["periods"] == ["2021-Q1", "2021-Q2", "2021-Q3", "2021-Q4"]
    withdraw = next(item for party in grid["parties"] if party["id"] == "north"
                    for item in party["obligations"] if item["term"] == "withdraw")
    assert withdraw["statuses"] == {"2021-Q1": "no-evidence", "2021-Q2": "disputed",
                                    "2021-Q3": "contested", "2021-Q4": "contested"}
    assert withdraw["findings"] == {"2021-Q1": None, "2021-Q2": "violates",
                                    "2021-Q3": "violates", "2021-Q4": "violates"}
    rows = ok(run("report", "--by", "quarter", "--since", "2021", "--until", "2021-12",
                  "--format", "csv")).stdout.splitlines()
    assert rows[0] == ("party,term,title,period,status,deadline,finding,finding_level,"
                       "finding_id,finding_reviewed_by")
    assert (f"north,withdraw,Withdraw troops,2021-Q2,disputed,overdue,violates,,{first},ben"
            in rows)
    table = ok(run("report", "--by", "year", "--since", "2020", "--until", "2021")).stdout
    assert "contested / violates" in table and "2020" in table
    for words, message in ((("--by", "year"), "--since: give --since"),
                           (("--since", "2021"), "--since: --since and --until go with --by"),
                           (("--by", "year", "--since", "2021", "--as-of", "2021"), "--as-of:"),
                           (("--by", "month", "--since", "1900"), "more than 240 periods")):
        result = run("report", *words)
        assert result.exit_code == 1 and message in result.stderr, (words, result.stderr)


@pytest.mark.slow
def test_the_workflow_through_the_installed_script(small: Path) -> None:
    environment = {"COMPLIANCE_LEDGER_NOW": "2024-03-01T12:00:00Z", "PATH": "/usr/bin:/bin"}

    def ledger(*args: str, by: str = "ana") -> str:
        return subprocess.run([str(INSTALLED_LEDGER), "-f", str(small), *args], check=True,
                              capture_output=True, text=True,
                              env={**environment, "COMPLIANCE_LEDGER_AUTHOR": by}).stdout

    entry = ledger("evidence", "add", "-t", "withdraw", "-c", "monitor", "-s", "disputes",
                   "-d", "2021-05", "-m", "Troops remain").strip()
    made = ledger("assess", "-t", "withdraw", "-p", "north", "--period", "2021q2", "--finding",
                  "partly", "--level", "2", "--rationale", "Half the units left", "-e",
                  entry).strip()
    before = json.loads(ledger("report", "--format", "json", "--party", "north"))
    assert before["parties"][0]["obligations"][-1]["assessment"] is None, "a draft is hidden"
    drafts = json.loads(ledger("report", "--format", "json", "--party", "north", "--drafts"))
    assert drafts["parties"][0]["obligations"][-1]["assessment"]["id"] == made
    self_review = subprocess.run(
        [str(INSTALLED_LEDGER), "-f", str(small), "assessment", "review", made, "--approve",
         "--reason", "Mine", "--by", "Ana"], capture_output=True, text=True,
        env={**environment, "COMPLIANCE_LEDGER_AUTHOR": "ana"})
    assert self_review.returncode == 1 and "second reader" in self_review.stderr
    ledger("assessment", "review", made, "--approve", "--reason", "Checked", by="ben")
    report = json.loads(ledger("report", "--format", "json", "--party", "north"))
    withdraw = next(item for item in report["parties"][0]["obligations"]
                    if item["term"] == "withdraw")
    assert withdraw["assessment"]["period"] == "2021-Q2"
    assert withdraw["assessment"]["reviewed_by"] == "ben"
    shown = ledger("assessment", "show", made[:5])
    assert "partly, level 2 intermediate" in shown and "approved" in shown


def test_what_a_careful_team_is_told(run: Run, small: Path) -> None:
    """From a new team's pass: a finding that cites a retracted entry cannot be approved, and the
    retraction says which findings cite it; two standing findings on one obligation and period,
    and a level the finding contradicts, are warned of; a correction that changes nothing is
    refused; the same person under another case cannot review their own; log takes an
    assessment's id; term show has the Finding column; CSV marks a draft."""
    dispute = add_evidence(run, "withdraw", "monitor", "disputes", "2021-05")
    other = add_evidence(run, "withdraw", "south", "disputes", "2021-05")
    first = assess(run, "--period", "2021-Q2", "--finding", "violates", "--level", "3",
                   "--rationale", "Stayed", "-e", dispute, "-e", other)
    second = ok(run("assess", "-t", "withdraw", "-p", "north", "--period", "2021q2",
                    "--finding", "partly", "--rationale", "Some left", "-e", dispute, env=ANA))
    assert "warning: --period: assessment " + first in second.stderr
    late = ok(run("assess", "-t", "withdraw", "-p", "north", "--period", "2021-Q3",
                  "--finding", "unverifiable", "--level", "2", "--rationale", "No access",
                  env=ANA))
    assert "warning: --level: level 2 with the finding unverifiable" in late.stderr
    same = run("assessment", "review", first, "--approve", "--reason", "x",
               env={"COMPLIANCE_LEDGER_AUTHOR": " ANA "})
    assert same.exit_code == 1 and "second reader" in same.stderr
    retracted = ok(run("evidence", "retract", other, "--reason", "Misread"))
    assert f"assessment {first} cites this entry" in retracted.stderr
    before = small.read_bytes()
    refused = run("assessment", "review", first, "--approve", "--reason", "x", env=BEN)
    assert refused.exit_code == 1 and f"cites entry {other}, retracted since" in refused.stderr
    nothing = run("assessment", "correct", first, "--level", "3", "--reason", "x")
    assert nothing.exit_code == 1 and "nothing to correct" in nothing.stderr
    assert small.read_bytes() == before
    logged = as_json(run("log", "--record", first[:6], "--format", "json"))
    assert [line["kind"] for line in logged] == ["assessed"]
    second_id = second.stdout.strip()
    ok(run("assessment", "review", second_id, "--approve", "--reason", "ok", env=BEN))
    shown = ok(run("term", "show", "withdraw")).stdout
    assert "Finding" in shown and "partly (2021-Q2)" in " ".join(shown.split())
    ok(run("assessment", "review", second_id, "--reject", "--reason", "Second look", env=BEN))
    rows = ok(run("report", "--drafts", "--format", "csv", "--party", "north")).stdout
    assert rows.splitlines()[0].endswith(",finding_reviewed_by")
    withdraw = next(line for line in rows.splitlines() if line.startswith("north,withdraw,"))
    assert withdraw.endswith(f",unverifiable,2,2021-Q3,{late.stdout.strip()},"), \
        "a draft: no one reviewed it"


def test_the_grid_never_forecasts(run: Run, small: Path) -> None:
    """The period not yet over is judged as of today, as `report` is; one that begins after
    today is refused."""
    now = {"COMPLIANCE_LEDGER_NOW": "2024-05-15T12:00:00Z"}
    add_evidence(run, "release", "monitor", "disputes", "2024-04", "--subject", "south")
    grid = as_json(run("report", "--by", "quarter", "--since", "2024", "--format", "json",
                       env=now))
    assert grid["periods"] == ["2024-Q1", "2024-Q2"]
    today = as_json(run("report", "--format", "json", env=now))
    release = {(party["id"], item["term"]): item["status"] for party in today["parties"]
               for item in party["obligations"]}
    cells = {(party["id"], item["term"]): item["statuses"]["2024-Q2"]
             for party in grid["parties"] for item in party["obligations"]}
    assert cells == release
    assert "2024-Q2 as of 2024-05-15, not yet over" in " ".join(ok(run(
        "report", "--by", "quarter", "--since", "2024", env=now)).stdout.split())
    ahead = run("report", "--by", "quarter", "--since", "2024", "--until", "2025", env=now)
    assert ahead.exit_code == 1 and "--until: 2024-Q3 begins after today" in ahead.stderr
