"""A team in git: two analysts' branches merged by the driver, by `ledger resolve`, and in
conflict; `check` on conflict markers and `check --against` a revision. Real git throughout: git
itself starts the installed `ledger` script as its merge driver."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import Run, git_environment, ok

pytestmark = [pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
              pytest.mark.slow]  # real git in subprocesses: the full suite runs them


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty git work tree, with no user or system git configuration in play."""
    folder = tmp_path / "team"
    folder.mkdir()
    git_environment(tmp_path, monkeypatch)
    git(folder, "init", "-q", "-b", "main")
    return folder


def git(folder: Path, *arguments: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *arguments], cwd=folder, capture_output=True, text=True,
                          check=check)


def entry_ids(run: Run, file: Path) -> list[str]:
    listed = json.loads(ok(run("evidence", "list", "--include-retracted", "--format", "json",
                               file=file)).stdout)
    return [entry["id"] for entry in listed]


def add_entry(run: Run, file: Path, summary: str, date: str = "2024-03-01") -> str:
    return ok(run("evidence", "add", "--term", "withdraw", "--claimant", "monitor", "--stance",
                  "claims", "--date", date, "--summary", summary, file=file)).stdout.strip()


def grow_base(run: Run, repo: Path) -> tuple[Path, str]:
    """The common ledger on main: an agreement, three parties, a term, two entries. Returns the
    file and the entry that both analysts will retract."""
    file = repo / "ledger.json"
    ok(run("init", "--title", "Team ledger", file=file))
    for party, name in (("north", "Northland"), ("south", "Southland"), ("monitor", "Monitors")):
        ok(run("party", "add", party, "--name", name, file=file))
    ok(run("agreement", "add", "accord", "--title", "Accord", "--signed", "2024-01-01",
           "--signatory", "north", "--signatory", "south", file=file))
    ok(run("term", "add", "withdraw", "--title", "Withdraw", "--category", "withdrawal",
           "--obligor", "north", "--due", "2024-06-30", file=file))
    shared = add_entry(run, file, "Troops seen leaving the capital.")
    add_entry(run, file, "Convoys on the border road.", "2024-03-05")
    return file, shared


def grow_branch(run: Run, repo: Path, file: Path, name: str, retracted: str) -> None:
    """One analyst's branch from main: entries, a term, a party, an amendment and a retraction
    of the shared entry, committed."""
    git(repo, "checkout", "-q", "-b", name, "main")
    ok(run("party", "add", f"{name}-ngo", "--name", f"Observers of {name}", file=file))
    ok(run("term", "add", f"{name}-release", "--title", f"Release seen by {name}", "--category",
           "prisoners", "--obligor", "south", file=file))
    add_entry(run, file, f"{name}: the last base handed over.", "2024-04-01")
    ok(run("evidence", "add", "--term", f"{name}-release", "--claimant", f"{name}-ngo",
           "--stance", "disputes", "--date", "2024-04-02", "--summary", f"{name}: none freed.",
           file=file))
    ok(run("term", "amend", "withdraw", "--due", "2024-09-30" if name == "alice" else
           "2024-08-31", "--effective", "2024-05-01", "--reason", f"{name}: the talks moved it",
           file=file))
    ok(run("evidence", "retract", retracted, "--reason", f"{name}: misdated", file=file))
    git(repo, "commit", "-q", "-am", f"{name}'s work")


def two_analysts(run: Run, repo: Path, *, driver: bool) -> tuple[Path, str]:
    file, shared = grow_base(run, repo)
    if driver:
        ok(run("git-setup", file=file))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "the common ledger")
    grow_branch(run, repo, file, "alice", shared)
    grow_branch(run, repo, file, "bob", shared)
    return file, shared


def committed_base(run: Run, repo: Path) -> Path:
    """The common ledger (`grow_base`), with the merge driver set up, committed on main."""
    file, _ = grow_base(run, repo)
    ok(run("git-setup", file=file))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    return file


def two_entries_on_two_branches(run: Run, repo: Path, file: Path) -> dict[str, str]:
    """Commit the work tree as main, then an entry on each of two branches from it, alice's
    and bob's; returns each branch's entry."""
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    made = {}
    for branch in ("alice", "bob"):
        git(repo, "checkout", "-q", "-b", branch, "main")
        made[branch] = add_entry(run, file, f"{branch}: seen at the border.")
        git(repo, "commit", "-q", "-am", branch)
    return made


def merged_bytes(repo: Path, ours: str, theirs: str) -> subprocess.CompletedProcess[str]:
    git(repo, "checkout", "-q", "-b", f"{ours}-with-{theirs}", ours)
    return git(repo, "merge", "--no-edit", theirs, check=False)


@pytest.mark.slow
def test_with_the_driver_two_branches_merge_cleanly_in_either_order(run: Run, repo: Path) -> None:
    file, shared = two_analysts(run, repo, driver=True)
    attributes = (repo / ".gitattributes").read_text()
    assert attributes == "/ledger.json merge=ledger\n"
    assert git(repo, "check-attr", "merge", "ledger.json").stdout == "ledger.json: merge: ledger\n"

    first = merged_bytes(repo, "alice", "bob")
    assert first.returncode == 0, first.stderr + first.stdout
    assert "ledger: warning: term 'withdraw': both sides amended it effective 2024-05-01, " \
        "setting due differently (ours: " in first.stderr, "merged, and said"
    alice_with_bob = file.read_bytes()
    assert b"<<<<<<<" not in alice_with_bob
    for branch in ("alice", "bob", "main"):
        assert "only grew since" in ok(run("check", "--against", branch, file=file)).stdout
    ids = entry_ids(run, file)
    assert len(ids) == 6 and shared in ids
    shown = json.loads(ok(run("evidence", "show", shared, "--format", "json", file=file)).stdout)
    assert sorted(item["reason"] for item in shown["retractions"]) == [
        "alice: misdated", "bob: misdated"]
    log = json.loads(ok(run("log", "--record", "withdraw", "--format", "json", file=file)).stdout)
    assert sorted(line["reason"] for line in log if line["kind"] == "amended") == [
        "alice: the talks moved it", "bob: the talks moved it"]
    parties = json.loads(ok(run("party", "list", "--format", "json", file=file)).stdout)
    assert {"alice-ngo", "bob-ngo"} <= {party["id"] for party in parties}
    assert not list(repo.glob(".merge_file_*")), "the driver left git's temporary files behind"

    second = merged_bytes(repo, "bob", "alice")
    assert second.returncode == 0, second.stderr + second.stdout
    assert file.read_bytes() == alice_with_bob, "merging in either order gives the same bytes"


def test_without_the_driver_resolve_finishes_the_merge(run: Run, repo: Path) -> None:
    file, _ = two_analysts(run, repo, driver=False)
    stopped = merged_bytes(repo, "alice", "bob")
    assert stopped.returncode == 1 and "CONFLICT" in stopped.stdout
    checked = run("check", file=file)
    assert checked.exit_code == 1
    line = next(number for number, text in enumerate(file.read_text().splitlines(), 1)
                if text.startswith("<<<<<<<"))
    assert checked.stderr == (f"{file}:{line}:1: merge conflict markers at line {line}: run "
                              "`ledger resolve`\n")

    resolved = run("resolve", str(file), file=file)
    assert resolved.exit_code == 0, resolved.stderr
    assert "staged" in resolved.stderr
    assert git(repo, "diff", "--name-only", "--diff-filter=U").stdout == ""
    git(repo, "commit", "-q", "--no-edit")
    for branch in ("alice", "bob"):
        ok(run("check", "--against", branch, file=file))
    by_resolve = file.read_bytes()

    ok(run("git-setup", file=file))
    driven = merged_bytes(repo, "bob", "alice")
    assert driven.returncode == 0, driven.stderr
    assert file.read_bytes() == by_resolve, "resolve and the driver give the same result"


def test_resolve_when_git_holds_no_conflict_says_so(run: Run, repo: Path) -> None:
    file, _ = grow_base(run, repo)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    before = file.read_bytes()
    result = run("resolve", file=file)
    assert result.exit_code == 1
    assert result.stderr == (f"ledger: error: {file}: git has no merge conflict in this file "
                             "(nothing to resolve)\n")
    assert file.read_bytes() == before


def test_a_genuine_conflict_names_both_versions_and_leaves_a_valid_ledger(
        run: Run, repo: Path) -> None:
    file = committed_base(run, repo)
    for branch, name in (("alice", "Relief Watch"), ("bob", "Relief Monitors")):
        git(repo, "checkout", "-q", "-b", branch, "main")
        ok(run("party", "add", "relief", "--name", name, file=file))
        add_entry(run, file, f"{branch}: seen by {name}.")
        git(repo, "commit", "-q", "-am", branch)
    stopped = merged_bytes(repo, "alice", "bob")
    assert stopped.returncode == 1
    assert "ledger: conflict: party 'relief': added on both sides with different content" in (
        stopped.stderr)
    assert '"name":"Relief Watch"' in stopped.stderr.split("  ours:")[1].split("\n")[0]
    assert '"name":"Relief Monitors"' in stopped.stderr.split("  theirs:")[1].split("\n")[0]
    assert "merge stopped on 1 conflict: ledger.json holds everything that merged" in (
        stopped.stderr), "the ledger is named by its path, not git's temporary file"
    assert ".merge_file_" not in stopped.stderr
    assert git(repo, "diff", "--name-only", "--diff-filter=U").stdout == "ledger.json\n"
    text = file.read_text()
    assert "<<<<<<<" not in text and ">>>>>>>" not in text
    assert "4 evidence entries" in ok(run("check", file=file)).stdout, "everything else merged"
    parties = json.loads(ok(run("party", "list", "--format", "json", file=file)).stdout)
    assert [party["name"] for party in parties if party["id"] == "relief"] == ["Relief Watch"]

    # resolve after the driver keeps the file (and what the user recorded since) as ours
    add_entry(run, file, "Recorded while resolving.", "2024-05-01")
    again = run("resolve", file=file)
    assert again.exit_code == 1 and "party 'relief'" in again.stderr
    summaries = json.loads(ok(run("evidence", "list", "--format", "json", file=file)).stdout)
    assert "Recorded while resolving." in [entry["summary"] for entry in summaries]


def test_an_entry_whose_subject_the_other_side_unbound_is_a_conflict_and_stays(
        run: Run, repo: Path) -> None:
    """Alice records a dispute about north while Bob corrects the term's obligor to south: each
    side is valid, but merged the entry would count for nobody without anyone deciding so."""
    file = committed_base(run, repo)
    git(repo, "checkout", "-q", "-b", "alice", "main")
    stranded = ok(run("evidence", "add", "--term", "withdraw", "--claimant", "monitor",
                      "--stance", "disputes", "--date", "2024-07", "--summary",
                      "Still in the capital.", file=file)).stdout.strip()
    git(repo, "commit", "-q", "-am", "alice")
    git(repo, "checkout", "-q", "-b", "bob", "main")
    # Bob's own entries are about north too: his correction must strand none of them
    refused = run("term", "correct", "withdraw", "--obligor", "south", "--reason", "mis-entered",
                  file=file)
    assert refused.exit_code == 1 and "would no longer be obligors" in refused.stderr
    for entry in entry_ids(run, file):
        ok(run("evidence", "retract", entry, "--reason", "about the wrong party", file=file))
    ok(run("term", "correct", "withdraw", "--obligor", "south", "--reason", "mis-entered",
           file=file))
    git(repo, "commit", "-q", "-am", "bob")

    stopped = merged_bytes(repo, "bob", "alice")
    assert stopped.returncode == 1
    assert (f"ledger: conflict: evidence entry {stranded}: its subject 'north' is not an obligor "
            "of term 'withdraw' throughout 2024-07 (bound all along: south) after the merge"
            ) in stopped.stderr
    assert git(repo, "diff", "--name-only", "--diff-filter=U").stdout == "ledger.json\n"
    assert stranded in entry_ids(run, file), "nothing recorded is lost"
    found = run("check", file=file)
    assert found.exit_code == 1
    assert f"entry {stranded}: its subject 'north' is not an obligor of term 'withdraw'" in (
        found.stderr)
    assert "git holds a merge of this file not yet concluded" in found.stderr

    # another change of the term is not blamed for the entry the merge stranded
    ok(run("term", "correct", "withdraw", "--title", "Withdraw all forces", "--reason", "typo",
           file=file))
    ok(run("evidence", "retract", stranded, "--reason", "north is not bound", file=file))
    fixed = ok(run("check", file=file))
    assert "ok" in fixed.stdout and "`git add` the file" in fixed.stderr
    assert run("check", "--strict", file=file).exit_code == 1
    git(repo, "commit", "-q", "-am", "resolved")
    assert git(repo, "diff", "--name-only", "--diff-filter=U").stdout == ""
    assert ok(run("check", "--strict", file=file)).stderr == ""


@pytest.mark.slow
def test_what_the_two_sides_recorded_differently_is_said_and_both_are_kept(
        run: Run, repo: Path) -> None:
    """No conflict, for each side's record is valid, but never silent: the merge says which of
    two differing corrections is in force, and what counts of an entry that the two sides
    corrected differently, or retracted and corrected."""
    file, first = grow_base(run, repo)
    second = entry_ids(run, file)[1]
    ok(run("git-setup", file=file))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    made: dict[str, list[str]] = {}
    for branch, title in (("alice", "Withdraw all troops"), ("bob", "Withdraw the army")):
        git(repo, "checkout", "-q", "-b", branch, "main")
        ok(run("term", "correct", "withdraw", "--title", title, "--reason", f"{branch}: typo",
               file=file))
        made[branch] = [ok(run("evidence", "correct", first, "--date", f"2024-03-0{day}",
                               "--reason", f"{branch}: misdated", file=file)).stdout.strip()
                        for day in ("2" if branch == "alice" else "3",)]
        if branch == "alice":
            ok(run("evidence", "retract", second, "--reason", "alice: not a statement",
                   file=file))
        else:
            made[branch].append(ok(run("evidence", "correct", second, "--summary",
                                       "Convoys on the coast road.", "--reason",
                                       "bob: misread", file=file)).stdout.strip())
        git(repo, "commit", "-q", "-am", branch)
    done = merged_bytes(repo, "alice", "bob")
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if line.startswith("ledger: warning:")]
    assert len(warnings) == 3, warnings
    assert warnings[0].startswith("ledger: warning: term 'withdraw': both sides corrected it, "
                                  "setting title differently (ours: ")
    assert "; theirs: " in warnings[0] and warnings[0].endswith(
        "their side's change " + warnings[0].split("; theirs: ")[1].split(")")[0]
        + ", applied last, is in force; if it is wrong, record another (`ledger term correct "
        "withdraw --title ... --reason ...`)")
    assert warnings[1] == (f"ledger: warning: evidence entry {first}: corrected on both sides "
                           f"(by {made['alice'][0]} on ours, {made['bob'][0]} on theirs): both "
                           "corrections count; retract the one that is wrong")
    assert warnings[2] == (f"ledger: warning: evidence entry {second}: retracted on our side "
                           f"('alice: not a statement') and corrected on the other (by "
                           f"{made['bob'][1]}): the correction counts; retract {made['bob'][1]} "
                           "too if the entry should not count at all")
    terms = json.loads(ok(run("term", "list", "--format", "json", file=file)).stdout)
    assert [term["title"] for term in terms if term["id"] == "withdraw"] == ["Withdraw the army"]
    counted = {entry["id"] for entry in json.loads(ok(run(
        "evidence", "list", "--format", "json", file=file)).stdout)}
    assert {*made["alice"], *made["bob"]} <= counted and not {first, second} & counted

    again = merged_bytes(repo, "bob", "alice")
    assert again.returncode == 0 and "ledger: warning:" in again.stderr
    assert [line for line in again.stderr.splitlines() if "our side's change" in line and
            "title" in line], "merged the other way, the one in force is ours"


@pytest.mark.slow
def test_a_cherry_pick_brings_only_what_the_commit_changed(run: Run, repo: Path) -> None:
    """A commit picked from a branch holds, in its parent, records this branch never had: they
    are not ours to have deleted, and the pick leaves them behind; a rebase replays the branch
    whole. A merge still names a record deleted on one side."""
    file = committed_base(run, repo)
    git(repo, "checkout", "-q", "-b", "feature", "main")
    ok(run("party", "add", "west", "--name", "Westmarch", file=file))
    ok(run("term", "add", "release", "--title", "Release", "--category", "prisoners",
           "--obligor", "west", file=file))
    git(repo, "commit", "-q", "-am", "a new term")
    picked = add_entry(run, file, "Troops seen at the border.", "2024-04-01")
    git(repo, "commit", "-q", "-am", "an entry about the old term")
    git(repo, "checkout", "-q", "main")
    mine = add_entry(run, file, "Convoys in the hills.", "2024-04-02")
    git(repo, "commit", "-q", "-am", "main's own entry")

    done = git(repo, "cherry-pick", "feature", check=False)
    assert done.returncode == 0, done.stderr
    assert ("2 records that its parent held are not on this branch and not brought in (party "
            "'west', term 'release')") in done.stderr
    assert {picked, mine} <= set(entry_ids(run, file))
    parties = json.loads(ok(run("party", "list", "--format", "json", file=file)).stdout)
    assert "west" not in {party["id"] for party in parties}
    assert "ok" in ok(run("check", file=file)).stdout

    # a picked entry about the new term brings the term and its obligor with it
    git(repo, "checkout", "-q", "feature")
    needing = ok(run("evidence", "add", "--term", "release", "--claimant", "monitor",
                     "--stance", "disputes", "--date", "2024-05", "--summary", "None freed.",
                     file=file)).stdout.strip()
    git(repo, "commit", "-q", "-am", "an entry about the new term")
    git(repo, "checkout", "-q", "main")
    brought = git(repo, "cherry-pick", "feature", check=False)
    assert brought.returncode == 0, brought.stderr
    assert "2 records that it needs are brought in with it" in brought.stderr
    assert needing in entry_ids(run, file)
    assert "west" in {party["id"] for party in json.loads(
        ok(run("party", "list", "--format", "json", file=file)).stdout)}
    assert "ok" in ok(run("check", file=file)).stdout
    git(repo, "reset", "-q", "--hard", "HEAD~1")

    # the same three versions merged (not picked) name those records as deleted on our side
    versions = []
    for name, revision in (("base", "feature~1"), ("ours", "main"), ("theirs", "feature")):
        versions.append(repo / f"{name}.json")  # in the work tree, as an alias sees them
        versions[-1].write_bytes(git_bytes(repo, f"{revision}:ledger.json"))
    merged = run("merge", *map(str, versions))
    assert merged.exit_code == 1 and "party 'west': deleted on our side" in merged.stderr
    # so too when run by hand through a git alias or hook (git's environment, no PATH argument)
    versions[1].write_bytes(git_bytes(repo, "main:ledger.json"))  # the merge wrote OURS
    aliased = run("merge", *map(str, versions), env={"GIT_EXEC_PATH": "/usr/lib/git-core",
                                                      "GIT_REFLOG_ACTION": "cherry-pick"})
    assert aliased.exit_code == 1 and "party 'west': deleted on our side" in aliased.stderr
    for version in versions:
        version.unlink()

    git(repo, "checkout", "-q", "feature")
    rebased = git(repo, "rebase", "main", check=False)
    assert rebased.returncode == 0, rebased.stderr
    assert "and changes from your commit being replayed" in rebased.stderr
    assert "west" in {party["id"] for party in json.loads(
        ok(run("party", "list", "--format", "json", file=file)).stdout)}
    assert {picked, mine} <= set(entry_ids(run, file))



def git_bytes(folder: Path, name: str) -> bytes:
    return subprocess.run(["git", "show", name], cwd=folder, capture_output=True,
                          check=True).stdout


def test_a_program_named_ledger_in_the_work_tree_never_runs_as_the_driver(
        run: Run, repo: Path) -> None:
    """git runs the driver from the top of the work tree: a `ledger.py` or `ledger/` committed
    there must not be what `python -m ledger` finds."""
    file, _ = grow_base(run, repo)
    ok(run("git-setup", file=file))
    (repo / "ledger.py").write_text("print('not the ledger program')\n")
    (repo / "ledger").mkdir()
    (repo / "ledger" / "__main__.py").write_text("print('not the ledger program')\n")
    (repo / "ledger" / "__init__.py").write_text("")
    made = two_entries_on_two_branches(run, repo, file)
    done = merged_bytes(repo, "alice", "bob")
    assert done.returncode == 0, done.stderr
    assert "not the ledger program" not in done.stdout + done.stderr
    assert "merged by record" in done.stderr
    assert set(made.values()) <= set(entry_ids(run, file))


def test_what_git_is_doing_is_read_from_its_state_before_its_environment(
        run: Run, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`git pull --rebase` names itself "pull" in GIT_REFLOG_ACTION: the rebase's state folder
    says what it is; `git merge` is a merge; anything else git runs the driver for is a pick."""
    from ledger.storage import git as ledger_git

    file, _ = grow_base(run, repo)
    two_entries_on_two_branches(run, repo, file)
    monkeypatch.setenv("GIT_EXEC_PATH", "/usr/lib/git-core")
    for action, doing in (("merge bob", ledger_git.MERGING), ("pull", ledger_git.MERGING),
                          ("cherry-pick", ledger_git.PICKING), ("", ledger_git.PICKING)):
        monkeypatch.setenv("GIT_REFLOG_ACTION", action)
        assert ledger_git.operation(file, as_driver=True) == doing, action
    assert git(repo, "rebase", "alice", check=False).returncode != 0, "stopped: no driver"
    monkeypatch.setenv("GIT_REFLOG_ACTION", "pull --rebase")
    assert ledger_git.operation(file, as_driver=True) == ledger_git.REBASING
    assert ledger_git.operation(file, as_driver=False) == ledger_git.REBASING
    git(repo, "rebase", "--abort")
    assert git(repo, "merge", "alice", check=False).returncode != 0
    assert ledger_git.operation(file, as_driver=False) == ledger_git.MERGING, "MERGE_HEAD"
    monkeypatch.delenv("GIT_EXEC_PATH")
    assert ledger_git.operation(file, as_driver=True) == ledger_git.MERGING, "not run by git"


def test_check_warns_of_a_clone_without_the_merge_driver(run: Run, repo: Path) -> None:
    """The attributes travel with the repository, the driver's command does not: a clone that
    never ran `git-setup` would merge the ledger line by line, and check says so."""
    file, _ = grow_base(run, repo)
    ok(run("git-setup", file=file))
    assert ok(run("check", "--strict", file=file)).stderr == ""
    git(repo, "config", "--unset", "merge.ledger.driver")
    warned = run("check", "--strict", file=file)
    assert warned.exit_code == 1
    assert ("but this clone has no such merge driver: git would merge it line by line; run "
            "`ledger git-setup`") in warned.stderr
    ok(run("git-setup", file=file))
    assert ok(run("check", "--strict", file=file)).stderr == ""


def test_a_merge_git_could_not_hand_to_the_driver_is_named_by_check(
        run: Run, repo: Path) -> None:
    """A driver git cannot start (a clone whose configured command is gone): git leaves our
    version alone in the file, valid; `check` says the merge is not concluded, and `resolve`
    merges theirs in."""
    file, _ = grow_base(run, repo)
    ok(run("git-setup", file=file))
    git(repo, "config", "merge.ledger.driver", "no-such-ledger-program merge %O %A %B %P")
    two_entries_on_two_branches(run, repo, file)
    assert merged_bytes(repo, "alice", "bob").returncode != 0
    assert "<<<<<<<" not in file.read_text(), "git left our version as the driver found it"
    told = ok(run("check", file=file))
    assert f"`ledger resolve {file}` merges both sides, and the file, by record" in told.stderr
    ok(run("resolve", file=file))
    summaries = [entry["summary"] for entry in json.loads(
        ok(run("evidence", "list", "--format", "json", file=file)).stdout)]
    assert {"alice: seen at the border.", "bob: seen at the border."} <= set(summaries)
    assert "not yet concluded" not in ok(run("check", file=file)).stderr


def test_an_entry_left_out_by_a_conflict_comes_with_the_command_that_records_it_again(
        run: Run, repo: Path) -> None:
    """Both sides created term `demine` with other obligors: the merge keeps ours, and their
    entry about their version's obligor cannot be in the file. Its conflict gives the command
    that records it again once the term is settled."""
    file = committed_base(run, repo)
    for branch, obligor in (("alice", "north"), ("bob", "south")):
        git(repo, "checkout", "-q", "-b", branch, "main")
        ok(run("term", "add", "demine", "--title", "Clear the mines", "--category", "security",
               "--obligor", obligor, file=file))
        if branch == "bob":
            ok(run("evidence", "add", "--term", "demine", "--claimant", "monitor", "--stance",
                   "disputes", "--date", "2024-05", "--summary", "Mines still on the 'east' road.",
                   "--quote", "not one field cleared", file=file))
        git(repo, "commit", "-q", "-am", branch)
    stopped = merged_bytes(repo, "alice", "bob")
    assert stopped.returncode == 1
    again = next(line for line in stopped.stderr.splitlines() if line.startswith("  again:  "))
    words = shlex.split(again.removeprefix("  again:  "))
    assert words[:3] == ["ledger", "evidence", "add"]
    ok(run("term", "correct", "demine", "--obligor", "north", "--obligor", "south", "--reason",
           "both are bound", file=file))
    ok(run(*words[1:], file=file))
    entries = json.loads(ok(run("evidence", "list", "--term", "demine", "--format", "json",
                                file=file)).stdout)
    assert [(entry["subject"], entry["summary"], entry["quote"]) for entry in entries] == [
        ("south", "Mines still on the 'east' road.", "not one field cleared")]


def test_merge_on_files_writes_ours_and_refuses_a_broken_side(run: Run, tmp_path: Path) -> None:
    base = tmp_path / "base.json"
    ok(run("init", "--title", "Files", file=base))
    ok(run("party", "add", "north", "--name", "Northland", file=base))
    ours, theirs = tmp_path / "ours.json", tmp_path / "theirs.json"
    shutil.copy(base, ours)
    shutil.copy(base, theirs)
    ok(run("party", "add", "south", "--name", "Southland", file=ours))
    ok(run("party", "add", "monitor", "--name", "Monitors", file=theirs))
    merged = run("merge", str(base), str(ours), str(theirs))
    assert merged.exit_code == 0, merged.stderr
    assert merged.stderr == "ledger: merged by record: 1 record and changes from their side\n"
    parties = json.loads(ok(run("party", "list", "--format", "json", file=ours)).stdout)
    assert [party["id"] for party in parties] == ["north", "south", "monitor"]

    theirs.write_text(theirs.read_text().replace('"Monitors"', '"Monitors",,'))
    before = ours.read_bytes()
    broken = run("merge", str(base), str(ours), str(theirs))
    assert broken.exit_code == 1
    assert broken.stderr.startswith(f"{theirs}:")
    assert ours.read_bytes() == before, "a broken side changes nothing"


def test_an_empty_base_merges_two_files_added_on_both_sides(run: Run, tmp_path: Path) -> None:
    ours, theirs, base = tmp_path / "ours.json", tmp_path / "theirs.json", tmp_path / "base"
    base.write_bytes(b"")
    for file, party in ((ours, "north"), (theirs, "south")):
        ok(run("init", "--title", "Twins", file=file))
        ok(run("party", "add", party, "--name", party.title(), file=file))
    ok(run("merge", str(base), str(ours), str(theirs)))
    parties = json.loads(ok(run("party", "list", "--format", "json", file=ours)).stdout)
    assert sorted(party["id"] for party in parties) == ["north", "south"]


def test_check_against_a_revision_a_file_of_that_name_and_a_bad_name(
        run: Run, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    file, shared = grow_base(run, repo)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "published")
    git(repo, "tag", "v1")
    assert "only grew since v1:ledger.json" in ok(run("check", "--against", "v1",
                                                      file=file)).stdout
    text = file.read_text()
    file.write_text(text.replace("Troops seen leaving the capital.", "Troops seen leaving."))
    edited = run("check", "--against", "HEAD", file=file)
    assert edited.exit_code == 1
    assert "HEAD:ledger.json:" in edited.stderr
    assert f"evidence entry {shared} was changed in {file}" in edited.stderr
    file.write_text(text)

    (repo / "v1").write_bytes(b"{}")  # a file named like the tag: which is meant is asked
    ambiguous = run("check", "--against", "v1", file=file)
    assert ambiguous.exit_code == 1 and ambiguous.stderr == (
        "ledger: error: --against: 'v1' is both a file and a git tag: say `--against ./v1` for "
        "the file, or `--against v1:` or `--against refs/tags/v1` for the tag\n")
    as_file = run("check", "--against", "./v1", file=file)
    assert as_file.exit_code == 1 and as_file.stderr.startswith("v1:1:1: missing field")
    for revision in ("v1:", "refs/tags/v1"):
        assert "only grew since" in ok(run("check", "--against", revision, file=file)).stdout
    for bad in ("no-such-tag", "-x"):
        result = run("check", "--against", bad, file=file)
        assert result.exit_code == 1
        assert result.stderr.startswith(f"ledger: error: --against: no file {bad!r}, and ")


def test_git_setup_keeps_other_attributes_and_is_safe_twice(run: Run, repo: Path,
                                                            tmp_path: Path) -> None:
    file = repo / "data" / "peace process.json"
    file.parent.mkdir()
    (repo / ".gitattributes").write_text("*.png binary")
    first = ok(run("git-setup", file=file))
    assert "added `\"/data/peace process.json\" merge=ledger`" in first.stderr
    written = (repo / ".gitattributes").read_bytes()
    assert written == b'*.png binary\n"/data/peace process.json" merge=ledger\n'
    assert git(repo, "check-attr", "merge", "data/peace process.json").stdout.endswith(
        ": merge: ledger\n")
    assert git(repo, "check-attr", "merge", "data/peace.json").stdout.endswith(
        ": merge: unspecified\n")
    assert (repo / ".gitignore").read_text() == "/data/peace process.json.lock\n"
    assert git(repo, "check-ignore", "data/peace process.json.lock").returncode == 0
    assert git(repo, "check-ignore", "data/other.json.lock", check=False).returncode == 1
    second = ok(run("git-setup", file=file))
    assert [line.split(": ")[2].split(" `")[0] for line in second.stderr.splitlines()] == [
        "already holds", "already ignores", "already"]
    assert (repo / ".gitattributes").read_bytes() == written
    assert (repo / ".gitignore").read_text() == "/data/peace process.json.lock\n"
    # git finds the driver whatever PATH it runs with: this Python, by its full path
    assert git(repo, "config", "merge.ledger.driver").stdout == (
        f"{shlex.quote(sys.executable)} -P -m ledger merge %O %A %B %P\n")

    (repo / "ledger.json").write_text("")
    (repo / ".gitignore").write_text("*.lock")
    third = ok(run("git-setup", file=repo / "ledger.json"))
    assert "already ignores `/ledger.json.lock`" in third.stderr
    assert (repo / ".gitignore").read_text() == "*.lock"

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    result = run("git-setup", file=outside / "ledger.json")
    assert result.exit_code == 1
    assert result.stderr == f"ledger: error: {outside / 'ledger.json'}: not in a git work tree\n"


@pytest.mark.slow
def test_two_analysts_assessments_and_reviews_merge_through_git(run: Run, repo: Path) -> None:
    """Ana assesses and Ben approves on one branch while Cy assesses on another: git, through
    the driver, keeps every assessment and review, and the report shows Ana's approved one."""
    file = committed_base(run, repo)
    shared = entry_ids(run, file)[0]
    git(repo, "checkout", "-q", "-b", "ana")
    made = ok(run("assess", "-t", "withdraw", "-p", "north", "--period", "2024-Q1",
                  "--finding", "partly", "--rationale", "Some left", "-e", shared,
                  file=file, env={"COMPLIANCE_LEDGER_AUTHOR": "ana"})).stdout.strip()
    ok(run("assessment", "review", made, "--approve", "--reason", "Checked", file=file,
           env={"COMPLIANCE_LEDGER_AUTHOR": "ben"}))
    git(repo, "commit", "-q", "-am", "Ana's finding, Ben's review")
    git(repo, "checkout", "-q", "-b", "cy", "main")
    other = ok(run("assess", "-t", "withdraw", "-p", "north", "--period", "2024-03",
                   "--finding", "unverifiable", "--rationale", "No access in March",
                   file=file, env={"COMPLIANCE_LEDGER_AUTHOR": "cy"})).stdout.strip()
    git(repo, "commit", "-q", "-am", "Cy's finding")
    merged = merged_bytes(repo, "ana", "cy")
    assert merged.returncode == 0, merged.stderr + merged.stdout
    listed = json.loads(ok(run("assessment", "list", "--format", "json", file=file)).stdout)
    assert {(item["id"], item["state"], item["reviewed_by"]) for item in listed} == {
        (made, "approved", "ben"), (other, "draft", None)}
    report = json.loads(ok(run("report", "--format", "json", file=file)).stdout)
    assert report["parties"][0]["obligations"][0]["assessment"]["id"] == made
    for branch in ("ana", "cy"):
        assert "only grew since" in ok(run("check", "--against", branch, file=file)).stdout
