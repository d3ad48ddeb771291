"""ampcheck's findings as Language Server Protocol values."""

from __future__ import annotations

from lsprotocol import types

from ampcheck.model import Diagnostic, Edit, Severity
from ampcheck.output.rulebook import rule_doc, rule_doc_uri
from ampcheck.server.text import Lines
from ampcheck.server.workspace import Checked

SOURCE = "ampcheck"
_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
}
_START = types.Range(types.Position(0, 0), types.Position(0, 0))


def span(start: int, end: int, lines: Lines) -> types.Range:
    return types.Range(types.Position(*lines.position(start)), types.Position(*lines.position(end)))


def text_edit(edit: Edit, lines: Lines) -> types.TextEdit:
    return types.TextEdit(span(edit.start, edit.end, lines), edit.content)


def diagnostic(
    d: Diagnostic, lines: Lines, checked: Checked, links: dict[str, str | None] | None = None
) -> types.Diagnostic:
    """One problem: its range, severity, rule code with a link to the rule's page
    (kept in ``links`` by code), and its message."""
    links = {} if links is None else links
    if d.code not in links:
        rule = checked.session.plugins.rules.lookup(d.code) if checked.session else None
        links[d.code] = rule_doc_uri(rule) if rule is not None else None
    href = links[d.code]
    return types.Diagnostic(
        range=span(d.start, d.end, lines),
        message=d.message,
        severity=_SEVERITY[d.severity],
        code=d.code,
        code_description=types.CodeDescription(href) if href else None,
        source=SOURCE,
    )


def diagnostics(checked: Checked, lines: Lines) -> list[types.Diagnostic]:
    """What a check found: the problems, then what kept it from being complete (a
    rule or plugin that failed, settings that cannot be read), at the top."""
    links: dict[str, str | None] = {}
    found = [diagnostic(d, lines, checked, links) for d in checked.diagnostics]
    for error in checked.errors:
        found.append(
            types.Diagnostic(
                _START,
                str(error),
                severity=types.DiagnosticSeverity.Error,
                code=error.rule or "internal-error",
                source=SOURCE,
            )
        )
    for message in checked.messages:
        found.append(
            types.Diagnostic(
                _START, message, severity=types.DiagnosticSeverity.Error, source=SOURCE
            )
        )
    return found


def explanation(checked: Checked, codes: list[str]) -> str:
    """The rule book's pages of the rules ``codes``, for a hover."""
    assert checked.session is not None
    pages = []
    for code in codes:
        rule = checked.session.plugins.rules.lookup(code)
        if rule is None:
            continue
        doc = rule_doc(rule)
        pages.append(doc if doc is not None else f"# {rule.code} {rule.name}\n\n{rule.summary}\n")
    return "\n---\n\n".join(pages)
