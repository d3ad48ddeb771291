"""The ``junit`` format: JUnit XML as CI servers read it."""

from __future__ import annotations

from typing import TextIO

from ampcheck.model import Diagnostic, InternalError
from ampcheck.output.report import Report
from ampcheck.printable import holds_unicode, printable


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
