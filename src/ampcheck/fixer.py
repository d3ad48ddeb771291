"""Apply fixes: passes until nothing changes, a re-parse safety net, atomic writes."""

from __future__ import annotations

import contextlib
import difflib
import os
import stat
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ampcheck.linter import LintResult, lint
from ampcheck.model import Applicability, Diagnostic, Edit, Fix, InternalError
from ampcheck.post import Post
from ampcheck.registry import ActiveRule

MAX_PASSES = 10


@dataclass
class FixOutcome:
    """The fixed post (``post`` is the input when nothing was applied), the
    diagnostics whose fixes were applied, and what is left after fixing."""

    post: Post
    applied: list[Diagnostic] = field(default_factory=list)
    remaining: LintResult = field(default_factory=LintResult)
    refused: str | None = None

    @property
    def changed(self) -> bool:
        return self.refused is None and bool(self.applied)


def allowed(fix: Fix | None, unsafe: bool) -> bool:
    return fix is not None and (unsafe or fix.applicability is Applicability.SAFE)


def fix_post(post: Post, rules: Sequence[ActiveRule], *, unsafe: bool = False) -> FixOutcome:
    """Fix ``post`` in memory. Overlapping fixes wait for the next pass; after
    :data:`MAX_PASSES` passes that still find fixes, nothing is applied."""
    original = post
    current = post
    applied: list[Diagnostic] = []
    for _ in range(MAX_PASSES):
        result = lint(current, rules)
        todo = [d for d in result.diagnostics if allowed(d.fix, unsafe)]
        if result.errors or not todo:
            break
        chosen = _non_overlapping(todo)
        text = apply_edits(current.text, [e for d in chosen for e in _edits(d, current)])
        applied.extend(chosen)
        if text == current.text:
            # fixes that change nothing would loop forever; stop here
            break
        current = current.with_text(text)
    else:
        result = lint(current, rules)
        if any(allowed(d.fix, unsafe) for d in result.diagnostics):
            err = InternalError(
                post.path, f"fixes did not settle after {MAX_PASSES} passes; nothing was written"
            )
            return FixOutcome(original, [], LintResult(result.diagnostics, [err]), "no convergence")
    if current is original:
        return FixOutcome(original, [], result)
    refusal = safety_check(original, current)
    if refusal is not None:
        err = InternalError(post.path, f"fix refused, nothing was written: {refusal}")
        before = lint(original, rules)
        remaining = LintResult(before.diagnostics, [*before.errors, err])
        return FixOutcome(original, [], remaining, refusal)
    return FixOutcome(current, applied, result)


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
    the edits already taken (it is found again, on the new text, next pass)."""
    chosen: list[Diagnostic] = []
    taken: list[Edit] = []
    for d in sorted(diagnostics, key=lambda d: (d.fix.start, d.fix.end) if d.fix else (0, 0)):
        assert d.fix is not None
        if any(_conflict(e, t) for e in d.fix.edits for t in taken):
            continue
        chosen.append(d)
        taken.extend(d.fix.edits)
    return chosen


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


def safety_check(before: Post, after: Post) -> str | None:
    """Why the fixed text must not be written, or ``None`` when it may.

    The front matter must still load if it loaded before, the HTML must not gain
    unclosed elements or stray end tags, and every Markdown block outside the
    changed lines must be the same block, at the same place, as before.
    """
    fm_before, fm_after = before.front_matter, after.front_matter
    loaded_before = fm_before is not None and fm_before.data is not None
    if loaded_before and (fm_after is None or fm_after.data is None):
        return "the front matter would no longer load"
    if _html_damage(after) > _html_damage(before):
        return "the HTML would gain unclosed elements or stray end tags"
    return _blocks_changed(before, after)


def _html_damage(post: Post) -> int:
    doc = post.html
    unclosed = sum(1 for el in doc.elements if not el.closed)
    return unclosed + len(doc.stray_end_tags)


def _blocks_changed(before: Post, after: Post) -> str | None:
    old_lines = lines(before.text)
    new_lines = lines(after.text)
    line_map: dict[int, int] = {}
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, _j2 in matcher.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                line_map[i1 + k] = j1 + k
    new_blocks = {_signature(tok, tok.map[0]) for tok in after.tokens if tok.map and tok.block}
    for tok in before.tokens:
        if not tok.block or tok.map is None:
            continue
        first, last = tok.map
        if not all(line in line_map for line in range(first, last)):
            continue
        if last > first and line_map[last - 1] - line_map[first] != last - 1 - first:
            continue
        if _signature(tok, line_map.get(first, -1)) not in new_blocks:
            return f"the Markdown block on line {first + 1} ({tok.type}) would change"
    return None


def lines(text: str) -> list[str]:
    """Lines with their endings, split at LF only, as Markdown and Post count them
    (``str.splitlines`` also splits at NEL, FF and other separators)."""
    parts = text.split("\n")
    out = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        out.append(parts[-1])
    return out


def _signature(tok: object, line: int) -> tuple[object, ...]:
    return (
        getattr(tok, "type", None),
        getattr(tok, "tag", None),
        getattr(tok, "markup", None),
        getattr(tok, "info", None),
        line,
    )


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


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data``: a temporary file in the same folder, flushed
    to disk, given the original's permissions, then renamed over it."""
    mode = stat.S_IMODE(path.stat().st_mode)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".ampcheck-tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
