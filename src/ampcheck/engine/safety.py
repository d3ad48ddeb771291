"""The re-parse guard of ``--fix``: a fixed text is written only when its front
matter still loads, its HTML gains no unclosed element, and every Markdown block the
fixes did not touch is still the same block at the same place."""

from __future__ import annotations

import difflib

from ampcheck.document.post import Post, bom_encoding
from ampcheck.engine.edits import LineMap, lines


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
