"""The published HTML page: self-contained, escaped, and checked in a real browser."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import test_untrusted as corpus
from conftest import Run, add_evidence, as_json, ok

from ledger.render.html import is_web_url
from ledger.render.text import neutralise

hostile = corpus.hostile  # the escaping corpus of test_untrusted: hostile names, quotes, speakers

CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "body", "header", "main", "section",
                "article", "h1", "h2", "h3", "p", "div", "span", "br", "a", "table", "thead",
                "tbody", "tr", "th", "td", "blockquote", "dl", "dt", "dd", "ul", "li", "code"}
HOSTILE_URLS = ("javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
                " https://evil.example/leading-space", "https://example.org/a?b=\"c\"&d=<e>")


class Parsed(HTMLParser):
    """Every tag with its attributes, and the text a reader sees."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.fixture
def page_ledger(run: Run, hostile: str) -> str:
    """The hostile ledger of test_untrusted, with sources whose addresses are not all web."""
    for url in HOSTILE_URLS:
        add_evidence(run, "release", "monitor", "disputes", "2024-07", "--subject", "south",
                     "--url", url, "--source", f"Source at {url}")
    return hostile


def _check_page(page: str) -> Parsed:
    parsed = Parsed(page)
    tags = {tag for tag, _ in parsed.tags}
    assert tags <= ALLOWED_TAGS, tags - ALLOWED_TAGS
    metas = [attributes for tag, attributes in parsed.tags if tag == "meta"]
    assert {"http-equiv": "Content-Security-Policy", "content": CSP} in metas
    for tag, attributes in parsed.tags:
        assert not any(name.startswith("on") for name in attributes), (tag, attributes)
        assert "src" not in attributes and tag != "link"
        if tag == "a":
            href = attributes["href"] or ""
            if not href.startswith("#"):
                assert is_web_url(href) and href.startswith(("http://", "https://")), href
                assert attributes.get("rel") == "noopener noreferrer"
    return parsed


def test_report_page_is_self_contained_and_shows_hostile_text_literally(
        run: Run, page_ledger: str) -> None:
    page = ok(run("report", "--format", "html")).stdout
    parsed = _check_page(page)
    text = "".join(parsed.text)
    for value in (corpus.SUMMARY, corpus.QUOTE, corpus.SPEAKER, f"-Rogue {corpus.OSC52}[i]x[/i]"):
        assert neutralise(value) in text, value
    assert "\u202e" not in page and "\x1b" not in page, "invisible characters show as escapes"
    links = [attributes["href"] for tag, attributes in parsed.tags
             if tag == "a" and not (attributes["href"] or "").startswith("#")]
    assert links == ["https://example.org/a?b=\"c\"&d=<e>"] * 2, \
        "only the web address is a link (once behind the status, once in the timeline)"
    for url in HOSTILE_URLS[:3]:
        assert url in text, "an address that is not a link is shown as text"
    report = as_json(run("report", "--format", "json"))
    for party in report["parties"]:
        for item in party["obligations"]:
            assert f'id="o-{party["id"]}-{item["term"]}"' in page


def test_entry_rows_escape_as_the_rest_of_the_page(run: Run, page_ledger: str) -> None:
    """The rows of entries are escaped by autoescaping like the rest of the page: the five
    characters as the same entities everywhere."""
    said = "He said \"yes\" & 'no' <b>"
    ok(run("evidence", "add", "--term", "release", "--claimant", "monitor", "--stance", "claims",
           "--date", "2024-08", "--subject", "south", "--summary", said, "--speaker", said,
           "--quote", said))
    ok(run("term", "amend", "release", "--title", said, "--effective", "2024-01-01",
           "--reason", said))
    page = ok(run("report", "--format", "html")).stdout
    escaped = "He said &#34;yes&#34; &amp; &#39;no&#39; &lt;b&gt;"
    rows = [line for line in page.splitlines() if line.startswith("<tr") and escaped in line]
    assert len(rows) >= 2, "behind the status and in the timeline, the entry's text escaped"
    assert f"<h3>release: {escaped}</h3>" in page, "the term's title, escaped by autoescaping"
    assert "&quot;" not in page and "&#x27;" not in page and said not in page


def test_a_page_printed_in_parts_is_the_whole_page(
        run: Run, page_ledger: str, ledger_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page goes out as it is made, in parts: however small the parts, the same page, and the
    installed script writes the same bytes to a pipe."""
    from test_security import ledger_process

    from ledger.render import html

    whole = ok(run("report", "--format", "html")).stdout
    assert whole.startswith("<!DOCTYPE html>") and whole.endswith("</html>\n")
    piped = ledger_process("-f", str(ledger_path), "report", "--format", "html",
                           cwd=ledger_path.parent, capture_output=True)
    assert piped.returncode == 0 and piped.stdout.decode("utf-8") == whole
    for chars in (1, 7, 4000):
        monkeypatch.setattr(html, "CHARS_PER_PART", chars)
        assert ok(run("report", "--format", "html")).stdout == whole


def test_a_page_to_a_stream_that_cannot_take_unicode_is_ascii(
        run: Run, page_ledger: str, ledger_path: Path) -> None:
    """The page says it is UTF-8: written where stdout's encoding is another, every character
    beyond ASCII is a character reference, and the page reads the same."""
    import html

    from test_security import ledger_process

    page = ok(run("report", "--format", "html")).stdout
    latin = ledger_process("-f", str(ledger_path), "report", "--format", "html",
                           cwd=ledger_path.parent, capture_output=True,
                           env={"PYTHONIOENCODING": "latin-1"})
    assert latin.returncode == 0, latin.stderr
    assert latin.stdout.isascii() and b"&#" in latin.stdout
    assert html.unescape(latin.stdout.decode("ascii")) == html.unescape(page)
    marked = ledger_process("-f", str(ledger_path), "report", "--format", "html",
                            cwd=ledger_path.parent, capture_output=True,
                            env={"PYTHONIOENCODING": "utf-8-sig"})
    assert marked.stdout == b"\xef\xbb\xbf" + page.encode("utf-8"), \
        "one byte order mark, at the start, however many parts the page is written in"


def test_term_show_and_changes_pages(run: Run, page_ledger: str) -> None:
    term = _check_page(ok(run("term", "show", "withdraw", "--format", "html")).stdout)
    assert "Timeline of each term" in "".join(term.text)
    assert neutralise(corpus.SUMMARY) in "".join(term.text)
    changes = _check_page(ok(run("changes", "--since", "2020-01-01", "--format", "html")).stdout)
    assert "Southland (south)" in "".join(changes.text)
    refused = run("party", "list", "--format", "html")
    assert refused.exit_code == 2 and "html" in refused.stderr


def test_a_speaker_without_a_quote_is_not_an_empty_quote(run: Run, page_ledger: str) -> None:
    add_evidence(run, "release", "monitor", "claims", "2024-08", "--subject", "south",
                 "--speaker", "The Envoy")
    page = ok(run("report", "--format", "html")).stdout
    assert '<div class="muted">The Envoy</div>' in page
    assert '<blockquote class="quote"><br>' not in page, "a quote bar with nothing quoted"


def test_web_urls() -> None:
    assert is_web_url("https://example.org/x") and is_web_url("HTTP://example.org")
    for url in (*HOSTILE_URLS[:3], "https:///nohost", "mailto:a@b.c", "//example.org", "", None,
                "https://example.org/\n"):
        assert not is_web_url(url), url


def _browser() -> tuple[Any, str]:
    """Playwright's Python package and a Chromium to drive, or a skip saying which is missing."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright's Python package is not installed (pip install '.[dev]')")
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.skip("no Chromium here: `apt-get install -y chromium` (.ci/run does)")
    return sync_playwright, executable


CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]


@pytest.mark.slow
def test_the_page_in_a_real_browser(run: Run, page_ledger: str, tmp_path: Path) -> None:
    sync_playwright, executable = _browser()
    page_text = ok(run("report", "--format", "html")).stdout
    report = as_json(run("report", "--format", "json"))
    terms = {item["term"] for party in report["parties"] for item in party["obligations"]}
    requests: list[str] = []
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.on("request", lambda request: requests.append(request.url))
            page.on("console", lambda message: errors.append(message.text)
                    if message.type == "error" else None)
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.route("**/*", lambda route: route.abort())
            page.set_content(page_text)
            matrix = page.locator("table.matrix tbody tr")
            assert matrix.count() == len(terms)
            first = matrix.first.locator("td").all_inner_texts()
            assert set(first) <= {"claimed", "disputed", "contested", "no-evidence",
                                  "not bound", "no-evidenceOVERDUE", "disputedOVERDUE",
                                  "contestedOVERDUE"}
            body = page.locator("body").inner_text()
            for value in (corpus.SUMMARY, corpus.QUOTE.split(" | ")[0]):
                assert neutralise(value).split("\n")[0] in body
            assert page.locator("script, img, iframe, object, embed, b, i").count() == 0
            assert page.locator("a[href^='javascript'], a[href^='data']").count() == 0
            screenshot = tmp_path / "report.png"
            page.screenshot(path=str(screenshot), full_page=True)
            assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
            page.set_viewport_size({"width": 390, "height": 844})
            assert page.evaluate("document.documentElement.scrollWidth") <= 392, \
                "reads on a phone: nothing wider than the screen"
            page.emulate_media(media="print")
            page.pdf(path=str(tmp_path / "report.pdf"))
            assert (tmp_path / "report.pdf").read_bytes()[:5] == b"%PDF-"
        finally:
            browser.close()
    assert requests == [], f"the page fetched {requests}"
    assert errors == [], f"the browser reported {errors}"


# Lines each element of `selector` takes up in the browser: the boxes of its text.
_LINES_OF = """selector => Array.from(document.querySelectorAll(selector), element => {
    const range = document.createRange();
    range.selectNodeContents(element);
    const tops = new Set(Array.from(range.getClientRects(), box => Math.round(box.top)));
    return [element.textContent, tops.size];
})"""


@pytest.mark.slow
def test_ids_days_and_statuses_are_never_split_on_a_page(run: Run, page_ledger: str) -> None:
    """As in a table, an id, a day, a stance or a status is one line on every page, at a
    narrow desktop width; free text takes the rest of the width and wraps."""
    sync_playwright, executable = _browser()
    ok(run("term", "add", "ceasefire-and-heavy-weapons-withdrawal", "--agreement", "accord",
           "--title", "Withdraw the heavy weapons from the line of contact", "--category",
           "security-arrangements", "--obligor", "south", "--due", "2024-02-28"))
    add_evidence(run, "ceasefire-and-heavy-weapons-withdrawal", "monitor", "disputes",
                 "2024-03-01", "--quote", "Shelling continued along the whole line " * 8)
    pages = {words: ok(run(*words, "--format", "html")).stdout for words in (
        ("report",), ("term", "show", "ceasefire-and-heavy-weapons-withdrawal"),
        ("changes", "--since", "2024-01-01", "--until", "2024-12-31"))}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 700, "height": 900})
            page.route("**/*", lambda route: route.abort())
            for words, text in pages.items():
                page.set_content(text)
                whole = page.evaluate(_LINES_OF, "td.fixed, span.word, td.status a, th a")
                assert len(whole) > 3, words
                split = [value for value, lines in whole if value.strip() and lines != 1]
                assert split == [], f"{words}: split over lines: {split}"
                free = page.evaluate(_LINES_OF, "blockquote.quote, td.text")
                assert any(lines > 1 for _, lines in free), f"{words}: free text wraps"
        finally:
            browser.close()




@pytest.mark.slow
def test_the_grid_and_findings_in_a_real_browser(run: Run, page_ledger: str) -> None:
    """`report --by` as a page, and a finding on the report's page: hostile text in a party's
    name and a rationale is shown literally, in words as well as colour."""
    sync_playwright, executable = _browser()
    ok(run("term", "add", "hold", "--agreement", "accord", "--title", "Hold the line",
           "--category", "ceasefire", "--obligor", "rogue"))
    rationale = f"{corpus.SUMMARY} {corpus.QUOTE}"
    made = ok(run("assess", "-t", "withdraw", "-p", "north", "--period", "2024-Q2",
                  "--finding", "violates", "--rationale", rationale, "-e", page_ledger,
                  env={"COMPLIANCE_LEDGER_AUTHOR": f"ana {corpus.MARKUP}"})).stdout.strip()
    ok(run("assessment", "review", made, "--approve", "--reason", "Checked",
           env={"COMPLIANCE_LEDGER_AUTHOR": "ben"}))
    grid_page = ok(run("report", "--by", "quarter", "--since", "2024", "--until", "2024-Q4",
                       "--format", "html")).stdout
    report_page = ok(run("report", "--format", "html")).stdout
    for text in (grid_page, report_page):
        _check_page(text)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.route("**/*", lambda route: route.abort())
            page.set_content(grid_page)
            assert page.locator("#grid table").count() == 3, "north, south and the rogue"
            headings = page.locator("#grid table").first.locator("thead th").all_inner_texts()
            assert headings == ["Term", "2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]
            body = page.locator("body").inner_text()
            assert neutralise("-Rogue ").strip() in body and "[i]x[/i]" in body
            assert "finding: violates (2024-Q2)" in body
            assert page.locator("script, img, iframe, object, embed, b, i").count() == 0
            page.set_content(report_page)
            body = page.locator("body").inner_text()
            assert neutralise(corpus.SUMMARY).split("\n")[0] in body, "the rationale, literally"
            assert "<b>x</b>" in body and "[bold red]LOUD[/bold red]" in body
            assert "finding: violates (2024-Q2)" in body
            assert page.locator("script, img, iframe, object, embed, b, i").count() == 0
        finally:
            browser.close()
