"""Run rules over one post, drop what suppressions cover, and turn the rest of the
violations into diagnostics.

Every rule is isolated: a rule that raises, runs out of time (``rule-timeout``),
reports too much or reports nonsense (offsets outside the text, overlapping edits,
values of the wrong type) becomes an internal error naming the rule, and the other
rules still run.
"""

from __future__ import annotations

import contextlib
import itertools
import re
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from types import FrameType
from typing import Any, TypeGuard, cast

from ampcheck.config import Limits
from ampcheck.document.post import Post
from ampcheck.engine.registry import ActiveRule
from ampcheck.engine.suppressions import (
    SuppressionContext,
    SuppressionRule,
    Suppressions,
    find_suppressions,
)
from ampcheck.model import Applicability, Diagnostic, Edit, Fix, InternalError, Severity, Violation
from ampcheck.rule import Phase

#: seconds one rule may spend on one file by default (the ``rule-timeout`` setting)
DEFAULT_RULE_TIMEOUT = Limits().rule_timeout
#: after this many rules ran out of time on one file, the others are not run on it:
#: when the post itself is what takes so long, each rule would wait out its time
MAX_TIMEOUTS = 2
#: violations one rule may report in one file: a rule that yields without end would
#: fill the memory long before its time runs out
MAX_VIOLATIONS = 100_000
# the longest time between two checks of a rule's time
_REPEAT = 0.5
# the shortest: a timer that fires more often than its handler can run would take all
# of the time (a rule-timeout of 0.00001 never finished), so a very short limit is
# checked every millisecond, and a rule is stopped after at least that long
_MIN_TICK = 0.001
# characters that cannot be written as UTF-8: a surrogate that is not one of the
# undecodable bytes Post.text keeps (U+DC80..U+DCFF, "surrogateescape")
_UNWRITABLE_RE = re.compile("[\ud800-\udc7f\udd00-\udfff]")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")


@dataclass
class LintResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    errors: list[InternalError] = field(default_factory=list)
    #: the codes of the rules that failed on the post, or were not run on it
    failed: set[str] = field(default_factory=set)


class RuleTimeout(BaseException):
    """Raised inside a rule whose time ran out.

    A ``BaseException``, so that a rule's own ``except Exception`` does not swallow it.
    """


class _TooMany(Exception):
    pass


def lint(
    post: Post,
    rules: Sequence[ActiveRule],
    *,
    timeout: float | None = DEFAULT_RULE_TIMEOUT,
    known: tuple[tuple[str, str], ...] | None = None,
) -> LintResult:
    """Run every rule; a rule that raises, takes more than ``timeout`` seconds or
    returns nonsense becomes an internal error naming the rule, and the other rules
    still run.

    Diagnostics that a suppression covers (``<!-- ampcheck-disable ... -->``, the
    ``ampcheck: {ignore: ...}`` front-matter key) are left out, so they are not fixed
    either; rules that judge the suppressions (AC001, :attr:`Phase.SUPPRESSIONS`) run
    last. ``known`` is the (code, name) of every rule the run knows (see
    :class:`SuppressionContext`).
    """
    with Deadline(timeout) as limit:
        result = LintResult()
        ran, judges = _check_post(post, rules, result, limit)
        found = _suppress(post, result, limit)
        if found is None:
            judges = []
        for active in judges:
            assert found is not None
            _judge(post, active, SuppressionContext(found, ran, known), result, limit)
    result.diagnostics.sort(key=Diagnostic.sort_key)
    return result


def _check_post(
    post: Post, rules: Sequence[ActiveRule], result: LintResult, limit: Deadline
) -> tuple[list[ActiveRule], list[ActiveRule]]:
    """Run the rules of the post phase into ``result``: the rules that ran without an
    error, and the rules judging suppressions, still to run. After
    :data:`MAX_TIMEOUTS` rules ran out of time, the others are not run at all."""
    ran: list[ActiveRule] = []
    judges: list[ActiveRule] = []
    skipped: list[str] = []
    timeouts = 0
    for active in rules:
        if timeouts >= MAX_TIMEOUTS:
            skipped.append(active.code)
        elif active.rule.phase is Phase.SUPPRESSIONS:
            judges.append(active)
        else:
            status = _run(post, active, active.rule.check, result, limit)
            if status == _OK:
                ran.append(active)
            timeouts += status == _TIMEOUT
    if timeouts >= MAX_TIMEOUTS:
        skipped.extend(judge.code for judge in judges)
        judges = []
    if skipped:
        result.failed.update(skipped)
        others = f"{len(skipped)} other rule{'s were' if len(skipped) > 1 else ' was'}"
        message = f"{MAX_TIMEOUTS} rules ran out of time on this file, so {others} not run on it"
        result.errors.append(InternalError(post.path, message))
    return ran, judges


def _suppress(post: Post, result: LintResult, limit: Deadline) -> Suppressions | None:
    """Leave out of ``result`` what the post's suppressions cover; the suppressions,
    or ``None`` when they could not be read (then every diagnostic is kept: better
    one too many than a problem hidden)."""
    try:
        limit.arm()
        try:
            found = find_suppressions(post)
            if found:
                result.diagnostics = found.apply(post, result.diagnostics)
        finally:
            limit.disarm()
    except (Exception, RuleTimeout) as exc:
        message = f"the suppression comments could not be read: {describe(exc, limit.seconds)}"
        result.errors.append(InternalError(post.path, message))
        return None
    return found


def _judge(
    post: Post,
    active: ActiveRule,
    context: SuppressionContext,
    result: LintResult,
    limit: Deadline,
) -> None:
    """Run a rule judging the suppressions into ``result``."""
    judge = cast(SuppressionRule, active.rule)
    judged = LintResult()

    def check(post: Post) -> Iterable[Violation]:
        return judge.check_suppressions(post, context)

    _run(post, active, check, judged, limit)
    result.errors.extend(judged.errors)
    result.failed.update(judged.failed)
    try:
        result.diagnostics.extend(_explicitly_kept(post, context.found, judged.diagnostics))
    except Exception as exc:
        message = f"the suppression comments could not be read: {describe(exc, limit.seconds)}"
        result.errors.append(InternalError(post.path, message))


def _explicitly_kept(
    post: Post, found: Suppressions, diagnostics: list[Diagnostic]
) -> list[Diagnostic]:
    return found.apply(post, diagnostics, explicit_only=True) if found else diagnostics


def _run(
    post: Post,
    active: ActiveRule,
    check: Callable[[Post], Iterable[Violation]],
    result: LintResult,
    limit: Deadline,
) -> str:
    """Run one rule into ``result``: :data:`_OK`, or :data:`_FAILED` or
    :data:`_TIMEOUT` (with an internal error, and nothing the rule reported kept)."""
    code, name = active.code, active.name
    size = len(post.text)
    violations: list[object] = []
    try:
        limit.arm()
        try:
            for violation in check(post):
                violations.append(violation)
                if len(violations) > MAX_VIOLATIONS:
                    raise _TooMany
        finally:
            limit.disarm()
    except _TooMany:
        message = f"reported more than {MAX_VIOLATIONS:,} problems in one file; stopped"
        result.errors.append(InternalError(post.path, message, code, name))
        result.failed.add(code)
        return _FAILED
    except (Exception, SystemExit, RuleTimeout) as exc:
        # SystemExit: a plugin calling sys.exit() must not end the run
        result.errors.append(InternalError(post.path, describe(exc, limit.seconds), code, name))
        result.failed.add(code)
        return _TIMEOUT if isinstance(exc, RuleTimeout) else _FAILED
    for reported in violations:
        problem = _check_violation(reported, size)
        if problem:
            result.errors.append(InternalError(post.path, problem, code, name))
            continue
        assert isinstance(reported, Violation)
        result.diagnostics.append(_diagnostic(post, active, reported))
    return _OK


_BLANKS_RE = re.compile(r"\s+")
_OK, _FAILED, _TIMEOUT = "ok", "failed", "timeout"


def describe(exc: BaseException, timeout: float | None) -> str:
    """What went wrong, and where: ``ValueError: bad (at rule.py:12)``."""
    where = ""
    with contextlib.suppress(Exception):
        # the last frame, not counting the alarm handler that raised a RuleTimeout
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.name != "_on_alarm"]
        frame = frames[-1]
        where = f" (at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno})"
    if isinstance(exc, RuleTimeout):
        return f"did not finish within {timeout:g} seconds, the rule-timeout; stopped{where}"
    try:
        text = str(exc)
    except Exception:  # an exception whose __str__ raises
        text = "(the message could not be read)"
    if len(text) > 500:
        text = text[:500] + "..."
    return f"{type(exc).__name__}: {text}{where}" if text else f"{type(exc).__name__}{where}"


class Deadline:
    """Time limits for code run in turns (the rules over one post): inside ``with``,
    each :meth:`arm` ... :meth:`disarm` stretch raises :class:`RuleTimeout` once
    ``seconds`` have passed in it.

    One timer ticks for the whole ``with`` (``SIGALRM``, a few times per ``seconds``
    and at least every half second), and the handler checks the clock: setting a timer
    for each stretch costs system calls that, over thirty rules a post, take longer
    than most rules. A stretch is stopped within one tick of its time, and a rule that
    swallows the exception is stopped again at each later tick.

    Works on Unix in a process's main thread only; elsewhere, and for ``None`` or 0,
    it does nothing. A timer already running (an outer deadline) keeps running, less
    the time spent inside.
    """

    __slots__ = (
        "_armed",
        "_entered",
        "_limit",
        "_outer",
        "_previous",
        "_previous_hook",
        "_started",
        "_tick",
        "seconds",
    )

    def __init__(self, seconds: float | None) -> None:
        usable = (
            hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
        )
        self.seconds = seconds if seconds and usable else None
        self._limit = self.seconds or 0.0
        self._tick = max(min(self._limit / 4, _REPEAT), _MIN_TICK)
        self._armed = False
        self._started = self._entered = 0.0
        self._previous: Any = None
        self._previous_hook: Any = None
        self._outer = (0.0, 0.0)

    def _on_alarm(self, signum: int, frame: FrameType | None) -> None:
        if (
            self._armed
            and time.monotonic() - self._started >= self._limit
            and not _in_linter(frame)
        ):
            raise RuleTimeout

    def __enter__(self) -> Deadline:
        if self.seconds:
            self._previous_hook = sys.unraisablehook
            sys.unraisablehook = self._on_unraisable
            self._previous = signal.signal(signal.SIGALRM, self._on_alarm)
            self._entered = time.monotonic()
            self._outer = signal.setitimer(signal.ITIMER_REAL, self._tick, self._tick)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.seconds:
            self._armed = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._previous)
            sys.unraisablehook = self._previous_hook
            outer, interval = self._outer
            if outer > 0:
                left = max(outer - (time.monotonic() - self._entered), 1e-3)
                signal.setitimer(signal.ITIMER_REAL, left, interval)

    def _on_unraisable(self, unraisable: Any) -> None:
        """A stop raised where Python cannot pass it on (a ``__del__``, a weak
        reference's callback) is dropped in silence: a later tick stops the rule."""
        if not isinstance(unraisable.exc_value, RuleTimeout):
            self._previous_hook(unraisable)

    def arm(self) -> None:
        self._started = time.monotonic()
        self._armed = True

    def disarm(self) -> None:
        self._armed = False


def _in_linter(frame: FrameType | None) -> bool:
    """Whether the alarm came while this module's own code ran (between a rule's end
    and :meth:`Deadline.disarm`, or while a stopped rule is being reported), or the
    import system's: a :class:`RuleTimeout` raised there would escape the handler that
    reports it, or be lost in a callback of the import locks. The rule is stopped by a
    later tick instead."""
    if frame is None:
        return False
    module = frame.f_globals.get("__name__")
    return module == __name__ or (isinstance(module, str) and module.startswith(_IMPORT_SYSTEM))


# the modules of the import system, as their frames name them
_IMPORT_SYSTEM = ("_frozen_importlib", "importlib._bootstrap")


def _short(value: object) -> str:
    try:
        text = repr(value)
    except Exception:
        return type(value).__name__
    return text if len(text) <= 40 else text[:37] + "..."


def _is_offset(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _span_problem(what: str, start: object, end: object, size: int) -> str | None:
    """Why ``start..end`` is not a span of the text, or ``None``."""
    if not (_is_offset(start) and _is_offset(end)):
        return f"{what} offsets {_short(start)}..{_short(end)} are not whole numbers"
    if not (0 <= start <= end <= size):
        return f"{what} span {start}..{end} lies outside the text (0..{size})"
    return None


def _check_violation(v: object, size: int) -> str | None:
    """Why a rule's violation cannot be reported, or ``None`` when it is sound."""
    if not isinstance(v, Violation):
        return f"yielded {type(v).__name__}, not a Violation"
    problem = _span_problem("violation", v.start, v.end, size)
    if problem is not None:
        return problem
    if not isinstance(v.message, str):
        return f"a message that is {type(v.message).__name__}, not a string"
    if v.severity is not None and not isinstance(v.severity, Severity):
        return f"a severity that is {_short(v.severity)}, not a Severity"
    if v.fix is not None:
        return _check_fix(v.fix, size)
    return None


def _check_fix(fix: object, size: int) -> str | None:
    if not isinstance(fix, Fix):
        return f"a fix that is {type(fix).__name__}, not a Fix"
    if not isinstance(fix.applicability, Applicability):
        return f"a fix whose applicability is {_short(fix.applicability)}"
    if not isinstance(fix.title, str):
        return f"a fix whose title is {type(fix.title).__name__}, not a string"
    if not isinstance(fix.edits, (tuple, list)) or not all(isinstance(e, Edit) for e in fix.edits):
        return "a fix whose edits are not Edit objects"
    if not fix.edits:
        return "a fix with no edits"
    for e in fix.edits:
        problem = _span_problem("edit", e.start, e.end, size)
        if problem is not None:
            return problem
        if not isinstance(e.content, str):
            return f"an edit whose new text is {type(e.content).__name__}, not a string"
        if _UNWRITABLE_RE.search(e.content):
            return "an edit whose new text holds a lone surrogate, which cannot be written"
    edits = sorted(fix.edits, key=lambda e: (e.start, e.end))
    for a, b in itertools.pairwise(edits):
        if b.start < a.end:
            return f"a fix with overlapping edits ({a.start}..{a.end}, {b.start}..{b.end})"
    return None


def fingerprint(text: str, code: str, start: int, end: int) -> str:
    """The fingerprint of a problem of rule ``code`` at ``text[start:end]``: its
    code and its text (the line, when the text is blank), blanks collapsed, hashed. A
    baseline matches problems by it, so that it holds when lines are added above."""
    snippet = text[start:end]
    if not snippet.strip():
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", start)
        snippet = text[line_start : line_end if line_end != -1 else len(text)]
    snippet = _BLANKS_RE.sub(" ", snippet).strip()
    import hashlib  # on first use: a run over clean posts does without it

    digest = hashlib.sha256(f"{code}\0{snippet}".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()[:16]


def _diagnostic(post: Post, active: ActiveRule, v: Violation) -> Diagnostic:
    line, col = post.position(v.start)
    end_line, end_col = post.position(v.end)
    message = v.message
    if _SURROGATE_RE.search(message):
        # an undecodable byte quoted from the text: printable, and writable as UTF-8
        message = _SURROGATE_RE.sub("\ufffd", message)
    return Diagnostic(
        path=post.path,
        line=line,
        column=col,
        end_line=end_line,
        end_column=end_col,
        code=active.code,
        name=active.name,
        severity=active.severity if active.configured or v.severity is None else v.severity,
        message=message,
        fix=v.fix,
        start=v.start,
        end=v.end,
        fingerprint=fingerprint(post.text, active.code, v.start, v.end),
    )
