"""Work done aside in a forked child (`ledger.cli.forking`): its result comes back, a failure
falls back to the work done in place, and the keys of a large file counted aside keep the
fast load exactly as strict as before."""

from __future__ import annotations

import json
import os
import re
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from builders import generated_ledger, write_csv
from conftest import Run, ok

from ledger import importing, store
from ledger.aside import Pending, Work, result_of
from ledger.cli import forking
from ledger.errors import LedgerFileError


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Each child forked during the test, by pid; keys are counted aside in files of any size.
    Skipped, with the reason, where the script never forks; on Linux with a second core, a
    test that cannot fork fails rather than pass untested."""
    if not sys.platform.startswith("linux") or len(os.sched_getaffinity(0)) < 2:
        pytest.skip("work is done aside only on Linux with a second core")
    if not forking._can_fork():
        pytest.fail("another thread runs in the test process: no child can be forked")
    made: list[int] = []
    fork = os.fork

    def recorded() -> int:
        pid = fork()
        if pid:
            made.append(pid)
        return pid

    monkeypatch.setattr(forking.os, "fork", recorded)
    monkeypatch.setattr(forking, "_WAITING", [])
    monkeypatch.setattr(store, "KEYS_COUNTED_ASIDE_FROM", 0)
    return made


def _reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_the_result_of_work_aside_comes_back_and_the_child_is_reaped(forks: list[int]) -> None:
    text = "état des lieux\x00" * 100_000
    pending = forking.run_aside(lambda: text.encode())
    assert pending is not None and len(forks) == 1
    assert pending.result() == text.encode()
    assert _reaped(forks[0])


def test_work_that_fails_aside_gives_no_result(forks: list[int]) -> None:
    def failing() -> bytes:
        raise ValueError("no")

    pending = forking.run_aside(failing)
    assert pending is not None and pending.result() is None
    assert _reaped(forks[0])


def test_cancelled_work_is_stopped_at_once(forks: list[int]) -> None:
    def slow() -> bytes:
        time.sleep(60)
        return b"late"

    pending = forking.run_aside(slow)
    assert pending is not None
    started = time.monotonic()
    pending.cancel()
    assert time.monotonic() - started < 10 and _reaped(forks[0])
    assert pending.result() is None


def test_work_alongside_is_done_by_the_next_child_after_its_own(forks: list[int]) -> None:
    beside = forking.run_alongside(lambda: b"second")
    assert forks == []
    pending = forking.run_aside(lambda: b"first")
    assert pending is not None and len(forks) == 1
    assert beside.result() == b"second" and pending.result() == b"first"
    assert forking._WAITING == [] and _reaped(forks[0])


def test_a_child_stops_early_only_when_none_of_its_results_is_wanted(forks: list[int]) -> None:
    def slow() -> bytes:
        time.sleep(60)
        return b"late"

    beside = forking.run_alongside(lambda: b"second")
    pending = forking.run_aside(lambda: b"first")
    assert pending is not None
    pending.cancel()
    assert beside.result() == b"second"
    beside = forking.run_alongside(slow)
    pending = forking.run_aside(lambda: b"first")
    assert pending is not None
    started = time.monotonic()
    beside.cancel()
    assert not _reaped(forks[1])  # the first result is still wanted
    pending.cancel()
    assert time.monotonic() - started < 10 and _reaped(forks[1])
    assert beside.result() is None and pending.result() is None


def test_work_alongside_that_fails_loses_only_its_own_result(forks: list[int]) -> None:
    def failing() -> bytes:
        raise ValueError("a cell that cannot be read")

    beside = forking.run_alongside(failing)
    pending = forking.run_aside(lambda: b"first")
    assert pending is not None
    assert pending.result() == b"first" and beside.result() is None
    beside = forking.run_alongside(lambda: b"second")
    pending = forking.run_aside(failing)
    assert pending is not None
    assert beside.result() is None and pending.result() is None  # it never ran
    assert len(forks) == 2


def test_work_alongside_no_child_took_or_withdrawn_is_not_done_aside(forks: list[int],
                                                                      tmp_path: Path) -> None:
    marker = tmp_path / "ran"

    def marking() -> bytes:
        marker.touch()
        return b"done"

    alone = forking.run_alongside(marking)
    assert alone.result() is None and forking._WAITING == []
    assert result_of(alone, marking) == b"done" and marker.exists()
    marker.unlink()
    withdrawn = forking.run_alongside(marking)
    withdrawn.cancel()
    pending = forking.run_aside(lambda: b"first")
    assert pending is not None and pending.result() == b"first"
    assert not marker.exists() and withdrawn.result() is None and len(forks) == 1


def test_no_fork_while_another_thread_runs_or_with_one_core(monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert forking.run_aside(lambda: b"x") is None
    finally:
        stop.set()
        other.join()
    monkeypatch.setattr(forking.os, "sched_getaffinity", lambda pid: {0})
    assert forking.run_aside(lambda: b"x") is None


@pytest.fixture
def carefully(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files that went the careful way (the fast path did not accept them)."""
    went: list[Path] = []
    careful = store._load_carefully

    def recorded(raw: bytes, path: Path, rejection: object) -> object:
        went.append(path)
        return careful(raw, path, rejection)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "_load_carefully", recorded)
    return went


def test_a_valid_file_counted_aside_takes_the_fast_path(run: Run, tmp_path: Path,
                                                       forks: list[int],
                                                       carefully: list[Path]) -> None:
    path = tmp_path / "ledger.json"
    path.write_bytes(store.serialize(generated_ledger(300, seed=3)))
    aside = ok(run("report", "--format", "json", file=path)).stdout
    assert len(forks) == 1 and carefully == []
    assert store.load(path, aside=forking.run_aside).ledger == store.load(path).ledger
    assert json.loads(aside) == json.loads(ok(run("report", "--format", "json", file=path)).stdout)


def _current() -> str:
    """A ledger in the current version (the fast path reads no other), serialized as saved."""
    return store.serialize(generated_ledger(40, seed=4)).decode()


@pytest.mark.parametrize("spaced", [False, True])
def test_a_duplicate_key_counted_aside_is_found(run: Run, tmp_path: Path, forks: list[int],
                                                spaced: bool) -> None:
    """A repeated key, in a file written as saved or with a space before one colon (which the
    count must take into account)."""
    text = _current().replace('"role": ', '"role": "other",\n      "role": ', 1)
    if spaced:
        text = text.replace('"title": ', '"title" : ', 1)
    line = text[:text.index('"role": "other"')].count("\n") + 2
    path = tmp_path / "ledger.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LedgerFileError) as raised:
        store.load(path, aside=forking.run_aside)
    problem = raised.value.problems[0]
    assert "duplicate key" in problem.message and problem.line == line
    result = run("check", file=path)
    assert result.exit_code == 1 and f"ledger.json:{line}:" in result.stderr
    assert "duplicate key" in result.stderr and len(forks) == 2


class _Lost:
    """Work started aside whose result never comes back (the child was killed, say)."""

    def result(self) -> bytes | None:
        return None

    def cancel(self) -> None:
        pass


def test_a_count_that_does_not_come_back_is_made_in_place(monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Path,
                                                          carefully: list[Path]) -> None:
    offered: list[Work] = []

    def losing(work: Work) -> Pending:
        offered.append(work)
        return _Lost()

    monkeypatch.setattr(store, "KEYS_COUNTED_ASIDE_FROM", 0)
    path = tmp_path / "ledger.json"
    path.write_bytes(store.serialize(generated_ledger(50, seed=2)))
    assert store.load(path, aside=losing).ledger == store.load(path, fast=False).ledger
    assert len(offered) == 1 and carefully == [path]  # the second load, fast=False
    duplicated = tmp_path / "duplicated.json"
    duplicated.write_bytes(path.read_bytes().replace(b'"role": ', b'"role": "other", "role": ', 1))
    with pytest.raises(LedgerFileError, match="duplicate key"):
        store.load(duplicated, aside=losing)


def _without_ids(text: str) -> str:
    """An import's dry run names each entry by an id that follows from its recording time."""
    return re.sub(r"\b[0-9a-f]{12}\b", "ID", text)


@pytest.fixture
def read_here(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Each spreadsheet read in this process (one read in a child is not recorded here)."""
    read: list[Path] = []
    read_table = importing.read_table

    def recorded(path: Path, **options: Any) -> importing.Table:
        read.append(path)
        return read_table(path, **options)

    monkeypatch.setattr(importing, "read_table", recorded)
    return read


def test_an_import_reads_its_file_in_the_child_that_counts(run: Run, tmp_path: Path,
                                                           forks: list[int],
                                                           read_here: list[Path],
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    """The file is read and parsed aside while the ledger loads, by the one child that counts
    its keys; the dry run says what it says when the file is read in place, and a file that
    cannot be read aside is read again here, which places its problem."""
    path = tmp_path / "ledger.json"
    path.write_bytes(store.serialize(generated_ledger(40, seed=4)))
    rows = write_csv(tmp_path / "rows.csv", [
        ["date", "term", "claimant", "stance", "summary"],
        *([f"2025-0{month}", "withdraw", "monitor", "claims", f"Said in month {month}"]
          for month in range(1, 10))])
    dry = run("evidence", "import", str(rows), "--dry-run", file=path)
    assert dry.exit_code == 0 and len(forks) == 1 and read_here == []
    bad = tmp_path / "bad.csv"
    bad.write_text(rows.read_text(encoding="utf-8") + '2025-10,withdraw,"monitor"x\r\n',
                   encoding="utf-8")
    refused = run("evidence", "import", str(bad), "--dry-run", file=path)
    assert refused.exit_code == 1 and len(forks) == 2 and read_here == [bad]
    assert "bad.csv:11:3: not readable as CSV" in refused.stderr
    monkeypatch.setattr(forking, "_can_fork", lambda: False)
    in_place = run("evidence", "import", str(rows), "--dry-run", file=path)
    assert in_place.exit_code == 0 and len(forks) == 2 and read_here == [bad, rows]
    assert _without_ids(dry.stdout) == _without_ids(in_place.stdout)
    assert dry.stderr == in_place.stderr


def test_an_import_into_an_older_version_still_reads_its_file_aside(
        run: Run, tmp_path: Path, forks: list[int], read_here: list[Path]) -> None:
    """A ledger in an older version goes the careful way, so its count is not wanted: the
    child still reads the spreadsheet, which the import then adds."""
    path = tmp_path / "ledger.json"
    path.write_bytes((Path(__file__).resolve().parent / "valid-base.json").read_bytes())
    rows = write_csv(tmp_path / "rows.csv", [["id", "name"], ["east", "Eastland"]])
    result = ok(run("party", "import", str(rows), file=path))
    assert "added 1 party" in result.stderr and len(forks) == 1 and read_here == []
    assert "east" in ok(run("party", "list", "--format", "csv", file=path)).stdout
