"""``--statistics``: problems counted by rule."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TextIO

from ampcheck.output.report import Report
from ampcheck.output.text import BOLD, RED, paint, summary
from ampcheck.printable import printable


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
