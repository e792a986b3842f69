"""`ledger party|term|evidence import`: CSV and Excel files, all or nothing, every problem at
FILE:ROW:COL, idempotent, through the CLI on real files."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from builders import write_csv
from conftest import INSTALLED_LEDGER, Run, ok
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

PARTIES = [["id", "name", "role", "aliases"],
           ["north", "Northland", "signatory", "the North; Northern Republic"],
           ["south", "Southland", "signatory", ""],
           ["monitors", "Joint Monitoring Team", "monitor", "JMT"]]
TERMS = [["id", "agreement", "article", "title", "category", "obligors", "due", "text"],
         ["withdraw", "accord", "Art. 2", "Withdraw from the zone", "withdrawal", "north",
          "2024-06-30", "Northern units leave the border zone."],
         ["release", "", "Art. 4", "Release the detainees", "prisoners", "north; south", "", ""]]
EVIDENCE = [["date", "term", "subject", "claimant", "stance", "summary", "quote", "url"],
            ["2024-07", "withdraw", "", "north", "claims", "The last units left, says the North",
             "", ""],
            ["2024-07-12", "withdraw", "north", "monitors", "disputes",
             "Two companies remain at the crossing", "two companies remain; one withdrew",
             "https://example.org/jmt/28"],
            ["2024-08-01", "release", "south", "monitors", "claims", "=1+1 detainees freed", "",
             ""]]


def ledger_with_an_agreement(run: Run, file: Path) -> None:
    ok(run("init", "--title", "Import", file=file))
    ok(run("agreement", "add", "accord", "--title", "The Accord", "--signed", "2024-03-01",
           file=file))


def write_xlsx(path: Path, rows: list[list[Any]], sheet: str = "Sheet") -> Path:
    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    workbook.save(path)
    return path


def listed(run: Run, file: Path, noun: str) -> list[dict[str, Any]]:
    return json.loads(ok(run(noun, "list", "--format", "json", file=file)).stdout)


def without_times(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{key: value for key, value in record.items()
             if key not in ("id", "recorded_at", "digest")} for record in records]


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_each_kind_imports(run: Run, tmp_path: Path, suffix: str) -> None:
    file = tmp_path / "ledger.json"
    ledger_with_an_agreement(run, file)
    write = write_csv if suffix == "csv" else write_xlsx
    for noun, rows in (("party", PARTIES), ("term", TERMS), ("evidence", EVIDENCE)):
        result = ok(run(noun, "import", str(write(tmp_path / f"{noun}.{suffix}", rows)),
                        file=file))
        assert result.stderr.startswith(f"ledger: added {len(rows) - 1} "), result.stderr
        assert len(result.stdout.split()) == len(rows) - 1, "the new ids, one per line"
    parties = listed(run, file, "party")
    assert [(party["id"], party["aliases"]) for party in parties] == [
        ("north", ["the North", "Northern Republic"]), ("south", []), ("monitors", ["JMT"])]
    terms = listed(run, file, "term")
    assert [(term["id"], term["agreement"], term["obligors"], term.get("due"))
            for term in terms] == [("release", "accord", ["north", "south"], None),
                                   ("withdraw", "accord", ["north"], "2024-06-30")]
    entries = listed(run, file, "evidence")
    assert [(entry["subject"], entry["claimant"], entry["summary"]) for entry in entries] == [
        ("north", "north", "The last units left, says the North"),
        ("north", "monitors", "Two companies remain at the crossing"),
        ("south", "monitors", "=1+1 detainees freed")], "a formula is imported as its text"
    assert entries[1]["source"] == {"url": "https://example.org/jmt/28"}
    assert "ok:" in ok(run("check", file=file)).stdout


def test_an_export_of_each_list_imports_back_into_an_empty_ledger(run: Run,
                                                                   tmp_path: Path) -> None:
    source, target = tmp_path / "source.json", tmp_path / "target.json"
    for file in (source, target):
        ledger_with_an_agreement(run, file)
    for noun, rows in (("party", PARTIES), ("term", TERMS), ("evidence", EVIDENCE)):
        ok(run(noun, "import", str(write_csv(tmp_path / f"{noun}.csv", rows)), file=source))
    ok(run("evidence", "add", "--term", "release", "--subject", "north", "--claimant", "south",
           "--stance", "disputes", "--date", "2024", "--summary", "'=not a formula; really",
           "--quote", '"Nobody", they said', "--source", "Radio", "--document", "radio.txt",
           "--sha256", "a" * 64, file=source))
    ok(run("term", "add", "review", "--title", "Review", "--category", "sanctions",
           "--obligor", "north", "--condition", "release", "--condition", "withdraw",
           file=source))
    ok(run("evidence", "add", "--term", "review", "--claimant", "south", "--stance", "notes",
           "--date", "2024", "--summary", "Context only", file=source))
    for noun in ("party", "term", "evidence"):
        exported = tmp_path / f"exported-{noun}.csv"
        exported.write_text(ok(run(noun, "list", "--format", "csv", file=source)).stdout)
        ok(run(noun, "import", str(exported), file=target))
        assert without_times(listed(run, target, noun)) == without_times(
            listed(run, source, noun)), noun


def test_every_problem_is_placed_and_nothing_is_written(run: Run, tmp_path: Path) -> None:
    file = tmp_path / "ledger.json"
    ledger_with_an_agreement(run, file)
    ok(run("party", "import", str(write_csv(tmp_path / "p.csv", PARTIES)), file=file))
    ok(run("term", "import", str(write_csv(tmp_path / "t.csv", TERMS)), file=file))
    before = file.read_bytes()
    bad = write_csv(tmp_path / "bad.csv", [
        EVIDENCE[0],
        ["2024/07/01", "withdraw", "", "north", "claim", "Wrong date and stance", "", ""],
        EVIDENCE[1],
        ["2024-07", "nowhere", "", "nobody", "claims", "", "", ""],
        ["2024-07", "release", "monitors", "north", "claims", "Not an obligor", "", ""],
    ])
    result = run("evidence", "import", str(bad), file=file)
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[:2] == [
        f"{bad}:2:1: column 'date': not a date: '2024/07/01' (use YYYY, YYYY-MM or YYYY-MM-DD)",
        f"{bad}:2:5: column 'stance': 'claim' is not a stance (one of: claims, disputes, notes)"]
    assert lines[2].startswith(f"{bad}:4:2: column 'term': no term 'nowhere' (known: ")
    assert lines[3].startswith(f"{bad}:4:4: column 'claimant': no party 'nobody' (known: ")
    assert lines[4:] == [
        f"{bad}:4:6: column 'summary': required",
        f"{bad}:5:3: column 'subject': 'monitors' is not an obligor of term 'release' "
        "throughout 2024-07 (obligors then: north, south)"]
    assert file.read_bytes() == before, "nothing is written when any row has a problem"
    dry = run("evidence", "import", str(bad), "--dry-run", file=file)
    assert dry.exit_code == 1 and dry.stderr.splitlines() == lines
    assert ("Evidence of the rows without a problem (the import adds nothing while any row has "
            "one)") in dry.stdout
    assert "The last units left" in dry.stdout and "Wrong date" not in dry.stdout
    assert file.read_bytes() == before


def test_a_second_run_adds_nothing_and_repeated_rows_are_imported_once(
        run: Run, tmp_path: Path) -> None:
    file = tmp_path / "ledger.json"
    ledger_with_an_agreement(run, file)
    parties = write_csv(tmp_path / "p.csv", [*PARTIES, PARTIES[1]])
    first = ok(run("party", "import", str(parties), file=file))
    assert first.stderr == ("ledger: added 3 parties; 0 rows skipped, already in the ledger; "
                            "row 5 repeats row 2\n")
    saved = file.read_bytes()
    second = ok(run("party", "import", str(parties), file=file))
    assert second.stderr.startswith("ledger: added 0 parties; 4 rows skipped, already in the "
                                    "ledger")
    assert second.stdout == "" and file.read_bytes() == saved
    ok(run("term", "import", str(write_csv(tmp_path / "t.csv", TERMS)), file=file))
    evidence = write_csv(tmp_path / "e.csv", EVIDENCE)
    ok(run("evidence", "import", str(evidence), file=file))
    saved = file.read_bytes()
    dry = ok(run("evidence", "import", str(evidence), "--dry-run", file=file))
    assert "Evidence that the import would add" in dry.stdout
    assert "Nothing to add: every row is already in the ledger." in dry.stdout
    again = ok(run("evidence", "import", str(evidence), file=file))
    assert again.stderr.startswith("ledger: added 0 evidence entries; 3 rows skipped")
    assert file.read_bytes() == saved

    renamed = write_csv(tmp_path / "renamed.csv", [PARTIES[0], ["north", "North Land",
                                                                "signatory", ""]])
    result = run("party", "import", str(renamed), file=file)
    assert result.exit_code == 1
    assert result.stderr == (f"{renamed}:2:2: column 'name': the party 'north' is already in "
                             "the ledger with another name and aliases: change it there with "
                             "`ledger party correct north` (or `amend`)\n")


def test_a_corrected_record_exported_and_imported_again_is_already_there(
        run: Run, tmp_path: Path) -> None:
    file = tmp_path / "ledger.json"
    ledger_with_an_agreement(run, file)
    ok(run("party", "import", str(write_csv(tmp_path / "p.csv", PARTIES)), file=file))
    ok(run("party", "correct", "south", "--name", "South Land", "--reason", "Misspelt",
           file=file))
    exported = tmp_path / "export.csv"
    exported.write_text(ok(run("party", "list", "--format", "csv", file=file)).stdout)
    assert "South Land" in exported.read_text()
    assert ok(run("party", "import", str(exported), file=file)).stderr.startswith(
        "ledger: added 0 parties; 3 rows skipped")


def test_a_misspelled_header_and_a_missing_column_are_named(run: Run, tmp_path: Path) -> None:
    file = tmp_path / "ledger.json"
    ledger_with_an_agreement(run, file)
    bad = write_csv(tmp_path / "p.csv", [["id", "nmae", "role"], ["north", "Northland", "x"]])
    result = run("party", "import", str(bad), file=file)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{bad}:1:1: missing column 'name' (required)",
        f"{bad}:1:2: unknown column 'nmae' (did you mean 'name'? the columns of a party file: "
        "id, name, role, aliases)",
        f"{bad}:2:3: column 'role': 'x' is not a role (one of: signatory, monitor, mediator, "
        "observer, other)"]


@pytest.mark.parametrize("kind, header", [
    ("party", PARTIES[0]), ("term", TERMS[0]), ("evidence", EVIDENCE[0])])
def test_a_header_in_capitals_is_named_column_by_column_and_changes_nothing(
        run: Run, tmp_path: Path, kind: str, header: list[str]) -> None:
    """Every required column missing (a header written as a spreadsheet user might): each
    column named with the one it was likely meant to be, and the ledger left as it was."""
    file = tmp_path / "ledger.json"
    ledger_with_an_agreement(run, file)
    before = file.read_bytes()
    rows = {"party": PARTIES, "term": TERMS, "evidence": EVIDENCE}[kind]
    bad = write_csv(tmp_path / f"{kind}.csv", [[column.title() for column in header],
                                               *rows[1:]])
    for dry_run in ((), ("--dry-run",)):
        result = run(kind, "import", str(bad), *dry_run, file=file)
        assert result.exit_code == 1, result.stderr
        assert isinstance(result.exception, SystemExit | None), repr(result.exception)
        lines = result.stderr.splitlines()
        for position, column in enumerate(header, 1):
            assert any(line.startswith(f"{bad}:1:{position}: unknown column "
                                       f"{column.title()!r} (did you mean {column!r}?")
                       for line in lines), (column, lines)
        assert all(line.startswith(f"{bad}:1:") for line in lines), lines
    assert file.read_bytes() == before


def test_a_semicolon_separated_file_with_a_byte_order_mark(run: Run, tmp_path: Path) -> None:
    file = tmp_path / "ledger.json"
    ledger_with_an_agreement(run, file)
    parties = write_csv(tmp_path / "p.csv", PARTIES, delimiter=";", bom=True)
    assert parties.read_bytes().startswith(b"\xef\xbb\xbfid;name;role;aliases\r\n")
    ok(run("party", "import", str(parties), file=file))
    assert [party["aliases"] for party in listed(run, file, "party")][0] == [
        "the North", "Northern Republic"]


def test_excel_date_cells_become_days_and_a_sheet_is_chosen(run: Run, tmp_path: Path) -> None:
    file = tmp_path / "ledger.json"
    ledger_with_an_agreement(run, file)
    ok(run("party", "import", str(write_csv(tmp_path / "p.csv", PARTIES)), file=file))
    book = tmp_path / "terms.xlsx"
    workbook = Workbook()
    notes = workbook.active
    assert notes is not None
    notes.title = "Notes"
    notes.append(["not a term sheet"])
    terms = workbook.create_sheet("Terms")
    terms.append(TERMS[0])
    terms.append(["withdraw", "accord", "Art. 2", "Withdraw", "withdrawal", "north",
                  datetime(2024, 6, 30), "=HYPERLINK(\"http://evil.example\")"])
    workbook.save(book)
    wrong = run("term", "import", str(book), file=file)
    assert wrong.exit_code == 1 and "unknown column 'not a term sheet'" in wrong.stderr
    missing = run("term", "import", str(book), "--sheet", "Other", file=file)
    assert missing.exit_code == 1
    assert missing.stderr == (f"ledger: error: --sheet: no sheet 'Other' in {book} (sheets: "
                              "'Notes', 'Terms')\n")
    ok(run("term", "import", str(book), "--sheet", "Terms", file=file))
    term = listed(run, file, "term")[0]
    assert term["due"] == "2024-06-30"
    assert term["text"] == '=HYPERLINK("http://evil.example")', "a formula is its own text"
    on_csv = run("term", "import", str(write_csv(tmp_path / "t.csv", TERMS)), "--sheet", "T",
                 file=file)
    assert on_csv.exit_code == 1
    assert on_csv.stderr == "ledger: error: --sheet: only an .xlsx file has sheets\n"


def test_files_that_are_not_spreadsheets_get_one_line(run: Run, tmp_path: Path) -> None:
    file = tmp_path / "ledger.json"
    ledger_with_an_agreement(run, file)
    before = file.read_bytes()
    cases = {
        "notes.txt": (b"id,name\n", "not a .csv or .xlsx file"),
        "broken.xlsx": (b"PK\x03\x04 not really", "not a readable .xlsx file"),
        "cut.xlsx": (_with_a_cut_sheet(tmp_path), "not a readable .xlsx file (ParseError: "),
        "latin1.csv": ("id,name\nnorth,Nörthland\n".encode("latin-1"),
                       ":2:2: invalid UTF-8 (byte 0xf6): save the file as CSV UTF-8"),
        # placed as a spreadsheet numbers rows and columns, past a cell of three lines
        "lines.csv": ('id;name;role\nnorth;"North\nland\n";other\nsouth;other;Sö'
                      .encode("latin-1"), ":3:3: invalid UTF-8 (byte 0xf6)"),
        "empty.csv": (b"", ":1:1: row 1 must name the columns"),
        "quote.csv": (b'id,name,role\nnorth,"North\nland",other\nsouth,"So"uth,other\n',
                      ":3:2: not readable as CSV: ',' expected after '\"'"),
        "open.csv": (b'id,name,role\nnorth,North,"other\n',
                     ":2:3: not readable as CSV: unexpected end of data"),
    }
    for name, (content, expected) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        result = run("party", "import", str(path), file=file)
        assert result.exit_code == 1, name
        assert expected in result.stderr and len(result.stderr.splitlines()) == 1, name
        assert "Traceback" not in result.stderr
    assert file.read_bytes() == before


def _with_a_cut_sheet(tmp_path: Path) -> bytes:
    """A valid zip whose sheet's XML stops half way (a broken download, say)."""
    import io
    import zipfile

    whole = write_xlsx(tmp_path / "whole.xlsx", PARTIES).read_bytes()
    cut = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(whole)) as source, zipfile.ZipFile(cut, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                content = content[:len(content) // 2]
            target.writestr(item, content)
    return cut.getvalue()


def test_cells_beyond_the_header_long_cells_and_dated_times(run: Run, tmp_path: Path) -> None:
    file = tmp_path / "ledger.json"
    ledger_with_an_agreement(run, file)
    beyond = write_csv(tmp_path / "beyond.csv", [PARTIES[0], ["north", "Northland", "other",
                                                               "", "", "stray"]])
    result = run("party", "import", str(beyond), file=file)
    assert result.exit_code == 1
    assert result.stderr == (f"{beyond}:2:6: a cell beyond the last named column (4): name its "
                             "column in row 1, or empty it (a comma inside a cell? put the "
                             'cell in double quotes: "Kabul, Doha")\n')
    ok(run("party", "import", str(write_csv(tmp_path / "p.csv", PARTIES)), file=file))
    ok(run("term", "import", str(write_csv(tmp_path / "t.csv", TERMS)), file=file))
    cell_limit = "A long report. " * 2_000  # Excel holds at most 32,767 characters a cell
    rows: list[list[Any]] = [
        ["date", "term", "claimant", "stance", "summary", "source_date"],
        [datetime(2024, 7, 3, 14, 30), "withdraw", "monitors", "disputes", cell_limit,
         datetime(2024, 7, 4, 9, 0)]]
    ok(run("evidence", "import", str(write_xlsx(tmp_path / "e.xlsx", rows)), file=file))
    long_summary = "A long report. " * 20_000  # beyond the csv module's default field limit
    ok(run("evidence", "import", str(write_csv(tmp_path / "e.csv", [
        rows[0], ["2024-07-05", "withdraw", "monitors", "claims", long_summary, ""]])),
        file=file))
    entries = listed(run, file, "evidence")
    assert [(entry["date"], len(entry["summary"])) for entry in entries] == [
        ("2024-07-03", len(cell_limit)), ("2024-07-05", len(long_summary))]
    assert entries[0]["source"] == {"date": "2024-07-04"}, "a date cell's time of day is dropped"


def test_an_export_of_hostile_text_imports_back_as_already_there(run: Run,
                                                                  tmp_path: Path) -> None:
    """Every output writes control and invisible characters as visible escapes, CSV too: a row
    of an unedited export is still the record it came from, and nothing is added twice."""
    file = tmp_path / "ledger.json"
    ledger_with_an_agreement(run, file)
    hostile = "\x1b[31mRED\x1b[0m ab\u202ecba zero\u200bwidth"
    ok(run("party", "add", "north", "--name", f"North {hostile}", "--alias", hostile, file=file))
    ok(run("term", "add", "withdraw", "--agreement", "accord", "--title", f"Leave {hostile}",
           "--category", "withdrawal", "--obligor", "north", file=file))
    ok(run("evidence", "add", "--term", "withdraw", "--claimant", "north", "--stance", "claims",
           "--date", "2024-07", "--summary", f"Left {hostile}", "--quote", hostile, "--source",
           hostile, file=file))
    saved = file.read_bytes()
    for noun, plural in (("party", "parties"), ("term", "terms"),
                         ("evidence", "evidence entries")):
        exported = tmp_path / f"{noun}.csv"
        exported.write_text(ok(run(noun, "list", "--format", "csv", file=file)).stdout)
        assert "\\x1b[31mRED" in exported.read_text() and "\x1b" not in exported.read_text()
        result = ok(run(noun, "import", str(exported), file=file))
        assert result.stderr == f"ledger: added 0 {plural}; 1 row skipped, already in the " \
                                "ledger\n", result.stderr
    assert file.read_bytes() == saved


def _rewrite_zip(path: Path, old: bytes, new: bytes) -> None:
    """Every part of a zip file with `old` replaced by `new`: a workbook no spreadsheet writes."""
    import io
    import zipfile

    parts = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(parts, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            out.writestr(info.filename, source.read(info).replace(old, new))
    path.write_bytes(parts.getvalue())


def test_a_workbook_is_read_within_bounds(run: Run, tmp_path: Path) -> None:
    """A workbook is a zip file: one of a few kilobytes may unpack to gigabytes. What it unpacks
    to counts against the ceiling of any file read, the size a sheet declares is not trusted,
    and a cell longer than a spreadsheet holds is refused at its row and column; each is one
    line, and nothing is written."""
    import zipfile

    from ledger.importing.tables import read_table
    file = tmp_path / "ledger.json"
    ledger_with_an_agreement(run, file)
    before = file.read_bytes()
    packed = write_xlsx(tmp_path / "packed.xlsx", [PARTIES[0], *(
        [f"p{number}", "x" * 1_000, "other", ""] for number in range(3_000))])
    assert packed.stat().st_size < 1 << 20, "some kilobytes, unpacking to megabytes"
    result = run("party", "import", str(packed), file=file,
                 env={"COMPLIANCE_LEDGER_MAX_MB": "1"})
    assert result.exit_code == 1 and result.stderr.startswith(f"ledger: error: {packed}: "
                                                              "spreadsheet unpacks to ")
    assert "over the ceiling of 1.0 MiB" in result.stderr and result.stderr.count("\n") == 1
    lying = write_xlsx(tmp_path / "lying.xlsx", PARTIES)  # says it is the largest sheet there is
    _rewrite_zip(lying, b'<dimension ref="A1:D4" />', b'<dimension ref="A1:XFD1048576" />')
    assert b"XFD1048576" in zipfile.ZipFile(lying).read("xl/worksheets/sheet1.xml")
    table = read_table(lying)
    assert [len(cells) for _, cells in table.rows] == [4, 4, 4], "read as it is, not padded"
    huge = write_xlsx(tmp_path / "cell.xlsx", [PARTIES[0], ["north", "PLACEHOLDER", "other"]])
    _rewrite_zip(huge, b"PLACEHOLDER", b"N" * 40_000)  # openpyxl writes no more than Excel
    result = run("party", "import", str(huge), file=file)
    assert result.exit_code == 1 and result.stderr == (
        f"{huge}:2:2: a cell of 40,000 characters, more than a spreadsheet cell holds (32,767)\n")
    assert file.read_bytes() == before


def write_shared_strings_xlsx(path: Path, rows: list[list[str]]) -> Path:
    """A workbook as Excel writes one, by hand (openpyxl writes each text in its cell): every
    cell refers to a text in xl/sharedStrings.xml, stored there once however many cells
    repeat it."""
    import zipfile
    from xml.sax.saxutils import escape

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    relations = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006/relationships"
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    shared: dict[str, int] = {}
    sheet = "".join(
        f'<row r="{number}">' + "".join(
            f'<c r="{chr(ord("A") + at)}{number}" t="s"><v>{shared.setdefault(text, len(shared))}'
            "</v></c>" for at, text in enumerate(cells)) + "</row>"
        for number, cells in enumerate(rows, 1))
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{kind}.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="'
            f'{kind}.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" '
            f'ContentType="{kind}.sharedStrings+xml"/></Types>'),
        "_rels/.rels": (f'<Relationships xmlns="{package}"><Relationship Id="rId1" Type="'
                        f'{relations}/officeDocument" Target="xl/workbook.xml"/>'
                        "</Relationships>"),
        "xl/workbook.xml": (f'<workbook xmlns="{main}" xmlns:r="{relations}"><sheets><sheet '
                            'name="Sheet" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{package}"><Relationship Id="rId1" Type="{relations}/'
            'worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="'
            f'{relations}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'),
        "xl/worksheets/sheet1.xml": (f'<worksheet xmlns="{main}"><sheetData>{sheet}'
                                     "</sheetData></worksheet>"),
        "xl/sharedStrings.xml": (f'<sst xmlns="{main}">' + "".join(
            f"<si><t>{escape(text)}</t></si>" for text in shared) + "</sst>"),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


def test_a_sheet_whose_text_passes_the_ceiling_is_refused_at_that_cell(run: Run,
                                                                      tmp_path: Path) -> None:
    """A workbook stores a text once however many cells repeat it (issue #31: 100,000 cells of
    one 32,767-character text, 3 GiB, in a file of half a megabyte): the sheet's text counts
    against the ceiling of any file read, cell by cell as it is read, and the cell that passes
    it is named."""
    file = tmp_path / "ledger.json"
    ledger_with_an_agreement(run, file)
    before = file.read_bytes()
    repeated = write_shared_strings_xlsx(tmp_path / "repeated.xlsx", [PARTIES[0], *(
        [f"p{number}", "N" * 30_000, "other", ""] for number in range(40))])
    assert repeated.stat().st_size < 1 << 16, "the text is stored once"
    result = run("party", "import", str(repeated), file=file,
                 env={"COMPLIANCE_LEDGER_MAX_MB": "1"})
    assert result.exit_code == 1 and result.stderr == (
        f"{repeated}:36:2: the sheet's cells hold more text than a file may: over 1.0 MiB by "
        "this cell (a text stored once and repeated in many cells counts each time; set "
        "COMPLIANCE_LEDGER_MAX_MB to read more)\n")
    assert file.read_bytes() == before
    from ledger.importing.tables import read_table

    table = read_table(repeated, max_bytes=2 << 20)
    assert len(table.rows) == 40 and len({id(cells[1]) for _, cells in table.rows}) == 1, (
        "under the ceiling, read with the one string")


def test_an_import_never_saves_a_ledger_too_large_to_read_again(run: Run,
                                                                 tmp_path: Path) -> None:
    """A file under the ceiling can make a ledger over it (a line break is one character in a
    CSV cell and two in JSON; a workbook's shared strings repeat a text for free): that ledger,
    which no command could read again, is refused, not written."""
    file = tmp_path / "ledger.json"
    ledger_with_an_agreement(run, file)
    ok(run("party", "import", str(write_csv(tmp_path / "p.csv", PARTIES)), file=file))
    text = "a\n" * 15_000
    terms = write_csv(tmp_path / "terms.csv", [TERMS[0], *(
        [f"t{number}", "accord", "", "Title", "steps", "north", "", text]
        for number in range(30))])
    assert terms.stat().st_size < 1 << 20
    before = file.read_bytes()
    small = {"COMPLIANCE_LEDGER_MAX_MB": "1"}
    result = run("term", "import", str(terms), file=file, env=small)
    assert result.exit_code == 1 and "refusing to save a ledger that no command could read " \
        "again: 1.3 MiB, over the ceiling of 1.0 MiB" in result.stderr, result.stderr
    assert file.read_bytes() == before
    ok(run("term", "list", file=file, env=small))


def test_a_correction_exported_and_imported_again_is_already_there(run: Run,
                                                                   tmp_path: Path) -> None:
    file = tmp_path / "ledger.json"
    ledger_with_an_agreement(run, file)
    ok(run("party", "import", str(write_csv(tmp_path / "p.csv", PARTIES)), file=file))
    ok(run("term", "import", str(write_csv(tmp_path / "t.csv", TERMS)), file=file))
    entry = ok(run("evidence", "add", "--term", "withdraw", "--claimant", "monitors", "--stance",
                   "claims", "--date", "2024-07", "--summary", "Misdated", file=file)).stdout
    ok(run("evidence", "correct", entry.strip(), "--date", "2024-08", "--reason", "Misdated",
           file=file))
    exported = tmp_path / "e.csv"
    exported.write_text(ok(run("evidence", "list", "--format", "csv", file=file)).stdout)
    saved = file.read_bytes()
    assert ok(run("evidence", "import", str(exported), file=file)).stderr.startswith(
        "ledger: added 0 evidence entries; 1 row skipped")
    assert file.read_bytes() == saved


def test_an_exported_entry_edited_and_imported_is_a_new_entry_with_a_warning(
        run: Run, tmp_path: Path) -> None:
    """An import adds entries and never changes one: a row whose id names an entry it no
    longer matches is added as a new entry, with a warning at its id that says how to change
    the entry instead. A row copied to start a new one warns the same way."""
    import csv

    file = tmp_path / "ledger.json"
    ledger_with_an_agreement(run, file)
    ok(run("party", "import", str(write_csv(tmp_path / "p.csv", PARTIES)), file=file))
    ok(run("term", "import", str(write_csv(tmp_path / "t.csv", TERMS)), file=file))
    entry = ok(run("evidence", "add", "--term", "withdraw", "--claimant", "monitors", "--stance",
                   "claims", "--date", "2024-07", "--summary", "Units left", file=file)
               ).stdout.strip()
    rows = list(csv.reader(ok(run("evidence", "list", "--format", "csv", file=file)
                              ).stdout.splitlines()))
    summary = rows[0].index("summary")
    edited = [rows[0], rows[1][:summary] + ["Units left, all of them"] + rows[1][summary + 1:],
              rows[1]]
    exported = write_csv(tmp_path / "e.csv", edited)
    result = ok(run("evidence", "import", str(exported), file=file))
    assert result.stderr.splitlines() == [
        "ledger: added 1 evidence entry; 1 row skipped, already in the ledger",
        f"{exported}:2:1: warning: column 'id': entry {entry} is in the ledger with other "
        f"values; this row is added as a new entry (to change that entry instead: ledger "
        f"evidence correct {entry})"]
    summaries = [listed_entry["summary"] for listed_entry in listed(run, file, "evidence")]
    assert summaries == ["Units left", "Units left, all of them"]


def test_an_alias_may_not_hold_the_list_separator(run: Run, tmp_path: Path) -> None:
    file = tmp_path / "ledger.json"
    ledger_with_an_agreement(run, file)
    result = run("party", "add", "b", "--name", "Bee", "--alias", "x;y", file=file)
    assert result.exit_code == 1
    assert result.stderr == ("ledger: error: --alias: 'x;y' holds ';', which separates names "
                             "in a spreadsheet's cell: give each name as its own --alias\n")


@pytest.mark.slow
def test_ten_thousand_rows_import_in_one_save(run: Run, tmp_path: Path) -> None:
    file = tmp_path / "ledger.json"
    ledger_with_an_agreement(run, file)
    ok(run("party", "import", str(write_csv(tmp_path / "p.csv", PARTIES)), file=file))
    ok(run("term", "import", str(write_csv(tmp_path / "t.csv", TERMS)), file=file))
    rows = [EVIDENCE[0]] + [
        [f"2024-{3 + number % 10:02d}", "release", ("north", "south")[number % 2], "monitors",
         ("claims", "disputes")[number % 3 % 2], f"Report number {number}", "", ""]
        for number in range(10_000)]
    result = ok(run("evidence", "import", str(write_csv(tmp_path / "e.csv", rows)),
                    file=file))
    assert result.stderr == ("ledger: added 10000 evidence entries; 0 rows skipped, already "
                             "in the ledger\n")
    assert "10000 evidence entries" in ok(run("check", file=file)).stdout


@pytest.mark.slow
def test_the_installed_script_imports_the_readme_samples(tmp_path: Path) -> None:
    """The README's samples, imported in order into the quick start's ledger."""
    samples = Path(__file__).resolve().parent.parent / "docs" / "import"
    file = tmp_path / "ledger.json"

    def ledger(*arguments: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(INSTALLED_LEDGER), "-f", str(file), *arguments],
                              capture_output=True, text=True, check=False)

    for arguments in (["init", "--title", "Samples"],
                      ["party", "add", "north", "--name", "Northland", "--role", "signatory"],
                      ["party", "add", "south", "--name", "Southland", "--role", "signatory"],
                      ["agreement", "add", "accord", "--title", "The Accord", "--signed",
                       "2024-03-01", "--signatory", "north", "--signatory", "south"]):
        assert ledger(*arguments).returncode == 0
    for noun, file_name, count in (("party", "parties.csv", 2), ("term", "terms.csv", 2),
                                   ("evidence", "evidence.csv", 3)):
        done = ledger(noun, "import", str(samples / file_name))
        assert done.returncode == 0, done.stderr
        assert len(done.stdout.split()) == count
    report = ledger("report", "--as-of", "2024-12-01", "--format", "json")
    statuses = {(party["id"], item["term"]): item["status"]
                for party in json.loads(report.stdout)["parties"]
                for item in party["obligations"]}
    assert statuses[("north", "release")] == "claimed"
    assert statuses[("south", "release")] == "disputed"
    assert statuses[("south", "demine")] == "claimed"


def test_a_file_bad_in_every_row_lists_the_first_thousand_problems(run: Run,
                                                                    tmp_path: Path) -> None:
    file = tmp_path / "ledger.json"
    ledger_with_an_agreement(run, file)
    before = file.read_bytes()
    rows = [PARTIES[0]] + [[f"p{number}", "", "chief"] for number in range(600)]
    result = run("party", "import", str(write_csv(tmp_path / "p.csv", rows)), file=file)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1001 and lines[-1] == "... and 200 more problems"
    assert lines[:2] == [f"{tmp_path / 'p.csv'}:2:2: column 'name': required",
                         f"{tmp_path / 'p.csv'}:2:3: column 'role': 'chief' is not a role "
                         "(one of: signatory, monitor, mediator, observer, other)"]
    assert file.read_bytes() == before


def test_a_term_file_names_its_conditions(run: Run, tmp_path: Path) -> None:
    file = tmp_path / "ledger.json"
    ledger_with_an_agreement(run, file)
    ok(run("party", "import", str(write_csv(tmp_path / "parties.csv", PARTIES)), file=file))
    rows = [["id", "title", "category", "obligors", "conditions"],
            ["third", "Third step", "steps", "north", "first;nowhere"],
            ["first", "First step", "steps", "north", ""],
            ["second", "Second step", "steps", "north", "first"]]
    bad = write_csv(tmp_path / "terms.csv", rows)
    refused = run("term", "import", str(bad), file=file)
    assert refused.exit_code == 1
    assert refused.stderr.splitlines() == [
        f"{bad}:2:5: column 'conditions': no term 'nowhere' (known: first, second, third)"]
    itself = write_csv(tmp_path / "itself.csv", [rows[0], ["fourth", "", "steps", "north",
                                                           "fourth"]])
    assert run("term", "import", str(itself), file=file).stderr.splitlines() == [
        f"{itself}:2:2: column 'title': required",
        f"{itself}:2:5: column 'conditions': term 'fourth' cannot wait on itself"], \
        "with the row's other problems, not only once they are mended"
    rows[1][4] = "first;second"
    rows[2][4] = "third"
    circular = run("term", "import", str(write_csv(tmp_path / "terms.csv", rows)), file=file)
    assert circular.exit_code == 1
    assert "the conditions would form a cycle: first waits on third waits on first" \
        in circular.stderr
    rows[2][4] = ""
    ok(run("term", "import", str(write_csv(tmp_path / "terms.csv", rows)), file=file))
    terms = {term["id"]: term for term in listed(run, file, "term")}
    assert terms["third"]["conditions"] == ["first", "second"], "a row further down is named"
    assert "conditions" not in terms["first"]
    assert "ok:" in ok(run("check", file=file)).stdout


def test_an_import_warns_of_likely_mistakes_at_their_cells(run: Run, tmp_path: Path) -> None:
    file = tmp_path / "ledger.json"
    ledger_with_an_agreement(run, file)
    ok(run("party", "import", str(write_csv(tmp_path / "parties.csv", PARTIES)), file=file))
    terms = write_csv(tmp_path / "terms.csv", [
        *TERMS, ["return", "accord", "", "Return the displaced", "withdrawl", "north",
                 "2024-01-31", ""]])
    imported = ok(run("term", "import", str(terms), file=file))
    assert imported.stderr.splitlines()[-2:] == [
        f"{terms}:4:7: warning: column 'due': due 2024-01-31, before its agreement was signed "
        "(2024-03-01)",
        f"{terms}:4:5: warning: column 'category': 'withdrawl' is new, and one letter away "
        "from the category 'withdrawal'"]
    rows = [["date", "term", "subject", "claimant", "stance", "summary", "url"],
            ["2099-01", "withdraw", "", "monitors", "disputes", "Still there", ""],
            ["2024-07", "withdraw", "", "monitors", "claims", "Gone", "example.org"]]
    evidence = write_csv(tmp_path / "evidence.csv", rows)
    future = run("evidence", "import", str(evidence), "--dry-run", file=file,
                 env={"COMPLIANCE_LEDGER_NOW": "2024-09-01T00:00:00Z"})
    assert future.exit_code == 1 and (
        f"{evidence}:2:1: column 'date': 2099-01 begins after the day it is recorded "
        "(2024-09-01): a statement is recorded once it is made") in future.stderr
    cited = write_csv(tmp_path / "cited.csv", [
        [*rows[0], "source_date"], ["2024-07", "withdraw", "", "monitors", "claims", "Gone",
                                    "", "2025"]])
    refused = run("evidence", "import", str(cited), "--dry-run", file=file,
                  env={"COMPLIANCE_LEDGER_NOW": "2024-09-01T00:00:00Z"})
    assert refused.exit_code == 1 and (
        f"{cited}:2:8: column 'source_date': 2025 begins after the day the entry is recorded "
        "(2024-09-01)") in refused.stderr, refused.stderr
    evidence = write_csv(tmp_path / "evidence.csv", [rows[0], rows[2]])
    dry = ok(run("evidence", "import", str(evidence), "--dry-run", file=file,
                 env={"COMPLIANCE_LEDGER_NOW": "2024-09-01T00:00:00Z"}))
    warned = [line for line in dry.stderr.splitlines() if ": warning: " in line]
    assert warned == [
        f"{evidence}:2:7: warning: column 'url': 'example.org' is not a web address "
        "(https://...)"]
    ok(run("evidence", "import", str(evidence), file=file,
           env={"COMPLIANCE_LEDGER_NOW": "2024-09-01T00:00:00Z"}))
    again = write_csv(tmp_path / "again.csv", [rows[0], [
        "2024-07", "withdraw", "", "monitors", "claims", "Gone", "https://example.org"]])
    ok(run("evidence", "add", "-t", "withdraw", "-c", "monitors", "-s", "claims", "-d",
           "2024-07", "-m", "Gone", "--url", "https://example.org", file=file))
    twice = ok(run("evidence", "import", str(again), file=file))
    assert "1 row skipped, already in the ledger" in twice.stderr, \
        "an import never records the same statement twice: no warning is needed"


def test_an_imported_document_without_its_digest_is_hashed_from_the_file(run: Run,
                                                                         tmp_path: Path) -> None:
    """As `evidence add --document` does: the file in the ledger's folder is hashed, and a
    document that is not there is a warning at its cell."""
    import hashlib

    file = tmp_path / "ledger.json"
    ledger_with_an_agreement(run, file)
    ok(run("party", "import", str(write_csv(tmp_path / "parties.csv", PARTIES)), file=file))
    ok(run("term", "import", str(write_csv(tmp_path / "terms.csv", TERMS)), file=file))
    (tmp_path / "report.txt").write_text("Two companies remain at the crossing.")
    rows = [["date", "term", "subject", "claimant", "stance", "summary", "quote", "document"],
            ["2024-07", "withdraw", "", "monitors", "disputes", "Still there",
             "Two companies remain", "report.txt"],
            ["2024-08", "withdraw", "", "monitors", "disputes", "Still there in August", "",
             "gone.txt"]]
    evidence = write_csv(tmp_path / "evidence.csv", rows)
    result = ok(run("evidence", "import", str(evidence), file=file))
    assert f"{evidence}:3:8: warning: column 'document': gone.txt is not in the ledger's " \
        "folder" in result.stderr
    entries = {entry["summary"]: entry for entry in listed(run, file, "evidence")}
    assert entries["Still there"]["source"]["sha256"] == hashlib.sha256(
        b"Two companies remain at the crossing.").hexdigest()
    assert "sha256" not in entries["Still there in August"]["source"]
    assert "1 verified against their source" in ok(run("check", file=file)).stdout
    os.mkfifo(tmp_path / "pipe.txt")  # a document no read may wait on, or a folder: a warning
    (tmp_path / "folder.txt").mkdir()
    odd = write_csv(tmp_path / "odd.csv", [rows[0], [*rows[2][:-1], "pipe.txt"],
                                           ["2024-09", *rows[2][1:-1], "folder.txt"]])
    warned = ok(run("evidence", "import", str(odd), file=file)).stderr
    assert f"{odd}:2:8: warning: column 'document': {tmp_path / 'pipe.txt'}: is a FIFO" in warned
    assert f"{odd}:3:8: warning: column 'document': {tmp_path / 'folder.txt'}: is a directory" \
        in warned


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from('ab,;"\n\r é'), max_size=40))
def test_any_csv_text_is_a_table_or_one_placed_problem(tmp_path_factory: pytest.TempPathFactory,
                                                      text: str) -> None:
    from ledger.core.errors import LedgerError, LedgerFileError
    from ledger.importing.tables import read_table

    path = tmp_path_factory.mktemp("csv") / "any.csv"
    path.write_text("id,name,role\n" + text, encoding="utf-8", newline="")
    try:
        table = read_table(path)
    except LedgerFileError as error:
        [problem] = error.problems
        assert problem.line >= 2 and problem.column >= 1, problem
    except LedgerError as error:
        raise AssertionError(f"unplaced: {error}") from None
    else:
        assert table.header == ["id", "name", "role"]


def _placed_by_reading_every_prefix(text: str) -> tuple[int, int]:
    """Where strict CSV reading of `text` stops, by definition: the shortest start of it that
    fails (other than by ending early) ends with the character at fault, and the cell before
    that character is the one at fault; a text that fails only at its end, in its last cell.
    A parse per prefix: for small texts only."""
    import csv
    import io

    def fails(prefix: str) -> bool:
        try:
            list(csv.reader(io.StringIO(prefix, newline=""), strict=True))
        except csv.Error as error:
            return "unexpected end of data" not in str(error)
        return False

    end = next((end for end in range(1, len(text) + 1) if fails(text[:end])), len(text))
    cells = list(csv.reader(io.StringIO(text[:end - 1] + "x", newline="")))
    return len(cells), len(cells[-1])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(['a', ',', '"', '""', '"a"', '"a""', '\n', '\r', '\r\n']),
                max_size=16).map("".join))
def test_a_csv_error_is_placed_where_reading_every_prefix_places_it(
        tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    """One pass places a CSV error (issue #31: slices of a large file were read again and
    again) where the definition does."""
    from ledger.core.errors import LedgerFileError
    from ledger.importing.tables import read_table

    whole = "id,name,role\n" + text
    path = tmp_path_factory.mktemp("csv") / "any.csv"
    path.write_text(whole, encoding="utf-8", newline="")
    try:
        read_table(path)
    except LedgerFileError as error:
        [problem] = error.problems
        assert (problem.line, problem.column) == _placed_by_reading_every_prefix(whole), problem


def test_a_dry_run_names_parties_as_they_stand_now(run: Run, tmp_path: Path) -> None:
    """After `party correct` (and an amendment in force), the dry run's table shows the names
    every report shows, not the names first recorded."""
    file = tmp_path / "ledger.json"
    ledger_with_an_agreement(run, file)
    ok(run("party", "import", str(write_csv(tmp_path / "parties.csv", PARTIES)), file=file))
    ok(run("term", "import", str(write_csv(tmp_path / "terms.csv", TERMS)), file=file))
    ok(run("party", "correct", "monitors", "--name", "Joint Monitoring Commission", "--reason",
           "Its name in the accord", file=file))
    ok(run("party", "amend", "north", "--effective", "2024-01-01", "--name", "North Republic",
           "--reason", "Renamed", file=file))
    rows = [EVIDENCE[0], ["2024-07", "withdraw", "", "monitors", "disputes", "Units remain",
                          "", ""]]
    dry = ok(run("evidence", "import", str(write_csv(tmp_path / "e.csv", rows)), "--dry-run",
                 file=file, env={"COLUMNS": "200"}))
    assert "Joint Monitoring Commission" in dry.stdout and "North Republic" in dry.stdout
    assert "Joint Monitoring Team" not in dry.stdout and "Northland" not in dry.stdout


def test_a_spreadsheet_out_reads_back_and_imports_as_nothing_new(run: Run, tmp_path: Path) -> None:
    """`--format xlsx -o FILE`: one sheet, its header row frozen, every cell text (a formula-
    like summary stays text, a date stays at its precision); `evidence import` of an exported
    list adds nothing. Without -o, a spreadsheet is refused; -o takes any format but a table."""
    import openpyxl

    file = tmp_path / "ledger.json"
    ledger_with_an_agreement(run, file)
    ok(run("party", "import", str(write_csv(tmp_path / "parties.csv", PARTIES)), file=file))
    ok(run("term", "import", str(write_csv(tmp_path / "terms.csv", TERMS)), file=file))
    ok(run("evidence", "add", "-t", "withdraw", "-c", "monitors", "-s", "disputes", "-d",
           "2024-07", "-m", "=HYPERLINK(\"https://evil.example\")", file=file))
    sheet = tmp_path / "entries.xlsx"
    ok(run("evidence", "list", "--format", "xlsx", "-o", str(sheet), file=file))
    workbook = openpyxl.load_workbook(sheet)
    assert len(workbook.worksheets) == 1
    cells = workbook.active
    assert cells is not None and cells.freeze_panes == "A2"
    header = [cell.value for cell in cells[1]]
    row = dict(zip(header, cells[2], strict=True))
    assert row["summary"].value == '=HYPERLINK("https://evil.example")'
    assert row["summary"].data_type == "s", "text, never a formula"
    assert row["date"].value == "2024-07" and row["date"].data_type == "s"
    before = file.read_bytes()
    assert "added 0 evidence entries; 1 row skipped" in ok(run("evidence", "import", str(sheet),
                                                               file=file)).stderr
    assert file.read_bytes() == before
    report = tmp_path / "report.xlsx"
    ok(run("report", "-o", str(report), "--format", "xlsx", file=file))
    assert openpyxl.load_workbook(report).sheetnames == ["Compliance report"]
    refused = run("report", "--format", "xlsx", file=file)
    assert refused.exit_code == 1 and "give -o FILE" in refused.stderr and refused.stdout == ""
    ok(run("-o", str(tmp_path / "report.json"), "report", "--format", "json", file=file))
    assert (tmp_path / "report.json").read_text().startswith("{")
    table = run("report", "-o", str(tmp_path / "report.txt"), file=file)
    assert table.exit_code == 1 and "a table is for the terminal" in table.stderr
    assert not (tmp_path / "report.txt").exists()


def test_a_date_cell_on_the_first_of_a_month_is_warned_of(run: Run, tmp_path: Path) -> None:
    """A spreadsheet turns a typed `2024-07` into the day 2024-07-01: the import takes the day
    (it cannot know) and says so at the cell, suggesting a text cell; a day not on the first,
    or a text cell, is not warned of."""
    from datetime import date, datetime

    file = tmp_path / "ledger.json"
    ledger_with_an_agreement(run, file)
    ok(run("party", "import", str(write_csv(tmp_path / "parties.csv", PARTIES)), file=file))
    ok(run("term", "import", str(write_csv(tmp_path / "terms.csv", TERMS)), file=file))
    sheet = write_xlsx(tmp_path / "entries.xlsx", [
        ["date", "term", "subject", "claimant", "stance", "summary"],
        [datetime(2024, 7, 1), "withdraw", "", "monitors", "disputes", "Units remain"],
        [date(2024, 7, 12), "withdraw", "", "monitors", "disputes", "Units seen"],
        ["2024-08", "withdraw", "", "monitors", "disputes", "Units there"]])
    imported = ok(run("evidence", "import", str(sheet), file=file))
    warned = [line for line in imported.stderr.splitlines() if ": warning: " in line]
    assert warned == [f"{sheet}:2:1: warning: column 'date': a date cell on the first of a "
                      "month (2024-07-01), as a spreadsheet makes one of a typed month: if the "
                      "month was meant, type it as text (2024-07)"]
