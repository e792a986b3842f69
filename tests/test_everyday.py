"""Everyday use: the conventions people bring from git, gh and hledger."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from conftest import Run, add_evidence, as_json, ok
from typer.testing import CliRunner

from ledger.cli import app


def test_short_flags_for_evidence_add(run: Run, small: Path) -> None:
    """`-t -c -s -d -m -q`, as git's `-m`: the same entry as the long options would record."""
    short = ok(run("evidence", "add", "-t", "release", "--subject", "south", "-c", "monitor",
                   "-s", "disputes", "-d", "2020-04", "-m", "Nobody released",
                   "-q", "not one prisoner")).stdout.strip()
    entry = as_json(run("evidence", "show", short, "--format", "json"))
    assert (entry["term"], entry["claimant"], entry["stance"], entry["date"], entry["summary"],
            entry["quote"]) == ("release", "monitor", "disputes", "2020-04", "Nobody released",
                                "not one prisoner")
    help_text = ok(run("evidence", "add", "--help")).stdout
    for flag in ("-t", "-c", "-s", "-d", "-m", "-q"):
        assert f"{flag} " in help_text or f"{flag}," in help_text, flag


def test_the_ledger_is_found_in_a_parent_folder_up_to_the_git_top(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As git finds its repository: from `pretoria/sources/`, `pretoria/ledger.json`; never a
    ledger above the work tree's top; and `init` creates one here."""
    import subprocess

    monkeypatch.delenv("COMPLIANCE_LEDGER", raising=False)
    runner = CliRunner()
    project = tmp_path / "outer" / "pretoria"
    sources = project / "sources" / "2022"
    sources.mkdir(parents=True)
    monkeypatch.chdir(project)
    ok(runner.invoke(app, ["init", "--title", "Pretoria monitor"]))
    monkeypatch.chdir(sources)
    report = runner.invoke(app, ["report", "--format", "json"])
    assert json.loads(ok(report).stdout)["title"] == "Pretoria monitor"
    assert report.stderr == ""
    ok(runner.invoke(app, ["party", "add", "tplf", "--name", "TPLF"]))
    assert "tplf" in (project / "ledger.json").read_text(), "a write goes to the found ledger"
    assert not (sources / "ledger.json").exists()

    subprocess.run(["git", "init", "-q", str(sources)], check=True)
    inside = runner.invoke(app, ["report", "--format", "json"])
    assert inside.exit_code == 1 and "no ledger.json here or in a parent folder" in inside.stderr
    table = ok(runner.invoke(app, ["report"], env={"COLUMNS": "200"})).stdout
    assert table.splitlines()[0].endswith("(the bundled example 'doha-2020': no ledger.json "
                                          "was found)"), "a redirected report says what it is"
    ok(runner.invoke(app, ["init", "--title", "Inner"]))
    assert json.loads((sources / "ledger.json").read_text())["title"] == "Inner"
    monkeypatch.chdir(project / "sources")
    ok(runner.invoke(app, ["init", "--title", "Here, not the parent's"]))
    assert (project / "sources" / "ledger.json").exists()


def test_the_file_option_after_the_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                           ) -> None:
    """`-f/--file` before or after the command, one definition; a value that is `-f` stays a
    value, and nothing after `--` moves."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COMPLIANCE_LEDGER", raising=False)
    runner = CliRunner()
    path = tmp_path / "peace.json"
    ok(runner.invoke(app, ["init", "--title", "Peace", "-f", str(path)]))
    ok(runner.invoke(app, ["party", "add", "north", "--name", "North", "--file", str(path)]))
    ok(runner.invoke(app, ["agreement", "add", "accord", "--title", "Accord",
                           f"--file={path}"]))
    ok(runner.invoke(app, ["term", "add", "t1", "--title", "T", "--category", "c",
                           "--obligor", "north", "-f", str(path)]))
    entry = ok(runner.invoke(app, ["evidence", "add", "-t", "t1", "-c", "north", "-s",
                                   "claims", "-d", "2024", "-m", "-f", "-f", str(path)]))
    shown = json.loads(ok(runner.invoke(app, ["evidence", "show", entry.stdout.strip(),
                                              "--format", "json", "-f", str(path)])).stdout)
    assert shown["summary"] == "-f"
    report = json.loads(ok(runner.invoke(app, ["report", "--format", "json", "-f",
                                               str(path)])).stdout)
    assert report["title"] == "Peace"
    assert not (tmp_path / "ledger.json").exists()
    for twice in (["-f", str(path), "report", "-f", str(path)],
                  ["report", "-f", str(path), f"--file={path}"]):
        refused = runner.invoke(app, twice)
        assert refused.exit_code == 2 and "-f/--file is given more than once" in refused.stderr
    between = json.loads(ok(runner.invoke(app, ["evidence", "-f", str(path), "list",
                                                "--format", "json"])).stdout)
    assert [entry["summary"] for entry in between] == ["-f"]
    joined = json.loads(ok(runner.invoke(app, ["report", f"-f{path}", "--format", "json"])
                           ).stdout)
    assert joined["title"] == "Peace"
    bare = runner.invoke(app, ["report", "-f"])
    assert bare.exit_code == 2 and "-f needs the ledger's path" in bare.stderr
    after_dashes = runner.invoke(app, ["evidence", "show", "--", "-f", str(path)])
    assert after_dashes.exit_code != 0


def test_a_word_outside_its_set_is_a_usage_error_with_the_word_meant(run: Run, small: Path
                                                                      ) -> None:
    wrong_stance = run("evidence", "list", "--stance", "disputed")
    assert wrong_stance.exit_code == 2
    assert ("'disputed' is not one of claims, disputes, notes: did you mean disputes? "
            "('disputed' is a status, the word a report gives an obligation; an entry's stance "
            "is what its claimant says: claims, disputes or notes)") in wrong_stance.stderr
    wrong_role = run("party", "add", "east", "--name", "East", "--role", "monitr")
    assert wrong_role.exit_code == 2
    assert "'monitr' is not one of signatory, monitor, mediator, observer, other: did you " \
        "mean monitor?" in wrong_role.stderr
    wrong_format = run("report", "--format", "jsn")
    assert wrong_format.exit_code == 2 and "did you mean json?" in wrong_format.stderr
    far = run("report", "--format", "pdf")
    assert far.exit_code == 2 and "did you mean" not in far.stderr
    assert "'pdf' is not one of table, json, csv, markdown, html" in far.stderr


def test_help_names_values_and_completion_offers_what_fits(run: Run, small: Path) -> None:
    help_text = " ".join(ok(run("evidence", "add", "--help")).stdout.split())
    for shown in ("-t, --term TERM", "-c, --claimant PARTY", "-s, --stance <claims|disputes|notes>",
                  "-d, --date DATE", "-m, --summary TEXT", "--url URL"):
        assert shown in help_text, shown
    assert "<str>" not in help_text and "list[str]" not in help_text
    listed = " ".join(ok(run("report", "--help")).stdout.split())
    assert "--party PARTY" in listed and "--as-of DATE" in listed
    assert "--stance <claims|disputes|notes>" in ok(run("evidence", "list", "--help")).stdout
    assert ok(run("term", "show", "--help")).stdout.startswith(
        "Usage: root term show [OPTIONS] {TERM}")
    assert "{BASE} {OURS} {THEIRS} [PATH]" in ok(run("merge", "--help")).stdout
    kept = add_evidence(run, "release", "monitor", "disputes", "2020-04", "--subject", "south")
    gone = add_evidence(run, "release", "monitor", "claims", "2020-05", "--subject", "south")
    ok(run("evidence", "retract", gone, "--reason", "Wrong"))
    runner = CliRunner()

    def complete(words: str) -> list[str]:
        result = runner.invoke(app, [], prog_name="ledger", env={
            "_LEDGER_COMPLETE": "complete_bash", "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split()))})
        return result.stdout.split()

    assert complete(f"ledger -f {small} evidence retract ") == [kept]
    assert sorted(complete(f"ledger -f {small} evidence show ")) == sorted([kept, gone])
    assert complete(f"ledger -f {small} evidence add --stance ") == [
        "claims", "disputes", "notes"]


NOW = {"COMPLIANCE_LEDGER_NOW": "2024-03-01T10:00:00Z"}


def test_warnings_before_a_likely_mistake_is_recorded(run: Run, small: Path) -> None:
    """Each warning names its option and records anyway; `check` places each one and passes,
    `check --strict` fails on them."""
    def warnings_of(*arguments: str) -> list[str]:
        result = ok(run(*arguments, env=NOW))
        return [line for line in result.stderr.splitlines() if "warning:" in line]

    assert ok(run("check")).stderr == "", "the small ledger warns of nothing"
    before = small.read_bytes()
    future = run("evidence", "add", "-t", "withdraw", "-c", "monitor", "-s", "disputes",
                 "-d", "2027-01", "-m", "Troops remain", env=NOW)
    assert future.exit_code == 1 and future.stderr == (
        "ledger: error: --date: 2027-01 begins after the day it is recorded (2024-03-01): a "
        "statement is recorded once it is made\n")
    published = run("evidence", "add", "-t", "withdraw", "-c", "monitor", "-s", "disputes",
                    "-d", "2024-02", "-m", "Troops remain", "--source-date", "2024-03-02",
                    env=NOW)
    assert published.exit_code == 1 and published.stderr == (
        "ledger: error: --source-date: 2024-03-02 begins after the day the entry is recorded "
        "(2024-03-01): a source is cited once published\n")
    assert small.read_bytes() == before
    first = warnings_of("evidence", "add", "-t", "withdraw", "-c", "monitor", "-s", "claims",
                        "-d", "2019-12", "-m", "Early", "--url", "not a url")
    assert first == [
        "ledger: warning: --date: 2019-12 ended before its agreement was signed (2020-02-29); "
        "conduct before the agreement is context: record it with --stance notes",
        "ledger: warning: --url: 'not a url' is not a web address (https://...)"]
    assert warnings_of("evidence", "add", "-t", "withdraw", "-c", "monitor", "-s", "notes",
                       "-d", "2019-12", "-m", "Context") == [], "a note may predate the signing"
    twice = warnings_of("evidence", "add", "-t", "withdraw", "-c", "monitor", "-s", "claims",
                        "-d", "2019-12", "-m", "Early", "--url", "not a url", "--duplicate")
    assert any("--summary: the same statement as entry" in line for line in twice)
    assert warnings_of("term", "add", "aid", "--title", "Aid", "--category", "withdrawl",
                       "--obligor", "south", "--due", "2020-01-31") == [
        "ledger: warning: --due: due 2020-01-31, before its agreement was signed (2020-02-29)",
        "ledger: warning: --category: 'withdrawl' is new, and one letter away from the "
        "category 'withdrawal'"]
    assert warnings_of("term", "correct", "aid", "--category", "aid", "--due", "2020-06-30",
                       "--reason", "Typos") == []
    checked = ok(run("check", env=NOW))
    placed = [line for line in checked.stderr.splitlines() if ": warning: " in line]
    assert len(placed) == 5 and all(re.match(rf"{re.escape(str(small))}:\d+:\d+: warning: ", line)
                                    for line in placed), placed
    strict = run("check", "--strict", env=NOW)
    assert strict.exit_code == 1
    assert strict.stderr.splitlines()[-1] == (
        "ledger: error: 5 warnings, and --strict makes warnings fail")


def test_a_document_without_its_digest_is_hashed_from_the_file(run: Run, small: Path) -> None:
    (small.parent / "briefing.txt").write_text("Nobody was released.", encoding="utf-8")
    entry = ok(run("evidence", "add", "-t", "release", "--subject", "south", "-c", "monitor",
                   "-s", "disputes", "-d", "2020-04", "-m", "None released",
                   "-q", "Nobody was released.", "--document", "briefing.txt")).stdout.strip()
    shown = as_json(run("evidence", "show", entry, "--format", "json"))
    assert shown["source"]["sha256"] == hashlib.sha256(b"Nobody was released.").hexdigest()
    assert "1 verified against their source" in ok(run("check")).stdout
    outside = small.parent / "elsewhere"
    outside.mkdir()
    (outside / "secret.txt").write_text("secret")
    (small.parent / "link.txt").symlink_to(outside / "secret.txt")
    sub = small.parent / "sub"
    sub.mkdir()
    linked = small.parent / "sub" / "ledger.json"
    linked.write_bytes(small.read_bytes())
    (sub / "out.txt").symlink_to(outside / "secret.txt")
    result = ok(run("evidence", "add", "-t", "release", "--subject", "south", "-c", "monitor",
                    "-s", "disputes", "-d", "2020-05", "-m", "Linked", "--document", "out.txt",
                    file=linked))
    assert ("--document: document 'out.txt' leaves the sources folder through a symbolic "
            "link: not read") in result.stderr
    missing = ok(run("evidence", "add", "-t", "release", "--subject", "south", "-c", "monitor",
                     "-s", "disputes", "-d", "2020-06", "-m", "Gone", "--document", "gone.txt"))
    assert "--document: gone.txt is not in the ledger's folder" in missing.stderr
    refused = run("evidence", "add", "-t", "release", "--subject", "south", "-c", "monitor",
                  "-s", "disputes", "-d", "2020-06", "-m", "Up", "--document", "../secret.txt")
    assert refused.exit_code == 1 and "leaves the sources folder" in refused.stderr


def test_evidence_add_interactive_asks_checks_and_records(run: Run, small: Path) -> None:
    """Each field not given is asked on stderr and checked as it is answered; a wrong answer is
    asked again; stdout carries only the new id, as without --interactive."""
    answers = "\n".join([
        "relase", "release",           # a typo in the term, then the term
        "2020-13", "2020-04",           # no 13th month, then the date
        "east", "south",                # two obligors: the subject is asked
        "monitor",                      # claimant
        "disputed", "disputes",         # a status word, then the stance
        "No detainee released",         # summary
        "", "not one detainee", "", "", "", "", ""]) + "\n"
    result = run("evidence", "add", "--interactive", env=NOW, input=answers)
    assert result.exit_code == 0, result.stderr
    entry = as_json(run("evidence", "show", result.stdout.strip(), "--format", "json"))
    assert (entry["term"], entry["subject"], entry["claimant"], entry["stance"], entry["date"],
            entry["summary"], entry["quote"], entry.get("speaker")) == (
        "release", "south", "monitor", "disputes", "2020-04", "No detainee released",
        "not one detainee", None)
    asked = result.stderr
    assert "no term 'relase'" in asked and "no party 'east'" in asked
    assert "'disputed' is not a stance" in asked and "month 13 does not exist" in asked
    assert "Claimant (who says so) [north, south, monitor]" in asked
    given = run("evidence", "add", "-i", "-t", "withdraw", "-c", "monitor", "-s", "claims",
                "-d", "today", "-m", "Troops left", env=NOW, input="\n" * 7)
    assert given.exit_code == 0, given.stderr
    assert "Term" not in given.stderr and "Subject" not in given.stderr, \
        "options given are not asked, and a term's only obligor is its subject"
    before = small.read_bytes()
    cut = run("evidence", "add", "-i", env=NOW, input="release\n")
    assert cut.exit_code == 1 and "no more answers: nothing recorded" in cut.stderr
    assert small.read_bytes() == before
    finished = run("evidence", "add", "-i", "-t", "withdraw", "-c", "monitor", "-s", "claims",
                   "-d", "2021-01", "-m", "Gone", env=NOW, input="Col. X\n")
    assert finished.exit_code == 0, "end of input at an optional question leaves the rest empty"
    wrong_options = run("evidence", "add", "-i", "-t", "nowhere", "-c", "nobody", env=NOW,
                        input="withdraw\n2021-02\nmonitor\nclaims\nLeft\n" + "\n" * 7)
    assert wrong_options.exit_code == 0, wrong_options.stderr
    assert "--term: no term 'nowhere'" in wrong_options.stderr
    assert "--claimant: no party 'nobody'" in wrong_options.stderr, "checked first, asked again"
    ok(run("term", "amend", "withdraw", "--effective", "2021-06-01", "--obligor", "north",
           "--obligor", "south", "--reason", "South joins"))
    later = run("evidence", "add", "-i", "-t", "withdraw", "-d", "2021-07", "-c", "monitor",
                "-s", "claims", "-m", "Both left", env=NOW, input="south\n" + "\n" * 7)
    assert later.exit_code == 0 and "Subject (whose compliance) [north, south]" in later.stderr
    assert as_json(run("evidence", "show", later.stdout.strip(), "--format", "json"))[
        "subject"] == "south", "the subject is asked of the term as it stood on the date"
    nowhere = run("evidence", "add", "-i", file=small.parent / "none.json", input="x\n")
    assert nowhere.exit_code == 1 and "run `ledger init` first" in nowhere.stderr
    assert "Term" not in nowhere.stderr, "nothing is asked of a ledger that is not there"
    missing = run("evidence", "add", "-t", "withdraw")
    assert missing.exit_code == 2
    assert "Missing option '--claimant' / '-c' (or give --interactive" in missing.stderr


@pytest.mark.parametrize(("new", "old", "warned"), [
    ("humanitrian", "humanitarian", "one letter away"), ("withdrawl", "withdrawal", "one letter"),
    ("ceasefrie", "ceasefire", "one letter away"), ("Ceasefire", "ceasefire", "only in case"),
    ("counter-terrorisn", "counter-terrorism", "one letter away"),
    ("policy", "police", None), ("phase-2", "phase-1", None), ("sanctions", "elections", None)])
def test_a_category_warned_of_only_when_it_reads_like_a_typo(run: Run, small: Path, new: str,
                                                             old: str, warned: str | None) -> None:
    ok(run("term", "add", "first", "--title", "F", "--category", old, "--obligor", "north"))
    result = ok(run("term", "add", "second", "--title", "S", "--category", new, "--obligor",
                    "north"))
    checked = ok(run("check")).stderr
    if warned is None:
        assert "warning" not in result.stderr and "warning" not in checked
    else:
        assert f"--category: {new!r} is new, and " in result.stderr and warned in result.stderr
        assert f"warning: {new!r} is new, and " in checked, "check places the same warning"


def test_report_by_agreement_and_changes_by_a_category_renamed_in_the_window(
        run: Run, small: Path) -> None:
    ok(run("agreement", "add", "annex", "--title", "The Annex", "--signed", "2020-06-01"))
    ok(run("term", "add", "corridor", "--title", "Open the corridor", "--category", "peace",
           "--obligor", "south", "--agreement", "annex"))
    report = as_json(run("report", "--agreement", "annex", "--format", "json"))
    assert [(party["id"], [item["term"] for item in party["obligations"]])
            for party in report["parties"]] == [("south", ["corridor"])]
    both = as_json(run("report", "--agreement", "annex", "--agreement", "accord", "--format",
                       "json"))
    assert sum(len(party["obligations"]) for party in both["parties"]) == 5
    ok(run("term", "amend", "corridor", "--effective", "2021-06-01", "--category",
           "humanitarian-access", "--reason", "Renamed"))
    add_evidence(run, "corridor", "monitor", "claims", "2021-08")
    for category in ("peace", "humanitarian-access"):
        window = as_json(run("changes", "--since", "2021-01-01", "--until", "2021-12-31",
                             "--category", category, "--format", "json"))
        terms = [change["term"] for party in window["parties"] for change in party["changes"]]
        assert terms == ["corridor"], category


def test_a_change_warns_only_of_the_values_it_gives(run: Run, small: Path) -> None:
    ok(run("term", "add", "early", "--title", "Early", "--category", "c1", "--obligor", "north",
           "--due", "2020-01-31"))
    quiet = ok(run("term", "correct", "early", "--title", "Early step", "--reason", "Title"))
    assert "warning" not in quiet.stderr, "the due day was warned of when it was given"
    again = ok(run("term", "correct", "early", "--due", "2020-02-15", "--reason", "Day"))
    assert "--due: due 2020-02-15, before its agreement was signed" in again.stderr


def test_filters_take_names_and_aliases_and_suggest_the_closest(run: Run, small: Path) -> None:
    """A party filter takes its id, its name or an alias in any case; a value that matches
    nothing is an error naming the closest ids (`did you mean`), never an empty result."""
    ok(run("party", "correct", "north", "--alias", "Kyiv", "--reason", "Its usual name"))
    add_evidence(run, "withdraw", "monitor", "disputes", "2021-05")
    by_id = as_json(run("report", "--party", "north", "--format", "json"))
    for name in ("kyiv", "NORTHLAND", "North"):
        assert as_json(run("report", "--party", name, "--format", "json")) == by_id, name
    assert len(as_json(run("evidence", "list", "--party", "Kyiv", "--format", "json"))) == 1
    for words, message in (
            (("report", "--party", "nrth"), "--party: no party 'nrth' (did you mean 'north'?"),
            (("evidence", "list", "--claimant", "Monitr"), "did you mean 'monitor'?"),
            (("term", "list", "--category", "withdrawl"),
             "no term category 'withdrawl' (did you mean 'withdrawal'?"),
            (("report", "--agreement", "acord"), "did you mean 'accord'?")):
        result = run(*words)
        assert result.exit_code == 1 and message in result.stderr, (words, result.stderr)


def test_evidence_list_finds_text_speakers_sources_and_categories(run: Run,
                                                                   small: Path) -> None:
    """`--grep` (summary, quote, speaker, source title), `--source`, `--speaker` (each any case,
    a substring) and `--category` (of the entry's term), each repeatable, all together."""
    first = add_evidence(run, "withdraw", "monitor", "disputes", "2021-05", "--speaker",
                         "Col. Smith", "--source", "Daily Bulletin", "--quote",
                         "Tanks at the crossing")
    second = add_evidence(run, "release", "monitor", "claims", "2021-06", "--subject", "south",
                          "--speaker", "Red Cross")

    def ids(*filters: str) -> list[str]:
        return [entry["id"] for entry in as_json(run("evidence", "list", "--format", "json",
                                                     *filters))]

    assert ids("--grep", "TANKS") == [first], "a quote, any case"
    assert ids("--grep", "bulletin") == [first], "a source title"
    assert ids("--speaker", "smith", "--speaker", "cross") == [first, second]
    assert ids("--source", "bulletin", "--speaker", "cross") == []
    assert ids("--category", "prisoner-release") == [second]
    assert ids("--category", "withdrawal", "--grep", "monitor disputes") == [first]
    assert ids("--grep", "nothing like it") == []
    for option in ("--grep", "--source", "--speaker"):
        empty = run("evidence", "list", option, " ")
        assert empty.exit_code == 1 and f"{option}: empty: give the text to look for" in \
            empty.stderr, "an empty text would match everything, as if no filter were given"


def test_writes_take_party_names_and_ids_that_match_nothing_get_the_closest(
        run: Run, small: Path) -> None:
    """Wherever a party id goes, its name or an alias (any case) does too, and the id is what
    is recorded; an id of any kind that names nothing is refused with the closest ones."""
    ok(run("party", "correct", "NORTHLAND", "--alias", "Kyiv", "--reason", "Its usual name"))
    ok(run("term", "add", "patrol", "--title", "Joint patrols", "--category", "security",
           "--obligor", "kyiv", "--obligor", "Southland"))
    entry = add_evidence(run, "patrol", "The Monitors", "claims", "2021-05", "--subject", "KYIV")
    ok(run("assess", "--term", "patrol", "--party", "kyiv", "--period", "2021-05",
           "--finding", "complies", "--rationale", "Seen", "--evidence", entry))
    saved = json.loads(small.read_text())
    assert [term["obligors"] for term in saved["terms"] if term["id"] == "patrol"] == [
        ["north", "south"]]
    assert [(found["subject"], found["claimant"]) for found in saved["evidence"]] == [
        ("north", "monitor")]
    assert [found["party"] for found in saved["assessments"]] == ["north"]
    assert [change["record"] for change in saved["changes"]] == ["north"]
    logged = as_json(run("log", "--record", "kyiv", "--format", "json"))
    assert logged and logged == as_json(run("log", "--record", "north", "--format", "json"))
    typo = entry[:4] + ("0" if entry[4] != "0" else "1") + entry[5:]
    for words, message in (
            (("term", "show", "withdrew"), "ID: no term 'withdrew' (did you mean 'withdraw'?"),
            (("log", "--record", "withdrew"), "no record 'withdrew' (did you mean 'withdraw'?"),
            (("term", "amend", "relase", "--due", "2021", "--effective", "2021-01-01",
              "--reason", "r"), "no term 'relase' (did you mean 'release'?"),
            (("party", "correct", "sooth", "--name", "S", "--reason", "r"),
             "no party 'sooth' (did you mean 'south' or 'north'?"),
            (("agreement", "correct", "acord", "--title", "T", "--reason", "r"),
             "no agreement 'acord' (did you mean 'accord'?"),
            (("term", "add", "x", "--title", "X", "--category", "c", "--obligor", "nort"),
             "--obligor: no party 'nort' (did you mean 'north'?"),
            (("evidence", "add", "-t", "withdraw", "--claimant", "monitr", "--stance", "claims",
              "-d", "2021", "--summary", "s"), "--claimant: no party 'monitr' (did you mean"),
            (("evidence", "show", typo), f"no evidence entry with id {typo!r} (did you mean "
             f"{entry!r}?)"),
            (("evidence", "retract", typo, "--reason", "r"), f"(did you mean {entry!r}?)"),
            (("assess", "--term", "patrl", "--party", "north", "--period", "2021",
              "--finding", "complies", "--rationale", "r", "--evidence", entry),
             "--term: no term 'patrl' (did you mean 'patrol'?")):
        before = small.read_bytes()
        result = run(*words)
        assert result.exit_code == 1 and message in result.stderr, (words, result.stderr)
        assert small.read_bytes() == before, words


def test_reports_and_lists_take_the_order_asked_for(run: Run, small: Path) -> None:
    """`report --sort` orders each party's terms in every format and in the grid over time, by
    the version in force (an amended due day moves its term); `evidence list --sort recorded`
    lists entries as they were recorded."""
    ok(run("term", "add", "patrol", "--title", "Patrols", "--category", "c", "--obligor",
           "north", "--due", "2020-06", "--article", "Part Two"))
    ok(run("term", "amend", "patrol", "--due", "2022", "--effective", "2021-01-01",
           "--reason", "Extended"))

    def order(*options: str) -> list[str]:
        report = as_json(run("report", "--party", "north", "--format", "json", *options))
        return [item["term"] for item in report["parties"][0]["obligations"]]

    assert order() == ["patrol", "release", "withdraw"], "as the agreement reads"
    assert order("--sort", "recorded") == ["withdraw", "release", "patrol"]
    assert order("--sort", "article") == ["withdraw", "patrol", "release"], "none last"
    assert order("--sort", "due") == ["release", "withdraw", "patrol"], "2022, amended"
    assert order("--sort", "due", "--as-of", "2020-12-31") == ["release", "patrol", "withdraw"]
    csv_terms = [line.split(",")[1] for line in ok(run(
        "report", "--party", "north", "--format", "csv", "--sort", "due")).stdout.splitlines()[1:]]
    assert csv_terms == ["release", "withdraw", "patrol"]
    grid = ok(run("report", "--party", "north", "--by", "year", "--since", "2020", "--until",
                  "2021", "--sort", "article")).stdout
    assert grid.index("withdraw") < grid.index("patrol") < grid.index("release"), grid
    page = ok(run("report", "--party", "north", "--format", "html", "--sort", "due")).stdout
    assert page.index(">release<") < page.index(">withdraw<") < page.index(">patrol<")
    first = add_evidence(run, "release", "monitor", "claims", "2021-05", "--subject", "north")
    second = add_evidence(run, "withdraw", "monitor", "claims", "2020-05")

    def entries(*options: str) -> list[str]:
        return [entry["id"] for entry in as_json(run("evidence", "list", "--format", "json",
                                                     *options))]

    assert entries() == [second, first], "by date"
    assert entries("--sort", "recorded") == [first, second]


def test_a_name_a_party_once_had_still_names_it_and_no_two_parties_share_one(
        run: Run, small: Path) -> None:
    """After a rename, the old name still finds the party in every filter (the grid too), as
    it does in writes; a party's id, name or alias may not read as another party's id or name
    (any case, any apostrophe), and the refusal names the option that gave it."""
    ok(run("party", "amend", "north", "--effective", "2021-01-01", "--name", "North Republic",
           "--reason", "Renamed"))
    by_id = as_json(run("report", "--party", "north", "--format", "json"))
    assert as_json(run("report", "--party", "Northland", "--format", "json")) == by_id
    for words in (("term", "list", "--party", "NORTHLAND"),
                  ("evidence", "list", "--party", "northland"),
                  ("assessment", "list", "--party", "Northland"),
                  ("changes", "--period", "2021", "--party", "Northland"),
                  ("report", "--by", "year", "--since", "2020", "--until", "2021", "--party",
                   "Northland")):
        ok(run(*words))
    ok(run("party", "add", "front", "--name", "People's Front"))
    before = small.read_bytes()
    for refused, message in (
            (("party", "add", "northland", "--name", "The North"),
             "ID: 'northland' reads the same as 'Northland', a name of party 'north'"),
            (("party", "add", "east", "--name", "East", "--alias", "SOUTH"),
             "--alias: 'SOUTH' reads the same as the id of party 'south'"),
            (("party", "correct", "monitor", "--name", "People\u2019s  front", "--reason", "r"),
             "--name: 'People\u2019s  front' reads the same as \"People's Front\", a name of "
             "party 'front'"),
            (("party", "amend", "south", "--effective", "2022-01-01", "--alias",
              "north republic", "--reason", "r"),
             "--alias: 'north republic' reads the same as 'North Republic', a name of party "
             "'north'")):
        result = run(*refused)
        assert result.exit_code == 1 and message in result.stderr, (refused, result.stderr)
        assert small.read_bytes() == before, refused
    entry = add_evidence(run, "withdraw", "monitor", "disputes", "2021-05")
    assessed = ok(run("assess", "-t", "withdraw", "-p", "NORTHLAND", "--period", "2021-05",
                      "--finding", "violates", "--rationale", "Seen", "-e", entry))
    assert "assessed north on withdraw for 2021-05" in assessed.stderr
    ok(run("party", "correct", "south", "--alias", entry[:6], "--reason", "A code name"))
    both = run("log", "--record", entry[:6])
    assert both.exit_code == 1 and f"{entry[:6]!r} is ambiguous: it names 2 records (south, " \
        f"{entry})" in both.stderr, both.stderr


def test_an_import_takes_party_names_and_records_ids(run: Run, small: Path,
                                                     tmp_path: Path) -> None:
    """A term file's obligors and an entry file's subject and claimant may be names or
    aliases, as on the command line; the ids are recorded, and importing again adds nothing."""
    terms = tmp_path / "terms.csv"
    terms.write_text("id,title,category,obligors\npatrol,Patrols,security,Northland; SOUTH\n",
                     encoding="utf-8")
    entries = tmp_path / "entries.csv"
    entries.write_text("term,subject,claimant,stance,date,summary\n"
                       "patrol,southland,The Monitors,claims,2021-05,Patrols seen\n",
                       encoding="utf-8")
    for _ in range(2):
        ok(run("term", "import", str(terms)))
        ok(run("evidence", "import", str(entries)))
    saved = json.loads(small.read_text())
    assert [term["obligors"] for term in saved["terms"] if term["id"] == "patrol"] == [
        ["north", "south"]]
    assert [(entry["subject"], entry["claimant"]) for entry in saved["evidence"]] == [
        ("south", "monitor")]


def test_a_name_corrected_away_is_free_and_an_old_clash_stops_no_change(
        run: Run, small: Path) -> None:
    """A name corrected away was never in force: another party may take it, and it then names
    that party. A clash a file already holds (written before ids counted as names) is for
    `check` to report at the id, and stops no change, above all the one that undoes it."""
    ok(run("party", "add", "zeta", "--name", "Acme"))
    ok(run("party", "correct", "zeta", "--name", "Zeta", "--reason", "Misnamed"))
    ok(run("party", "add", "bravo", "--name", "Acme"))
    ok(run("term", "add", "t3", "--title", "T", "--category", "c", "--obligor", "ACME"))
    assert [term["obligors"] for term in json.loads(small.read_text())["terms"]
            if term["id"] == "t3"] == [["bravo"]]
    from ledger.core.digests import sealed
    from ledger.core.model import Ledger, Party

    held = Ledger.model_validate_json(small.read_bytes())
    clash = sealed(Party(id="southland", name="Sud", recorded_at="2024-01-02T00:00:00.000000Z"))
    small.write_text(held.model_copy(update={"parties": (*held.parties, clash)})
                     .model_dump_json(exclude_none=True))
    checked = run("check")
    assert checked.exit_code == 1 and "party 'southland': 'southland' reads the same as " \
        "'Southland', a name of party 'south'" in checked.stderr, checked.stderr
    ok(run("party", "amend", "south", "--effective", "2025-01-01", "--role", "monitor",
           "--reason", "Now monitors"))
    ok(run("party", "correct", "south", "--name", "South Republic", "--reason", "Its name"))
    ok(run("check"))


def test_a_filter_names_a_party_only_as_known_then(run: Run, small: Path) -> None:
    """`--known-at` before a party was recorded: its name is refused as typed, not as an id
    the user never gave."""
    ok(run("party", "add", "late", "--name", "Latecomer",
           env={"COMPLIANCE_LEDGER_NOW": "2030-01-01T00:00:00Z"}))
    refused = run("report", "--party", "Latecomer", "--known-at", "2029-12-31")
    assert refused.exit_code == 1 and "--party: no party 'Latecomer'" in refused.stderr


def test_log_record_suggests_only_records(run: Run, small: Path) -> None:
    """`log --record` offers the closest ids, never a shared prefix of slugs nor an empty
    word."""
    for word, meant in (("withdrew", "did you mean 'withdraw'?"), ("", "no record ''")):
        refused = run("log", "--record", word)
        assert refused.exit_code == 1 and meant in refused.stderr, refused.stderr
        assert "did you mean ''" not in refused.stderr
    prefix = run("log", "--record", "releas")
    assert "did you mean 'release'?" in prefix.stderr, prefix.stderr


def test_only_the_word_example_names_the_bundled_example(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """`-f example` reads the bundled example; `-f ./example` is a path, as typed, and a
    missing file there is an error, never the example."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COMPLIANCE_LEDGER", raising=False)
    runner = CliRunner()
    bundled = runner.invoke(app, ["-f", "example", "report", "--format", "json"])
    assert bundled.exit_code == 0 and "doha-2020" in json.loads(bundled.stdout)["title"]
    for path in ("./example", f"{tmp_path}/example"):
        missing = runner.invoke(app, ["-f", path, "report", "--format", "json"])
        assert missing.exit_code == 1 and "no such ledger file" in missing.stderr, path
        assert missing.stdout == ""
    (tmp_path / "ledger.json").write_text("{}")
    for command in (["report"], ["party", "add", "x", "--name", "X"]):
        empty = runner.invoke(app, ["-f", "", *command])  # `-f "$UNSET"` names no file
        assert empty.exit_code == 1 and empty.stderr == (
            "ledger: error: --file: empty: give the ledger's path\n"), command
    assert (tmp_path / "ledger.json").read_text() == "{}"
