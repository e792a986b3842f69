"""Change over time: amendments and corrections of every record, evidence corrections, the log,
and the two clocks (`--as-of`, `--known-at`) through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Run, add_evidence, as_json, ok

LATER = {"COMPLIANCE_LEDGER_NOW": "2099-03-01T09:00:00Z"}
"""A recording day after the small ledger's (built today), for the --known-at tests."""


def obligation(run: Run, party: str, term: str, *options: str) -> dict[str, object]:
    report = as_json(run("report", "--format", "json", *options))
    return next(item for entry in report["parties"] if entry["id"] == party
                for item in entry["obligations"] if item["term"] == term)


def party_name(run: Run, party: str, *options: str) -> str:
    report = as_json(run("report", "--format", "json", *options))
    return next(str(entry["name"]) for entry in report["parties"] if entry["id"] == party)


def test_an_amendment_applies_from_its_effective_day(run: Run, small: Path) -> None:
    change = ok(run("term", "amend", "withdraw", "--effective", "2021-04-01", "--due",
                    "2021-12-31", "--reason", "Extended at the talks")).stdout.strip()
    assert len(change) == 12
    before = obligation(run, "north", "withdraw", "--as-of", "2021-03-31")
    after = obligation(run, "north", "withdraw", "--as-of", "2021-05-01")
    assert (before["due"], after["due"]) == ("2021-04-29", "2021-12-31")
    assert not before["overdue"] and not after["overdue"]
    assert obligation(run, "north", "withdraw", "--as-of", "2022-01-01")["deadline"] == (
        "past due, no evidence")
    ok(run("party", "amend", "north", "--effective", "2021-01-01", "--name", "North Republic",
           "--reason", "Renamed by its constitution"))
    assert party_name(run, "north", "--as-of", "2020-12-31") == "Northland"
    assert party_name(run, "north", "--as-of", "2021-01-01") == "North Republic"
    ok(run("term", "amend", "withdraw", "--effective", "2022-01-01", "--no-due",
           "--reason", "Deadline dropped"))
    assert obligation(run, "north", "withdraw", "--as-of", "2022-06-01")["due"] is None


def test_a_correction_applies_to_every_day_under_the_amendments(run: Run, small: Path) -> None:
    ok(run("party", "amend", "north", "--effective", "2021-01-01", "--name", "North Republic",
           "--reason", "Renamed"))
    ok(run("party", "correct", "north", "--name", "Northlund", "--reason", "Misspelt"))
    assert party_name(run, "north", "--as-of", "2019-01-01") == "Northlund"
    assert party_name(run, "north", "--as-of", "2022-01-01") == "North Republic"
    ok(run("term", "correct", "release", "--due", "2020-04-10", "--reason", "Typed wrong"))
    for day in ("2019-01-01", "2030-01-01"):
        assert obligation(run, "south", "release", "--as-of", day)["due"] == "2020-04-10"
    ok(run("agreement", "correct", "accord", "--title", "The Geneva Accord",
           "--reason", "Official title"))
    listed = as_json(run("agreement", "list", "--format", "json", "--as-of", "2000-01-01"))
    assert listed[0]["title"] == "The Geneva Accord"


def test_term_show_gives_the_version_in_force_and_its_history(run: Run, small: Path) -> None:
    ok(run("term", "amend", "withdraw", "--effective", "2021-04-01", "--due", "2021-12-31",
           "--title", "Withdraw all troops", "--reason", "Extended"))
    ok(run("term", "correct", "withdraw", "--article", "Part One, A", "--reason", "Exact"))
    early = as_json(run("term", "show", "withdraw", "--format", "json", "--as-of", "2021-01-01"))
    late = as_json(run("term", "show", "withdraw", "--format", "json", "--as-of", "2021-06-01"))
    assert (early["term"]["due"], early["term"]["title"]) == ("2021-04-29", "Withdraw troops")
    assert (late["term"]["due"], late["term"]["title"]) == ("2021-12-31", "Withdraw all troops")
    assert early["term"]["article"] == late["term"]["article"] == "Part One, A"
    steps = [(step["kind"], step["effective"], step["reason"]) for step in late["history"]]
    assert steps == [("added", None, None), ("amendment", "2021-04-01", "Extended"),
                     ("correction", None, "Exact")]
    table = ok(run("term", "show", "withdraw", env={"COLUMNS": "120"})).stdout
    assert "History" in table and "correction  every day" in table and "Extended" in table
    said = " ".join(table.split())
    assert "due 2021-04-29 -> 2021-12-31" in said, "what each change replaced"
    assert "title Withdraw troops -> Withdraw all troops" in said
    assert "article Part One -> Part One, A" in said


def test_a_change_that_strands_an_entry_is_refused_naming_it(run: Run, small: Path) -> None:
    entry = add_evidence(run, "release", "monitor", "disputes", "2020-06", "--subject", "south")
    before = small.read_bytes()
    result = run("term", "correct", "release", "--obligor", "north", "--reason", "One only")
    assert result.exit_code == 1
    assert f"{entry} (south, 2020-06)" in result.stderr and "release" in result.stderr
    assert small.read_bytes() == before
    ok(run("term", "amend", "release", "--effective", "2020-07-01", "--obligor", "north",
           "--reason", "South released from it"))
    refused = run("evidence", "add", "--term", "release", "--subject", "south", "--claimant",
                  "monitor", "--stance", "claims", "--date", "2020-08", "--summary", "s")
    assert refused.exit_code == 1 and "not an obligor" in refused.stderr
    add_evidence(run, "release", "monitor", "claims", "2020-05", "--subject", "south")


@pytest.mark.parametrize(("words", "message"), [
    (("term", "amend", "nope", "--effective", "2020-01-01", "--due", "2020-01-02", "--reason",
      "r"), "ID: no term 'nope'"),
    (("term", "amend", "withdraw", "--effective", "2020-02-30", "--due", "2020-01-02",
      "--reason", "r"), "--effective: not a date: '2020-02-30' (2020-02 has 29 days)"),
    (("term", "correct", "withdraw", "--reason", "r"), "at least one field"),
    (("term", "correct", "withdraw", "--due", "2021-01-01", "--no-due", "--reason", "r"),
     "not both"),
    (("term", "correct", "withdraw", "--obligor", "nobody", "--reason", "r"),
     "--obligor: no party 'nobody'"),
    (("party", "correct", "south", "--name", "northland", "--reason", "r"),
     "a name of party 'north'; choose one that tells them apart"),
    (("party", "correct", "south", "--name", "S", "--reason", "  "), "--reason: must not be"),
])
def test_bad_changes_name_the_option_and_change_nothing(run: Run, small: Path,
                                                        words: tuple[str, ...],
                                                        message: str) -> None:
    before = small.read_bytes()
    result = run(*words)
    assert result.exit_code == 1, result.stderr
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert small.read_bytes() == before


def test_evidence_correct_retracts_and_records_a_linked_copy(run: Run, small: Path) -> None:
    old = add_evidence(run, "withdraw", "monitor", "disputes", "2020-06", "--speaker", "Ann",
                       "--quote", "Still there", "--source", "Bulletin")
    result = ok(run("evidence", "correct", old, "--term", "release", "--subject", "south",
                    "--reason", "Filed against the wrong term"))
    new = result.stdout.strip()
    assert len(new) == 12 and result.stdout == new + "\n"
    shown = as_json(run("evidence", "show", new, "--format", "json"))
    assert (shown["term"], shown["subject"], shown["corrects"]) == ("release", "south", old)
    assert (shown["speaker"], shown["quote"], shown["source"]["title"]) == (
        "Ann", "Still there", "Bulletin")
    original = as_json(run("evidence", "show", old, "--format", "json"))
    assert original["retraction"]["reason"] == "Filed against the wrong term"
    assert original["corrected_by"] == new
    assert obligation(run, "north", "withdraw")["status"] == "no-evidence"
    assert obligation(run, "south", "release")["evidence"] == [new]
    assert "corrected by" in ok(run("evidence", "show", old)).stdout


def test_a_corrected_entry_is_marked_corrected_where_it_is_shown(run: Run, small: Path) -> None:
    """A retracted entry that was recorded again as corrected says so in every list that shows
    it; a page names the entry that corrects it."""
    wrong = add_evidence(run, "withdraw", "monitor", "disputes", "2020-06")
    dropped = add_evidence(run, "withdraw", "south", "disputes", "2020-07")
    right = ok(run("evidence", "correct", wrong, "--date", "2020-08", "--reason", "Misdated")
               ).stdout.strip()
    ok(run("evidence", "retract", dropped, "--reason", "Unreliable"))
    listed = ok(run("evidence", "list", "--include-retracted", env={"COLUMNS": "200"})).stdout
    rows = {line.split()[0]: line.split() for line in listed.splitlines()
            if line.split()[:1] in ([wrong], [dropped], [right])}
    assert rows[wrong][4] == "CORRECTED" and rows[dropped][4] == "RETRACTED"
    assert not {"CORRECTED", "RETRACTED"} & set(rows[right]), "the correction counts"
    shown = ok(run("term", "show", "withdraw", env={"COLUMNS": "200"})).stdout
    assert "CORRECTED" in shown and "CORRECTED: recorded wrong, and recorded again" in shown
    page = ok(run("report", "--format", "html")).stdout
    assert f'<span class="retracted-mark">CORRECTED by {right}</span>' in page
    assert '<span class="retracted-mark">RETRACTED</span>' in page
    ok(run("evidence", "retract", right, "--reason", "Still wrong"))
    listed = ok(run("evidence", "list", "--include-retracted", env={"COLUMNS": "200"})).stdout
    assert "CORRECTED" not in listed.split("\nRETRACTED:")[0], \
        "a correction retracted in its turn corrects nothing"


def test_the_log_lists_everything_in_the_order_recorded(run: Run, small: Path) -> None:
    entry = add_evidence(run, "withdraw", "monitor", "disputes", "2020-06")
    ok(run("term", "amend", "withdraw", "--effective", "2021-01-01", "--due", "2021-12-31",
           "--reason", "Extended", env=LATER))
    ok(run("evidence", "retract", entry, "--reason", "Unreliable",
           env={"COMPLIANCE_LEDGER_NOW": "2099-03-02T09:00:00Z"}))
    lines = as_json(run("log", "--format", "json"))
    kinds = [(line["kind"], line["what"], line["record"]) for line in lines]
    assert kinds[:3] == [("added", "party", "north"), ("added", "party", "south"),
                         ("added", "party", "monitor")]
    assert kinds[-3:] == [("added", "evidence", entry), ("amended", "term", "withdraw"),
                          ("retracted", "evidence", entry)]
    assert [line["recorded_at"] for line in lines] == sorted(line["recorded_at"] for line in lines)
    assert lines[-2]["reason"] == "Extended" and "from 2021-01-01" in lines[-2]["description"]
    since = as_json(run("log", "--since", "2099-03", "--format", "json"))
    assert [line["kind"] for line in since] == ["amended", "retracted"]
    until = as_json(run("log", "--until", "2099-02", "--format", "json"))
    assert len(until) == len(lines) - 2
    by_record = as_json(run("log", "--record", entry[:6], "--format", "json"))
    assert [line["kind"] for line in by_record] == ["added", "retracted"]
    assert [line["kind"] for line in as_json(run("log", "--record", "withdraw", "--format",
                                                  "json"))] == ["added", "amended"]
    for output in ("table", "csv", "markdown"):
        assert "Extended" in ok(run("log", "--format", output, env={"COLUMNS": "200"})).stdout
    table = ok(run("log", env={"COLUMNS": "200"})).stdout
    assert "2099-03-02 09:00:00  retracted" in table and "Recorded: when it was entered in " \
        "the ledger, in UTC" in table, "a table's times say which clock they are"


def test_known_at_reproduces_an_earlier_report_byte_for_byte(run: Run, small: Path) -> None:
    """The report a team prints with --known-at today is printed again, byte for byte, by the
    same command after more has been recorded; without --known-at it shows the new records."""
    import datetime

    day = datetime.datetime.now(datetime.UTC).date().isoformat()
    add_evidence(run, "withdraw", "monitor", "disputes", "2020-06")
    command = ("report", "--as-of", "2020-12-31", "--known-at", day)
    printed = {output: ok(run(*command, "--format", output, env={"COLUMNS": "100"})).stdout
               for output in ("table", "json", "csv", "markdown")}
    assert json.loads(printed["json"])["known_at"] == day
    ok(run("evidence", "add", "--term", "withdraw", "--claimant", "north", "--stance",
           "claims", "--date", "2020-05", "--summary", "Late find", env=LATER))
    ok(run("term", "correct", "withdraw", "--due", "2020-11-30", "--reason", "Typo", env=LATER))
    ok(run("party", "correct", "north", "--name", "Northlandia", "--reason", "Name", env=LATER))
    ok(run("term", "amend", "withdraw", "--effective", "2020-01-01", "--title", "Leave",
           "--reason", "Back-dated", env=LATER))
    for output, expected in printed.items():
        assert ok(run(*command, "--format", output, env={"COLUMNS": "100"})).stdout == expected
    now = obligation(run, "north", "withdraw", "--as-of", "2020-12-31")
    assert (now["status"], now["due"], now["title"]) == ("contested", "2020-11-30", "Leave")
    assert party_name(run, "north", "--as-of", "2020-12-31") == "Northlandia"


def test_against_catches_hand_edits_of_every_kind_of_record(run: Run, small: Path,
                                                            tmp_path: Path) -> None:
    ok(run("term", "amend", "withdraw", "--effective", "2021-01-01", "--due", "2021-12-31",
           "--reason", "Extended"))
    kept = tmp_path / "kept.json"
    kept.write_bytes(small.read_bytes())
    ok(run("term", "amend", "withdraw", "--effective", "2022-01-01", "--due", "2022-12-31",
           "--reason", "Again"))
    assert "only grew" in ok(run("check", "--against", str(kept))).stdout, \
        "an amendment is a new record, not an alteration"
    for field, index, key, value in (("terms", 0, "due", "2099-12-31"),
                                     ("parties", 0, "name", "Southland"),
                                     ("agreements", 0, "title", "Other"),
                                     ("changes", 0, "reason", "Rewritten")):
        data = json.loads(kept.read_text())
        data[field][index][key] = value
        edited = tmp_path / f"edited-{field}.json"
        edited.write_text(json.dumps(data, indent=2))
        result = run("check", "--against", str(kept), file=edited)
        assert result.exit_code == 1, field
        assert "was changed after it was recorded" in result.stderr, field
        assert f"was changed in {edited}" in result.stderr, field


def test_a_change_recorded_before_its_record_is_reported(run: Run, small: Path) -> None:
    ok(run("term", "correct", "withdraw", "--due", "2021-05-01", "--reason", "r",
           env={"COMPLIANCE_LEDGER_NOW": "2000-01-01T00:00:00Z"}))
    result = run("check")
    assert result.exit_code == 1
    assert "recorded at 2000-01-01T00:00:00.000000Z, before the term itself" in result.stderr


def test_the_records_are_kept_in_recording_order(run: Run, small: Path) -> None:
    ok(run("party", "add", "east", "--name", "Eastland",
           env={"COMPLIANCE_LEDGER_NOW": "2000-01-01T00:00:00Z"}))
    parties = json.loads(small.read_text())["parties"]
    assert [party["id"] for party in parties] == ["east", "north", "south", "monitor"]


def test_names_are_compared_across_every_version(run: Run, small: Path) -> None:
    ok(run("party", "amend", "north", "--effective", "2021-01-01", "--name", "North Republic",
           "--reason", "Renamed"))
    before = small.read_bytes()
    for words in (("party", "add", "other", "--name", "north republic"),
                  ("party", "amend", "monitor", "--effective", "2022-01-01", "--name",
                   "NORTH REPUBLIC", "--reason", "r"),
                  ("party", "correct", "south", "--name", "Northland", "--reason", "r"),
                  ("party", "correct", "south", "--alias", "North\u200b Republic",
                   "--reason", "r")):
        result = run(*words)
        assert result.exit_code == 1, words
        assert "a name of party 'north'" in result.stderr, words
    assert small.read_bytes() == before
    data = json.loads(small.read_text())
    data["changes"][0]["values"]["name"] = "Southland"
    small.write_text(json.dumps(data))
    assert "a name of party 'north' (`ledger party correct`" in run("check").stderr


def test_an_amendment_in_the_middle_of_an_entrys_period_is_refused(run: Run,
                                                                   small: Path) -> None:
    entry = add_evidence(run, "release", "monitor", "disputes", "2020-11", "--subject", "south")
    result = run("term", "amend", "release", "--effective", "2020-11-20", "--obligor", "north",
                 "--reason", "South released")
    assert result.exit_code == 1 and f"{entry} (south, 2020-11)" in result.stderr
    ok(run("term", "amend", "release", "--effective", "2020-12-01", "--obligor", "north",
           "--reason", "South released from December"))
    refused = run("evidence", "add", "--term", "release", "--subject", "south", "--claimant",
                  "monitor", "--stance", "claims", "--date", "2020", "--summary", "s")
    assert refused.exit_code == 1
    assert "not an obligor of term 'release' throughout 2020" in refused.stderr


def test_log_record_takes_every_kind_of_id(run: Run, small: Path) -> None:
    entry = add_evidence(run, "withdraw", "monitor", "disputes", "2020-06")
    change = ok(run("term", "correct", "withdraw", "--due", "2021-05-01",
                    "--reason", "Typo")).stdout.strip()
    new = ok(run("evidence", "correct", entry, "--date", "2020-07",
                 "--reason", "Wrong month")).stdout.strip()
    lines = as_json(run("log", "--format", "json"))
    amended = next(line for line in lines if line["kind"] == "corrected" and line["what"] == "term")
    assert (amended["id"], amended["values"], amended["effective"]) == (
        change, {"due": "2021-05-01"}, None)
    retraction = next(line for line in lines if line["kind"] == "retracted")
    assert f"replaced by {new}" in retraction["description"]
    for wanted, kinds in ((change[:5], ["corrected"]), (retraction["id"][:6], ["retracted"]),
                          (entry, ["added", "retracted"]), (new, ["corrected"])):
        assert [line["kind"] for line in as_json(run("log", "--record", wanted, "--format",
                                                     "json"))] == kinds, wanted
    unknown = run("log", "--record", "zz")
    assert unknown.exit_code == 1
    assert unknown.stderr.startswith("ledger: error: --record: no record")
    reversed_range = run("log", "--since", "2030", "--until", "2020")
    assert reversed_range.exit_code == 1
    assert "--until: 2020 is before --since" in reversed_range.stderr


def test_clock_options_take_a_period_and_say_what_is_wrong(run: Run, small: Path) -> None:
    """`--known-at 2022-12` is the end of December 2022 (a moment is taken too: see
    `test_known_at_to_the_second`); a word is refused, naming the forms, and an impossible day
    says why."""
    assert ok(run("report", "--known-at", "2022-12", "--format", "json")).stdout == ok(run(
        "report", "--known-at", "2022-12-31", "--format", "json")).stdout
    for value in ("soon", "2022-11-20 10:00"):
        result = run("report", "--known-at", value)
        assert result.exit_code == 1 and "--known-at: not a period" in result.stderr, value
        assert "YYYY-Qn" in result.stderr
    for option, value, why in (("--as-of", "2024-02-30", "2024-02 has 29 days"),
                               ("--known-at", "2024-13-01", "month 13 does not exist")):
        result = run("report", option, value)
        assert result.exit_code == 1
        assert result.stderr == f"ledger: error: {option}: not a date: '{value}' ({why})\n"
    nothing = run("term", "correct", "withdraw", "--reason", "r")
    assert nothing.exit_code == 1 and "nothing to change" in nothing.stderr


def test_check_counts_the_changes(run: Run, small: Path) -> None:
    ok(run("term", "correct", "withdraw", "--due", "2021-05-01", "--reason", "Typo"))
    assert "0 retractions, 1 changes; quotes" in ok(run("check")).stdout


def test_today_and_yesterday_wherever_a_day_is_given(run: Run, small: Path) -> None:
    """The one clock names the day; each kind of date option words its error one way."""
    now = {"COMPLIANCE_LEDGER_NOW": "2024-03-01T10:00:00Z"}
    entry = ok(run("evidence", "add", "--term", "withdraw", "--claimant", "north", "--stance",
                   "claims", "--date", "yesterday", "--source-date", "today", "--summary", "s",
                   env=now)).stdout.strip()
    shown = as_json(run("evidence", "show", entry, "--format", "json"))
    assert (shown["date"], shown["source"]["date"]) == ("2024-02-29", "2024-03-01")
    ok(run("term", "amend", "withdraw", "--effective", "today", "--due", "yesterday",
           "--reason", "Moved", env=now))
    change = next(line for line in as_json(run("log", "--format", "json"))
                  if line["kind"] == "amended")
    assert (change["effective"], change["values"]["due"]) == ("2024-03-01", "2024-02-29")
    ok(run("term", "add", "review", "--title", "Review", "--category", "c", "--obligor", "north",
           "--due", "today", env=now))
    ok(run("agreement", "add", "second", "--title", "Second", "--signed", "yesterday", env=now))
    report = as_json(run("report", "--as-of", "yesterday", "--known-at", "today", "--format",
                         "json", env=now))
    assert (report["as_of"], report["known_at"]) == ("2024-02-29", "2024-03-01")
    listed = as_json(run("evidence", "list", "--since", "yesterday", "--until", "today",
                         "--format", "json", env=now))
    assert [item["id"] for item in listed] == [entry]
    full = "not a full date: {!r} (use YYYY-MM-DD, today or yesterday)"
    period = ("not a period: {!r} (use YYYY, YYYY-Qn, YYYY-Hn, YYYY-MM or YYYY-MM-DD, today or "
              "yesterday)")
    for arguments, message in {
        ("report", "--as-of", "2023-Q5"): "--as-of: " + period.format("2023-Q5"),
        ("report", "--as-of", "tomorrow"): "--as-of: " + period.format("tomorrow"),
        ("changes", "--since", "Yesterday"): "--since: " + period.format("Yesterday"),
        ("evidence", "list", "--since", "last week"): "--since: " + period.format("last week"),
        ("term", "correct", "withdraw", "--due", "2024-Q0", "--reason", "r"):
            "--due: " + period.format("2024-Q0"),
        ("agreement", "correct", "accord", "--signed", "2024", "--reason", "r"):
            "--signed: " + full.format("2024"),
    }.items():
        result = run(*arguments, env=now)
        assert result.exit_code == 1 and result.stderr == f"ledger: error: {message}\n", (
            arguments, result.stderr)


def test_a_timeline_as_of_a_day_lists_only_the_entries_made_by_then(run: Run, small: Path
                                                                    ) -> None:
    """`term show` and the report page's timelines list an entry once it is made (its dated
    period ended, or it was recorded), as `evidence list` and every status do; the page's
    pointer to a whole timeline keeps the page's clocks."""
    import datetime

    july = add_evidence(run, "withdraw", "monitor", "disputes", "2024-07")
    for day, made in (("2024-07-15", False), ("2024-07-31", True)):
        timeline = as_json(run("term", "show", "withdraw", "--as-of", day, "--format", "json"))
        assert (timeline["as_of"], timeline["known_at"], timeline["judged_on"]) == (
            day, None, day)
        listed = as_json(run("evidence", "list", "--as-of", day, "--format", "json"))
        assert (july in [entry["id"] for entry in timeline["evidence"]],
                july in [entry["id"] for entry in listed]) == (made, made), day
        assert (july in ok(run("report", "--as-of", day, "--format", "html")).stdout) == made
    today = datetime.datetime.now(datetime.UTC).date().isoformat()
    shown = ok(run("evidence", "show", july, "--as-of", "2024-07-15", env={"COLUMNS": "200"}))
    assert (f"Not yet made on 2024-07-15: dated 2024-07 and recorded on {today}, it counts "
            "from 2024-07-31 on.") in shown.stdout
    assert "Not yet made" not in ok(run("evidence", "show", july, "--as-of", "2024-07-31")).stdout
    unknown = run("evidence", "show", july, "--known-at", "2020-01-01")
    assert unknown.exit_code == 1
    assert (f"ID: no evidence entry with id '{july}' as known at 2020-01-01: {july} was "
            "recorded at ") in unknown.stderr
    for month in range(1, 12):
        add_evidence(run, "withdraw", "north", "claims", f"2023-{month:02d}")
    page = ok(run("report", "--as-of", "2024-06-30", "--known-at", today, "--format", "html"))
    assert ("1 earlier one is in <code>ledger term show withdraw --as-of 2024-06-30 "
            f"--known-at {today} --format html</code>") in page.stdout


def test_changes_known_at_alone_reprints_the_window_that_ended_that_day(run: Run, small: Path
                                                                       ) -> None:
    """With --known-at and no --until, the window ends on the known-at day, as a report judges
    on it: what `changes` printed that day, not a window that grows with the calendar."""
    import datetime

    ok(run("term", "add", "review", "--title", "Review", "--category", "c", "--obligor",
           "north", "--due", "2050-01-01"))
    today = datetime.datetime.now(datetime.UTC).date().isoformat()
    alone = as_json(run("changes", "--since", "2021-01-01", "--known-at", today, "--format",
                        "json", env=LATER))
    assert alone["until"] == today
    assert alone == as_json(run("changes", "--since", "2021-01-01", "--until", today,
                                "--known-at", today, "--format", "json", env=LATER))
    later = as_json(run("changes", "--since", "2021-01-01", "--until", "2099-03-01",
                        "--known-at", today, "--format", "json", env=LATER))
    terms = [{change["term"] for party in report["parties"] for change in party["changes"]}
             for report in (alone, later)]
    assert "review" not in terms[0] and "review" in terms[1], "overdue only after 2050"


def test_a_clock_after_today_is_said_to_be_one(run: Run, small: Path) -> None:
    now = {"COMPLIANCE_LEDGER_NOW": "2099-03-01T09:00:00Z"}
    result = ok(run("report", "--as-of", "2099-03-02", "--known-at", "2099-03-05", env=now))
    assert result.stderr == (
        "ledger: warning: --as-of 2099-03-02 is after today (2099-03-01): a forecast: the "
        "ledger as it would stand then if nothing more were recorded\n"
        "ledger: warning: --known-at 2099-03-05 is after today (2099-03-01): only what is "
        "recorded so far counts, and a later run may print more\n")
    ahead = ok(run("changes", "--since", "2099-01-01", "--until", "2100-01-01", env=now))
    assert "--until 2100-01-01 is after today" in ahead.stderr
    for since, extra, end in (("2099-02-15", ("--known-at", "2099-02-01"),
                               "--known-at 2099-02-01"), ("2099-03-15", (), "today (2099-03-01)")):
        late = run("changes", "--since", since, *extra, env=now)
        assert late.exit_code == 1, late.stdout
        assert late.stderr == (f"ledger: error: --since: {since} is after {end}, where the "
                               "window ends when --until is not given\n")
    assert ok(run("report", "--as-of", "today", "--known-at", "today", env=now)).stderr == ""


def test_known_at_to_the_second(run: Run, small: Path) -> None:
    """A report published in the morning and corrected that afternoon can each be printed
    again: `--known-at` takes a moment (UTC, or with an offset), in reports, changes, term show,
    log and lists, and the header and JSON say it to the second."""
    morning = ok(run("evidence", "add", "-t", "withdraw", "-c", "monitor", "-s", "disputes",
                     "-d", "2030-02", "-m", "Troops remain",
                     env={"COMPLIANCE_LEDGER_NOW": "2030-03-05T09:00:00Z"})).stdout.strip()
    ok(run("evidence", "retract", morning, "--reason", "Misread",
           env={"COMPLIANCE_LEDGER_NOW": "2030-03-05T15:30:00Z"}))

    later = {"COMPLIANCE_LEDGER_NOW": "2030-04-01T00:00:00Z"}

    def statuses(*clock: str) -> tuple[object, list[str]]:
        report = as_json(run("report", "--format", "json", "--party", "north", *clock,
                             env=later))
        return report["known_at"], [item["status"] for item in
                                    report["parties"][0]["obligations"]
                                    if item["term"] == "withdraw"]

    assert statuses("--known-at", "2030-03-05T12:00:00Z") == ("2030-03-05T12:00:00Z",
                                                              ["disputed"])
    assert statuses("--known-at", "2030-03-05T14:00+02:00") == ("2030-03-05T12:00:00Z",
                                                                ["disputed"]), "an offset"
    assert statuses("--known-at", "2030-03-05T15:30:00Z") == ("2030-03-05T15:30:00Z",
                                                              ["no-evidence"])
    assert statuses("--known-at", "2030-03-05") == ("2030-03-05", ["no-evidence"]), \
        "a day: all of it"
    assert statuses("--known-at", "2030-03-05T08:59:59Z")[1] == ["no-evidence"], "before it"
    header = ok(run("report", "--known-at", "2030-03-05T12:00:00Z", env=later)
                ).stdout.splitlines()[1]
    assert "as known at 2030-03-05T12:00:00Z (recorded by then)" in " ".join(header.split())
    listed = as_json(run("evidence", "list", "--known-at", "2030-03-05T12:00:00Z",
                         "--format", "json", env=later))
    assert [(entry["id"], entry["retracted"]) for entry in listed] == [(morning, False)]
    bad = run("report", "--known-at", "2030-03-05T25:00")
    assert bad.exit_code == 1 and bad.stderr.startswith("ledger: error: --known-at: not a day")
    assert run("report", "--as-of", "2030-03-05T12:00:00Z").exit_code == 1, "as-of is a day"
