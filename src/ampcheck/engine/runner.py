"""Checking files: one at a time, or across processes, with results kept in a cache.

Each file is checked by :func:`check_file`, which needs nothing but the run's
:class:`Context` and returns a :class:`FileResult` of plain values. With more than one
job, files go to a process pool; results come back in the order of the files, so the
output is the same whatever the number of jobs.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ampcheck.config import Limits
from ampcheck.document.site import SiteFinder
from ampcheck.engine.registry import ActiveRule
from ampcheck.model import Applicability, Diagnostic, InternalError

if TYPE_CHECKING:
    from ampcheck.document.post import Post
    from ampcheck.engine.cache import Cache

#: below this many files, one process is faster than starting a pool
PARALLEL_MIN_FILES = 40


@dataclass
class Context:
    """What checking a file needs: the rules, the cache, the sites, the limits, and
    whether to fix (``fix``: write the fixed files; ``diff``: show the fixes as a
    diff; ``unsafe``: apply unsafe fixes too)."""

    rules: list[ActiveRule]
    cache: Cache | None = None
    sites: SiteFinder = field(default_factory=SiteFinder)
    limits: Limits = field(default_factory=Limits)
    fix: bool = False
    diff: bool = False
    unsafe: bool = False
    #: (code, name) of every rule the run knows (for the rules judging suppressions)
    known: tuple[tuple[str, str], ...] | None = None


@dataclass
class FileResult:
    """The outcome for one file, in plain values (it crosses process boundaries)."""

    shown: str
    read: bool = True
    diagnostics: list[Diagnostic] = field(default_factory=list)
    errors: list[InternalError] = field(default_factory=list)
    #: run-level errors: the file cannot be read, its site's _config.yml is broken
    messages: list[str] = field(default_factory=list)
    fixed: int = 0
    diff: str = ""
    #: the fixed text of standard input
    output: bytes | None = None


def check_file(
    ctx: Context, shown: str, file: Path | None, data: bytes | None = None
) -> FileResult:
    """Lint (or fix) one file; ``file`` is ``None`` for standard input (``data``).

    Never raises: a failure of ampcheck itself on this file (a bug) becomes an
    internal error for the file, and the run goes on with the others.
    """
    try:
        return _check_file(ctx, shown, file, data)
    except Exception as exc:
        from ampcheck.engine.linter import describe

        result = FileResult(shown)
        result.errors.append(InternalError(shown, describe(exc, None)))
        return result


def _check_file(ctx: Context, shown: str, file: Path | None, data: bytes | None) -> FileResult:
    from ampcheck.document.post import Post
    from ampcheck.engine.linter import lint

    timeout = ctx.limits.rule_timeout
    result = FileResult(shown)
    data = _read(ctx, result, file, data)
    if data is None:
        return result
    site_path = file if file is not None else Path(shown)
    site = ctx.sites.site_for(site_path) if file is not None or shown != "-" else None
    if site is not None and site.problem:
        result.messages.append(site.problem)
    fixing = ctx.fix or ctx.diff
    key = None
    if ctx.cache is not None and file is not None:
        key = ctx.cache.key(shown, data, site.fingerprint() if site is not None else "")
        cached = ctx.cache.get(key)
        if cached is not None and not (fixing and _fixable(cached[0], ctx.unsafe)):
            result.diagnostics, result.errors = cached
            return result
    post = Post(shown, data, site, site_path if shown != "-" else None)
    if not fixing:
        outcome = lint(post, ctx.rules, timeout=timeout, known=ctx.known)
        result.diagnostics, result.errors = outcome.diagnostics, outcome.errors
        if key is not None:
            ctx.cache.put(key, outcome.diagnostics, outcome.errors)  # type: ignore[union-attr]
        return result
    from ampcheck.engine.atomic import write_atomic
    from ampcheck.engine.fixer import encode, fix_post, unified_diff

    fixed = fix_post(post, ctx.rules, unsafe=ctx.unsafe, timeout=timeout, known=ctx.known)
    result.errors = list(fixed.remaining.errors)
    if ctx.diff:
        if fixed.changed:
            result.diff = unified_diff(shown, post.text, fixed.post.text)
        return result
    result.diagnostics = list(fixed.remaining.diagnostics)
    result.fixed = len(fixed.applied)
    if file is None:
        result.output = encode(fixed.post)
        return result
    if fixed.changed:
        try:
            write_atomic(file, encode(fixed.post), expected=data)
        except OSError as exc:
            _not_written(ctx, post, result)
            result.errors.append(
                InternalError(shown, f"cannot write the fixed file: {exc.strerror or exc}")
            )
    return result


def _read(ctx: Context, result: FileResult, file: Path | None, data: bytes | None) -> bytes | None:
    """The bytes to check: the file's, or standard input's (``data``), refused alike
    when they are no post; ``None`` (and why, in ``result``) when there is none."""
    from ampcheck.engine.files import NotChecked, check_read, read_post

    if data is None:
        try:
            return read_post(file, ctx.limits.max_file_size) if file is not None else b""
        except OSError as exc:
            _not_checked(ctx, result, f"cannot read the file: {exc.strerror or exc}")
            return None
        except NotChecked as exc:
            _not_checked(ctx, result, str(exc))
            return None
    try:  # standard input: refused as the same bytes on disk would be
        check_read(data, ctx.limits.max_file_size)
    except NotChecked as exc:
        _not_checked(ctx, result, str(exc))
        limit = ctx.limits.max_file_size
        if ctx.fix and not ctx.diff and (limit is None or len(data) <= limit):
            # passed on unchanged; input over the limit was not read to its end
            result.output = data
        return None
    return data


def _not_checked(ctx: Context, result: FileResult, reason: str) -> None:
    """The file is not checked: an ``AC002`` diagnostic at its start says why, when
    that rule is selected (ignoring it skips such files in silence)."""
    from ampcheck.engine.files import NOT_CHECKED_CODE
    from ampcheck.engine.linter import fingerprint

    result.read = False
    for a in ctx.rules:
        if a.code == NOT_CHECKED_CODE:
            mark = fingerprint(reason, a.code, 0, len(reason))
            result.diagnostics.append(
                Diagnostic(result.shown, line=1, column=1, end_line=1, end_column=1,
                           code=a.code, name=a.name, severity=a.severity, message=reason,
                           fingerprint=mark)
            )  # fmt: skip


def _not_written(ctx: Context, post: Post, result: FileResult) -> None:
    """The fixes of ``post`` could not be written: none counts as fixed, and the
    problems of the file as it stays are the ones reported."""
    from ampcheck.engine.linter import lint

    left = lint(post, ctx.rules, timeout=ctx.limits.rule_timeout, known=ctx.known)
    result.fixed = 0
    result.diagnostics, result.errors = left.diagnostics, left.errors


def _fixable(diagnostics: list[Diagnostic], unsafe: bool) -> bool:
    return any(
        d.fix is not None and (unsafe or d.fix.applicability is Applicability.SAFE)
        for d in diagnostics
    )


# -- processes ------------------------------------------------------------------

_WORKER: Context | None = None
#: the process id of the run that started the workers
_PARENT = 0
#: a worker is checking a file (a stop then unwinds it, removing a half-written file)
_WORKING = False
# Linux's prctl(2) option: the signal a process gets when its parent dies
_PR_SET_PDEATHSIG = 1


class _Stopped(BaseException):
    """Raised in a worker told to stop (SIGTERM, sent by the kernel when the run that
    started it dies): a ``BaseException``, so that checking a file does not go on."""


def _init_worker(ctx: Context | None, setup: Callable[[], Context] | None, parent: int = 0) -> None:
    """A forked worker inherits the context; a spawned one builds its own.

    A worker ends with the run that started it (``parent``): a run killed with
    SIGKILL cannot stop its workers, which would go on fixing files.
    """
    global _WORKER, _PARENT
    _PARENT = parent
    if parent:
        _die_with_parent()
        _stop_if_orphaned()
    _WORKER = ctx if ctx is not None else setup() if setup is not None else None


def _die_with_parent() -> None:
    """On Linux, ask the kernel to send SIGTERM to this process when its parent dies;
    the worker then stops at once, removing a fixed file it was writing."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    signal.signal(signal.SIGTERM, _on_stop)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - no C library to call
        pass


def _on_stop(signum: int, frame: object) -> None:
    if _WORKING:
        raise _Stopped
    os._exit(1)


def _stop_if_orphaned() -> None:
    """End this worker at once when the run that started it is gone (elsewhere than
    Linux, and when it died before :func:`_die_with_parent`)."""
    if _PARENT and os.getppid() != _PARENT:
        os._exit(1)


def _work(shown: str) -> FileResult:
    global _WORKING
    assert _WORKER is not None
    _stop_if_orphaned()
    try:
        _WORKING = True
        return check_file(_WORKER, shown, Path(shown))
    except _Stopped:
        os._exit(1)
    finally:
        _WORKING = False


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def check_files(
    ctx: Context,
    files: Sequence[str],
    jobs: int,
    setup: Callable[[], Context] | None = None,
) -> Iterator[FileResult]:
    """Results for ``files`` (paths, shown as given) in their order; ``jobs``
    processes when it pays off.

    ``setup`` rebuilds the context in a worker that cannot inherit it (platforms
    without ``fork``); it must be picklable.
    """
    jobs = min(jobs, len(files))  # a worker more than there are files has nothing to do
    if jobs <= 1 or len(files) < PARALLEL_MIN_FILES:
        for shown in files:
            yield check_file(ctx, shown, Path(shown))
        return
    import multiprocessing  # only when a pool pays off: it costs start-up time
    from concurrent.futures import ProcessPoolExecutor

    mp: multiprocessing.context.BaseContext
    if "fork" in multiprocessing.get_all_start_methods():
        mp = multiprocessing.get_context("fork")
        init: tuple[Context | None, Callable[[], Context] | None, int] = (ctx, None, os.getpid())
    else:  # pragma: no cover - Windows, macOS spawn
        mp = multiprocessing.get_context("spawn")
        init = (None, setup, os.getpid())
    # flush before forking so buffered output is not written twice
    sys.stdout.flush()
    sys.stderr.flush()
    chunk = max(1, min(32, len(files) // (jobs * 8)))
    with ProcessPoolExecutor(jobs, mp_context=mp, initializer=_init_worker, initargs=init) as pool:
        yield from pool.map(_work, files, chunksize=chunk)
