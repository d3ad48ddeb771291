"""The report of a run: what the output formats are given (plain values, so it
pickles), and the formatter's signature."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple, TextIO

from ampcheck.model import Applicability, Diagnostic, FixAvailability, InternalError, Severity


class RuleInfo(NamedTuple):
    """What a formatter may tell about a rule that ran."""

    code: str
    name: str
    summary: str
    severity: Severity
    fixable: FixAvailability = FixAvailability.NONE
    doc: str | None = None


@dataclass
class Report:
    """What a run found: the formatters' input (plain values, so it pickles).

    ``elapsed`` is the run's duration in seconds (``None``: not shown); ``baselined``
    counts the problems a baseline left out; ``paths`` are the files checked;
    ``rules`` the rules that ran; ``color`` whether the text may use ANSI colors.
    """

    diagnostics: list[Diagnostic] = field(default_factory=list)
    errors: list[InternalError] = field(default_factory=list)
    files: int = 0
    fixed: int = 0
    fixing: bool = False
    quiet: bool = False
    unsafe: bool = False
    paths: list[str] = field(default_factory=list)
    rules: tuple[RuleInfo, ...] = ()
    baselined: int = 0
    elapsed: float | None = None
    color: bool = False
    #: diagnostics already written out file by file (:data:`STREAMING` formats), which
    #: ``diagnostics`` no longer holds: how many, how many fixable, how many errors
    streamed: int = 0
    streamed_fixable: int = 0
    streamed_errors: int = 0

    def offers_fix(self, d: Diagnostic) -> bool:
        """Whether ``--fix`` (with ``--unsafe-fixes`` when given) would apply ``d``'s fix."""
        return d.fix is not None and (self.unsafe or d.fix.applicability is Applicability.SAFE)

    @property
    def count(self) -> int:
        """How many problems the run reports."""
        return len(self.diagnostics) + self.streamed

    @property
    def fixable(self) -> int:
        return sum(1 for d in self.diagnostics if self.offers_fix(d)) + self.streamed_fixable

    @property
    def has_errors(self) -> bool:
        """Whether a reported problem has the severity error."""
        return self.streamed_errors > 0 or any(
            d.severity is Severity.ERROR for d in self.diagnostics
        )

    def stream(self, diagnostics: list[Diagnostic]) -> Report:
        """Count ``diagnostics`` as written out, and a report of just them to write."""
        self.streamed += len(diagnostics)
        self.streamed_fixable += sum(1 for d in diagnostics if self.offers_fix(d))
        self.streamed_errors += sum(1 for d in diagnostics if d.severity is Severity.ERROR)
        return Report(
            diagnostics, fixing=self.fixing, quiet=True, unsafe=self.unsafe, color=self.color
        )


#: formats written file by file as the results come in, so that a run over many files
#: does not hold every problem in memory; the others need the whole run at once
STREAMING = frozenset({"text", "github"})


Formatter = Callable[[Report, TextIO], None]
