"""Output formats: ``text`` (default), ``json`` and ``github`` (workflow annotations).

The built-in formatters are registered through the same hook as a plugin's.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

from ampcheck.hookspecs import hookimpl
from ampcheck.model import Applicability, Diagnostic, InternalError, Severity


@dataclass
class Report:
    """What a run found: the formatters' input."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    errors: list[InternalError] = field(default_factory=list)
    files: int = 0
    fixed: int = 0
    fixing: bool = False
    quiet: bool = False
    unsafe: bool = False

    def offers_fix(self, d: Diagnostic) -> bool:
        """Whether ``--fix`` (with ``--unsafe-fixes`` when given) would apply ``d``'s fix."""
        return d.fix is not None and (self.unsafe or d.fix.applicability is Applicability.SAFE)

    @property
    def fixable(self) -> int:
        return sum(1 for d in self.diagnostics if self.offers_fix(d))


Formatter = Callable[[Report, TextIO], None]


def format_text(report: Report, out: TextIO) -> None:
    for d in report.diagnostics:
        mark = " [*]" if report.offers_fix(d) else ""
        out.write(f"{d.path}:{d.line}:{d.column}: {d.code}{mark} {d.message}\n")
    if report.quiet:
        return
    out.write(summary(report) + "\n")


def summary(report: Report) -> str:
    n = len(report.diagnostics)
    files = f"{report.files} file{'s' if report.files != 1 else ''}"
    parts = []
    if report.fixing:
        parts.append(f"fixed {report.fixed} problem{'s' if report.fixed != 1 else ''}")
    if n == 0:
        parts.append(f"no problems in {files}")
    else:
        problems = f"{n} problem{'s' if n != 1 else ''}"
        fixable = f" ({report.fixable} fixable with --fix)" if report.fixable else ""
        parts.append(f"{problems}{fixable} in {files}")
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def diagnostic_to_dict(d: Diagnostic) -> dict[str, object]:
    return {
        "path": d.path,
        "line": d.line,
        "column": d.column,
        "end_line": d.end_line,
        "end_column": d.end_column,
        "code": d.code,
        "name": d.name,
        "severity": d.severity.value,
        "message": d.message,
        "fix": None
        if d.fix is None
        else {"applicability": d.fix.applicability.value, "title": d.fix.title},
    }


def format_json(report: Report, out: TextIO) -> None:
    rows = [diagnostic_to_dict(d) for d in report.diagnostics]
    json.dump(rows, out, indent=2, ensure_ascii=False)
    out.write("\n")


def _escape_data(value: str) -> str:
    # GitHub workflow commands: % CR LF are escaped in data, and also : , in properties.
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


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


@hookimpl
def ampcheck_register_formatters() -> dict[str, Formatter]:
    return {"text": format_text, "json": format_json, "github": format_github}
