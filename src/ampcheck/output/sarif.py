"""``--format sarif``: SARIF 2.1.0, as GitHub code scanning and other CI tools read it.

One run; the rules that ran are ``tool.driver.rules`` (with their rule-book page as
``help.markdown``); every problem is a result with its rule, level, message, region
(columns count Unicode code points: ``columnKind``) and a ``partialFingerprints``
entry (the baseline's fingerprint, which survives lines added above). Paths are
relative URIs against ``%SRCROOT%``, the folder ampcheck ran in. Internal errors are
``toolExecutionNotifications`` of the invocation, which then did not succeed.

A URI percent-encodes the bytes of its file's name, so a name that is not UTF-8
keeps them (``2018-07-02-%FF.md``); messages are written as in the JSON format
(:mod:`ampcheck.printable`).

Specification: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath
from typing import Any, TextIO
from urllib.parse import quote

from ampcheck import __version__
from ampcheck.model import Diagnostic, Severity
from ampcheck.output.report import Report, RuleInfo
from ampcheck.printable import holds_unicode, json_text

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "ampcheck/v1"


def _level(severity: Severity) -> str:
    return "error" if severity is Severity.ERROR else "warning"


def _location(path: str) -> dict[str, Any]:
    posix = Path(path).as_posix()
    if Path(path).is_absolute():
        return {"uri": Path(path).as_uri()}
    name = os.fsencode(str(PurePosixPath(posix)))
    return {"uri": quote(name, safe="/-._~"), "uriBaseId": SRCROOT}


def _rule(info: RuleInfo) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "id": info.code,
        "name": info.name,
        "shortDescription": {"text": info.summary},
        "defaultConfiguration": {"level": _level(info.severity)},
        "properties": {"fixable": info.fixable.value},
    }
    if info.doc:
        rule["help"] = {"text": info.summary, "markdown": info.doc}
    return rule


def _result(d: Diagnostic, rule_index: int, fixable: bool) -> dict[str, Any]:
    """One diagnostic as a SARIF result."""
    result: dict[str, Any] = {
        "ruleId": d.code,
        "ruleIndex": rule_index,
        "level": _level(d.severity),
        "message": {"text": d.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": _location(d.path),
                    "region": {
                        "startLine": d.line,
                        "startColumn": d.column,
                        "endLine": d.end_line,
                        "endColumn": d.end_column,
                    },
                }
            }
        ],
        "properties": {"fixable": fixable},
    }
    if d.fingerprint:
        result["partialFingerprints"] = {FINGERPRINT_KEY: d.fingerprint}
    return result


def sarif_log(report: Report) -> dict[str, Any]:
    """The SARIF log of a report, as a JSON-able dictionary."""
    rules = list(report.rules)
    index = {r.code: i for i, r in enumerate(rules)}
    for d in report.diagnostics:
        if d.code not in index:  # a rule the report was not told about
            index[d.code] = len(rules)
            rules.append(RuleInfo(d.code, d.name, d.name, d.severity))
    results = [_result(d, index[d.code], report.offers_fix(d)) for d in report.diagnostics]
    notifications = [
        {
            "level": "error",
            "message": {"text": str(e)},
            "locations": [{"physicalLocation": {"artifactLocation": _location(e.path)}}],
        }
        for e in report.errors
    ]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "ampcheck",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [_rule(r) for r in rules],
            }
        },
        "invocations": [
            {
                "executionSuccessful": not report.errors,
                "toolExecutionNotifications": notifications,
            }
        ],
        "originalUriBaseIds": {SRCROOT: {"uri": Path.cwd().as_uri().rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def format_sarif(report: Report, out: TextIO) -> None:
    out.write(json_text(sarif_log(report), ascii=not holds_unicode(out)))
    out.write("\n")
