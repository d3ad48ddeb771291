"""Fixing a post: passes of fixes until nothing changes, each pass checked by the
re-parse guard (:mod:`ampcheck.engine.safety`) before the next."""

from __future__ import annotations

import dataclasses
import difflib
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ampcheck.document.post import Post
from ampcheck.engine.edits import (
    LineMap,
    Region,
    apply_edits,
    edited_lines,
    lines,
    non_overlapping,
    replacement,
    track,
)
from ampcheck.engine.linter import DEFAULT_RULE_TIMEOUT, LintResult, lint
from ampcheck.engine.registry import ActiveRule
from ampcheck.engine.safety import safety_check
from ampcheck.model import Applicability, Diagnostic, Edit, Fix, InternalError

MAX_PASSES = 10
#: a rule's fixes that the re-parse guard refuses together are tried one by one when
#: there are at most this many of them (in one pass), so one damaging fix does not
#: hold back the others
MAX_SINGLE_TRIES = 32

#: a fix as the text it replaces and what it writes: the same fix found again on a
#: later pass, wherever the earlier fixes moved it
FixKey = tuple[str, tuple[tuple[str, str], ...]]


@dataclass
class FixOutcome:
    """The fixed post (``post`` is the input when nothing was applied), the
    diagnostics whose fixes were applied, and what is left after fixing."""

    post: Post
    applied: list[Diagnostic] = field(default_factory=list)
    remaining: LintResult = field(default_factory=LintResult)
    refused: str | None = None
    #: the spans of the original text that the applied fixes replaced (character
    #: offsets, sorted, disjoint): every other character is kept as it was
    spans: list[tuple[int, int]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.refused is None and bool(self.applied)


def allowed(fix: Fix | None, unsafe: bool) -> bool:
    return fix is not None and (unsafe or fix.applicability is Applicability.SAFE)


def fix_post(
    post: Post,
    rules: Sequence[ActiveRule],
    *,
    unsafe: bool = False,
    timeout: float | None = DEFAULT_RULE_TIMEOUT,
    known: tuple[tuple[str, str], ...] | None = None,
) -> FixOutcome:
    """Fix ``post`` in memory. Overlapping fixes wait for the next pass.

    Each pass is checked by :func:`safety_check` before the next one: a rule whose
    fixes would damage the post, change nothing, or still find something to fix
    after :data:`MAX_PASSES` passes is named in an internal error and its fixes are
    not applied; the other rules' fixes are. A rule that fails (an internal error) is
    left out of the later passes. ``timeout`` is each rule's time on each pass;
    ``known`` the rules the run knows (see :func:`~ampcheck.engine.linter.lint`).
    """
    lint_pass = functools.partial(lint, timeout=timeout, known=known)
    outcome, restless = _fix(post, rules, unsafe, lint_pass, {})
    if restless:
        why = f"its fixes did not settle after {MAX_PASSES} passes"
        again, still = _fix(post, rules, unsafe, lint_pass, dict.fromkeys(restless, why))
        if not still:
            return again
    return outcome


def _fix(
    post: Post,
    rules: Sequence[ActiveRule],
    unsafe: bool,
    lint_pass: Callable[[Post, Sequence[ActiveRule]], LintResult],
    blocked: dict[str, str],
) -> tuple[FixOutcome, set[str]]:
    """:func:`fix_post` with the rules in ``blocked`` (rule -> why) not fixed; and
    the rules that still had fixes after the last pass (then nothing is applied)."""
    passes = _Passes(post, post, unsafe, dict(blocked), list(rules))
    for _ in range(MAX_PASSES):
        result = lint_pass(passes.current, passes.active)
        if not passes.step(result):
            break
    else:
        result = lint_pass(passes.current, passes.active)
        passes.errors.extend(result.errors)
        restless = {d.code for d in result.diagnostics if passes.wanted(d)}
        if restless:
            why = f"fixes did not settle after {MAX_PASSES} passes; nothing was written"
            return passes.refused(why, "no convergence"), restless
    return passes.outcome(result, rules), set()


@dataclass
class _Passes:
    """The passes of :func:`_fix` so far: the post as fixed (``current``), the rules
    whose fixes are refused (``blocked``: rule -> why) or that failed (left out of
    ``active``), and what the applied fixes replaced."""

    original: Post
    current: Post
    unsafe: bool
    blocked: dict[str, str]
    active: list[ActiveRule]
    applied: list[Diagnostic] = field(default_factory=list)
    replaced: list[Region] = field(default_factory=list)
    errors: list[InternalError] = field(default_factory=list)
    #: single fixes refused while the rule's others were applied: fix -> why
    blocked_fixes: dict[FixKey, str] = field(default_factory=dict)
    #: the lines of the original that no fix touched, and their lines now
    line_map: LineMap | None = None
    first: LintResult | None = None

    def wanted(self, d: Diagnostic) -> bool:
        return (
            allowed(d.fix, self.unsafe)
            and d.code not in self.blocked
            and not (self.blocked_fixes and _key(d, self.current) in self.blocked_fixes)
        )

    def step(self, result: LintResult) -> bool:
        """Apply one pass's fixes (found by ``result``); ``False`` when none is left."""
        if self.first is None:
            self.first = result
        if result.errors:
            self.errors.extend(result.errors)
            self.active = [r for r in self.active if r.code not in result.failed]
        for d in result.diagnostics:
            if self.wanted(d) and _changes_nothing(d, self.current):
                self.blocked[d.code] = "its fix changes nothing"
        todo = [d for d in result.diagnostics if self.wanted(d)]
        if not todo:
            return False
        taken = _apply_safely(self.current, non_overlapping(todo))
        self.blocked.update(taken.refused)
        self.blocked_fixes.update(taken.refused_fixes)
        if taken.post is None:
            return True  # every fix of this pass was refused: the next pass finds the others
        self.applied.extend(taken.chosen)
        lines_kept = edited_lines(self.current, taken.post, taken.edits)
        if self.line_map is not None:
            lines_kept = {
                line: lines_kept[to] for line, to in self.line_map.items() if to in lines_kept
            }
        self.line_map = lines_kept
        self.replaced = track(self.replaced, taken.edits)
        self.current = taken.post
        return True

    def refused(self, why: str, refusal: str) -> FixOutcome:
        """Nothing is written: the first pass's findings, and why."""
        assert self.first is not None
        err = InternalError(self.original.path, why)
        remaining = LintResult(self.first.diagnostics, [*_unique(self.errors), err])
        return FixOutcome(self.original, [], remaining, refusal)

    def outcome(self, result: LintResult, rules: Sequence[ActiveRule]) -> FixOutcome:
        """The fixed post, with ``result`` (the last pass's findings) as what is left."""
        original, current = self.original, self.current
        nothing = "" if current is not original else ", nothing was written"
        names = {r.code: r.name for r in rules}
        for code, why in self.blocked.items():
            message = f"fix refused{nothing}: {why}"
            self.errors.append(InternalError(original.path, message, code, names.get(code)))
        left = []
        for d in result.diagnostics:
            alone = None
            if self.blocked_fixes and d.fix is not None:
                alone = self.blocked_fixes.get(_key(d, current))
            if alone is not None:
                message = f"fix refused for the problem at line {d.line}: {alone}"
                self.errors.append(InternalError(original.path, message, d.code, names.get(d.code)))
            blocked = d.code in self.blocked or alone is not None
            left.append(_without_fix(d) if blocked else d)
        result = LintResult(left, _unique(self.errors))
        if current is original:
            return FixOutcome(original, [], result)
        refusal = safety_check(original, current, self.line_map)
        if refusal is not None:  # pragma: no cover - each pass was checked
            return self.refused(f"fix refused, nothing was written: {refusal}", refusal)
        spans = [(r.orig_start, r.orig_end) for r in self.replaced]
        return FixOutcome(current, self.applied, result, spans=spans)


def _changes_nothing(d: Diagnostic, post: Post) -> bool:
    assert d.fix is not None
    return all(post.text[e.start : e.end] == e.content for e in d.fix.edits)


@dataclass
class _Step:
    """One pass's fixes, applied: the new post (``None`` when every fix was refused),
    its edits and the fixes taken; the rules whose fixes were refused, and the single
    fixes refused while others of their rule were taken, with why."""

    post: Post | None
    edits: list[Edit]
    chosen: list[Diagnostic]
    refused: dict[str, str]
    refused_fixes: dict[FixKey, str] = field(default_factory=dict)


def _apply_safely(current: Post, chosen: list[Diagnostic]) -> _Step:
    """Apply one pass's fixes, leaving out the ones :func:`safety_check` refuses: all
    of them together first; when refused, each rule's fixes on their own (one check per
    rule); a refused rule's fixes one by one (at most :data:`MAX_SINGLE_TRIES`), so that
    only the fixes that damage the post on their own are left out; then the ones that
    passed, together."""

    def attempt(fixes: list[Diagnostic]) -> tuple[Post, list[Edit], str | None]:
        fixed, edits = _applied(current, [e for d in fixes for e in _edits(d, current)])
        return fixed, edits, safety_check(current, fixed, edited_lines(current, fixed, edits))

    fixed, edits, refusal = attempt(chosen)
    if refusal is None:
        return _Step(fixed, edits, chosen, {})
    by_rule: dict[str, list[Diagnostic]] = {}
    for d in chosen:
        by_rule.setdefault(d.code, []).append(d)
    step = _Step(None, [], [], {})
    left_out: set[int] = set()
    for code, fixes in by_rule.items():
        why = attempt(fixes)[2] if len(by_rule) > 1 else refusal
        if why is None:
            continue
        alone = [(d, attempt([d])[2]) for d in fixes] if len(fixes) <= MAX_SINGLE_TRIES else []
        damaging = [(d, w) for d, w in alone if w is not None]
        if not damaging or len(damaging) == len(fixes):  # together, or every one of them
            step.refused[code] = why
            left_out.update(id(d) for d in fixes)
            continue
        left_out.update(id(d) for d, _ in damaging)
        step.refused_fixes.update((_key(d, current), w) for d, w in damaging)
    kept = [d for d in chosen if id(d) not in left_out]
    if kept:
        fixed, edits, refusal = attempt(kept)
        if refusal is not None:  # only together do they damage the post: refuse them all
            return _Step(None, [], [], dict.fromkeys(by_rule, refusal))
        step.post, step.edits, step.chosen = fixed, edits, kept
    return step


def _key(d: Diagnostic, post: Post) -> FixKey:
    assert d.fix is not None
    return d.code, tuple((post.text[e.start : e.end], e.content) for e in d.fix.edits)


def _applied(current: Post, edits: list[Edit]) -> tuple[Post, list[Edit]]:
    """The post with ``edits`` applied, and edits that turn ``current.text`` into its
    text exactly. Removing what stood between two undecodable bytes can make them
    valid UTF-8 (``C2`` NUL ``80`` becomes U+0080): the file then reads as other
    characters than the edits made, and one edit over the changed part says so."""
    text = apply_edits(current.text, edits)
    fixed = current.with_text(text)
    if fixed.text == text:
        return fixed, edits
    edit = replacement(current.text, fixed.text)
    return fixed, [edit] if edit is not None else []


def _without_fix(d: Diagnostic) -> Diagnostic:
    """A diagnostic whose fix was refused: no longer offered as fixable."""
    return dataclasses.replace(d, fix=None)


def _unique(errors: list[InternalError]) -> list[InternalError]:
    """Errors in order, each once (a rule failing on every pass is one error)."""
    return list(dict.fromkeys(errors))


def _edits(diagnostic: Diagnostic, post: Post) -> list[Edit]:
    assert diagnostic.fix is not None
    edits = list(diagnostic.fix.edits)
    if post.newline == "\r\n":
        # keep the file's line endings: rules write "\n" in new text
        edits = [
            Edit(e.start, e.end, e.content.replace("\r\n", "\n").replace("\n", "\r\n"))
            for e in edits
        ]
    return edits


def encode(post: Post) -> bytes:
    return post.text.encode("utf-8", "surrogateescape")


def unified_diff(path: str, before: str, after: str) -> str:
    return "".join(
        difflib.unified_diff(
            lines(before),
            lines(after),
            fromfile=diff_name(f"a/{path.lstrip('/')}"),
            tofile=diff_name(f"b/{path.lstrip('/')}"),
        )
    )


# a name a diff header cannot show as it is: a control character (C0, DEL, C1) or a
# byte that is not UTF-8 (a lone surrogate, from surrogateescape)
_UNSHOWN_RE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_C_ESCAPES = {7: "\\a", 8: "\\b", 9: "\\t", 10: "\\n", 11: "\\v", 12: "\\f", 13: "\\r"}


def diff_name(name: str) -> str:
    """A file name for a diff header: as it is, or, when it holds a control
    character or a byte that is not UTF-8, quoted as Git quotes it (C escapes, other
    bytes from 0x80 on in octal), which GNU patch and ``git apply`` read back."""
    if _UNSHOWN_RE.search(name) is None:
        return name
    out = []
    for byte in name.encode("utf-8", "surrogateescape"):
        if byte in _C_ESCAPES:
            out.append(_C_ESCAPES[byte])
        elif byte in b'"\\':
            out.append("\\" + chr(byte))
        elif byte < 0x20 or byte >= 0x7F:
            out.append(f"\\{byte:03o}")
        else:
            out.append(chr(byte))
    return '"' + "".join(out) + '"'
