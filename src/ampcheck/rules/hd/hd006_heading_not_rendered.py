"""HD006: a line written as a heading that Jekyll prints as paragraph text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ampcheck.document.post import Post
from ampcheck.model import Edit, Fix, FixAvailability, Violation
from ampcheck.rule import Rule

if TYPE_CHECKING:
    from ampcheck.document.kramdown import Options

# kramdown reads an ATX header only in column 1 (both inputs); GFM input also needs a
# blank after the "#" run (kramdown's syntax; kramdown-parser-gfm's ATX_HEADER_START)
_INDENTED_RE = re.compile(r"( {1,3})(#{1,6})[ \t]+\S")
_NO_BLANK_RE = re.compile(r"(#{2,6})(?=[^#\s])")
_AFTER_TEXT_RE = re.compile(r"#{1,6}[ \t]+\S")
_FENCE_LINE_RE = re.compile(r"^[ \t]*(?:`{3,}|~{3,})", re.MULTILINE)


class HeadingNotRendered(Rule):
    code = "HD006"
    name = "heading-not-rendered"
    summary = "A line written as a heading that Jekyll prints as text (indented, no blank after #)"
    fixable = FixAvailability.ALWAYS

    def check(self, post: Post) -> Iterator[Violation]:
        doc = post.kramdown
        if doc is None or "#" not in post.text:
            return
        options = doc.options
        raw = _liquid_raw(post)
        text = post.text
        for block in doc.blocks:
            if block.type != "p" or block.depth != 0 or "#" not in text[block.start : block.end]:
                continue
            line, last = post.position(block.start)[0], post.position(block.end - 1)[0]
            while last > line and not text[post.line_offset(last) : block.end].strip():
                last -= 1  # the paragraph's last line with text
            if _FENCE_LINE_RE.search(text, block.start, block.end):
                continue  # a fence kramdown did not take: its "#" lines are code
            for number in range(line, last + 1):
                start, end = post.line_offset(number), post.line_end(number)
                if start >= block.end or any(a <= start < b for a, b in raw):
                    continue
                found = _check_line(text, start, end, number - line, last - line + 1, options)
                if found is not None:
                    yield found


def _check_line(
    text: str, start: int, end: int, index: int, count: int, options: Options
) -> Violation | None:
    """The line ``index`` (from 0) of a paragraph of ``count`` lines. A "#" line among
    other lines of text may be code whose fence is missing (a comment in it): only a
    line that is a paragraph of its own, or (kramdown input) one line of text and the
    heading after it, is taken for a heading."""
    alone = count == 1
    gfm = options.gfm
    ends_paragraph = gfm and options.paragraph_end
    m = _INDENTED_RE.match(text, start, end)
    if m is not None:
        if not alone:
            return None
        hashes = m.group(2)
        return Violation(
            m.start(2),
            end,
            f"'{hashes} ...' is indented by {len(m.group(1))} "
            f"space{'s' if len(m.group(1)) > 1 else ''}: kramdown reads a heading only "
            "in column 1, so Jekyll prints the line as text",
            Fix.safe("start the heading in column 1", Edit.deletion(m.start(1), m.end(1))),
        )
    if gfm and alone:
        m = _NO_BLANK_RE.match(text, start, end)
        if m is not None:
            hashes = m.group(1)
            return Violation(
                m.start(1),
                end,
                f"'{hashes}' is not followed by a blank: kramdown's GFM input (Jekyll's "
                f"default) prints '{text[start:end].strip()}' as text",
                Fix.safe(f"put a blank after '{hashes}'", Edit.insertion(m.end(1), " ")),
            )
    if count == 2 and index == 1 and not ends_paragraph:
        m = _AFTER_TEXT_RE.match(text, start, end)
        if m is not None:
            return Violation(
                start,
                end,
                "a heading right after a line of text: kramdown reads a heading only "
                "after a blank line, so Jekyll prints it as part of the paragraph",
                Fix.safe("put a blank line before the heading", Edit.insertion(start, "\n")),
            )
    return None


def _liquid_raw(post: Post) -> list[tuple[int, int]]:
    """Spans inside ``{% raw %}`` ... ``{% endraw %}``: text shown as written."""
    spans: list[tuple[int, int]] = []
    opened: int | None = None
    for tag in post.liquid_tags:
        if tag.name == "raw" and opened is None:
            opened = tag.end
        elif tag.name == "endraw" and opened is not None:
            spans.append((opened, tag.start))
            opened = None
    if opened is not None:
        spans.append((opened, len(post.text)))
    return spans
