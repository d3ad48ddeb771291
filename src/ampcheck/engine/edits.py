"""Edits and offsets: applying disjoint edits to a text, choosing the fixes of one
pass that do not touch each other, mapping the lines an edit left alone, and tracking
which spans of the original text the fixes replaced."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from ampcheck.document.post import Post
from ampcheck.model import Diagnostic, Edit

#: a line of the text before a pass -> its number after it (lines no edit touched)
LineMap = dict[int, int]


def non_overlapping(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
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
        if any(conflicts(e, starts, taken) for e in d.fix.edits):
            continue
        chosen.append(d)
        for e in sorted(d.fix.edits, key=lambda e: (e.start, e.end)):
            i = bisect.bisect_right(starts, e.start)
            starts.insert(i, e.start)
            taken.insert(i, e)
    return chosen


def conflicts(edit: Edit, starts: list[int], taken: list[Edit]) -> bool:
    i = bisect.bisect_left(starts, edit.start)
    return (i > 0 and conflict(edit, taken[i - 1])) or (i < len(taken) and conflict(edit, taken[i]))


def conflict(a: Edit, b: Edit) -> bool:
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


@dataclass(frozen=True, slots=True)
class Region:
    """Text that fixes wrote: ``cur_start..cur_end`` in the current text replaced
    ``orig_start..orig_end`` of the original."""

    cur_start: int
    cur_end: int
    orig_start: int
    orig_end: int


def track(regions: list[Region], edits: Sequence[Edit]) -> list[Region]:
    """The replaced regions once ``edits`` (disjoint, in the coordinates of the text
    ``regions`` describe) are applied: the regions and the edits (with the original
    span each covers) are merged where they overlap or touch, then moved by the
    length the edits before them added."""
    starts = [r.cur_start for r in regions]
    items = [(r.cur_start, r.cur_end, r.orig_start, r.orig_end, 0) for r in regions]
    for e in edits:
        low = to_original(regions, starts, e.start, high=False)
        high = to_original(regions, starts, e.end, high=True)
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
    out: list[Region] = []
    delta = 0
    for start, end, low, high, grown in merged:
        out.append(Region(start + delta, end + delta + grown, low, high))
        delta += grown
    return out


def to_original(regions: list[Region], starts: list[int], offset: int, *, high: bool) -> int:
    """Where an offset of the current text stands in the original; inside (or at the
    edge of) text a fix wrote, the start or end of what that text replaced."""
    k = bisect.bisect_right(starts, offset) - 1
    if k < 0:
        return offset
    r = regions[k]
    if offset <= r.cur_end:
        return r.orig_end if high else r.orig_start
    return offset - r.cur_end + r.orig_end


def lines(text: str) -> list[str]:
    """Lines with their endings, split at LF only, as Markdown and Post count them
    (``str.splitlines`` also splits at NEL, FF and other separators)."""
    parts = text.split("\n")
    out = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        out.append(parts[-1])
    return out


def replacement(before: str, after: str) -> Edit | None:
    """One edit turning ``before`` into ``after``: the part between what they begin
    and end with alike; ``None`` when they are equal."""
    if before == after:
        return None
    size = min(len(before), len(after))
    head = 0
    while head < size and before[head] == after[head]:
        head += 1
    tail = 0
    while tail < size - head and before[-1 - tail] == after[-1 - tail]:
        tail += 1
    return Edit(head, len(before) - tail, after[head : len(after) - tail])
