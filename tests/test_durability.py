"""Concurrent writers, writers killed mid-save, unusable paths, schema versions."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest
from builders import generated_ledger
from conftest import INSTALLED_LEDGER, Run, as_json, ok

from ledger.core.errors import LedgerError
from ledger.storage import loading, writing


@pytest.mark.slow
def test_forty_processes_adding_at_once_lose_nothing(run: Run, small: Path) -> None:
    processes = [
        subprocess.Popen(
            [str(INSTALLED_LEDGER), "-f", str(small), "evidence", "add", "--term", "withdraw",
             "--claimant", "monitor", "--stance", "claims", "--date", "2024",
             "--summary", f"writer {number}"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for number in range(40)
    ]
    outputs = [process.communicate(timeout=120) for process in processes]
    assert [process.returncode for process in processes] == [0] * 40, outputs
    printed = {stdout.strip() for stdout, _ in outputs}
    entries = as_json(run("evidence", "list", "--format", "json"))
    assert len(entries) == 40 and len(printed) == 40
    assert {entry["id"] for entry in entries} == printed
    assert {entry["summary"] for entry in entries} == {f"writer {n}" for n in range(40)}
    ok(run("check"))


def _leftovers(folder: Path) -> list[Path]:
    return sorted(folder.glob(".*.tmp"))


@pytest.mark.slow
def test_a_writer_killed_mid_save_leaves_the_old_or_the_new_file(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "ledger.json"
    bigger = generated_ledger(3000)
    smaller = bigger.model_copy(update={"evidence": bigger.evidence[:2990],
                                        "retractions": bigger.retractions[:298]})
    versions = {writing.serialize(smaller), writing.serialize(bigger)}
    path.write_bytes(writing.serialize(smaller))
    chooser = random.Random(2026)
    started = time.perf_counter()
    with writing.locked(path):
        writing.save(path, bigger)
    save_seconds = time.perf_counter() - started
    path.write_bytes(writing.serialize(smaller))
    seen = set()
    kills = 0
    while kills < 200:
        child = os.fork()
        if child == 0:  # the writer: saves the two versions in turn until it is killed
            try:
                turn = 0
                while True:
                    with writing.locked(path):
                        writing.save(path, (bigger, smaller)[turn % 2])
                    turn += 1
            finally:
                os._exit(0)
        # Up to a few saves' time, measured on this machine: a slow machine still lets a writer
        # finish some saves before it is killed, and a fast one still kills some mid-save.
        time.sleep(chooser.uniform(0.001, max(0.04, 4 * save_seconds)))
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
        kills += 1
        content = path.read_bytes()
        assert content in versions
        seen.add(content)
        loading.load(path)
    assert seen == versions, "the killed writers did write, both versions in turn"
    assert ": ok: " in ok(run("check", file=path)).stdout, "leftover temporary files are ignored"
    ok(run("party", "add", "east", "--name", "Eastland", file=path))
    assert _leftovers(tmp_path) == [], "the next writer cleans a killed writer's leftovers"


def test_a_failed_save_leaves_no_temporary_file(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "ledger.json"
    ledger = generated_ledger(5)
    path.write_bytes(writing.serialize(ledger))
    path.chmod(0o640)
    before = path.read_bytes()

    def broken_replace(source: str, target: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(LedgerError, match=r"cannot save \(No space left on device\); the "
                       "ledger is unchanged"):
        writing.save(path, generated_ledger(6))
    assert path.read_bytes() == before
    assert _leftovers(tmp_path) == []
    monkeypatch.undo()
    writing.save(path, generated_ledger(6))
    assert oct(path.stat().st_mode & 0o777) == oct(0o640), "the file's mode is kept"


def test_a_held_lock_times_out_with_a_clear_error(run: Run, small: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from filelock import FileLock

    monkeypatch.setattr(writing, "LOCK_TIMEOUT_SECONDS", 0.2)
    before = small.read_bytes()
    with FileLock(str(writing.lock_path(small))):
        result = run("party", "add", "east", "--name", "Eastland")
    assert result.exit_code == 1
    assert "another command is writing this ledger" in result.stderr
    assert small.read_bytes() == before


def test_an_unreadable_ledger_gets_a_clear_error(run: Run, small: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    original = os.open

    def refuse(path: object, *args: object, **kwargs: object) -> int:
        if Path(str(path)) == small:
            raise PermissionError(13, "Permission denied")
        return original(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refuse)
    result = run("report")
    assert result.exit_code == 1
    assert result.stderr == f"ledger: error: {small}: cannot read ledger: Permission denied\n"


def test_a_read_only_folder_gets_a_clear_error(run: Run, small: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    original = os.open

    def read_only(path: object, flags: int, *args: object, **kwargs: object) -> int:
        if flags & os.O_CREAT and str(path).endswith(".tmp"):
            raise OSError(30, "Read-only file system")
        return original(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    before = small.read_bytes()
    writing.lock_path(small).touch()
    monkeypatch.setattr(os, "open", read_only)
    result = run("party", "add", "east", "--name", "Eastland")
    assert result.exit_code == 1
    assert "cannot write in its folder: Read-only file system" in result.stderr
    assert small.read_bytes() == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads and writes whatever the permissions")
def test_real_permissions(run: Run, small: Path) -> None:
    small.chmod(0)
    assert "cannot read" in run("report").stderr
    small.chmod(0o644)
    small.parent.chmod(0o555)
    try:
        result = run("party", "add", "east", "--name", "Eastland")
        assert result.exit_code == 1 and "cannot" in result.stderr
    finally:
        small.parent.chmod(0o755)


def test_an_older_schema_version_is_migrated_and_saved_on_the_next_write(
        run: Run, small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ledger.core import model

    def rename_title(data: dict[str, object]) -> dict[str, object]:
        data["title"] = str(data["title"]) + " (migrated)"
        return data

    current = model.SCHEMA_VERSION
    monkeypatch.setattr(model, "SCHEMA_VERSION", current + 1)
    monkeypatch.setattr(loading, "SCHEMA_VERSION", current + 1)
    monkeypatch.setitem(loading.MIGRATIONS, current, rename_title)
    before = small.read_bytes()
    result = ok(run("report", "--format", "json"))
    assert f"schema version {current}" in result.stderr and "migrated" in result.stderr
    assert small.read_bytes() == before, "a read never rewrites the file"
    ok(run("party", "add", "east", "--name", "Eastland"))
    saved = small.read_text()
    assert f'"schema_version": {current + 1}' in saved and "Test ledger (migrated)" in saved


def test_a_version_1_file_is_read_and_saved_as_version_2(run: Run, tmp_path: Path) -> None:
    """Its records count as recorded before anything newer, and get their digests."""
    path = tmp_path / "old.json"
    path.write_bytes((Path(__file__).parent / "valid-base.json").read_bytes())
    before = path.read_bytes()
    result = ok(run("report", "--format", "json", file=path))
    assert "schema version 1 migrated in memory to 2" in result.stderr
    assert path.read_bytes() == before
    assert ok(run("report", "--format", "json", "--known-at", "2000-01-01", file=path)).stdout
    ok(run("party", "add", "east", "--name", "Eastland", file=path))
    saved = json.loads(path.read_text())
    assert saved["schema_version"] == 2 and saved["changes"] == []
    assert all(party.get("digest") for party in saved["parties"])
    assert ": ok: " in ok(run("check", file=path)).stdout
