"""Run rules over one post, drop what suppressions cover, and turn the rest of the
violations into diagnostics."""

from __future__ import annotations

import itertools
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from ampcheck.baseline import fingerprint
from ampcheck.model import Diagnostic, InternalError, Violation
from ampcheck.post import Post
from ampcheck.registry import ActiveRule
from ampcheck.suppressions import SuppressionRule, Suppressions, find_suppressions


@dataclass
class LintResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    errors: list[InternalError] = field(default_factory=list)


def lint(post: Post, rules: Sequence[ActiveRule]) -> LintResult:
    """Run every rule; a rule that raises or returns nonsense becomes an internal
    error naming the rule, and the other rules still run.

    Diagnostics that a suppression covers (``<!-- ampcheck-disable ... -->``, the
    ``ampcheck: {ignore: ...}`` front-matter key) are left out, so they are not fixed
    either; rules that judge the suppressions (AC001) run last.
    """
    result = LintResult()
    ran: list[ActiveRule] = []
    judges: list[ActiveRule] = []
    for active in rules:
        if isinstance(active.rule, SuppressionRule):
            judges.append(active)
        elif _run(post, active, active.rule.check, result):
            ran.append(active)
    found = find_suppressions(post)
    if found:
        result.diagnostics = found.apply(post, result.diagnostics)
    for active in judges:
        judged = LintResult()
        judge = active.rule
        assert isinstance(judge, SuppressionRule)

        def check(post: Post, judge: SuppressionRule = judge) -> Iterable[Violation]:
            return judge.check_suppressions(post, found, ran)

        _run(post, active, check, judged)
        result.errors.extend(judged.errors)
        result.diagnostics.extend(_explicitly_kept(post, found, judged.diagnostics))
    result.diagnostics.sort(key=Diagnostic.sort_key)
    return result


def _explicitly_kept(
    post: Post, found: Suppressions, diagnostics: list[Diagnostic]
) -> list[Diagnostic]:
    return found.apply(post, diagnostics, explicit_only=True) if found else diagnostics


def _run(
    post: Post,
    active: ActiveRule,
    check: Callable[[Post], Iterable[Violation]],
    result: LintResult,
) -> bool:
    """Run one rule into ``result``; ``False`` when it raised."""
    label = f"{active.code} ({active.name})"
    size = len(post.text)
    try:
        violations = list(check(post))
    except Exception as exc:
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        where = f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}"
        result.errors.append(
            InternalError(post.path, f"{type(exc).__name__}: {exc} (at {where})", label)
        )
        return False
    for violation in violations:
        problem = _check_violation(violation, size)
        if problem:
            result.errors.append(InternalError(post.path, problem, label))
            continue
        result.diagnostics.append(_diagnostic(post, active, violation))
    return True


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
        fingerprint=fingerprint(post.text, active.code, v.start, v.end),
    )
