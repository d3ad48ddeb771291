"""The ``github`` format: GitHub Actions workflow commands, shown as annotations."""

from __future__ import annotations

from typing import TextIO

from ampcheck.model import Severity
from ampcheck.output.report import Report
from ampcheck.printable import printable


def _escape_data(value: str) -> str:
    # GitHub workflow commands: % CR LF are escaped in data, and also : , in properties;
    # the log shows what else is left raw, escape sequences included
    return printable(value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def format_github(report: Report, out: TextIO) -> None:
    for d in report.diagnostics:
        level = "error" if d.severity is Severity.ERROR else "warning"
        props = ",".join(
            [
                f"file={_escape_property(d.path)}",
                f"line={d.line}",
                f"col={d.column}",
                f"endLine={d.end_line}",
                f"endColumn={d.end_column}",
                f"title={_escape_property(f'{d.code} {d.name}')}",
            ]
        )
        out.write(f"::{level} {props}::{_escape_data(f'{d.code} {d.message}')}\n")
    for e in report.errors:
        out.write(f"::error title=ampcheck internal error::{_escape_data(str(e))}\n")
