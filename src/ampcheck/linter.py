"""Run rules over one post and turn their violations into diagnostics."""

from __future__ import annotations

import itertools
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field

from ampcheck.model import Diagnostic, InternalError, Violation
from ampcheck.post import Post
from ampcheck.registry import ActiveRule


@dataclass
class LintResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    errors: list[InternalError] = field(default_factory=list)


def lint(post: Post, rules: Sequence[ActiveRule]) -> LintResult:
    """Run every rule; a rule that raises or returns nonsense becomes an internal
    error naming the rule, and the other rules still run."""
    result = LintResult()
    size = len(post.text)
    for active in rules:
        label = f"{active.code} ({active.name})"
        try:
            violations = list(active.rule.check(post))
        except Exception as exc:
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            where = f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}"
            result.errors.append(
                InternalError(post.path, f"{type(exc).__name__}: {exc} (at {where})", label)
            )
            continue
        for violation in violations:
            problem = _check_violation(violation, size)
            if problem:
                result.errors.append(InternalError(post.path, problem, label))
                continue
            result.diagnostics.append(_diagnostic(post, active, violation))
    result.diagnostics.sort(key=Diagnostic.sort_key)
    return result


def _check_violation(v: object, size: int) -> str | None:
    if not isinstance(v, Violation):
        return f"yielded {type(v).__name__}, not a Violation"
    if not (0 <= v.start <= v.end <= size):
        return f"violation span {v.start}..{v.end} lies outside the text (0..{size})"
    if v.fix is not None:
        edits = sorted(v.fix.edits, key=lambda e: (e.start, e.end))
        if not edits:
            return "a fix with no edits"
        for a, b in itertools.pairwise(edits):
            if b.start < a.end:
                return f"a fix with overlapping edits ({a.start}..{a.end}, {b.start}..{b.end})"
        for e in edits:
            if not (0 <= e.start <= e.end <= size):
                return f"edit span {e.start}..{e.end} lies outside the text (0..{size})"
    return None


def _diagnostic(post: Post, active: ActiveRule, v: Violation) -> Diagnostic:
    line, col = post.position(v.start)
    end_line, end_col = post.position(v.end)
    return Diagnostic(
        path=post.path,
        line=line,
        column=col,
        end_line=end_line,
        end_column=end_col,
        code=active.code,
        name=active.name,
        severity=active.severity if active.configured or v.severity is None else v.severity,
        message=v.message,
        fix=v.fix,
        start=v.start,
        end=v.end,
    )
