"""The ``text`` format: one line a problem, as compilers and ruff print them, and a
summary; ANSI colors on a terminal."""

from __future__ import annotations

from typing import TextIO

from ampcheck.model import Severity
from ampcheck.output.report import Report
from ampcheck.printable import printable

# ANSI SGR sequences (ECMA-48), as ruff colors its text output
BOLD, RED, YELLOW, CYAN, DIM, RESET = "1", "31", "33", "36", "2", "0"


def paint(text: str, *codes: str, on: bool = True) -> str:
    if not on or not codes:
        return text
    return f"\x1b[{';'.join(codes)}m{text}\x1b[{RESET}m"


def format_text(report: Report, out: TextIO) -> None:
    on = report.color
    for d in report.diagnostics:
        mark = " " + paint("[*]", CYAN, on=on) if report.offers_fix(d) else ""
        level = RED if d.severity is Severity.ERROR else YELLOW
        where = paint(printable(d.path), BOLD, on=on) + paint(":", CYAN, on=on)
        where += f"{d.line}" + paint(":", CYAN, on=on) + f"{d.column}" + paint(":", CYAN, on=on)
        code = paint(printable(d.code), BOLD, level, on=on)
        out.write(f"{where} {code}{mark} {printable(d.message)}\n")
    if report.quiet:
        return
    out.write(paint(summary(report), BOLD, on=on and report.count > 0) + "\n")


def summary(report: Report) -> str:
    """``N problems (M fixable with --fix) in K files, T s.`` and its variants.

    The time, when known, always ends the line as ``, <seconds> s.``.
    """
    n = report.count
    files = f"{report.files} file{'s' if report.files != 1 else ''}"
    parts = []
    if report.fixing:
        parts.append(f"fixed {report.fixed} problem{'s' if report.fixed != 1 else ''}")
    new = "new " if report.baselined else ""
    if n == 0:
        parts.append(f"no {new}problems in {files}")
    else:
        problems = f"{n} {new}problem{'s' if n != 1 else ''}"
        fixable = f" ({report.fixable} fixable with --fix)" if report.fixable else ""
        parts.append(f"{problems}{fixable} in {files}")
    if report.baselined:
        parts.append(f"{report.baselined} known from the baseline")
    text = "; ".join(parts)
    if report.elapsed is not None:
        text += f", {report.elapsed:.2f} s"
    return text[0].upper() + text[1:] + "."
