"""Honest statuses: terms that wait on conditions, late compliance, entries that only note
context, and overdue worded apart from "past due, no evidence" in every format."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from conftest import Run, add_evidence, as_json, ok


def standing(run: Run, party: str, term: str, *options: str) -> dict[str, Any]:
    report = as_json(run("report", "--format", "json", *options))
    return next(item for known in report["parties"] if known["id"] == party
                for item in known["obligations"] if item["term"] == term)


def add_review(run: Run, *extra: str) -> None:
    """A sanctions review by north, due 2020-06-30, that waits on the release of prisoners
    (a term of north and south)."""
    ok(run("term", "add", "review", "--title", "Review sanctions", "--category", "sanctions",
           "--obligor", "north", "--due", "2020-06-30", "--condition", "release", *extra))


def test_an_unmet_condition_keeps_an_obligation_from_being_overdue(run: Run, small: Path
                                                                   ) -> None:
    add_review(run)
    review = standing(run, "north", "review")
    assert (review["status"], review["overdue"], review["waiting_on"]) == (
        "no-evidence", False, ["release"])
    add_evidence(run, "release", "monitor", "claims", "2020-04", "--subject", "north")
    assert standing(run, "north", "review")["waiting_on"] == ["release"], \
        "a condition is met only when it is claimed for every one of its obligors"
    add_evidence(run, "release", "monitor", "disputes", "2020-04", "--subject", "south")
    assert standing(run, "north", "review")["waiting_on"] == ["release"]
    add_evidence(run, "release", "south", "claims", "2020-05", "--subject", "south")
    assert standing(run, "north", "review")["waiting_on"] == ["release"], "contested is not met"
    add_evidence(run, "release", "monitor", "claims", "2020-05", "--subject", "south")
    review = standing(run, "north", "review")
    assert (review["waiting_on"], review["deadline"]) == ([], "past due, no evidence"), \
        "met: the due day counts"


def test_a_condition_met_after_the_due_day(run: Run, small: Path) -> None:
    add_review(run)
    for subject in ("north", "south"):
        add_evidence(run, "release", "monitor", "claims", "2020-09-15", "--subject", subject)
    before = standing(run, "north", "review", "--as-of", "2020-08-01")
    assert (before["waiting_on"], before["overdue"]) == (["release"], False), \
        "past its due day, but still waiting: not overdue"
    after = standing(run, "north", "review", "--as-of", "2020-10-01")
    assert (after["waiting_on"], after["deadline"]) == ([], "past due, no evidence")
    changes = as_json(run("changes", "--since", "2020-08-01", "--until", "2020-10-01",
                          "--format", "json"))
    north = next(party for party in changes["parties"] if party["id"] == "north")
    moved = next(change for change in north["changes"] if change["term"] == "review")
    assert (moved["before"]["waiting_on"], moved["after"]["waiting_on"]) == (["release"], [])
    assert (moved["before"]["deadline"], moved["after"]["deadline"]) == (
        "waits on", "past due, no evidence")
    csv = ok(run("changes", "--since", "2020-08-01", "--until", "2020-10-01", "--format",
                 "csv")).stdout
    assert ",2020-06-30,2020-06-30,release,,no,no," in csv, "the CSV says what it waited on"


def test_conditions_are_refused_when_unknown_or_circular(run: Run, small: Path) -> None:
    before = small.read_bytes()
    unknown = run("term", "add", "review", "--title", "Review", "--category", "sanctions",
                  "--obligor", "north", "--condition", "relase")
    assert unknown.exit_code == 1 and "--condition: no term 'relase'" in unknown.stderr
    itself = run("term", "add", "review", "--title", "Review", "--category", "sanctions",
                 "--obligor", "north", "--condition", "review")
    assert itself.exit_code == 1 and "cannot wait on itself" in itself.stderr
    assert small.read_bytes() == before
    ok(run("term", "amend", "withdraw", "--effective", "2020-06-01", "--condition", "release",
           "--reason", "Tied to the release"))
    saved = small.read_bytes()
    cycle = run("term", "correct", "release", "--condition", "ceasefire",
                "--reason", "Tied to the ceasefire")
    assert cycle.exit_code == 0, "no cycle: ceasefire waits on nothing"
    saved = small.read_bytes()
    for command in (("term", "amend", "ceasefire", "--effective", "2021-01-01"),
                    ("term", "correct", "ceasefire")):
        refused = run(*command, "--condition", "withdraw", "--reason", "Circular")
        assert refused.exit_code == 1
        assert ("--condition: the conditions would form a cycle: ceasefire waits on withdraw "
                "waits on release waits on ceasefire") in refused.stderr
    assert small.read_bytes() == saved
    both = run("term", "correct", "release", "--condition", "withdraw", "--no-condition",
               "--reason", "Both")
    assert both.exit_code == 1 and "give --condition or --no-condition, not both" in both.stderr


def test_check_refuses_a_cycle_written_into_the_file(run: Run, small: Path) -> None:
    ok(run("term", "add", "review", "--title", "Review", "--category", "sanctions",
           "--obligor", "north", "--condition", "release"))
    data = json.loads(small.read_text())
    release = next(term for term in data["terms"] if term["id"] == "release")
    release["conditions"] = ["review"]
    small.write_text(json.dumps(data, indent=2))
    result = run("check")
    assert result.exit_code == 1
    lines = small.read_text().splitlines()
    start = next(number for number, text in enumerate(lines, 1) if '"id": "release"' in text)
    line = next(number for number, text in enumerate(lines, 1)
                if number > start and '"conditions"' in text)
    assert re.search(rf"ledger.json:{line}:\d+: conditions form a cycle: (release waits on "
                     r"review waits on release|review waits on release waits on review)",
                     result.stderr), result.stderr
    report = ok(run("report"))
    assert "warning: conditions form a cycle: " in report.stderr, "every reading command says so"
    release["conditions"] = ["nowhere"]
    small.write_text(json.dumps(data, indent=2))
    unknown = run("report")
    assert unknown.exit_code == 1 and "waits on unknown term 'nowhere'" in unknown.stderr


def test_a_condition_amended_in_and_cleared(run: Run, small: Path) -> None:
    ok(run("term", "amend", "withdraw", "--effective", "2021-01-01", "--condition", "ceasefire",
           "--reason", "Linked at the talks"))
    assert standing(run, "north", "withdraw", "--as-of", "2020-12-31")["waiting_on"] == []
    assert standing(run, "north", "withdraw", "--as-of", "2022-01-01")["waiting_on"] == [
        "ceasefire"]
    ok(run("term", "amend", "withdraw", "--effective", "2023-01-01", "--no-condition",
           "--reason", "Unlinked"))
    later = standing(run, "north", "withdraw", "--as-of", "2023-06-01")
    assert (later["waiting_on"], later["deadline"]) == ([], "past due, no evidence")
    shown = as_json(run("term", "show", "withdraw", "--as-of", "2022-01-01", "--format", "json"))
    assert shown["term"]["conditions"] == ["ceasefire"]
    assert shown["obligations"][0]["waiting_on"] == ["ceasefire"]


def test_late_is_claimed_only_by_entries_dated_after_the_due_day(run: Run, small: Path) -> None:
    add_evidence(run, "withdraw", "monitor", "claims", "2021-06")
    late = standing(run, "north", "withdraw")
    assert (late["status"], late["overdue"], late["late"]) == ("claimed", False, True)
    table = ok(run("report", "--party", "north")).stdout
    row = next(line for line in table.splitlines() if line.startswith("withdraw"))
    assert re.search(r"claimed +2021-04-29 +late +2021-06", row), row
    add_evidence(run, "withdraw", "north", "claims", "2021-04", "--subject", "north")
    assert standing(run, "north", "withdraw")["late"] is False, \
        "a claim dated in the due day's month may be on time"
    add_evidence(run, "release", "monitor", "claims", "2020-03-10", "--subject", "south")
    assert standing(run, "south", "release")["late"] is False, "on the due day is on time"


def test_a_note_never_counts_in_a_status(run: Run, small: Path) -> None:
    noted = add_evidence(run, "ceasefire", "monitor", "notes", "2020-05", "--quote",
                         "We will see.")
    ceasefire = standing(run, "south", "ceasefire")
    assert (ceasefire["status"], ceasefire["evidence"], ceasefire["latest"]) == (
        "no-evidence", [], None)
    disputed = add_evidence(run, "release", "monitor", "disputes", "2020-04", "--subject",
                            "south")
    add_evidence(run, "release", "monitor", "notes", "2020-06", "--subject", "south")
    release = standing(run, "south", "release")
    assert (release["status"], release["disputed_by"], release["evidence"]) == (
        "disputed", ["monitor"], [disputed]), "a later note does not hide the dispute"
    listed = as_json(run("evidence", "list", "--stance", "notes", "--format", "json"))
    assert [entry["stance"] for entry in listed] == ["notes", "notes"]
    csv = ok(run("evidence", "list", "--term", "ceasefire", "--format", "csv")).stdout
    assert f"{noted},2020-05,ceasefire,south,monitor,notes," in csv
    timeline = as_json(run("term", "show", "ceasefire", "--format", "json"))["evidence"]
    assert [entry["id"] for entry in timeline] == [noted]
    changes = as_json(run("changes", "--since", "2020-01-01", "--until", "2020-12-31",
                          "--format", "json"))
    south = next(party for party in changes["parties"] if party["id"] == "south")
    assert any(noted in change["new_evidence"] for change in south["changes"]), \
        "a note appears in `changes`"
    log = ok(run("log")).stdout
    assert "monitor notes context on whether south complies with ceasefire" in log


def test_overdue_is_worded_apart_from_no_evidence_in_every_format(run: Run, small: Path
                                                                  ) -> None:
    add_evidence(run, "release", "monitor", "disputes", "2020-04", "--subject", "south")
    add_review(run)
    options = ("--as-of", "2024-01-01")
    table = ok(run("report", *options)).stdout
    rows = {line.split()[0]: line for line in table.splitlines()
            if line and line.split()[0] in {"release", "withdraw", "review"}}
    north_release, south_release = [line for line in table.splitlines()
                                    if line.startswith("release")]
    assert "past due, no evidence" in north_release and "OVERDUE" not in north_release
    assert "OVERDUE" in south_release and "past due" not in south_release
    assert "waits on release" in rows["review"]
    assert "OVERDUE = the due day passed before 2024-01-01, no condition is unmet" in table
    markdown = ok(run("report", *options, "--format", "markdown")).stdout
    assert re.search(r"\| release \| .* \| 2020-03-10 \| past due, no evidence \|", markdown)
    assert re.search(r"\| release \| .* \| disputed \| .* \| 2020-03-10 \| OVERDUE \|", markdown)
    assert re.search(r"\| review \| .* \| waits on release \|", markdown)
    html = ok(run("report", *options, "--format", "html")).stdout
    assert '<span class="flag past_due">past due, no evidence</span>' in html
    assert '<span class="flag overdue">OVERDUE</span>' in html
    assert '<span class="flag waiting">waits on release</span>' in html
    csv = ok(run("report", *options, "--format", "csv")).stdout.splitlines()
    assert "north,review,Review sanctions,sanctions,no-evidence,,,,,,2020-06-30,no,waits on," \
        "release,no,,,,,,,," in csv
    data = standing(run, "south", "release", *options)
    assert (data["status"], data["overdue"], data["waiting_on"]) == ("disputed", True, [])


def test_only_conditions_in_force_on_some_day_form_a_cycle(run: Run, small: Path) -> None:
    """A condition corrected away, or an amendment overridden by a later one for the same day,
    is in force on no day: it blocks nothing."""
    add_review(run)
    ok(run("term", "correct", "review", "--no-condition", "--reason", "Typed on the wrong term"))
    ok(run("term", "correct", "release", "--condition", "review", "--reason", "Waits on review"))
    ok(run("term", "amend", "withdraw", "--effective", "2021-01-01", "--condition", "ceasefire",
           "--reason", "Mistyped"))
    ok(run("term", "amend", "withdraw", "--effective", "2021-01-01", "--no-condition",
           "--reason", "The same day, fixed"))
    ok(run("term", "amend", "ceasefire", "--effective", "2021-01-01", "--condition", "withdraw",
           "--reason", "The other way round"))
    assert "ok:" in ok(run("check")).stdout


def test_a_cycle_merged_in_can_be_undone_and_blocks_nothing_else(run: Run, small: Path,
                                                                 tmp_path: Path) -> None:
    base, theirs = tmp_path / "base.json", tmp_path / "theirs.json"
    base.write_bytes(small.read_bytes())
    theirs.write_bytes(small.read_bytes())
    ok(run("term", "amend", "withdraw", "--effective", "2021-01-01", "--condition", "ceasefire",
           "--reason", "Ours"))
    ok(run("term", "amend", "ceasefire", "--effective", "2021-01-01", "--condition", "withdraw",
           "--reason", "Theirs", file=theirs))
    merged = run("merge", str(base), str(small), str(theirs))
    assert merged.exit_code == 0, merged.stderr
    assert "conditions form a cycle: " in merged.stderr, "the merge warns"
    failed = run("check")
    assert failed.exit_code == 1 and "conditions form a cycle" in failed.stderr
    changes_line = [number for number, text in enumerate(small.read_text().splitlines(), 1)
                    if '"conditions"' in text][-1]
    assert f"ledger.json:{changes_line}:" in failed.stderr, \
        "placed at the change recorded last of those that make it"
    ok(run("term", "correct", "release", "--title", "Release all prisoners", "--reason",
           "Unrelated"))
    ok(run("term", "amend", "ceasefire", "--effective", "2021-01-01", "--no-condition",
           "--reason", "Undo the cycle"))
    assert "ok:" in ok(run("check")).stdout


def test_a_claimed_obligation_is_done_whatever_it_waited_on(run: Run, small: Path) -> None:
    add_review(run)
    add_evidence(run, "review", "monitor", "claims", "2020-09")
    review = standing(run, "north", "review")
    assert (review["status"], review["waiting_on"], review["late"]) == (
        "claimed", ["release"], True), "the data keeps both facts"
    table = ok(run("report", "--party", "north")).stdout
    row = next(line for line in table.splitlines() if line.startswith("review"))
    assert " late " in f"{row} " and "waits on" not in row
    assert "waiting on a condition" not in table, "the caption counts it as claimed only"
