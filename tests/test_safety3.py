"""Safety, round three (issue #31): each test reproduces one finding through the installed
script, run as a user runs it (a subprocess, the clock set, no $COMPLIANCE_LEDGER), on real
files, and in real git repositories where git is involved. Ledgers are set up in process (the
`run` fixture) where only the command under test matters."""

from __future__ import annotations

import json
import os
import re
import resource
import shlex
import shutil
import signal
import subprocess
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import test_git
from builders import generated_ledger, write_csv
from conftest import INSTALLED_LEDGER, Run, ok
from test_git import entry_ids, git, two_entries_on_two_branches
from test_security import ledger_process

repo = test_git.repo  # the fixture: an empty git work tree, no user or system configuration

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

NOW = "2026-12-07T12:00:00Z"
GiB = 1 << 30


def ledger(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 60,
           **options: object) -> subprocess.CompletedProcess[str]:
    """The installed script (`Path(sys.executable).parent / "ledger"`) on the fixed clock; its
    output as text."""
    done = ledger_process(*args, cwd=cwd, env={"COMPLIANCE_LEDGER_NOW": NOW, **(env or {})},
                          timeout=timeout, capture_output=True, **options)
    return subprocess.CompletedProcess(done.args, done.returncode,
                                       done.stdout.decode("utf-8", "replace"),
                                       done.stderr.decode("utf-8", "replace"))


def succeeded(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


def limited(address_space: int | None = None, cpu_seconds: int | None = None
            ) -> Callable[[], None]:
    """A `preexec_fn` that bounds the child's address space and CPU time: a command that
    exceeds them fails (MemoryError, SIGXCPU) instead of taking the machine."""
    def apply() -> None:
        if address_space is not None:
            resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
        if cpu_seconds is not None:
            resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    return apply


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same clock for the set-up in process as for the script."""
    monkeypatch.setenv("COMPLIANCE_LEDGER_NOW", NOW)


def line_merge_stopped(run: Run, repo: Path, small_ledger_bytes: bytes
                       ) -> tuple[Path, dict[str, str]]:
    """The small ledger on main, an entry on each of alice's and bob's branches, and no merge
    driver: git merges ledger.json line by line into alice and stops on conflict markers."""
    file = repo / "ledger.json"
    file.write_bytes(small_ledger_bytes)
    made = two_entries_on_two_branches(run, repo, file)
    git(repo, "checkout", "-q", "alice")
    stopped = git(repo, "merge", "--no-edit", "bob", check=False)
    assert stopped.returncode == 1 and "CONFLICT" in stopped.stdout
    assert "<<<<<<<" in file.read_text()
    return file, made


def accepted_both(file: Path) -> None:
    """What an editor's "Accept Both Changes" leaves: both sides' lines, no markers."""
    lines = file.read_text().splitlines(keepends=True)
    file.write_text("".join(line for line in lines
                            if not line.startswith(("<<<<<<<", "=======", ">>>>>>>"))))


def unmerged(repo: Path) -> str:
    return git(repo, "diff", "--name-only", "--diff-filter=U").stdout


# --- data loss: resolve after the work tree was edited --------------------------------------


@needs_git
def test_resolve_after_accepting_their_side_keeps_our_entries(
        run: Run, repo: Path, small_ledger_bytes: bytes, clock: None) -> None:
    """`git checkout --theirs` (or "Accept Incoming") leaves no markers: resolve must still
    merge git's stages 1, 2 and 3, not take their file for ours."""
    file, made = line_merge_stopped(run, repo, small_ledger_bytes)
    git(repo, "checkout", "--theirs", "ledger.json")
    assert "<<<<<<<" not in file.read_text()
    resolved = ledger("resolve", cwd=repo)
    kept = entry_ids(run, file)
    assert made["alice"] in kept, (
        f"our side's entry {made['alice']} (git's stage 2) is gone after `ledger resolve` said: "
        f"{resolved.stderr!r}")
    assert made["bob"] in kept
    succeeded(resolved)
    assert unmerged(repo) == ""


@needs_git
def test_resolve_after_accepting_both_sides_merges_from_gits_stages(
        run: Run, repo: Path, small_ledger_bytes: bytes, clock: None) -> None:
    """Both sides pasted together (no markers, not JSON): git still records the merge, so
    resolve merges from its stages, whatever the work-tree file holds."""
    file, made = line_merge_stopped(run, repo, small_ledger_bytes)
    accepted_both(file)
    resolved = ledger("resolve", cwd=repo)
    assert resolved.returncode == 0, f"resolve did not merge git's stages: {resolved.stderr!r}"
    assert {made["alice"], made["bob"]} <= set(entry_ids(run, file))
    assert unmerged(repo) == ""


@needs_git
@pytest.mark.slow
def test_resolve_without_stages_refuses_and_names_the_way_back(
        run: Run, repo: Path, small_ledger_bytes: bytes, clock: None) -> None:
    """Both sides pasted and `git add`ed: git's stages are gone. resolve changes nothing and
    names how to get them back (`git checkout -m`) or how to merge by hand (`ledger merge`)."""
    file, made = line_merge_stopped(run, repo, small_ledger_bytes)
    accepted_both(file)
    git(repo, "add", "ledger.json")
    before = file.read_bytes()
    refused = ledger("resolve", cwd=repo)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert file.read_bytes() == before
    assert "git checkout -m" in refused.stderr or "ledger merge" in refused.stderr, (
        f"no way out named: {refused.stderr!r}")
    # the way named works: git brings the stages back, and resolve merges them
    git(repo, "checkout", "-m", "ledger.json")
    succeeded(ledger("resolve", cwd=repo))
    assert {made["alice"], made["bob"]} <= set(entry_ids(run, file))


PLAIN_RESOLVE = re.compile(r"`ledger resolve(?: (?!-)[^` ]+)?`")
"""`ledger resolve` as advice, with at most a path: no option that names the versions."""


@needs_git
@pytest.mark.slow
def test_check_and_resolve_agree_on_committed_conflict_markers(
        run: Run, repo: Path, small_ledger_bytes: bytes, clock: None) -> None:
    """Markers committed (git add, commit): where check says "run `ledger resolve`", resolve
    must work; where resolve cannot, check must give advice that does."""
    file, _ = line_merge_stopped(run, repo, small_ledger_bytes)
    git(repo, "add", "ledger.json")
    git(repo, "commit", "-q", "--no-edit")
    before = file.read_bytes()
    resolved = ledger("resolve", cwd=repo)
    for command in (("check",), ("report",), ("party", "add", "east", "--name", "Eastland")):
        checked = ledger(*command, cwd=repo)
        assert checked.returncode == 1 and "conflict markers" in checked.stderr
        if resolved.returncode != 0:
            assert file.read_bytes() == before
            advice = PLAIN_RESOLVE.search(checked.stderr)
            assert advice is None, (f"{command[0]} advises {advice[0]} "
                                    f"({checked.stderr.strip()!r}), which then says: "
                                    f"{resolved.stderr.strip()!r}")


@needs_git
@pytest.mark.slow
def test_the_way_check_names_for_committed_markers_merges_both_sides(
        run: Run, repo: Path, small_ledger_bytes: bytes, clock: None) -> None:
    """Markers committed in a merge commit: check and resolve name `ledger resolve --from`
    with the merge's two parents, and running it as said merges them by record."""
    file, made = line_merge_stopped(run, repo, small_ledger_bytes)
    git(repo, "add", "ledger.json")
    git(repo, "commit", "-q", "--no-edit")
    checked = ledger("check", cwd=repo)
    said = re.search(r"`(ledger resolve --from [^`]+)`", checked.stderr)
    assert checked.returncode == 1 and said is not None, checked.stderr
    assert said[1] in ledger("resolve", cwd=repo).stderr
    succeeded(ledger(*shlex.split(said[1])[1:], cwd=repo))
    assert {made["alice"], made["bob"]} <= set(entry_ids(run, file))
    succeeded(ledger("check", cwd=repo))

    before = file.read_bytes()
    for bad in (("no-such-branch", "HEAD"), ("-x", "HEAD")):
        refused = ledger("resolve", "--from", *bad, cwd=repo)
        assert refused.returncode == 1 and refused.stderr.count("\n") == 1, refused.stderr
        assert "--from: " in refused.stderr and file.read_bytes() == before


@needs_git
@pytest.mark.parametrize("staged", [False, True], ids=["unstaged", "staged"])
@pytest.mark.slow
def test_check_on_both_sides_pasted_together_names_a_way_that_works(
        run: Run, repo: Path, small_ledger_bytes: bytes, clock: None, staged: bool) -> None:
    """"Accept Both Changes" leaves no ledger: check says more than a JSON syntax error, and
    what it names works (resolve while git holds the conflict; `git checkout -m` once the file
    was staged as it stood)."""
    file, made = line_merge_stopped(run, repo, small_ledger_bytes)
    accepted_both(file)
    if staged:
        git(repo, "add", "ledger.json")
    checked = ledger("check", cwd=repo)
    assert checked.returncode == 1 and "Traceback" not in checked.stderr
    if staged:
        assert "`git checkout -m -- ledger.json`" in checked.stderr, checked.stderr
        git(repo, "checkout", "-m", "--", "ledger.json")
    else:
        assert "`ledger resolve` merges the versions git holds" in checked.stderr, (
            checked.stderr)
    succeeded(ledger("resolve", cwd=repo))
    assert {made["alice"], made["bob"]} <= set(entry_ids(run, file))


# --- git runs nothing that a repository's config names ---------------------------------------


HOOKS = ("pre-commit", "prepare-commit-msg", "commit-msg", "post-commit", "post-checkout",
         "post-merge", "pre-merge-commit", "post-index-change", "reference-transaction",
         "pre-auto-gc", "post-rewrite", "fsmonitor-watchman")


def hostile_config(repo: Path, outside: Path) -> Path:
    """The repository's own config names programs for git to run (core.fsmonitor, every hook,
    a pager, aliases, a textconv diff driver that .gitattributes applies to every file); each
    writes to the marker file returned, which must never appear. Set last: git run by the
    test itself after this would run them."""
    marker = outside / "hostile-ran"
    script = outside / "hostile.sh"
    script.write_text(f'#!/bin/sh\necho "$0 $*" >> {shlex.quote(str(marker))}\n')
    script.chmod(0o755)
    hooks = outside / "hooks"
    hooks.mkdir()
    for hook in HOOKS:
        (hooks / hook).symlink_to(script)
    settings = {"core.fsmonitor": str(script), "core.hooksPath": str(hooks),
                "core.pager": f"{script} pager", "pager.check-attr": f"{script} pager",
                "alias.check-attr": f"!{script} alias", "alias.ls-files": f"!{script} alias",
                "alias.cat-file": f"!{script} alias", "diff.hostile.textconv": f"{script} diff",
                "core.editor": f"{script} editor"}
    for key, value in settings.items():
        git(repo, "config", key, value)
    with (repo / ".gitattributes").open("a") as attributes:
        attributes.write("* diff=hostile\n")
    marker.unlink(missing_ok=True)
    return marker


@needs_git
@pytest.mark.parametrize("command", [("check",), ("check", "--against", "HEAD"), ("git-setup",)],
                         ids=" ".join)
def test_git_runs_no_program_a_repository_config_names(
        repo: Path, tmp_path: Path, small_ledger_bytes: bytes, command: tuple[str, ...]) -> None:
    (repo / "ledger.json").write_bytes(small_ledger_bytes)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    marker = hostile_config(repo, tmp_path)
    result = ledger(*command, cwd=repo)
    assert not marker.exists(), (f"`ledger {' '.join(command)}` ran what the repository's "
                                 f"config names:\n{marker.read_text()}")
    succeeded(result)


@needs_git
def test_resolve_runs_no_program_a_repository_config_names(
        run: Run, repo: Path, tmp_path: Path, small_ledger_bytes: bytes, clock: None) -> None:
    file, made = line_merge_stopped(run, repo, small_ledger_bytes)
    marker = hostile_config(repo, tmp_path)
    result = ledger("resolve", cwd=repo)
    assert not marker.exists(), (f"`ledger resolve` ran what the repository's config "
                                 f"names:\n{marker.read_text()}")
    succeeded(result)
    assert {made["alice"], made["bob"]} <= set(entry_ids(run, file))


# --- check --against: a file named like a tag ------------------------------------------------


@needs_git
@pytest.mark.slow
def test_check_against_a_name_that_is_both_a_file_and_a_tag_is_refused(
        run: Run, repo: Path, small_ledger_bytes: bytes, clock: None) -> None:
    file = repo / "ledger.json"
    file.write_bytes(small_ledger_bytes)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "published")
    git(repo, "tag", "report-2020-06")
    (repo / "report-2020-06").write_bytes(small_ledger_bytes)  # committed, named like the tag
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a file named like the tag")
    test_git.add_entry(run, file, "Recorded after the report.")

    ambiguous = ledger("check", "--against", "report-2020-06", cwd=repo)
    assert ambiguous.returncode == 1, (
        f"a name that is both a file and a tag was taken as one of them: {ambiguous.stdout!r}")
    said = ambiguous.stderr
    assert "Traceback" not in said and said.count("\n") == 1, said
    assert "report-2020-06" in said and "file" in said and ("tag" in said or "revision" in said)
    assert any(way in said for way in ("./report-2020-06", "refs/tags/report-2020-06",
                                       "report-2020-06:")), f"not said how to choose: {said!r}"
    for chosen in ("refs/tags/report-2020-06", "./report-2020-06"):
        assert "only grew since" in succeeded(ledger("check", "--against", chosen,
                                                     cwd=repo)).stdout


# --- git-setup: a path with a control character ---------------------------------------------


@pytest.mark.slow
@needs_git
@pytest.mark.parametrize("character", ["\n", "\r", "\x1b"], ids=["newline", "return", "escape"])
def test_git_setup_refuses_a_path_with_a_control_character(repo: Path, character: str) -> None:
    name = f"a{character}b.json"
    for _ in range(2):  # and a second run appends nothing either
        refused = ledger("-f", name, "git-setup", cwd=repo)
        assert refused.returncode == 1, f"git-setup accepted {name!r}: {refused.stderr!r}"
        assert "Traceback" not in refused.stderr and refused.stderr.count("\n") == 1
        assert not (repo / ".gitattributes").exists() and not (repo / ".gitignore").exists()
        assert git(repo, "config", "--get", "merge.ledger.driver", check=False).returncode == 1


@needs_git
@pytest.mark.slow
def test_git_setup_twice_appends_nothing_where_another_file_overrides_its_lines(
        repo: Path, small_ledger_bytes: bytes) -> None:
    """A .gitattributes and a .gitignore deeper in the tree override the lines git-setup
    writes at the top: the second run must not append them again, and says why git does not
    apply them."""
    (repo / "data").mkdir()
    (repo / "data" / "ledger.json").write_bytes(small_ledger_bytes)
    (repo / "data" / ".gitattributes").write_text("*.json -merge\n")
    (repo / "data" / ".gitignore").write_text("!*.lock\n")
    first = succeeded(ledger("-f", "data/ledger.json", "git-setup", cwd=repo))
    written = [(repo / name).read_bytes() for name in (".gitattributes", ".gitignore")]
    assert written == [b"/data/ledger.json merge=ledger\n", b"/data/ledger.json.lock\n"]
    second = succeeded(ledger("-f", "data/ledger.json", "git-setup", cwd=repo))
    assert [(repo / name).read_bytes() for name in (".gitattributes", ".gitignore")] == written
    for said in (first.stderr, second.stderr):
        assert said.count("git does not apply its line") == 2, said
    assert "added" not in second.stderr


# --- the clock at the edges of the calendar --------------------------------------------------


@pytest.mark.parametrize(("now", "command"), [
    ("0001-01-01T00:00:00Z", ("report", "--as-of", "yesterday")),
    ("0001-01-01T00:00:00Z", ("report", "--known-at", "yesterday")),
    ("0001-01-01T00:00:00Z", ("changes", "--since", "yesterday")),
    ("0001-01-01T00:00:00Z", ("evidence", "list", "--as-of", "yesterday")),
], ids=["report-as-of", "report-known-at", "changes-since", "evidence-list-as-of"])
def test_a_day_before_the_first_day_is_one_line(small: Path, now: str,
                                                command: tuple[str, ...]) -> None:
    result = ledger(*command, cwd=small.parent, env={"COMPLIANCE_LEDGER_NOW": now})
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr


def test_recording_times_after_the_last_moment_are_one_line(small: Path) -> None:
    """An import spreads its rows' recording times over microseconds after now: at the last
    microseconds of year 9999 there are none left."""
    before = small.read_bytes()
    parties = write_csv(small.parent / "parties.csv", [["id", "name"], ["east", "Eastland"],
                                                       ["west", "Westmarch"]])
    result = ledger("party", "import", str(parties), cwd=small.parent,
                    env={"COMPLIANCE_LEDGER_NOW": "9999-12-31T23:59:59.999999Z"})
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 1), result.stderr
    if result.returncode == 1:
        assert result.stderr.count("\n") == 1 and small.read_bytes() == before


# --- spreadsheets: a shared-string bomb, and an unterminated quote ---------------------------


def _column(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def write_shared_string_bomb(path: Path, header: list[str], rows: int,
                             row: Callable[[int], list[str | int]]) -> Path:
    """A workbook written by hand: every text cell refers to sharedStrings.xml, where a text is
    stored once however many cells repeat it; a number is stored in its cell."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    relations = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006/relationships"
    shared: dict[str, int] = {}

    def cells(number: int, values: list[str | int]) -> str:
        made = []
        for at, value in enumerate(values, 1):
            where = f"{_column(at)}{number}"
            if isinstance(value, int):
                made.append(f'<c r="{where}"><v>{value}</v></c>')
            else:
                made.append(f'<c r="{where}" t="s"><v>{shared.setdefault(value, len(shared))}'
                            "</v></c>")
        return f'<row r="{number}">{"".join(made)}</row>'

    sheet = "".join([cells(1, list(header)), *(cells(number + 2, row(number))
                                               for number in range(rows))])
    strings = "".join(f"<si><t>{text}</t></si>" for text in shared)
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    parts = {
        "[Content_Types].xml": (
            f'{head}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
            'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
            'sharedStrings+xml"/></Types>'),
        "_rels/.rels": (
            f'{head}<Relationships xmlns="{package}"><Relationship Id="rId1" Type="{relations}/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            f'{head}<workbook xmlns="{main}" xmlns:r="{relations}"><sheets><sheet name="Sheet" '
            'sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            f'{head}<Relationships xmlns="{package}"><Relationship Id="rId1" Type="{relations}/'
            'worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="'
            f'{relations}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'),
        "xl/worksheets/sheet1.xml": f'{head}<worksheet xmlns="{main}"><sheetData>{sheet}'
                                    "</sheetData></worksheet>",
        "xl/sharedStrings.xml": f'{head}<sst xmlns="{main}" count="{len(shared)}" '
                                f'uniqueCount="{len(shared)}">{strings}</sst>',
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


@pytest.mark.slow
def test_a_shared_string_repeated_in_many_cells_is_never_expanded(small: Path) -> None:
    """100,000 cells repeat one shared string of 32,767 characters (3 GiB as text, a file of
    under a megabyte): the import is refused, or read in place, within 1.5 GiB of memory; one
    line, never a crash, and on refusal the ledger is unchanged."""
    longest = "L" * 32_767
    bomb = write_shared_string_bomb(
        small.parent / "bomb.xlsx",
        ["date", "term", "claimant", "stance", "summary", "quote", "speaker", "source",
         "publisher"], 25_000,
        lambda number: ["2024-03-01", "withdraw", "monitor", "claims", number + 1, longest,
                        longest, longest, longest])
    assert bomb.stat().st_size < 1 << 20
    before = small.read_bytes()
    result = ledger("evidence", "import", bomb.name, cwd=small.parent, timeout=600,
                    preexec_fn=limited(address_space=3 * GiB // 2, cpu_seconds=300))
    assert result.returncode in (0, 1), (
        f"exit {result.returncode} (killed by signal {-result.returncode} when negative): "
        f"{result.stderr[-500:]!r}")
    assert "Traceback" not in result.stderr and "out of memory" not in result.stderr, (
        result.stderr[-500:])
    if result.returncode == 1:
        assert small.read_bytes() == before


@pytest.mark.slow
def test_an_unterminated_quote_is_placed_in_one_pass(small: Path) -> None:
    """A quote opened in row 2 and never closed swallows the rest of a 32 MB file: the error is
    placed at the cell where it opened, at the cost of about one parse (a second or so of CPU),
    not of one parse per halving of the file."""
    line = b"p1,A party named in a long enough line to fill the file up quickly\r\n"
    bad = small.parent / "parties.csv"
    bad.write_bytes(b'id,name\r\np0,"Northland\r\n' + line * (32_000_000 // len(line)))
    before = small.read_bytes()
    result = ledger("party", "import", bad.name, cwd=small.parent,
                    preexec_fn=limited(address_space=3 * GiB // 2, cpu_seconds=3))
    assert result.returncode == 1, (
        f"exit {result.returncode} ({'over 3 s of CPU' if result.returncode == -24 else ''}): "
        f"{result.stderr[-300:]!r}")
    assert result.stderr.startswith(f"{bad.name}:2:2: "), result.stderr  # where the quote opens
    assert small.read_bytes() == before


# --- merge: a record both sides deleted ------------------------------------------------------


@pytest.mark.slow
def test_a_record_deleted_on_both_sides_is_named_and_kept(run: Run, tmp_path: Path,
                                                          small_ledger_bytes: bytes,
                                                          clock: None) -> None:
    base, ours, theirs = (tmp_path / f"{side}.json" for side in ("base", "ours", "theirs"))
    base.write_bytes(small_ledger_bytes)
    doomed = test_git.add_entry(run, base, "Seen by both, deleted by both.")
    kept = test_git.add_entry(run, base, "Seen by both, kept by both.", "2024-03-02")
    for side in (ours, theirs):
        data = json.loads(base.read_text())
        data["evidence"] = [entry for entry in data["evidence"] if entry["id"] != doomed]
        side.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    ok(run("party", "add", "east", "--name", "Eastland", file=theirs))

    merged = ledger("merge", str(base), str(ours), str(theirs), cwd=tmp_path)
    assert "Traceback" not in merged.stderr
    assert doomed in merged.stderr, (
        f"entry {doomed}, deleted on both sides, was not named: {merged.stderr!r}")
    assert {doomed, kept} <= set(entry_ids(run, ours)), "the base's record is kept"
    succeeded(ledger("-f", str(ours), "check", "--against", str(base), cwd=tmp_path))


# --- the lock -------------------------------------------------------------------------------


def test_a_lock_file_that_cannot_be_created_is_said_at_once(tmp_path: Path) -> None:
    """/proc/self/status is a regular file; no lock file can be made beside it."""
    started = time.monotonic()
    try:
        result = ledger("-f", "/proc/self/status", "party", "add", "east", "--name", "Eastland",
                        cwd=tmp_path, timeout=5)
    except subprocess.TimeoutExpired:
        pytest.fail("still waiting for a lock file that cannot be created after 5 s")
    assert time.monotonic() - started < 5
    assert result.returncode == 1 and "cannot lock" in result.stderr, result.stderr
    assert "another command is writing" not in result.stderr
    assert result.stderr.count("\n") == 1


def _descendants(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text()
                                               .rpartition(")")[2].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = [], [root]
    while frontier:
        pid = frontier.pop()
        children = [child for child, parent in parents.items() if parent == pid]
        found += children
        frontier += children
    return found


def _waiting_driver(root: int) -> bool:
    """Whether a `ledger merge` that git started under `root` is asleep (waiting for a lock)."""
    for pid in _descendants(root):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            waiting = Path(f"/proc/{pid}/wchan").read_text()
        except OSError:
            continue
        if b"ledger" in b" ".join(command) and b"merge" in command and (
                "sleep" in waiting or "lock" in waiting):
            return True
    return False


@needs_git
@pytest.mark.slow
def test_the_merge_driver_takes_the_lock_of_the_ledger_it_merges(
        run: Run, repo: Path, small_ledger_bytes: bytes, clock: None) -> None:
    """git hands the driver a temporary copy (%A) of ledger.json: the driver must still take
    ledger.json.lock, so that it never writes while another command does."""
    from filelock import FileLock

    file = repo / "ledger.json"
    file.write_bytes(small_ledger_bytes)
    succeeded(ledger("git-setup", cwd=repo))
    made = two_entries_on_two_branches(run, repo, file)
    git(repo, "checkout", "-q", "alice")
    lock = FileLock(str(file.with_name(f"{file.name}.lock")))  # LEDGER.lock, as writers take
    with lock:
        merging = subprocess.Popen(["git", "merge", "--no-edit", "bob"], cwd=repo,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 5
        while merging.poll() is None and time.monotonic() < deadline:
            if _waiting_driver(merging.pid):
                break
            time.sleep(0.02)
        finished_under_the_lock = merging.poll() is not None
    out, err = merging.communicate(timeout=60)
    assert not finished_under_the_lock, (
        "git merge finished (the driver wrote) while ledger.json.lock was held: "
        f"{err.decode(errors='replace')!r}")
    assert merging.returncode == 0, err.decode(errors="replace") + out.decode(errors="replace")
    assert {made["alice"], made["bob"]} <= set(entry_ids(run, file))


@needs_git
@pytest.mark.slow
def test_a_driver_registered_without_the_path_still_merges(
        run: Run, repo: Path, small_ledger_bytes: bytes, clock: None) -> None:
    """An older registration (`%O %A %B`, no `%P`): the driver cannot know the work tree's
    ledger, merges git's copy under that copy's own lock, and leaves no lock file behind."""
    file = repo / "ledger.json"
    file.write_bytes(small_ledger_bytes)
    succeeded(ledger("git-setup", cwd=repo))
    driver = git(repo, "config", "merge.ledger.driver").stdout.strip()
    git(repo, "config", "merge.ledger.driver", driver.removesuffix(" %P"))
    made = two_entries_on_two_branches(run, repo, file)
    git(repo, "checkout", "-q", "alice")
    merged = git(repo, "merge", "--no-edit", "bob", check=False)
    assert merged.returncode == 0, merged.stderr
    assert {made["alice"], made["bob"]} <= set(entry_ids(run, file))
    assert not list(repo.glob(".merge_file_*")), os.listdir(repo)


# --- Ctrl-C -------------------------------------------------------------------------------


def _temporary_files(folder: Path) -> list[str]:
    return [name for name in os.listdir(folder) if name.endswith(".tmp")]


@pytest.mark.slow
def test_ctrl_c_mid_save_says_interrupted_and_leaves_the_file(tmp_path: Path) -> None:
    """SIGINT while a large ledger is being saved (its temporary file is there): one line,
    exit 130, the old file, no temporary file left."""
    file = tmp_path / "ledger.json"
    file.write_text(generated_ledger(20_000).model_dump_json(exclude_none=True, indent=2))
    before = file.read_bytes()
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith("COMPLIANCE_LEDGER")}
    for _ in range(3):
        process = subprocess.Popen(
            [str(INSTALLED_LEDGER), "-f", str(file), "party", "add", "east", "--name",
             "Eastland"], cwd=tmp_path, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, env={**environment, "COMPLIANCE_LEDGER_NOW": NOW})
        while process.poll() is None and not _temporary_files(tmp_path):
            pass
        interrupted = process.poll() is None
        if interrupted:
            process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
        if interrupted:
            break
        file.write_bytes(before)  # the save was done before it could be interrupted: again
    else:
        pytest.skip("the save was never caught under way")
    said = err.decode("utf-8", "replace")
    assert process.returncode == 130, (process.returncode, said)
    assert said.strip() == "ledger: interrupted", f"stderr {said!r}"
    assert file.read_bytes() == before
    assert _temporary_files(tmp_path) == []


def test_a_save_interrupted_as_its_temporary_file_is_made_leaves_none(
        small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C right after the temporary file exists, before the save guards it (the window the
    test above hits now and then): the lock's holder removes it on the way out."""
    from ledger.storage import writing

    real_open = os.open
    leaked: list[int] = []

    def open_then_interrupt(name: str | os.PathLike[str], flags: int, mode: int = 0o777,
                            **options: object) -> int:
        descriptor = real_open(name, flags, mode, **options)  # type: ignore[arg-type]
        if str(name).endswith(".tmp") and flags & os.O_CREAT and not leaked:
            leaked.append(descriptor)
            raise KeyboardInterrupt
        return descriptor

    before = small.read_bytes()
    monkeypatch.setattr(writing.os, "open", open_then_interrupt)
    with pytest.raises(KeyboardInterrupt), writing.transaction(small) as draft:
        draft.ledger = draft.ledger.model_copy(update={"title": "Changed"})
    monkeypatch.undo()
    os.close(leaked[0])
    assert small.read_bytes() == before
    assert _temporary_files(small.parent) == []


def test_ctrl_c_at_an_interactive_question_says_interrupted(small: Path) -> None:
    before = small.read_bytes()
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith("COMPLIANCE_LEDGER")}
    process = subprocess.Popen(
        [str(INSTALLED_LEDGER), "evidence", "add", "--interactive"], cwd=small.parent,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**environment, "COMPLIANCE_LEDGER_NOW": NOW})
    assert process.stderr is not None
    asked = b""
    deadline = time.monotonic() + 30
    while b": " not in asked and time.monotonic() < deadline:  # the first question is up
        chunk = os.read(process.stderr.fileno(), 4096)
        if not chunk:
            break
        asked += chunk
    assert b": " in asked, asked
    process.send_signal(signal.SIGINT)
    out, rest = process.communicate(timeout=30)
    said = (asked + rest).decode("utf-8", "replace")
    assert process.returncode == 130, (process.returncode, said)
    assert said.rstrip("\n").endswith("ledger: interrupted") and "Traceback" not in said, (
        f"stderr {said!r}")
    assert out == b"" and small.read_bytes() == before


# --- what reports print ---------------------------------------------------------------------


HOSTILE = "<script>alert(1)</script>\"><img src=x onerror=alert(1)>&amp;[bold]x[/]\x1b[31m"


def _hostile_ledger(run: Run) -> list[str]:
    """A ledger with hostile text, after a label of its own, in every field of every record a
    page can print: title, names, an agreement, a term (with a change and a correction), entries
    with and without a quote, a speaker or a publisher, a retraction and a correction. Returns
    the labels."""
    labels: list[str] = []

    def text(label: str, hostile: str = HOSTILE) -> str:
        labels.append(label)
        return f"{label} {hostile}"

    ok(run("init", "--title", text("Ftitle")))
    ok(run("party", "add", "north", "--name", text("Fnorth"), "--role", "signatory",
           "--alias", text("Falias", HOSTILE.replace(";", ""))))
    ok(run("party", "add", "monitor", "--name", text("Fmonitor"), "--role", "monitor"))
    ok(run("agreement", "add", "accord", "--title", text("Fagreement"), "--signed",
           "2024-01-01", "--signatory", "north", "--place", text("Fplace"), "--url",
           "https://example.org/?q=\"><img src=x onerror=alert(1)>"))
    ok(run("term", "add", "withdraw", "--title", text("Fterm"), "--category", text("Fcategory"),
           "--obligor", "north", "--due", "2024-06-30", "--text", text("Ftext"), "--article",
           text("Farticle")))
    ok(run("term", "amend", "withdraw", "--due", "2024-09-30", "--effective", "2024-05-01",
           "--reason", text("Famended")))
    ok(run("term", "correct", "withdraw", "--title", text("Fcorrected"), "--reason",
           text("Fcorrection")))
    entries = []
    for number, extra in enumerate([
            ("--speaker", text("Fspeaker1"), "--publisher", text("Fpublisher1"), "--source",
             text("Fsource1"), "--url", "https://example.org/1\"><img src=x>"),
            ("--speaker", text("Fspeaker2"), "--quote", text("Fquote2"), "--source",
             text("Fsource2"), "--publisher", text("Fpublisher2"), "--url", text("Furl2")),
            ("--speaker", text("Fspeaker3"), "--publisher", text("Fpublisher3")),
            ("--publisher", text("Fpublisher4"), "--url", "https://example.org/4")], 1):
        entries.append(ok(run(
            "evidence", "add", "--term", "withdraw", "--claimant",
            "monitor" if number % 2 else "north", "--stance",
            ("disputes", "claims", "notes", "disputes")[number - 1], "--date",
            f"2024-03-0{number}", "--summary", text(f"Fsummary{number}"), *extra)).stdout.strip())
    ok(run("evidence", "retract", entries[3], "--reason", text("Fretracted")))
    ok(run("evidence", "correct", entries[0], "--summary", text("Fcorrectedsummary"),
           "--reason", text("Fentrycorrection")))
    return labels


@pytest.mark.slow
def test_every_field_of_an_html_page_is_escaped(run: Run, ledger_path: Path,
                                                clock: None) -> None:
    labels = _hostile_ledger(run)
    entries = {"Fsummary2", "Fquote2", "Fspeaker1", "Fspeaker3", "Fpublisher1", "Fsource1"}
    for command, printed in (
            (("report", "--format", "html"), entries),
            (("report", "--as-of", "2024-12-31", "--format", "html"), entries),
            (("changes", "--since", "2024-01-01", "--until", "2024-12-31", "--format", "html"),
             {"Ftitle", "Fnorth", "Fcorrected"}),
            (("term", "show", "withdraw", "--format", "html"), entries | {"Ftext", "Farticle"})):
        page = succeeded(ledger(*command, cwd=ledger_path.parent)).stdout
        for raw in ("<script", "<img", "\x1b"):
            at = page.lower().find(raw)
            assert at < 0, f"{' '.join(command)}: raw {raw!r} in {page[at - 200:at + 80]!r}"
        shown = [label for label in labels if f"{label} " in page]
        assert printed <= set(shown), (command, shown)
        for label in shown:
            for match in re.finditer(rf"{label} ", page):
                after = page[match.end():match.end() + 200]
                assert after.startswith("&lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;img "
                                        "src=x onerror=alert(1)&gt;&amp;"), (
                    f"{' '.join(command)}: {label} printed as {after!r}")
        assert "[bold]x[/]\\x1b[31m" in page


def test_markdown_escapes_autolinks(run: Run, small: Path) -> None:
    """`<1@1>` is an e-mail autolink and `<http://...>` a web one: a renderer makes links of
    them unless the `<` is escaped."""
    ok(run("party", "add", "mailer", "--name", "Mail <1@1> or <http://evil.example>",
           "--role", "monitor"))
    ok(run("evidence", "add", "--term", "withdraw", "--claimant", "mailer", "--stance",
           "disputes", "--date", "2024-05", "--summary", "Write to <1@1> or <x@evil.example>",
           "--quote", "see <http://evil.example> and <https://evil.example/x>"))
    from markdown_it import MarkdownIt

    renderer = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    for command in (("report", "--format", "markdown"), ("evidence", "list", "--format",
                                                         "markdown")):
        text = succeeded(ledger(*command, cwd=small.parent)).stdout
        unescaped = re.findall(r"(?<!\\)<(?:1@1|x@evil\.example|https?://evil\.example[^>]*)>",
                               text)
        assert not unescaped, f"{' '.join(command)}: {unescaped} left as autolinks"
        rendered = renderer.render(text)
        assert "<a " not in rendered, re.findall(r"<a [^>]*>[^<]*</a>", rendered)
        assert "&lt;1@1&gt;" in rendered
