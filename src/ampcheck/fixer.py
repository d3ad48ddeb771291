"""Apply fixes: passes until nothing changes, a re-parse safety net, atomic writes."""

from __future__ import annotations

import bisect
import contextlib
import dataclasses
import difflib
import errno
import os
import stat
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ampcheck.linter import DEFAULT_RULE_TIMEOUT, LintResult, lint
from ampcheck.model import Applicability, Diagnostic, Edit, Fix, InternalError
from ampcheck.post import Post
from ampcheck.registry import ActiveRule

MAX_PASSES = 10
#: a line of the text before a pass -> its number after it (lines no edit touched)
LineMap = dict[int, int]


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
) -> FixOutcome:
    """Fix ``post`` in memory. Overlapping fixes wait for the next pass.

    Each pass is checked by :func:`safety_check` before the next one: a rule whose
    fixes would damage the post, change nothing, or still find something to fix
    after :data:`MAX_PASSES` passes is named in an internal error and its fixes are
    not applied; the other rules' fixes are. A rule that fails (an internal error) is
    left out of the later passes. ``timeout`` is each rule's time on each pass.
    """
    outcome, restless = _fix(post, rules, unsafe, timeout, {})
    if restless:
        why = f"its fixes did not settle after {MAX_PASSES} passes"
        again, still = _fix(post, rules, unsafe, timeout, dict.fromkeys(restless, why))
        if not still:
            return again
    return outcome


def _fix(
    post: Post,
    rules: Sequence[ActiveRule],
    unsafe: bool,
    timeout: float | None,
    blocked: dict[str, str],
) -> tuple[FixOutcome, set[str]]:
    """:func:`fix_post` with the rules in ``blocked`` (rule -> why) not fixed; and
    the rules that still had fixes after the last pass (then nothing is applied)."""
    original = post
    current = post
    applied: list[Diagnostic] = []
    replaced: list[_Region] = []
    errors: list[InternalError] = []
    blocked = dict(blocked)
    active = list(rules)
    line_map: LineMap | None = None
    first: LintResult | None = None

    def wanted(d: Diagnostic) -> bool:
        return allowed(d.fix, unsafe) and _rule_label(d) not in blocked

    for _ in range(MAX_PASSES):
        result = lint(current, active, timeout=timeout)
        if first is None:
            first = result
        if result.errors:
            errors.extend(result.errors)
            active = [r for r in active if f"{r.code} ({r.name})" not in result.failed]
        for d in result.diagnostics:
            if wanted(d) and _changes_nothing(d, current):
                blocked[_rule_label(d)] = "its fix changes nothing"
        todo = [d for d in result.diagnostics if wanted(d)]
        if not todo:
            break
        chosen = _non_overlapping(todo)
        step_result = _apply_safely(current, chosen)
        blocked.update(step_result.refused)
        if step_result.post is None:
            continue  # every fix of this pass was refused: the next pass finds the others
        fixed, edits, chosen = step_result.post, step_result.edits, step_result.chosen
        applied.extend(chosen)
        step = edited_lines(current, fixed, edits)
        if line_map is not None:
            step = {line: step[to] for line, to in line_map.items() if to in step}
        line_map = step
        replaced = _track(replaced, edits)
        current = fixed
    else:
        result = lint(current, active, timeout=timeout)
        errors.extend(result.errors)
        restless = {_rule_label(d) for d in result.diagnostics if wanted(d)}
        if restless:
            assert first is not None
            err = InternalError(
                post.path, f"fixes did not settle after {MAX_PASSES} passes; nothing was written"
            )
            remaining = LintResult(first.diagnostics, [*_unique(errors), err])
            return FixOutcome(original, [], remaining, "no convergence"), restless
    nothing = "" if current is not original else ", nothing was written"
    for label, why in blocked.items():
        errors.append(InternalError(post.path, f"fix refused{nothing}: {why}", label))
    left = [_without_fix(d) if _rule_label(d) in blocked else d for d in result.diagnostics]
    result = LintResult(left, _unique(errors))
    if current is original:
        return FixOutcome(original, [], result), set()
    refusal = safety_check(original, current, line_map)
    if refusal is not None:  # pragma: no cover - each pass was checked
        assert first is not None
        err = InternalError(post.path, f"fix refused, nothing was written: {refusal}")
        remaining = LintResult(first.diagnostics, [*_unique(errors), err])
        return FixOutcome(original, [], remaining, refusal), set()
    spans = [(r.orig_start, r.orig_end) for r in replaced]
    return FixOutcome(current, applied, result, spans=spans), set()


def _changes_nothing(d: Diagnostic, post: Post) -> bool:
    assert d.fix is not None
    return all(post.text[e.start : e.end] == e.content for e in d.fix.edits)


@dataclass
class _Step:
    """One pass's fixes, applied: the new post (``None`` when every fix was refused),
    its edits and the fixes taken; and the rules whose fixes were refused, with why."""

    post: Post | None
    edits: list[Edit]
    chosen: list[Diagnostic]
    refused: dict[str, str]


def _apply_safely(current: Post, chosen: list[Diagnostic]) -> _Step:
    """Apply one pass's fixes, leaving out the rules whose fixes :func:`safety_check`
    refuses: all of them together first; when refused, each rule's fixes on their own
    (at most one check per rule), then the ones that passed, together."""

    def attempt(fixes: list[Diagnostic]) -> tuple[Post, list[Edit], str | None]:
        fixed, edits = _applied(current, [e for d in fixes for e in _edits(d, current)])
        return fixed, edits, safety_check(current, fixed, edited_lines(current, fixed, edits))

    fixed, edits, refusal = attempt(chosen)
    if refusal is None:
        return _Step(fixed, edits, chosen, {})
    by_rule: dict[str, list[Diagnostic]] = {}
    for d in chosen:
        by_rule.setdefault(_rule_label(d), []).append(d)
    refused: dict[str, str] = {}
    for label, fixes in by_rule.items():
        why = attempt(fixes)[2] if len(by_rule) > 1 else refusal
        if why is not None:
            refused[label] = why
    kept = [d for d in chosen if _rule_label(d) not in refused]
    if kept:
        fixed, edits, refusal = attempt(kept)
        if refusal is not None:  # only together do they damage the post: refuse them all
            refused.update(dict.fromkeys(by_rule, refusal))
            kept = []
    if not kept:
        return _Step(None, [], [], refused)
    return _Step(fixed, edits, kept, refused)


def _applied(current: Post, edits: list[Edit]) -> tuple[Post, list[Edit]]:
    """The post with ``edits`` applied, and edits that turn ``current.text`` into its
    text exactly. Removing what stood between two undecodable bytes can make them
    valid UTF-8 (``C2`` NUL ``80`` becomes U+0080): the file then reads as other
    characters than the edits made, and one edit over the changed part says so."""
    text = apply_edits(current.text, edits)
    fixed = current.with_text(text)
    if fixed.text == text:
        return fixed, edits
    old, new = current.text, fixed.text
    limit = min(len(old), len(new))
    head = 0
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    return fixed, [Edit(head, len(old) - tail, new[head : len(new) - tail])]


def _rule_label(d: Diagnostic) -> str:
    return f"{d.code} ({d.name})"


def _without_fix(d: Diagnostic) -> Diagnostic:
    """A diagnostic whose fix was refused: no longer offered as fixable."""
    return dataclasses.replace(d, fix=None)


def _unique(errors: list[InternalError]) -> list[InternalError]:
    """Errors in order, each once (a rule failing on every pass is one error)."""
    return list(dict.fromkeys(errors))


@dataclass(frozen=True, slots=True)
class _Region:
    """Text that fixes wrote: ``cur_start..cur_end`` in the current text replaced
    ``orig_start..orig_end`` of the original."""

    cur_start: int
    cur_end: int
    orig_start: int
    orig_end: int


def _track(regions: list[_Region], edits: Sequence[Edit]) -> list[_Region]:
    """The replaced regions once ``edits`` (disjoint, in the coordinates of the text
    ``regions`` describe) are applied: the regions and the edits (with the original
    span each covers) are merged where they overlap or touch, then moved by the
    length the edits before them added."""
    starts = [r.cur_start for r in regions]
    items = [(r.cur_start, r.cur_end, r.orig_start, r.orig_end, 0) for r in regions]
    for e in edits:
        low = _to_original(regions, starts, e.start, high=False)
        high = _to_original(regions, starts, e.end, high=True)
        items.append((e.start, e.end, low, high, len(e.content) - (e.end - e.start)))
    items.sort(key=lambda item: (item[0], item[1]))
    merged: list[list[int]] = []
    for start, end, low, high, grown in items:
        if merged and start <= merged[-1][1]:
            last = merged[-1]
            last[1] = max(last[1], end)
            last[2] = min(last[2], low)
            last[3] = max(last[3], high)
            last[4] += grown
        else:
            merged.append([start, end, low, high, grown])
    out: list[_Region] = []
    delta = 0
    for start, end, low, high, grown in merged:
        out.append(_Region(start + delta, end + delta + grown, low, high))
        delta += grown
    return out


def _to_original(regions: list[_Region], starts: list[int], offset: int, *, high: bool) -> int:
    """Where an offset of the current text stands in the original; inside (or at the
    edge of) text a fix wrote, the start or end of what that text replaced."""
    k = bisect.bisect_right(starts, offset) - 1
    if k < 0:
        return offset
    r = regions[k]
    if offset <= r.cur_end:
        return r.orig_end if high else r.orig_start
    return offset - r.cur_end + r.orig_end


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


def _non_overlapping(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """The fixes of this pass: in text order, each skipping any fix whose edits touch
    the edits already taken (it is found again, on the new text, next pass).

    The edits taken are disjoint, kept sorted: an edit conflicts with one of them
    only if it conflicts with its neighbour on either side (``O(log n)`` each).
    """
    chosen: list[Diagnostic] = []
    starts: list[int] = []
    taken: list[Edit] = []
    for d in sorted(diagnostics, key=lambda d: (d.fix.start, d.fix.end) if d.fix else (0, 0)):
        assert d.fix is not None
        if any(_conflicts(e, starts, taken) for e in d.fix.edits):
            continue
        chosen.append(d)
        for e in sorted(d.fix.edits, key=lambda e: (e.start, e.end)):
            i = bisect.bisect_right(starts, e.start)
            starts.insert(i, e.start)
            taken.insert(i, e)
    return chosen


def _conflicts(edit: Edit, starts: list[int], taken: list[Edit]) -> bool:
    i = bisect.bisect_left(starts, edit.start)
    return (i > 0 and _conflict(edit, taken[i - 1])) or (
        i < len(taken) and _conflict(edit, taken[i])
    )


def _conflict(a: Edit, b: Edit) -> bool:
    return (a.start < b.end and b.start < a.end) or a.start == b.start


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """Apply non-overlapping edits to ``text``."""
    parts: list[str] = []
    pos = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        parts.append(text[pos : edit.start])
        parts.append(edit.content)
        pos = edit.end
    parts.append(text[pos:])
    return "".join(parts)


def edited_lines(before: Post, after: Post, edits: Sequence[Edit]) -> LineMap:
    """The lines of ``before`` (0-based) that no edit touches, and their numbers in
    ``after`` (``after`` is ``before`` with ``edits`` applied).

    An edit touches the lines whose characters or line ending it changes, the line
    after a line ending it changes, and the line it inserts text into (at its start
    too). In linear time: no diff of the two texts is needed.
    """
    starts = before.line_starts
    count = len(starts)
    marks = [0] * (count + 1)
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    for e in ordered:
        first = bisect.bisect_right(starts, e.start) - 1
        last = bisect.bisect_right(starts, e.end) - 1 if e.end > e.start else first
        marks[first] += 1
        marks[last + 1] -= 1
    new_starts = after.line_starts
    mapped: LineMap = {}
    touched = 0
    delta = 0
    k = 0
    for line in range(count):
        touched += marks[line]
        while k < len(ordered) and ordered[k].start < starts[line]:
            e = ordered[k]
            delta += len(e.content) - (e.end - e.start)
            k += 1
        if touched:
            continue
        at = starts[line] + delta
        j = bisect.bisect_right(new_starts, at) - 1
        if j >= 0 and new_starts[j] == at:
            mapped[line] = j
    return mapped


def safety_check(before: Post, after: Post, line_map: LineMap | None = None) -> str | None:
    """Why the fixed text must not be written, or ``None`` when it may.

    The front matter must still load if it loaded before, the HTML must not gain
    unclosed elements or stray end tags, and every Markdown block outside the
    changed lines must be the same block, at the same place, as before.
    ``line_map`` says which lines are unchanged and where they went (from
    :func:`edited_lines`); without it, the texts are compared line by line.
    """
    before = _as_written(before)
    fm_before, fm_after = before.front_matter, after.front_matter
    loaded_before = fm_before is not None and fm_before.data is not None
    if loaded_before and (fm_after is None or fm_after.data is None):
        return "the front matter would no longer load"
    if _html_damage(after) > _html_damage(before):
        return "the HTML would gain unclosed elements or stray end tags"
    if line_map is None:
        line_map = _diff_lines(before.text, after.text)
    return _blocks_changed(before, after, line_map)


def _as_written(post: Post) -> Post:
    """The post as its author wrote it: a UTF-16 or UTF-32 file (a byte order mark,
    not UTF-8) decoded as such. Read as UTF-8, its bytes show no front matter or HTML,
    and the structure of its conversion to UTF-8 must be compared with the real one."""
    from ampcheck.encoding import bom_encoding

    encoding = bom_encoding(post.data)
    if post.first_undecodable is None or encoding is None:
        return post
    try:
        return post.with_text(post.data.decode(encoding))
    except UnicodeDecodeError:
        return post


def _html_damage(post: Post) -> int:
    doc = post.html
    unclosed = sum(1 for el in doc.elements if not el.closed)
    return unclosed + len(doc.stray_end_tags)


def _diff_lines(before: str, after: str) -> LineMap:
    line_map: LineMap = {}
    matcher = difflib.SequenceMatcher(None, lines(before), lines(after), autojunk=False)
    for tag, i1, i2, j1, _j2 in matcher.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                line_map[i1 + k] = j1 + k
    return line_map


def _blocks_changed(before: Post, after: Post, line_map: LineMap) -> str | None:
    new_blocks = {(sig, first) for sig, first, _last in after.block_signatures}
    for sig, first, last in before.block_signatures:
        if not all(line in line_map for line in range(first, last)):
            continue
        if last > first and line_map[last - 1] - line_map[first] != last - 1 - first:
            continue
        if (sig, line_map.get(first, -1)) not in new_blocks:
            return f"the Markdown block on line {first + 1} ({sig[0]}) would change"
    return None


def lines(text: str) -> list[str]:
    """Lines with their endings, split at LF only, as Markdown and Post count them
    (``str.splitlines`` also splits at NEL, FF and other separators)."""
    parts = text.split("\n")
    out = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        out.append(parts[-1])
    return out


def encode(post: Post) -> bytes:
    return post.text.encode("utf-8", "surrogateescape")


def unified_diff(path: str, before: str, after: str) -> str:
    return "".join(
        difflib.unified_diff(
            lines(before),
            lines(after),
            fromfile=f"a/{path.lstrip('/')}",
            tofile=f"b/{path.lstrip('/')}",
        )
    )


def write_atomic(path: Path, data: bytes, expected: bytes | None = None) -> None:
    """Replace the file at ``path`` with ``data``, so that at every moment the file
    holds either all of its old bytes or all of the new ones.

    The bytes go to a temporary file in the same folder, which gets the original's
    permissions (and owner, when allowed), is flushed to disk and renamed over the
    original; the folder is then flushed so that the rename lasts. A symbolic link is
    kept: the file it points to is replaced. Nothing is changed, and ``OSError`` is
    raised, when the file is read-only, is not a regular file, or no longer holds
    ``expected`` (it changed since it was read), or when any step fails (a full disk):
    the temporary file is then removed.
    """
    target = Path(os.path.realpath(path))
    st = target.stat()
    if not stat.S_ISREG(st.st_mode):
        raise OSError(errno.EINVAL, "not a regular file")
    mode = stat.S_IMODE(st.st_mode)
    # root may write anything: a file without any write permission is still read-only
    if not mode & 0o222 or not os.access(target, os.W_OK):
        raise PermissionError(errno.EACCES, "the file is read-only")
    if expected is not None and target.read_bytes() != expected:
        raise OSError(errno.EAGAIN, "the file changed since it was read; it was left as it is")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".ampcheck-tmp", dir=target.parent)
    try:
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                if written <= 0:  # pragma: no cover - a file system that stops taking bytes
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                view = view[written:]
            # the owner first: changing it clears the set-user-ID and set-group-ID bits
            if hasattr(os, "fchown") and (st.st_uid, st.st_gid) != (os.geteuid(), os.getegid()):
                with contextlib.suppress(OSError):  # only root may give a file away
                    os.fchown(fd, st.st_uid, st.st_gid)
            if hasattr(os, "fchmod"):
                os.fchmod(fd, mode)
            else:  # pragma: no cover - Windows
                os.chmod(tmp, mode)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _sync_folder(target.parent)


def _sync_folder(folder: Path) -> None:
    """Flush a folder's entries (a rename) to disk, where the platform allows."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    try:
        fd = os.open(folder, flags)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
