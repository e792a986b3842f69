"""The installed `ledger` script in a subprocess, as a user runs it from any folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import INSTALLED_LEDGER

pytestmark = pytest.mark.slow  # the installed script in subprocesses: the full suite runs them


def ledger(*args: str | bytes, cwd: Path, env: dict[str, str] | None = None
           ) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items()
                   if key != "COMPLIANCE_LEDGER"}
    environment.update(env or {})
    return subprocess.run([str(INSTALLED_LEDGER), *args], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=60, check=False)


def test_report_on_the_bundled_example_from_any_folder(tmp_path: Path) -> None:
    """With no ledger found, the example as a table (said on stderr and in its header); in any
    other format only when asked for (`--example`, `-f example`), and a write never."""
    table = ledger("report", cwd=tmp_path)
    assert table.returncode == 0, table.stderr
    assert table.stderr.count("\n") == 1 and "bundled example 'doha-2020'" in table.stderr
    assert "the bundled example 'doha-2020'" in " ".join(table.stdout.split("\n\n")[0].split())
    refused = ledger("report", "--format", "json", cwd=tmp_path)
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr.count("\n") == 1 and "--example" in refused.stderr
    for asked in (("report", "--format", "json", "--example"),
                  ("-f", "example", "report", "--format", "json")):
        result = ledger(*asked, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        report = json.loads(result.stdout)
        assert [party["id"] for party in report["parties"]] == [
            "us", "taliban", "afghan-gov", "nato-allies"]
        assert report["title"].endswith("(the bundled example 'doha-2020')")
    assert list(tmp_path.iterdir()) == []


def test_the_example_and_its_sources_in_an_empty_folder(tmp_path: Path) -> None:
    """From the installed package alone: the example's articles come with it, and `check
    --sources` verifies every quote against them."""
    made = ledger("init", "--example", "doha-2020", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert sorted(path.name for path in tmp_path.iterdir() if path.suffix != ".lock") == [
        "000_6bf5b660281ef703.txt", "003_080edd18da3400cd.txt", "doha-2020-sources.md",
        "ledger.json"]
    checked = ledger("check", "--sources", ".", cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert "quotes: 21 verified against their source, 0 unverifiable" in checked.stdout


@pytest.mark.slow
def test_python_dash_m_and_a_full_session(tmp_path: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([sys.executable, "-m", "ledger", "-f", "l.json", *args],
                                cwd=tmp_path, capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr
        return result

    run("init", "--title", "Session")
    run("party", "add", "a", "--name", "Alpha")
    run("agreement", "add", "pact", "--title", "Pact")
    run("term", "add", "t", "--title", "Do it", "--category", "c", "--obligor", "a")
    entry = run("evidence", "add", "--term", "t", "--claimant", "a", "--stance", "claims",
                "--date", "2024-05", "--summary", "Done").stdout.strip()
    table = run("report").stdout
    assert "Alpha (a)" in table and "claimed" in table
    assert run("evidence", "show", entry[:5]).stdout.count(entry) == 1


def test_arguments_that_are_not_utf8_are_refused(tmp_path: Path) -> None:
    (tmp_path / "l.json").write_text(json.dumps({"title": "x"}))
    before = (tmp_path / "l.json").read_bytes()
    result = subprocess.run(
        [os.fsencode(INSTALLED_LEDGER), b"-f", b"l.json", b"party", b"add", b"x", b"--name",
         b"caf\xe9"],
        cwd=tmp_path, capture_output=True, check=False,
    )
    assert result.returncode == 1
    assert b"is not valid UTF-8" in result.stderr and b"Traceback" not in result.stderr
    assert (tmp_path / "l.json").read_bytes() == before


def test_no_pydantic_plugin_installed_beside_it_sees_the_ledger(tmp_path: Path) -> None:
    """A Pydantic plugin (found by entry point) is loaded by plain Pydantic, never by `ledger`."""
    plugins = tmp_path / "site"
    info = plugins / "spy_plugin-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: spy-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[pydantic]\nspy = spy_plugin:plugin\n")
    (plugins / "spy_plugin.py").write_text(
        "import os, pathlib\n"
        "pathlib.Path(os.environ['SPY_MARKER']).write_text('loaded')\n"
        "class Spy:\n"
        "    def new_schema_validator(self, *args, **kwargs):\n"
        "        return None, None, None\n"
        "plugin = Spy()\n"
    )
    marker = tmp_path / "marker"
    env = {"PYTHONPATH": str(plugins), "SPY_MARKER": str(marker)}
    work = tmp_path / "work"
    work.mkdir()

    result = ledger("report", "--format", "json", "--example", cwd=work, env=env)
    assert result.returncode == 0, result.stderr
    assert not marker.exists()

    python = INSTALLED_LEDGER.parent / "python"
    control = subprocess.run(
        [str(python), "-c", "import pydantic\nclass M(pydantic.BaseModel):\n    x: int"],
        cwd=work, env={**os.environ, **env}, capture_output=True, text=True, check=False)
    assert control.returncode == 0, control.stderr
    assert marker.read_text() == "loaded", "the spy plugin must load where plugins are on"


@pytest.mark.slow
def test_the_second_name_and_the_version(tmp_path: Path) -> None:
    """`compliance-ledger` is the same program, for people who have Ledger (the accounting
    tool) installed as `ledger`; `--version` names the installed distribution's version."""
    import tomllib

    second = INSTALLED_LEDGER.with_name("compliance-ledger")
    project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml")
                            .read_text())["project"]
    for script in (INSTALLED_LEDGER, second):
        done = subprocess.run([str(script), "--version"], cwd=tmp_path, capture_output=True,
                              text=True, timeout=60, check=False)
        assert (done.returncode, done.stdout, done.stderr) == (
            0, f"compliance-ledger {project['version']}\n", "")
    report = subprocess.run([str(second), "report", "--format", "json", "--example"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=60,
                            check=False)
    assert report.returncode == 0, report.stderr
    assert json.loads(report.stdout)["title"].startswith("The 2020 US-Taliban agreement")
    table = subprocess.run([str(second), "report"], cwd=tmp_path, capture_output=True,
                           text=True, timeout=60, check=False)
    assert table.stderr.startswith("compliance-ledger: no ledger.json here"), \
        "its messages name it as it was started"


def test_names_closest_ids_orders_and_empty_columns_as_installed(tmp_path: Path) -> None:
    """Through the installed script: a party's alias in a write records its id; an id that
    names nothing is refused with the closest one and changes nothing; `report --sort` and
    `evidence list --sort recorded` order as asked; a table leaves out a column empty in
    every row."""
    def done(*args: str) -> subprocess.CompletedProcess[str]:
        result = ledger("-f", "minsk.json", *args, cwd=tmp_path)
        assert result.returncode == 0, (args, result.stderr)
        return result

    done("init", "--title", "Minsk II")
    done("party", "add", "ua", "--name", "Ukraine", "--alias", "Kyiv")
    done("party", "add", "osce", "--name", "OSCE SMM", "--role", "monitor")
    done("agreement", "add", "m2", "--title", "Package of Measures", "--signatory", "KYIV")
    for number, due in (("10", "2015-03"), ("9", "2015-12"), ("2", "2015-06")):
        done("term", "add", f"m2-{number}", "--title", f"Point {number}", "--category", "c",
             "--obligor", "kyiv", "--article", f"Point {number}", "--due", due)
    later = done("evidence", "add", "-t", "m2-9", "--claimant", "osce smm", "--stance",
                 "disputes", "-d", "2015-09", "--summary", "Weapons seen").stdout.strip()
    earlier = done("evidence", "add", "-t", "m2-2", "--claimant", "OSCE SMM", "--stance",
                   "claims", "-d", "2015-04", "--summary", "Withdrawn").stdout.strip()
    saved = json.loads((tmp_path / "minsk.json").read_text())
    assert saved["agreements"][0]["signatories"] == ["ua"]
    assert {(entry["subject"], entry["claimant"]) for entry in saved["evidence"]} == {
        ("ua", "osce")}
    before = (tmp_path / "minsk.json").read_bytes()
    refused = ledger("-f", "minsk.json", "term", "amend", "m2-11", "--due", "2016",
                     "--effective", "2015-06-01", "--reason", "r", cwd=tmp_path)
    assert refused.returncode == 1 and "no term 'm2-11' (did you mean" in refused.stderr
    assert (tmp_path / "minsk.json").read_bytes() == before
    report = json.loads(done("report", "--sort", "due", "--format", "json").stdout)
    assert [item["term"] for item in report["parties"][0]["obligations"]] == [
        "m2-10", "m2-2", "m2-9"]
    assert [line.split(",")[0] for line in done(
        "evidence", "list", "--sort", "recorded", "--format", "csv").stdout.splitlines()[1:]
    ] == [later, earlier]
    table = done("evidence", "list").stdout
    assert "Retracted" not in table and "Withdrawn" in table
