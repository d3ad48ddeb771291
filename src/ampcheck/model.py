"""Values passed between rules, the engine and the formatters.

Rules yield :class:`Violation` objects whose positions are character offsets into
:attr:`ampcheck.document.post.Post.text`; the engine turns each into a :class:`Diagnostic`
with file-relative line and column numbers and the rule's code, name and severity.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple


class Severity(enum.Enum):
    """How bad a diagnostic is. Only errors make ampcheck exit 1."""

    ERROR = "error"
    WARNING = "warning"

    @classmethod
    def parse(cls, value: str) -> Severity:
        try:
            return cls(value.lower())
        except ValueError:
            choices = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {value!r} (expected one of: {choices})") from None


class Applicability(enum.Enum):
    """Whether a fix may be applied without a human looking at it.

    ``SAFE`` fixes keep the author's meaning exactly and are applied by ``--fix``;
    ``UNSAFE`` fixes are a likely repair that may change meaning and are applied only
    with ``--unsafe-fixes``.
    """

    SAFE = "safe"
    UNSAFE = "unsafe"


class FixAvailability(enum.Enum):
    """What a rule promises about fixes, shown by ``--list-rules``."""

    NONE = "none"
    SOMETIMES = "sometimes"
    ALWAYS = "always"


class Edit(NamedTuple):
    """Replace ``text[start:end]`` with ``content`` (character offsets)."""

    start: int
    end: int
    content: str = ""

    @classmethod
    def deletion(cls, start: int, end: int) -> Edit:
        return cls(start, end, "")

    @classmethod
    def insertion(cls, at: int, content: str) -> Edit:
        return cls(at, at, content)


class Fix(NamedTuple):
    """A set of edits applied together, or not at all.

    The edits of one fix must not overlap each other.
    """

    edits: tuple[Edit, ...]
    applicability: Applicability = Applicability.SAFE
    title: str = ""

    @classmethod
    def safe(cls, title: str, *edits: Edit) -> Fix:
        return cls(tuple(edits), Applicability.SAFE, title)

    @classmethod
    def unsafe(cls, title: str, *edits: Edit) -> Fix:
        return cls(tuple(edits), Applicability.UNSAFE, title)

    @property
    def start(self) -> int:
        return min(e.start for e in self.edits)

    @property
    def end(self) -> int:
        return max(e.end for e in self.edits)


class Violation(NamedTuple):
    """What a rule reports: a span of the post's text and a message.

    ``start``/``end`` are character offsets into ``Post.text``; ``end`` may equal
    ``start`` for a point (e.g. a missing field reported at the front matter).
    ``severity``, when set, overrides the rule's default severity for this violation
    (for a rule whose lesser findings are warnings, set by one of its options); a
    severity the user configured for the rule wins over it.
    """

    start: int
    end: int
    message: str
    fix: Fix | None = None
    severity: Severity | None = None


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A violation placed in a file: what the formatters print.

    ``line`` and ``column`` are 1-based; columns count characters, not bytes.
    """

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    code: str
    name: str
    severity: Severity
    message: str
    fix: Fix | None = None
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)
    #: the rule's code and the offending text, hashed: what a baseline matches
    #: (see :mod:`ampcheck.engine.baseline`), stable when lines are added above
    fingerprint: str = field(default="", compare=False)

    @property
    def fixable(self) -> bool:
        return self.fix is not None

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)

    def to_dict(self, *, complete: bool = False) -> dict[str, Any]:
        """The diagnostic as JSON values: the fields of the JSON output, and with
        ``complete`` also what :meth:`from_dict` needs to rebuild it exactly (the
        fix's edits, the offsets, the fingerprint)."""
        fix: dict[str, Any] | None = None
        if self.fix is not None:
            fix = {"applicability": self.fix.applicability.value, "title": self.fix.title}
            if complete:
                fix = {"edits": [[e.start, e.end, e.content] for e in self.fix.edits], **fix}
        out: dict[str, Any] = {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "code": self.code,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.message,
            "fix": fix,
        }
        if complete:
            out.update(start=self.start, end=self.end, fingerprint=self.fingerprint)
        return out

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Diagnostic:
        """The diagnostic :meth:`to_dict` (``complete``) wrote; ``KeyError``,
        ``TypeError`` or ``ValueError`` when ``raw`` is not one."""
        fix = raw["fix"]
        return cls(
            path=raw["path"],
            line=raw["line"],
            column=raw["column"],
            end_line=raw["end_line"],
            end_column=raw["end_column"],
            code=raw["code"],
            name=raw["name"],
            severity=Severity(raw["severity"]),
            message=raw["message"],
            fix=None
            if fix is None
            else Fix(
                tuple(Edit(s, e, c) for s, e, c in fix["edits"]),
                Applicability(fix["applicability"]),
                fix["title"],
            ),
            start=raw["start"],
            end=raw["end"],
            fingerprint=raw["fingerprint"],
        )


class InternalError(NamedTuple):
    """A failure inside ampcheck or a plugin, reported instead of a crash (exit 2)."""

    path: str
    message: str
    #: the code of the rule that failed (``None``: ampcheck itself), and its name
    rule: str | None = None
    rule_name: str | None = None

    def __str__(self) -> str:
        where = ""
        if self.rule:
            where = (
                f" in rule {self.rule} ({self.rule_name})"
                if self.rule_name
                else f" in rule {self.rule}"
            )
        return f"{self.path}: internal error{where}: {self.message}"
