"""The ``json`` format: a list of the diagnostics' fields (:meth:`Diagnostic.to_dict`)."""

from __future__ import annotations

from typing import TextIO

from ampcheck.output.report import Report
from ampcheck.printable import holds_unicode, json_text


def format_json(report: Report, out: TextIO) -> None:
    rows = [d.to_dict() for d in report.diagnostics]
    out.write(json_text(rows, ascii=not holds_unicode(out)))
    out.write("\n")
