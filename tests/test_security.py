"""Security and reliability, round two: each case reproduces a reported attack or accident."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from builders import generated_ledger
from conftest import INSTALLED_LEDGER, Run, add_evidence, as_json, ok

from ledger.core.digests import record_digest
from ledger.core.model import Evidence
from ledger.storage import writing

CASES = Path(__file__).resolve().parent / "cases"
VALID = (Path(__file__).resolve().parent / "valid-base.json").read_text(encoding="utf-8")


def ledger_process(*args: str, cwd: Path, env: dict[str, str] | None = None,
                   timeout: float = 30, **options: object) -> subprocess.CompletedProcess[bytes]:
    """The installed script, as a user runs it; the time limit turns a hang into a failure."""
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("COMPLIANCE_LEDGER", "COMPLIANCE_LEDGER_MAX_MB")}
    environment.update(env or {})
    return subprocess.run([str(INSTALLED_LEDGER), *args], cwd=cwd, env=environment,
                          timeout=timeout, check=False, **options)  # type: ignore[call-overload]


def one_line_error(result: subprocess.CompletedProcess[bytes], *words: str) -> str:
    stderr = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 1, stderr
    assert "Traceback" not in stderr
    assert stderr.count("\n") == 1, stderr
    for word in words:
        assert word in stderr, stderr
    return stderr


# --- 1. documents are confined to their folder ----------------------------------------------


def _with_document(run: Run, small: Path, name: str, quote: str) -> Path:
    """The small ledger with one entry naming `name` as its document, written by hand."""
    add_evidence(run, "withdraw", "monitor", "disputes", "2024-05", "--quote", quote,
                 "--document", "placeholder.txt")
    data = json.loads(small.read_text())
    data["evidence"][0]["source"]["document"] = name
    entry = Evidence.model_validate(data["evidence"][0])
    data["evidence"][0]["id"] = record_digest(entry)
    small.write_text(json.dumps(data, indent=2))
    return small


@pytest.mark.parametrize("name", ["/etc/passwd", "../outside.txt", "sub/../../outside.txt"])
def test_evidence_add_refuses_a_document_outside_the_folder(run: Run, small: Path,
                                                            name: str) -> None:
    before = small.read_bytes()
    result = run("evidence", "add", "--term", "withdraw", "--claimant", "monitor", "--stance",
                 "claims", "--date", "2024", "--summary", "s", "--document", name)
    assert result.exit_code == 1
    assert result.stderr.startswith("ledger: error: --document: document path ")
    assert "leaves the sources folder" in result.stderr
    assert small.read_bytes() == before


@pytest.mark.parametrize("how", ["absolute", "dot-dot", "symbolic link in sources",
                                 "symbolic link beside the ledger"])
def test_check_never_reads_a_document_outside_its_folder(run: Run, small: Path, tmp_path: Path,
                                                         how: str) -> None:
    """The output is the same whether the outside file holds the quote or not: no oracle."""
    project = small.parent
    outside = tmp_path.parent / f"{tmp_path.name}-outside.txt"
    sources = project / "sources"
    sources.mkdir()
    name = {"absolute": str(outside), "dot-dot": f"../{outside.name}",
            "symbolic link in sources": "secret.txt",
            "symbolic link beside the ledger": "linked.txt"}[how]
    if how == "symbolic link in sources":
        (sources / "secret.txt").symlink_to(outside)
    if how == "symbolic link beside the ledger":
        (project / "linked.txt").symlink_to(outside)
    _with_document(run, small, name, "root:x:0:0")
    outputs = []
    try:
        for content in ("root:x:0:0:root", "nothing to see"):
            outside.write_text(content)
            result = run("check", "--sources", str(sources))
            assert result.exit_code == 1
            outputs.append(result.stderr)
    finally:
        outside.unlink()
    assert outputs[0] == outputs[1]
    line = outputs[0].splitlines()[0]
    text = small.read_text()
    number = next(n for n, row in enumerate(text.splitlines(), 1) if '"document"' in row)
    assert re.match(rf"{re.escape(str(small))}:{number}:\d+: document .*leaves the sources "
                    "folder", line), line
    digest = hashlib.sha256(b"nothing to see").hexdigest()
    assert digest not in outputs[1] and "verified" not in outputs[1]


def test_a_document_inside_the_folder_is_still_checked(run: Run, small: Path) -> None:
    sources = small.parent / "sources" / "deep"
    sources.mkdir(parents=True)
    (sources / "article.txt").write_text("They said: the troops will stay.")
    _with_document(run, small, "article.txt", "the troops will stay")
    result = ok(run("check", "--sources", str(small.parent / "sources")))
    assert "quotes: 1 verified" in result.stdout


# --- 2. placing many problems is linear and capped ------------------------------------------


def test_a_problem_in_every_entry_is_placed_and_capped(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "ledger.json"
    path.write_bytes(writing.serialize(generated_ledger(1500, retract_every=1000)))
    text = path.read_text().replace('"stance": "claims"', '"stance": "maybe"') \
        .replace('"stance": "disputes"', '"stance": "maybe"') \
        .replace('"stance": "notes"', '"stance": "maybe"')
    path.write_text(text)
    result = run("check", file=path)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1001 and lines[-1] == "... and 500 more problems"
    rows = text.splitlines()
    expected = [(number, row.index('"maybe"') + 1) for number, row in enumerate(rows, 1)
                if '"stance": "maybe"' in row][:1000]
    placed = [tuple(map(int, line.split(":")[1:3])) for line in lines[:-1]]
    assert placed == expected, "the first 1,000 in file order, each at its value"
    assert all("stance: Input should be 'claims', 'disputes' or 'notes'" in line
               for line in lines[:-1])


def test_reference_problems_after_the_first_batch_are_placed_right(run: Run,
                                                                   tmp_path: Path) -> None:
    path = tmp_path / "ledger.json"
    path.write_bytes(writing.serialize(generated_ledger(1200)))
    text = path.read_text()
    rows = text.splitlines()
    claimant_rows = [number for number, row in enumerate(rows, 1)
                     if row.strip() == '"claimant": "south",']
    path.write_text(text.replace('"claimant": "south",', '"claimant": "sooth",'))
    result = run("report", file=path)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    shown = min(len(claimant_rows), 1000)
    assert [int(line.split(":")[1]) for line in lines[:shown]] == claimant_rows[:shown]
    assert all(line.endswith("unknown party 'sooth'") for line in lines[:shown])


# --- 3. only regular files, under a ceiling -------------------------------------------------


def test_dev_zero_as_the_ledger_is_refused_at_once(tmp_path: Path) -> None:
    result = ledger_process("-f", "/dev/zero", "report", cwd=tmp_path, capture_output=True,
                            timeout=20)
    one_line_error(result, "/dev/zero: is a character device, not a ledger file")


@pytest.mark.parametrize("command", [("report",), ("party", "add", "x", "--name", "X"),
                                     ("check", "--against", "{fifo}")])
def test_a_fifo_never_blocks(tmp_path: Path, small: Path, command: tuple[str, ...]) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    if "--against" in command:
        args = ["-f", str(small), *(part.format(fifo=fifo) for part in command)]
    else:
        args = ["-f", str(fifo), *command]
    result = ledger_process(*args, cwd=tmp_path, capture_output=True, timeout=20)
    one_line_error(result, "pipe.json: is a FIFO (named pipe)")


def test_a_huge_sparse_ledger_is_refused_before_it_is_read(tmp_path: Path) -> None:
    sparse = tmp_path / "sparse.json"
    with sparse.open("wb") as handle:
        handle.truncate(2 << 30)
    result = ledger_process("-f", str(sparse), "report", cwd=tmp_path, capture_output=True,
                            timeout=20)
    one_line_error(result, "ledger file is 2,048.0 MiB, over the ceiling of 1,024.0 MiB",
                   "COMPLIANCE_LEDGER_MAX_MB")


def test_the_ceiling_can_be_set(run: Run, small: Path) -> None:
    padded = small.read_text().rstrip() + " " * (1 << 20) + "\n"
    small.write_text(padded)
    result = run("report", env={"COMPLIANCE_LEDGER_MAX_MB": "1"})
    assert result.exit_code == 1
    assert "over the ceiling of 1,024.0 KiB" not in result.stderr
    assert "over the ceiling of 1.0 MiB" in result.stderr
    ok(run("report", env={"COMPLIANCE_LEDGER_MAX_MB": "2"}))
    bad = run("report", env={"COMPLIANCE_LEDGER_MAX_MB": "lots"})
    assert bad.exit_code == 1 and "$COMPLIANCE_LEDGER_MAX_MB: 'lots' is not" in bad.stderr


@pytest.mark.parametrize("kind", ["fifo", "device", "sparse"])
def test_a_document_that_is_not_a_small_regular_file_is_a_finding(
        run: Run, small: Path, kind: str) -> None:
    folder = small.parent
    if kind == "fifo":
        os.mkfifo(folder / "doc.txt")
    elif kind == "device":
        (folder / "doc.txt").symlink_to("/dev/zero")
    else:
        with (folder / "doc.txt").open("wb") as handle:
            handle.truncate(2 << 30)
    _with_document(run, small, "doc.txt", "anything")
    result = run("check")
    assert result.exit_code == 1, result.stderr
    if kind == "device":  # the link leads out of the folder: never opened at all
        assert "leaves the sources folder through a symbolic link" in result.stderr
    else:
        assert ("FIFO" if kind == "fifo" else "over the ceiling") in result.stderr
    assert "Traceback" not in result.stderr


# --- 4. disk full ---------------------------------------------------------------------------


def test_a_full_disk_is_one_line_and_changes_nothing(tmp_path: Path) -> None:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root")
    mount = tmp_path / "small"
    mount.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(mount)],
                             capture_output=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        path = mount / "ledger.json"
        path.write_bytes(writing.serialize(generated_ledger(60)))
        filler = mount / "filler"
        filler.write_bytes(b"x" * (200 * 1024 - path.stat().st_size - 8 * 1024))
        before = path.read_bytes()
        result = ledger_process("-f", str(path), "evidence", "add", "--term", "withdraw",
                                "--claimant", "south", "--stance", "claims", "--date", "2024",
                                "--summary", "x" * 20000, cwd=tmp_path, capture_output=True)
        one_line_error(result, "No space left on device", "the ledger is unchanged")
        assert path.read_bytes() == before
        assert sorted(item.name for item in mount.iterdir()) == [
            "filler", "ledger.json", "ledger.json.lock"]
    finally:
        subprocess.run(["umount", str(mount)], check=False)


# --- 5. cleanup takes only this ledger's abandoned temporary files --------------------------


def test_cleanup_spares_other_ledgers_and_live_writers(run: Run, tmp_path: Path) -> None:
    import fcntl

    peace = tmp_path / "peace.json"
    ok(run("init", file=peace))
    other = tmp_path / f".peace.json.v2.{'a' * 16}.tmp"
    mine_dead = tmp_path / f".peace.json.{'b' * 16}.tmp"
    mine_live = tmp_path / f".peace.json.{'c' * 16}.tmp"
    for file in (other, mine_dead, mine_live):
        file.write_text("partial")
    with mine_live.open("rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        ok(run("party", "add", "east", "--name", "Eastland", file=peace))
    assert other.exists(), "another ledger's save in progress is left alone"
    assert mine_live.exists(), "a temporary file a live writer holds is left alone"
    assert not mine_dead.exists(), "a killed writer's leftover is removed"
    assert writing.temporary_name(peace).startswith(".peace.json.")


@pytest.mark.slow
def test_writers_of_two_ledgers_with_prefix_names_do_not_collide(run: Run,
                                                                 tmp_path: Path) -> None:
    peace, peace_v2 = tmp_path / "peace.json", tmp_path / "peace.json.v2"
    ok(run("init", file=peace))
    ok(run("init", file=peace_v2))
    writers = [subprocess.Popen([str(INSTALLED_LEDGER), "-f", str(peace_v2), "party", "add",
                                 f"p{number}", "--name", f"Party {number}"],
                                stderr=subprocess.PIPE) for number in range(10)]
    for number in range(10):
        ok(run("party", "add", f"q{number}", "--name", f"Other {number}", file=peace))
    errors = [writer.communicate(timeout=120)[1] for writer in writers]
    assert [writer.returncode for writer in writers] == [0] * 10, errors
    assert len(as_json(run("party", "list", "--format", "json", file=peace_v2))) == 10


# --- 6. odd document names ------------------------------------------------------------------


def test_a_document_name_too_long_is_a_finding(run: Run, small: Path) -> None:
    _with_document(run, small, "n" * 300 + ".txt", "anything")
    for extra in ((), ("--sources", str(small.parent))):
        result = run("check", *extra)
        assert result.exit_code == 1
        assert "cannot be read: File name too long" in result.stderr


def test_a_document_in_an_unreadable_folder_is_a_finding(run: Run, small: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    (small.parent / "locked").mkdir()
    (small.parent / "locked" / "doc.txt").write_text("anything")
    _with_document(run, small, "locked/doc.txt", "anything")
    original = os.open

    def refuse(path: object, *args: object, **kwargs: object) -> int:
        if "locked" in str(path):
            raise PermissionError(13, "Permission denied")
        return original(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refuse)
    result = run("check")
    assert result.exit_code == 1
    assert "cannot read source document: Permission denied" in result.stderr


# --- 7. output that cannot be written -------------------------------------------------------


ADD = ("evidence", "add", "--term", "withdraw", "--claimant", "monitor", "--stance", "claims",
       "--date", "2024", "--summary", "saved once")


def _entries(path: Path) -> int:
    return len(json.loads(path.read_text())["evidence"])


def test_a_saved_change_exits_0_when_stdout_is_closed(small: Path) -> None:
    result = ledger_process("-f", str(small), *ADD, cwd=small.parent, stderr=subprocess.PIPE,
                            pass_fds=(), preexec_fn=lambda: os.close(1))
    stderr = result.stderr.decode()
    assert result.returncode == 0, stderr
    assert "saved, but cannot write the output: standard output is closed" in stderr
    assert _entries(small) == 1


def test_a_saved_change_exits_0_when_stdout_is_full(small: Path) -> None:
    with open("/dev/full", "wb") as full:
        result = ledger_process("-f", str(small), *ADD, cwd=small.parent, stdout=full,
                                stderr=subprocess.PIPE)
    stderr = result.stderr.decode()
    assert result.returncode == 0, stderr
    assert "saved, but cannot write the output: No space left on device" in stderr
    assert "Traceback" not in stderr
    assert _entries(small) == 1


@pytest.mark.parametrize("output", [
    "table", pytest.param("html", marks=pytest.mark.slow)])  # a page is written in parts
@pytest.mark.parametrize("how", ["closed", "full", "broken pipe"])
def test_a_report_that_cannot_be_written_is_one_line(small: Path, how: str, output: str
                                                      ) -> None:
    options: dict[str, object] = {"stderr": subprocess.PIPE}
    if how == "closed":
        options["preexec_fn"] = lambda: os.close(1)
    if how == "full":
        options["stdout"] = open("/dev/full", "wb")  # noqa: SIM115
    if how == "broken pipe":
        reader, writer = os.pipe()
        os.close(reader)
        options["stdout"] = writer
    result = ledger_process("-f", str(small), "report", "--format", output, cwd=small.parent,
                            **options)  # type: ignore[arg-type]
    one_line_error(result, "cannot write the output")


@pytest.mark.slow
@pytest.mark.parametrize("output", ["json", "html"])
def test_a_non_blocking_pipe_gets_every_byte(tmp_path: Path, output: str) -> None:
    """A reader that set its pipe non-blocking, and reads slowly: the command waits for it to
    read, and every byte arrives (a full pipe is not a failure to write). On the bundled
    example (`--example`), whose report fills the pipe many times."""
    import fcntl
    import time

    reader, writer = os.pipe()
    fcntl.fcntl(writer, fcntl.F_SETPIPE_SZ, 4096)  # one page: the output fills it many times
    fcntl.fcntl(writer, fcntl.F_SETFL, fcntl.fcntl(writer, fcntl.F_GETFL) | os.O_NONBLOCK)
    environment = {key: value for key, value in os.environ.items()
                   if key != "COMPLIANCE_LEDGER"}
    process = subprocess.Popen([str(INSTALLED_LEDGER), "report", "--format", output,
                                "--example"], stdout=writer, stderr=subprocess.PIPE,
                               cwd=tmp_path, env=environment)
    os.close(writer)
    time.sleep(0.5)
    received = b""
    while chunk := os.read(reader, 1024):
        received += chunk
    os.close(reader)
    assert process.wait(timeout=60) == 0, process.stderr.read() if process.stderr else ""
    whole = ledger_process("report", "--format", output, "--example", cwd=tmp_path,
                           capture_output=True).stdout
    assert len(received) > 4096 and received == whole


# --- 8. terminals that cannot encode Unicode ------------------------------------------------


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
@pytest.mark.parametrize("words", [
    ("report",), ("evidence", "list", "--format", "json", "--example"),
    # Each case starts the installed script: the other formats run with the slow tests.
    pytest.param(("evidence", "list", "--format", "csv", "--example"), marks=pytest.mark.slow),
    pytest.param(("term", "list", "--format", "markdown", "--example"),
                 marks=pytest.mark.slow)])
def test_a_non_utf8_terminal_gets_escapes_not_a_crash(tmp_path: Path, encoding: str,
                                                      words: tuple[str, ...]) -> None:
    result = ledger_process(*words, cwd=tmp_path, capture_output=True,
                            env={"PYTHONIOENCODING": encoding})
    assert result.returncode == 0, result.stderr.decode()
    output = result.stdout.decode(encoding)
    if "json" in words:
        utf8 = ledger_process(*words, cwd=tmp_path, capture_output=True)
        assert json.loads(output) == json.loads(utf8.stdout.decode())
        assert output.isascii()


# --- 9. escapes through paths and Typer's own messages --------------------------------------


def test_a_hostile_ledger_path_is_shown_escaped(run: Run, small: Path, tmp_path: Path) -> None:
    hostile = tmp_path / "l\x1b]0;owned\x07\x1b]52;c;ZXZpbA==\x07.json"
    shutil.copyfile(small, hostile)
    shutil.copyfile(small, tmp_path / "kept.json")
    for extra in ((), ("--against", str(hostile))):
        result = ok(run("check", *extra, file=hostile))
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout
        assert "\\x1b]0;owned\\x07" in result.stdout
    result = ok(run("check", env={"COMPLIANCE_LEDGER": str(hostile)}, file=hostile))
    assert "\x1b" not in result.stdout


def test_typer_usage_errors_are_neutralised(tmp_path: Path) -> None:
    result = ledger_process("report", "\u202eevil\x1b[31m", cwd=tmp_path, capture_output=True)
    stderr = result.stderr.decode()
    assert result.returncode == 2
    assert "\u202e" not in stderr and "\x1b" not in stderr
    assert "\\u202eevil\\x1b[31m" in stderr and "unexpected extra argument" in stderr


# --- 10. look-alike text --------------------------------------------------------------------


LOOKALIKES = "a\u200bb\u200dc\ufeffd\U000e0041e\u2028f\u2029g\u00adh"


def test_invisible_characters_are_visible_in_tables_and_kept_in_json(run: Run,
                                                                    small: Path) -> None:
    ok(run("party", "add", "ghost", "--name", LOOKALIKES))
    for output in ("table", "markdown", "csv"):
        shown = ok(run("party", "list", "--format", output, env={"COLUMNS": "300"})).stdout
        visible = "a\\u200bb\\u200dc\\ufeffd\\U000e0041e\\u2028f\\u2029g\\xadh"
        # Markdown escapes the backslash itself, so that a reader sees it
        assert (visible.replace("\\", "\\\\") if output == "markdown" else visible) in shown
    parties = as_json(run("party", "list", "--format", "json"))
    assert LOOKALIKES in [party["name"] for party in parties]


@pytest.mark.parametrize("name", ["The Monitors", "the monitors", "THE  MONITORS",
                                  "The\u200bMonitors".replace("\u200b", " \u200b"),
                                  "\uff34he Monitors", "The Monitors\ufeff"])
def test_a_party_named_like_another_is_refused(run: Run, small: Path, name: str) -> None:
    before = small.read_bytes()
    result = run("party", "add", "monitor-2", "--name", name)
    assert result.exit_code == 1
    assert "a name of party 'monitor'" in result.stderr
    assert small.read_bytes() == before


# --- 11. smaller ones -----------------------------------------------------------------------


def test_the_owner_is_kept_when_root_saves(run: Run, small: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("only root can save a file owned by another user")
    os.chown(small, 12345, 23456)
    small.chmod(0o640)
    ok(run("party", "add", "east", "--name", "Eastland"))
    status = small.stat()
    assert (status.st_uid, status.st_gid, status.st_mode & 0o777) == (12345, 23456, 0o640)


def test_init_does_not_create_missing_folders(run: Run, tmp_path: Path) -> None:
    result = run("init", file=tmp_path / "a" / "b" / "typo.json")
    assert result.exit_code == 1
    assert f"the folder {tmp_path / 'a' / 'b'} does not exist" in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("summary", ["  =1+1", "\t=cmd", " \u00a0+SUM(A1)", "\n-2", " @x"])
def test_csv_defuses_a_formula_after_white_space(run: Run, small: Path, summary: str) -> None:
    ok(run("evidence", "add", "--term", "withdraw", "--claimant", "monitor", "--stance",
           "claims", "--date", "2024", "--summary", summary))
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(ok(run("evidence", "list", "--format",
                                                  "csv")).stdout)))
    assert rows[0]["summary"].startswith("'"), rows[0]["summary"]


@pytest.mark.parametrize("tail", [b"\x00", b"garbage", b"{}"])
def test_content_after_the_ledger_is_reported_as_such(run: Run, tmp_path: Path,
                                                      tail: bytes) -> None:
    path = tmp_path / "ledger.json"
    path.write_bytes(VALID.encode() + tail)
    result = run("report", file=path)
    assert result.exit_code == 1
    lines = VALID.count("\n")
    assert result.stderr == (f"{path}:{lines + 1}:1: unexpected content after the ledger's "
                             "closing brace\n")


def test_a_write_to_a_device_is_refused_before_any_lock(tmp_path: Path) -> None:
    result = ledger_process("-f", "/dev/zero", "party", "add", "x", "--name", "X",
                            cwd=tmp_path, capture_output=True, timeout=20)
    one_line_error(result, "/dev/zero: is a character device, not a ledger file")
    assert not Path("/dev/zero.lock").exists()


# --- found by an adversarial review of the above ---------------------------------------------


def test_a_link_swapped_in_after_resolving_is_not_followed(tmp_path: Path) -> None:
    """`check` resolves a document's path, then opens it; a folder swapped for a link to the
    outside in between must not lead the read out (the open never follows a link)."""
    from ledger.core.errors import LedgerError
    from ledger.storage.files import document_path, read_inside

    base = tmp_path / "sources"
    (base / "sub").mkdir(parents=True)
    (base / "sub" / "doc.txt").write_text("inside")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "doc.txt").write_text("SECRET")
    resolved = document_path(base, "sub/doc.txt")
    assert resolved is not None
    relative = resolved.relative_to(base.resolve())
    assert read_inside(base.resolve(), relative, what="source document") == b"inside"
    (base / "sub").rename(base / "held")
    (base / "sub").symlink_to(outside)
    with pytest.raises(LedgerError, match="a symbolic link appeared on its path; not read"):
        read_inside(base.resolve(), relative, what="source document")


def test_a_link_to_nowhere_is_not_resolved_as_text(run: Run, small: Path) -> None:
    (small.parent / "real.txt").write_text("inside text")
    (small.parent / "probe").symlink_to("/no-such-dir/../" + str(small.parent / "real.txt"))
    _with_document(run, small, "probe", "inside text")
    for extra in ((), ("--sources", str(small.parent))):
        result = run("check", *extra)
        assert "1 verified" not in result.stdout + result.stderr
    assert "quotes: 0 verified" in ok(run("check")).stdout


def test_a_reader_that_stops_early_is_an_error_not_success(small: Path, tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(writing.serialize(generated_ledger(2000, retract_every=0)))
    process = subprocess.Popen([str(INSTALLED_LEDGER), "-f", str(path), "evidence", "list",
                                "--format", "csv"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.read(10)
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=60) == 1
    assert stderr == "ledger: error: cannot write the output: the reader closed the pipe\n"


@pytest.mark.parametrize("words", [("--help",), ("report", "--help"),
                                   ("--show-completion", "bash")])
def test_help_that_cannot_be_written_is_one_line(tmp_path: Path, words: tuple[str, ...]) -> None:
    with open("/dev/full", "wb") as full:
        result = ledger_process(*words, cwd=tmp_path, stdout=full, stderr=subprocess.PIPE,
                                env={"SHELL": "/bin/bash"})
    one_line_error(result, "No space left on device")


def test_every_format_control_is_shown_as_an_escape() -> None:
    import sys
    import unicodedata

    from ledger.core.lookalike import name_key
    from ledger.render.text import neutralise

    controls = [chr(code) for code in range(sys.maxunicode + 1)
                if unicodedata.category(chr(code)) == "Cf"]
    assert len(controls) > 150
    missed = [f"U+{ord(char):04X}" for char in controls if neutralise(char) == char]
    assert missed == []
    for char in ("\ufe0f", "\u180b", "\U0001bca0", "\U0001d173", "\U00013430", "\u2800"):
        assert neutralise(f"a{char}b") != f"a{char}b"
        assert name_key(f"North{char}land") == name_key("Northland")


def test_a_path_with_a_newline_stays_on_one_line(run: Run, small: Path, tmp_path: Path) -> None:
    odd = tmp_path / "l\ni.json"
    odd.write_bytes(small.read_bytes().replace(b'"title": "Test ledger"', b'"title": 5'))
    result = run("report", file=odd)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "l\\ni.json" in result.stderr


def test_a_clock_out_of_range_is_one_line(small: Path) -> None:
    result = ledger_process("-f", str(small), "report", cwd=small.parent, capture_output=True,
                            env={"COMPLIANCE_LEDGER_NOW": "9999-12-31T23:00:00-05:00"})
    one_line_error(result, "$COMPLIANCE_LEDGER_NOW")


def test_a_folder_named_like_a_temporary_file_does_not_stop_writers(run: Run,
                                                                    small: Path) -> None:
    (small.parent / f".{small.name}.{'1' * 16}.tmp").mkdir()
    ok(run("party", "add", "east", "--name", "Eastland"))
    assert (small.parent / f".{small.name}.{'1' * 16}.tmp").is_dir()


def test_look_alike_names_written_by_hand_are_reported(run: Run, small: Path) -> None:
    data = json.loads(small.read_text())
    data["parties"][1]["name"] = "North\u200bland"
    small.write_text(json.dumps(data))
    result = run("check")
    assert result.exit_code == 1
    assert "reads the same as 'Northland', a name of party 'north'" in result.stderr


def test_a_file_swapped_for_a_link_after_resolving_is_not_followed(tmp_path: Path) -> None:
    from ledger.core.errors import LedgerError
    from ledger.storage.files import document_path, read_inside

    base = tmp_path / "sources"
    base.mkdir()
    (base / "doc.txt").write_text("inside")
    (tmp_path / "secret.txt").write_text("SECRET")
    resolved = document_path(base, "doc.txt")
    assert resolved is not None
    (base / "doc.txt").unlink()
    (base / "doc.txt").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(LedgerError, match="a symbolic link appeared on its path; not read"):
        read_inside(base.resolve(), resolved.relative_to(base.resolve()), what="source document")


def test_the_fast_path_of_neutralising_misses_no_unsafe_character() -> None:
    """`neutralise` skips text that `str.isprintable` and one small class pass: every character
    the full rule escapes must fail one of them, in any company."""
    import sys

    from ledger.render import text

    unsafe = [chr(code) for code in range(sys.maxunicode + 1) if text._UNSAFE.match(chr(code))]
    assert len(unsafe) > 4000
    for character in unsafe:
        for company in ("", "a", "é", "和", "\U0001f600"):
            assert text.neutralise(company + character) != company + character, hex(ord(character))
