"""The built-in output formats, registered through the same hook as a plugin's: ``text``
(default), ``json``, ``github`` (workflow annotations), ``junit`` (JUnit XML) and
``sarif`` (SARIF 2.1.0), one module each."""

from __future__ import annotations

from typing import TextIO

from ampcheck.hookspecs import hookimpl
from ampcheck.output.github import format_github
from ampcheck.output.json_format import format_json
from ampcheck.output.junit import format_junit
from ampcheck.output.report import Formatter, Report
from ampcheck.output.text import format_text


def format_sarif(report: Report, out: TextIO) -> None:
    from ampcheck.output.sarif import format_sarif as write  # imported only for this format

    write(report, out)


@hookimpl
def ampcheck_register_formatters() -> dict[str, Formatter]:
    return {
        "text": format_text,
        "json": format_json,
        "github": format_github,
        "junit": format_junit,
        "sarif": format_sarif,
    }
