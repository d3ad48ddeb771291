"""Output formats: ``text`` (default), ``json``, ``github`` (workflow annotations),
``junit`` (JUnit XML) and ``sarif`` (SARIF 2.1.0, in :mod:`ampcheck.output.sarif`); and the
``--statistics`` table.

The built-in formatters are registered through the same hook as a plugin's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TextIO

from ampcheck.hookspecs import hookimpl
from ampcheck.model import Diagnostic, InternalError, Severity
from ampcheck.output.report import Formatter, Report
from ampcheck.printable import holds_unicode, json_text, printable

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


def format_json(report: Report, out: TextIO) -> None:
    rows = [d.to_dict() for d in report.diagnostics]
    out.write(json_text(rows, ascii=not holds_unicode(out)))
    out.write("\n")


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


def _xml(text: str) -> str:
    """Text XML 1.0 can hold: what a reader sees (:func:`printable`), without the
    two noncharacters XML forbids either."""
    return printable(text).replace("\ufffe", "\\ufffe").replace("\uffff", "\\uffff")


def format_junit(report: Report, out: TextIO) -> None:
    """JUnit XML as CI servers read it: a test suite per file checked, a failing test
    case per problem (its ``type`` the rule code), an ``error`` per internal error,
    and one passing case for a file without problems."""
    by_path: dict[str, tuple[list[Diagnostic], list[InternalError]]] = {
        p: ([], []) for p in report.paths
    }
    for d in report.diagnostics:
        by_path.setdefault(d.path, ([], []))[0].append(d)
    for e in report.errors:
        by_path.setdefault(e.path, ([], []))[1].append(e)
    from xml.etree import ElementTree as ET  # only for this format

    root = ET.Element("testsuites", name="ampcheck")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for real, (diagnostics, errors) in by_path.items():
        path = _xml(real)
        suite = ET.SubElement(root, "testsuite", name=path)
        for d in diagnostics:
            code, message = _xml(d.code), _xml(d.message)
            case = ET.SubElement(
                suite,
                "testcase",
                name=f"{code} {_xml(d.name)} at {d.line}:{d.column}",
                classname=path,
                file=path,
                line=str(d.line),
            )
            failure = ET.SubElement(case, "failure", type=code, message=message)
            failure.text = f"{path}:{d.line}:{d.column}: {code} [{d.severity.value}] {message}"
        for e in errors:
            case = ET.SubElement(suite, "testcase", name="internal error", classname=path)
            ET.SubElement(case, "error", message=_xml(str(e))).text = _xml(str(e))
        if not diagnostics and not errors:
            ET.SubElement(suite, "testcase", name="no problems", classname=path, file=path)
        counts = {"tests": len(suite), "failures": len(diagnostics), "errors": len(errors)}
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    if report.elapsed is not None:
        root.set("time", f"{report.elapsed:.3f}")
    ET.indent(root)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    if holds_unicode(out):
        out.write(ET.tostring(root, encoding="unicode"))
    else:  # other characters as character references (&#239;)
        xml = ET.tostring(root, encoding="us-ascii", xml_declaration=False)
        out.write(xml.decode("ascii"))
    out.write("\n")


@dataclass(frozen=True, slots=True)
class Statistic:
    code: str
    name: str
    count: int
    fixable: int


def statistics(report: Report) -> list[Statistic]:
    """Problems counted by rule, most frequent first (then by code)."""
    counts: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    for d in report.diagnostics:
        row = counts.setdefault(d.code, [0, 0])
        row[0] += 1
        row[1] += report.offers_fix(d)
        names[d.code] = d.name
    rows = [Statistic(code, names[code], n, f) for code, (n, f) in counts.items()]
    return sorted(rows, key=lambda s: (-s.count, s.code))


def format_statistics(report: Report, out: TextIO, *, as_json: bool = False) -> None:
    """``--statistics``: per rule, its code, name, count and how many ``--fix`` would
    repair, most frequent first (ruff's ``--statistics``)."""
    rows = statistics(report)
    if as_json:
        import json

        plain = [{"code": s.code, "name": s.name, "count": s.count, "fixable": s.fixable}
                 for s in rows]  # fmt: skip
        json.dump(plain, out, indent=2)
        out.write("\n")
        return
    on = report.color
    table = [("code", "name", "count", "fixable")] + [
        (printable(s.code), printable(s.name), str(s.count), str(s.fixable)) for s in rows
    ]
    widths = [max(len(r[i]) for r in table) for i in range(4)]
    for i, (code, name, count, fixable) in enumerate(table):
        out.write(
            f"{paint(code.ljust(widths[0]), BOLD, RED, on=on and i > 0)}  {name.ljust(widths[1])}"
            f"  {count.rjust(widths[2])}  {fixable.rjust(widths[3])}\n"
        )
    if not report.quiet:
        out.write(paint(summary(report), BOLD, on=on and bool(rows)) + "\n")


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
