"""Long output to a terminal goes through the pager, as git and gh do; a pipe never pages."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import INSTALLED_LEDGER


@pytest.fixture
def setting(tmp_path: Path) -> dict[str, str]:
    """An environment whose $PAGER copies what it is given to a file, so a test can see it."""
    pager = tmp_path / "pager.py"
    pager.write_text("import sys\nopen(sys.argv[1], 'wb').write(sys.stdin.buffer.read())\n")
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("COMPLIANCE_LEDGER", "LESS", "NO_COLOR", "FORCE_COLOR")}
    environment.update(PAGER=f"{sys.executable} {pager} {tmp_path / 'paged'}",
                       COLUMNS="100", LINES="10", TERM="xterm-256color")
    return environment


def _in_terminal(arguments: list[str], environment: dict[str, str], cwd: Path
                 ) -> tuple[int, str]:
    """Run the installed script with a pseudo-terminal as stdout; what reached the terminal."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([str(INSTALLED_LEDGER), *arguments], stdout=follower,
                               stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                               env=environment, cwd=cwd)
    os.close(follower)
    shown = bytearray()
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the command ended
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    return process.wait(timeout=60), shown.decode("utf-8", "replace")


def test_long_output_to_a_terminal_goes_through_the_pager(tmp_path: Path,
                                                          setting: dict[str, str]) -> None:
    code, shown = _in_terminal(["report"], setting, tmp_path)
    paged = (tmp_path / "paged").read_text()
    assert code == 0
    assert "Compliance report" in paged and "waits on" in paged
    assert "Compliance report" not in shown, "the pager, not the command, shows the report"
    assert "\x1b[" in paged, "colours reach the pager (less -R shows them)"


@pytest.mark.slow
def test_no_pager_and_short_output_and_an_empty_pager_print_directly(
        tmp_path: Path, setting: dict[str, str]) -> None:
    code, shown = _in_terminal(["--no-pager", "report"], setting, tmp_path)
    assert code == 0 and "Compliance report" in shown
    assert not (tmp_path / "paged").exists()
    code, shown = _in_terminal(["party", "list"], {**setting, "LINES": "200"}, tmp_path)
    assert code == 0 and "Taliban" in shown and not (tmp_path / "paged").exists()
    code, shown = _in_terminal(["report"], {**setting, "PAGER": ""}, tmp_path)
    assert code == 0 and "Compliance report" in shown and not (tmp_path / "paged").exists()


def test_a_pipe_never_pages(tmp_path: Path, setting: dict[str, str]) -> None:
    result = subprocess.run([str(INSTALLED_LEDGER), "report"], capture_output=True, text=True,
                            env=setting, cwd=tmp_path, timeout=60)
    assert result.returncode == 0 and "Compliance report" in result.stdout
    assert not (tmp_path / "paged").exists()


def test_a_pager_that_cannot_start_or_quits_early_is_not_an_error(
        tmp_path: Path, setting: dict[str, str]) -> None:
    code, shown = _in_terminal(["report"], {**setting, "PAGER": "true"}, tmp_path)
    assert code == 0, "the reader quit the pager before reading: not an error"
    code, shown = _in_terminal(["report"], {**setting, "PAGER": "/no/such/pager"}, tmp_path)
    assert code == 0 and "Compliance report" in shown, "no such pager: printed directly"
