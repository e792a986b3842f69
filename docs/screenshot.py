"""Make docs/report.png, the README's picture of the HTML report on the bundled example.

    .venv/bin/python docs/screenshot.py     (needs Debian's chromium and the dev extras)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
LEDGER = Path(sys.executable).parent / "ledger"


def main() -> None:
    page_text = subprocess.run(
        [str(LEDGER), "report", "--example", "--as-of", "2020-12-31", "--format", "html"],
        check=True,
        capture_output=True, text=True, cwd=HERE,
        env={**os.environ, "COMPLIANCE_LEDGER_NOW": "2026-11-29T12:00:00Z"}).stdout
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1000, "height": 1000})
        page.set_content(page_text)
        page.screenshot(path=str(HERE / "report.png"))
        browser.close()


if __name__ == "__main__":
    main()
