"""Every command through the real CLI on a ledger file in a temporary folder."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import INSTALLED_LEDGER, Run, add_evidence, as_json, ok

from ledger.cli import app

README = Path(__file__).resolve().parent.parent / "README.md"


def _commands() -> list[list[str]]:
    import typer.main

    group = typer.main.get_command(app)
    found = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        subcommands = getattr(command, "commands", None)
        if subcommands:
            found += [[name, sub] for sub in subcommands]
        else:
            found.append([name])
    return found


def test_every_command_has_help_and_a_readme_example(run: Run) -> None:
    readme = README.read_text(encoding="utf-8")
    commands = _commands()
    assert len(commands) == 38
    for words in commands:
        result = ok(run(*words, "--help"))
        assert "Usage:" in result.stdout
        assert "Example:" in result.stdout, words
        assert re.search(r"^\$ ledger (-f \S+ )?" + " ".join(words) + r"\b", readme, re.M), words


def test_init_creates_an_empty_ledger_and_never_overwrites(run: Run, ledger_path: Path) -> None:
    ok(run("init", "--title", "Mine"))
    content = ledger_path.read_bytes()
    data = json.loads(content)
    assert list(data) == ["schema_version", "title", "agreements", "parties", "terms",
                          "evidence", "retractions", "changes"]
    assert data["title"] == "Mine"
    result = run("init", "--title", "Other")
    assert result.exit_code == 1
    assert "already exists" in result.stderr
    assert ledger_path.read_bytes() == content


def test_init_from_example_copies_the_bundled_ledger(run: Run, ledger_path: Path) -> None:
    ok(run("init", "--example", "doha-2020"))
    assert ": ok: 2 agreements, 6 parties" in ok(run("check")).stdout
    parties = [party["id"] for party in as_json(run("party", "list", "--format", "json"))]
    assert parties[:3] == ["us", "taliban", "afghan-gov"]
    result = run("init", "--example", "nowhere", file=ledger_path.with_name("other.json"))
    assert result.exit_code == 1
    assert "no bundled ledger 'nowhere'" in result.stderr


def test_writing_commands_refuse_without_a_ledger(run: Run, ledger_path: Path) -> None:
    result = run("party", "add", "x", "--name", "X")
    assert result.exit_code == 1
    assert "ledger init" in result.stderr
    assert not ledger_path.exists()


def test_party_and_agreement_lists(run: Run, small: Path) -> None:
    parties = as_json(run("party", "list", "--format", "json"))
    recorded = {key: parties[0].pop(key) for key in ("recorded_at", "recorded_by", "digest")}
    assert parties[0] == {"id": "north", "name": "Northland", "role": "signatory", "aliases": []}
    assert re.fullmatch(r"[0-9a-f]{12}", recorded["digest"])
    assert recorded["recorded_by"] == "analyst"
    assert [party["role"] for party in parties] == ["signatory", "signatory", "monitor"]
    agreements = as_json(run("agreement", "list", "--format", "json"))
    kept = ("recorded_at", "recorded_by", "digest")
    assert [{key: value for key, value in agreement.items() if key not in kept}
            for agreement in agreements] == [
        {"id": "accord", "title": "The Accord", "signed": "2020-02-29",
         "signatories": ["north", "south"]}]
    table = ok(run("party", "list")).stdout
    assert "Northland" in table and "monitor" in table
    assert ok(run("agreement", "list", "--format", "csv")).stdout.splitlines() == [
        "id,title,signed,signatories,place,url,ended,stale_after",
        "accord,The Accord,2020-02-29,north;south,,,,",
    ]
    ok(run("party", "add", "third", "--name", "Third", "--alias", "T3", "--alias", "Tertia"))
    assert as_json(run("party", "list", "--format", "json"))[-1]["aliases"] == ["T3", "Tertia"]


def test_term_add_needs_the_agreement_only_when_there_are_several(run: Run, small: Path) -> None:
    ok(run("agreement", "add", "second", "--title", "Second accord"))
    result = run("term", "add", "t2", "--title", "T", "--category", "c", "--obligor", "north")
    assert result.exit_code == 1
    assert "--agreement: required: the ledger has 2 agreements (accord, second)" in result.stderr
    ok(run("term", "add", "t2", "--title", "T", "--category", "c", "--obligor", "north",
           "--agreement", "second"))
    assert [term["id"] for term in as_json(run("term", "list", "--agreement", "second",
                                               "--format", "json"))] == ["t2"]


def test_term_list_filters(run: Run, small: Path) -> None:
    def ids(*options: str) -> list[str]:
        return [term["id"] for term in as_json(run("term", "list", *options, "--format", "json"))]

    assert ids() == ["ceasefire", "release", "withdraw"], "as the agreement reads: by id"
    assert ids("--sort", "recorded") == ["withdraw", "release", "ceasefire"]
    assert ids("--sort", "due") == ["release", "withdraw", "ceasefire"], "no due day last"
    assert ids("--sort", "article") == ["withdraw", "ceasefire", "release"], "no article last"
    assert ids("--party", "south") == ["ceasefire", "release"]
    assert ids("--category", "withdrawal") == ["withdraw"]
    assert ids("--party", "north", "--category", "ceasefire") == []
    result = run("term", "list", "--category", "nope")
    assert result.exit_code == 1
    assert "--category: no term category 'nope'" in result.stderr


def test_term_show_gives_status_per_obligor_and_the_timeline(run: Run, small: Path) -> None:
    first = add_evidence(run, "release", "monitor", "disputes", "2020-04", "--subject", "south")
    add_evidence(run, "release", "south", "claims", "2020-05", "--subject", "south")
    add_evidence(run, "release", "south", "claims", "2020-06", "--subject", "north")
    ok(run("evidence", "retract", first, "--reason", "wrong speaker"))
    shown = as_json(run("term", "show", "release", "--format", "json"))
    assert shown["term"]["obligors"] == ["north", "south"]
    assert [(item["subject"], item["status"]) for item in shown["obligations"]] == [
        ("north", "claimed"), ("south", "claimed")]
    assert [(entry["date"], entry["retracted"]) for entry in shown["evidence"]] == [
        ("2020-04", True), ("2020-05", False), ("2020-06", False)]
    table = ok(run("term", "show", "release")).stdout
    assert "RETRACTED" in table and "Status by obligor" in table and "Southland" in table
    assert run("term", "show", "nope").exit_code == 1


def test_evidence_add_prints_only_the_id(run: Run, small: Path) -> None:
    result = ok(run("evidence", "add", "--term", "withdraw", "--claimant", "north", "--stance",
                    "claims", "--date", "2020-06", "--summary", "Withdrawal on track"))
    assert re.fullmatch(r"[0-9a-f]{12}\n", result.stdout)
    assert "recorded" in result.stderr
    entry = as_json(run("evidence", "show", result.stdout.strip(), "--format", "json"))
    assert entry["subject"] == "north"
    assert entry["date"] == "2020-06"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", entry["recorded_at"])
    assert entry["retraction"] is None


def test_evidence_add_with_every_option(run: Run, small: Path) -> None:
    entry_id = add_evidence(
        run, "release", "monitor", "disputes", "2020-03-11", "--subject", "south",
        "--speaker", "A. Spokesperson", "--quote", "Not one prisoner was freed.",
        "--source", "Daily report", "--publisher", "Monitor Press",
        "--url", "https://example.org/r/1", "--source-date", "2020-03",
    )
    entry = as_json(run("evidence", "show", entry_id, "--format", "json"))
    assert entry["speaker"] == "A. Spokesperson"
    assert entry["quote"] == "Not one prisoner was freed."
    assert entry["source"] == {"title": "Daily report", "publisher": "Monitor Press",
                               "url": "https://example.org/r/1", "date": "2020-03"}
    shown = ok(run("evidence", "show", entry_id)).stdout
    assert "Not one prisoner was freed." in shown and "Monitor Press" in shown


def test_evidence_subject_rules(run: Run, small: Path) -> None:
    result = run("evidence", "add", "--term", "release", "--claimant", "monitor", "--stance",
                 "claims", "--date", "2020", "--summary", "s")
    assert result.exit_code == 1
    assert "--subject: required: term 'release' has 2 obligors (north, south)" in result.stderr
    result = run("evidence", "add", "--term", "release", "--claimant", "monitor", "--stance",
                 "claims", "--date", "2020", "--summary", "s", "--subject", "monitor")
    assert result.exit_code == 1
    assert "--subject: 'monitor' is not an obligor of term 'release'" in result.stderr


def test_evidence_list_filters(run: Run, small: Path) -> None:
    a = add_evidence(run, "withdraw", "north", "claims", "2020-06-15")
    b = add_evidence(run, "withdraw", "monitor", "disputes", "2020-07")
    c = add_evidence(run, "ceasefire", "north", "disputes", "2021")
    d = add_evidence(run, "release", "monitor", "claims", "2020", "--subject", "south")
    ok(run("evidence", "retract", b, "--reason", "duplicate"))

    def ids(*options: str) -> list[str]:
        entries = as_json(run("evidence", "list", *options, "--format", "json"))
        return [entry["id"] for entry in entries]

    assert ids() == [d, a, c]
    assert ids("--include-retracted") == [d, a, b, c]
    assert ids("--term", "withdraw") == [a]
    assert ids("--party", "south") == [d, c]
    assert ids("--claimant", "north") == [a, c]
    assert ids("--stance", "disputes", "--include-retracted") == [b, c]
    assert ids("--since", "2020-06") == [a, c]
    assert ids("--until", "2020-06") == [d, a]
    assert ids("--since", "2020-06-16", "--until", "2020") == []
    assert ids("--since", "2021") == [c]
    listed = as_json(run("evidence", "list", "--include-retracted", "--format", "json"))
    assert [entry["retracted"] for entry in listed] == [False, False, True, False]
    assert run("evidence", "list", "--stance", "maybe").exit_code == 2  # a choice, as --format
    assert run("evidence", "list", "--claimant", "nobody").exit_code == 1


def test_schema_describes_the_file(run: Run) -> None:
    schema = as_json(run("schema"))
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]) == {"schema_version", "title", "agreements", "parties",
                                         "terms", "evidence", "retractions", "changes",
                                         "assessments", "reviews"}
    assert schema["$defs"]["Evidence"]["properties"]["stance"]["$ref"].endswith("Stance")


@pytest.mark.parametrize("output", ["table", "json", "csv", "markdown"])
def test_every_list_show_and_report_command_takes_every_format(run: Run, small: Path,
                                                               output: str) -> None:
    import csv
    import io

    entry = add_evidence(run, "withdraw", "north", "claims", "2020-06")
    expected = {  # what each command must show, whatever the format
        ("agreement", "list"): ["accord", "The Accord"],
        ("party", "list"): ["north", "Northland", "monitor"],
        ("term", "list"): ["release", "Release prisoners"],
        ("term", "show", "withdraw"): ["Withdraw troops", "claimed"],
        ("evidence", "list"): [entry, "north claims on withdraw"],
        ("evidence", "show", entry): [entry, "2020-06"],
        ("report",): ["north", "Withdraw troops", "claimed", "south", "no-evidence"],
    }
    for words, shown in expected.items():
        result = ok(run(*words, "--format", output))
        assert "\x1b" not in result.stdout
        for text in shown:
            assert text in result.stdout, (words, text)
        if output == "json":
            json.loads(result.stdout)
        if output == "csv":
            rows = list(csv.reader(io.StringIO(result.stdout)))
            assert len(rows) >= 2 and len({len(row) for row in rows}) == 1, words
        if output == "markdown":
            assert "| --- |" in result.stdout, words


def test_file_from_environment_variable(run: Run, small: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["party", "list", "--format", "json"],
                                env={"COMPLIANCE_LEDGER": str(small)})
    assert [party["id"] for party in json.loads(result.stdout)] == ["north", "south", "monitor"]
    missing = CliRunner().invoke(app, ["party", "list"],
                                 env={"COMPLIANCE_LEDGER": str(tmp_path / "missing.json")})
    assert missing.exit_code == 1
    assert "missing.json: no such ledger file" in missing.stderr


def test_read_only_commands_fall_back_to_the_example(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COMPLIANCE_LEDGER", raising=False)
    result = CliRunner().invoke(app, ["report"])
    assert result.exit_code == 0
    assert "reading the bundled example 'doha-2020'" in result.stderr
    assert "(the bundled example 'doha-2020': no ledger.json was found)" in " ".join(
        result.stdout.split())
    refused = CliRunner().invoke(app, ["party", "add", "x", "--name", "X"])
    assert refused.exit_code == 1
    assert "ledger init" in refused.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_example_in_another_format_only_when_meant(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """No ledger found: CSV, JSON, Markdown and HTML are refused (a cron job would publish the
    example as its own report), naming the ledgers here; `--example` and `-f example` mean it;
    a write to the example is refused."""
    from typer.testing import CliRunner

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COMPLIANCE_LEDGER", raising=False)
    runner = CliRunner()
    ok(runner.invoke(app, ["-f", "minsk.json", "init", "--title", "Minsk II"]))
    (tmp_path / "notes.json").write_text('{"a": 1}')
    for output in ("json", "csv", "markdown", "html"):
        refused = runner.invoke(app, ["report", "--format", output])
        assert refused.exit_code == 1 and refused.stdout == "", output
        assert "did you mean -f minsk.json?" in refused.stderr and "--example" in refused.stderr
        assert "notes.json" not in refused.stderr, "only files that hold a ledger"
    added = runner.invoke(app, ["party", "add", "x", "--name", "X"])
    assert added.exit_code == 1 and "did you mean -f minsk.json?" in added.stderr
    for words in (["report", "--format", "csv", "--example"], ["--example", "report"]):
        assert "doha-pre-3" in ok(runner.invoke(app, words)).stdout, words
    listed = json.loads(ok(runner.invoke(app, ["-f", "example", "evidence", "list", "--format",
                                                 "json"])).stdout)
    assert len(listed) == 25
    write = runner.invoke(app, ["--example", "party", "add", "x", "--name", "X"])
    assert write.exit_code == 1 and "read-only" in write.stderr
    init = runner.invoke(app, ["--example", "init"])
    assert init.exit_code == 1 and "ledger init --example doha-2020" in init.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "minsk.json", "minsk.json.lock", "notes.json"], "only what init made"


def _completions(small: Path, words: str) -> list[str]:
    """What the shell gets when the user presses Tab after `words` (the installed script)."""
    import os
    import subprocess

    line = f"ledger -f {small} {words}"
    environment = {**os.environ, "_LEDGER_COMPLETE": "complete_bash", "COMP_WORDS": line,
                   "COMP_CWORD": str(len(line.split()) - (0 if line.endswith(" ") else 1))}
    result = subprocess.run([str(INSTALLED_LEDGER)], env=environment, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


@pytest.mark.slow
def test_shell_completion_offers_ids_from_the_ledger(run: Run, small: Path) -> None:
    entry = add_evidence(run, "withdraw", "monitor", "claims", "2024")
    assert _completions(small, "report --party ") == ["north", "south", "monitor"]
    assert _completions(small, "term show re") == ["release"]
    assert _completions(small, "term add x --agreement ") == ["accord"]
    assert _completions(small, "report --category w") == ["withdrawal"]
    assert _completions(small, f"evidence show {entry[:2]}") == [entry]
    assert _completions(small, "evidence retract ") == [entry]


@pytest.mark.slow
def test_completion_offers_no_text_a_shell_would_run(run: Run, small: Path) -> None:
    """Completions are read by the shell as code (zsh evaluates them): a category that is not
    a plain word is not offered, however the shell would quote it."""
    import os
    import subprocess

    for term, category in (("ta", "0\\"), ("tb", "1 <(touch PWNED) \\"), ("tc", "sécurité"),
                           ("td", "\x1b]52;c;aGk=\x07"), ("te", "-rf"), ("tf", "a b"),
                           ("tg", "withdrawal\u3164")):
        ok(run("term", "add", term, "--agreement", "accord", "--title", term, "--category",
               category, "--obligor", "north"))
    offered = _completions(small, "report --category ")
    assert {"sécurité", "withdrawal"} <= set(offered)
    assert not {"0\\", "-rf", "a", "b", "1", "<(touch", "PWNED)", "withdrawal\u3164"} & set(
        offered), "nor a name that only looks like another (a Hangul filler shows nothing)"
    zsh = subprocess.run([str(INSTALLED_LEDGER)], capture_output=True, text=True, timeout=60,
                         check=False, cwd=small.parent, env={
                             **os.environ, "_LEDGER_COMPLETE": "complete_zsh",
                             "_TYPER_COMPLETE_ARGS": f"ledger -f {small} report --category "})
    assert zsh.returncode == 0 and "sécurité" in zsh.stdout and "withdrawal" in zsh.stdout
    for unsafe in ("<(", "\\", "\x1b", "\x07", "-rf", "a b"):
        assert unsafe not in zsh.stdout, unsafe
    assert not (small.parent / "PWNED").exists()


def test_evidence_ids_are_accepted_by_unique_prefix(run: Run, small: Path) -> None:
    ids: list[str] = []
    by_first: dict[str, list[str]] = {}
    while all(len(group) < 2 for group in by_first.values()):  # 17 entries at most: 16 digits
        entry_id = add_evidence(run, "withdraw", "monitor", "claims", f"{2000 + len(ids)}")
        ids.append(entry_id)
        by_first.setdefault(entry_id[0], []).append(entry_id)
    shared = next(group for group in by_first.values() if len(group) > 1)
    result = run("evidence", "show", shared[0][0])
    assert result.exit_code == 1
    assert f"ID: {shared[0][0]!r} is ambiguous: {len(shared)} entries start with it" \
        in result.stderr
    assert all(entry_id in result.stderr for entry_id in shared)
    for entry_id in ids:
        prefix = next(entry_id[:size] for size in range(1, 13)
                      if sum(other.startswith(entry_id[:size]) for other in ids) == 1)
        shown = as_json(run("evidence", "show", prefix, "--format", "json"))
        assert shown["id"] == entry_id
    upper = as_json(run("evidence", "show", ids[0].upper(), "--format", "json"))
    assert upper["id"] == ids[0]
    assert "no evidence entry with id 'zz'" in run("evidence", "show", "zz").stderr


def test_colour_follows_the_terminal_and_no_color(run: Run, small: Path) -> None:
    colour = re.compile(r"\x1b\[[0-9;]*(3[0-9]|9[0-7])[0-9;]*m")
    forced = ok(run("report", env={"FORCE_COLOR": "1", "NO_COLOR": ""})).stdout
    assert colour.search(forced), "a terminal gets the status colours"
    plain = ok(run("report", env={"FORCE_COLOR": "1", "NO_COLOR": "1"})).stdout
    assert not colour.search(plain) and "Status words" in plain
    piped = ok(run("report")).stdout
    assert "\x1b" not in piped, "no terminal, no escape codes"
    for output in ("json", "csv", "markdown"):
        assert "\x1b" not in ok(run("report", "--format", output,
                                    env={"FORCE_COLOR": "1", "NO_COLOR": ""})).stdout
