"""Output formats. Each renderer takes a View and returns a string."""

from __future__ import annotations

from enum import StrEnum


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"
    HTML = "html"
    XLSX = "xlsx"


class ListFormat(StrEnum):
    """The formats of commands that have no HTML page (lists, one entry, the log)."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"
    XLSX = "xlsx"
