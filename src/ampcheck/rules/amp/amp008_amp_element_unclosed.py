"""AMP008: an AMP element has no end tag, so what follows it becomes its content."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from pathlib import PurePath

from ampcheck.document import layouts
from ampcheck.document.html import Element
from ampcheck.document.kramdown import SPAN_ELEMENTS
from ampcheck.document.post import Post
from ampcheck.model import Edit, Fix, FixAvailability, Violation
from ampcheck.rule import Rule
from ampcheck.rules.amp import components as amp

# Jekyll's default markdown_ext: these posts are rendered by kramdown; others (.html)
# go to the browser as they are.
MARKDOWN_EXTENSIONS = frozenset({".md", ".markdown", ".mkdown", ".mkdn", ".mkd"})
MARKERS = ("placeholder", "fallback")
# block quotes nested deeper than this get no fix (markdown-it stops nesting at 20)
MAX_QUOTES = 20
# what may stand before a block on its line: blanks, block-quote markers, list markers
# (a list marker needs a blank after it; a block-quote marker does not)
_CONTAINER_PREFIX_RE = re.compile(r"(?:[ \t]*(?:>|(?:[-+*]|\d{1,9}[.)])(?=[ \t])))*[ \t]*")


class AmpElementUnclosed(Rule):
    code = "AMP008"
    name = "amp-element-unclosed"
    summary = "An AMP element has no end tag: everything after it becomes part of it"
    fixable = FixAvailability.SOMETIMES

    def check(self, post: Post) -> Iterator[Violation]:
        # an element left open swallows what follows on any page, AMP or not
        unclosed = [
            el
            for el in layouts.amp_elements(post)
            if not el.closed and not el.self_closing  # <amp-img ... /> is AMP005's
        ]
        if not unclosed:
            return
        scan = _Scan(post)
        for el in unclosed:
            raw = post.text[el.start + 1 : el.start + 1 + len(el.name)]
            where = scan.where_kramdown_ends(el) if scan.markdown else scan.where_html_ends(el)
            yield Violation(
                el.start,
                el.tag_end,
                f"<{raw}> has no end tag: it stays open {where}, and everything after it "
                f"becomes part of it{scan.misspelt(el)}; close it with </{raw}>",
                scan.fix(el, raw),
            )


class _Scan:
    """What the rule needs to know about a post's unclosed elements, each answer
    computed once per element or line (deeply nested or long posts stay linear)."""

    def __init__(self, post: Post) -> None:
        self.post = post
        self.text = post.text
        self.markdown = PurePath(post.path).suffix.lower() in MARKDOWN_EXTENSIONS
        self._content_start: dict[int, int] = {}
        self._block: dict[Element, bool] = {}
        self._outer: dict[Element, Element | None] = {}
        strays = sorted(
            (start, name) for name, start, _ in post.html.stray_end_tags if amp.is_amp_name(name)
        )
        self._strays = strays
        self._stray_starts = [start for start, _ in strays]
        self._last_liquid = max((tag.start for tag in post.liquid_tags), default=-1)
        # list items and block quotes as (first, last) 0-based lines, swept in order
        self._containers = sorted(_containers(post), key=lambda c: (c[0], -c[1]))
        self._next_container = 0
        self._open_containers: list[tuple[int, int, bool]] = []

    def line(self, offset: int) -> int:
        return self.post.position(offset)[0]

    def starts_line(self, el: Element) -> bool:
        """The element's start tag is the first thing on its line but for blanks and
        block-quote and list markers."""
        line = self.line(el.start)
        start = self._content_start.get(line)
        if start is None:
            begin = self.post.line_offset(line)
            m = _CONTAINER_PREFIX_RE.match(self.text, begin)
            start = self._content_start[line] = m.end() if m is not None else begin
        return el.start == start

    def block_level(self, el: Element) -> bool:
        """Whether kramdown reads the element as part of an HTML block: it, or an
        element around it, starts a line and is not a span element (a line that starts
        with a span element is paragraph text, and so is HTML after text on a line)."""
        chain: list[Element] = []
        node: Element | None = el
        found = False
        while node is not None:
            known = self._block.get(node)
            if known is not None:
                found = known
                break
            chain.append(node)
            node = node.parent
        for node in reversed(chain):
            found = found or (node.name not in SPAN_ELEMENTS and self.starts_line(node))
            self._block[node] = found
        return found

    def container(self, line: int) -> tuple[str, int]:
        """The innermost list item or block quote holding the 1-based ``line`` (its
        name and the offset where it ends), else the post. Lines are asked in order."""
        containers, stack = self._containers, self._open_containers
        while self._next_container < len(containers) and containers[self._next_container][0] < line:
            c = containers[self._next_container]
            self._next_container += 1
            while stack and stack[-1][1] <= c[0]:
                stack.pop()
            stack.append(c)
        while stack and stack[-1][1] < line:
            stack.pop()
        if not stack:
            return "the post", len(self.text)
        _first, last, item = stack[-1]
        name = "its list item" if item else "its block quote"
        return name, self.post.line_offset(last + 1)

    def closing_outer(self, el: Element) -> Element | None:
        """The outer element whose end tag ended ``el`` in the scan, if any: its
        parent, or what ended its parent when that ended at the same place."""
        chain: list[Element] = []
        node = el
        found: Element | None = None
        while True:
            if node in self._outer:
                found = self._outer[node]
                break
            chain.append(node)
            parent = node.parent
            if node.closed or parent is None or node.end >= len(self.text):
                break
            if parent.close_start == node.end:
                found = parent
                break
            if parent.closed or parent.end != node.end:
                break
            node = parent
        for node in chain:
            self._outer[node] = found
        return found

    def where_kramdown_ends(self, el: Element) -> str:
        """Where kramdown ends the element: it closes an element that has no end tag at
        the end of its paragraph (inline HTML) or at the end of the list item, block
        quote or post its HTML block stands in, and ignores end tags of outer elements
        on the way (it writes them out as text)."""
        if not self.block_level(el):
            return "to the end of its paragraph"
        container, container_end = self.container(self.line(el.start))
        where = f"to the end of {container}"
        outer = self.closing_outer(el)
        if (
            outer is not None
            and outer.close_start is not None
            and outer.close_start < container_end
        ):
            at = outer.close_start
            raw = self.text[at + 2 : at + 2 + len(outer.name)]
            where += (
                f" (kramdown ignores the </{raw}> on line {self.line(at)} and shows it as text)"
            )
        return where

    def where_html_ends(self, el: Element) -> str:
        """Where a browser ends it in a post that is HTML: at the end tag of an outer
        element (WHATWG HTML, "any other end tag"), or at the end of the post."""
        outer = self.closing_outer(el)
        if outer is None or outer.close_start is None:
            return "to the end of the post"
        at = outer.close_start
        raw = self.text[at + 2 : at + 2 + len(outer.name)]
        return f"up to the </{raw}> on line {self.line(at)}"

    def misspelt(self, el: Element) -> str:
        """A hint at an AMP end tag after the element that closes nothing (a typo)."""
        i = bisect.bisect_left(self._stray_starts, el.tag_end)
        if i == len(self._strays) or self._strays[i][0] >= el.end:
            return ""
        start, name = self._strays[i]
        raw = self.text[start + 2 : start + 2 + len(name)]
        return f" (the </{raw}> on line {self.line(start)} closes no element: misspelt?)"

    def fix(self, el: Element, raw: str) -> Fix | None:
        """Close the element where its block visibly ends: after its start tag and any
        placeholder or fallback children, at a blank line, with nothing else in between."""
        post, text = self.post, self.text
        if not self.markdown or not self.starts_line(el):
            return None
        line_start = post.line_offset(self.line(el.start))
        quotes = text[line_start : el.start].count(">")
        if quotes > MAX_QUOTES:
            return None
        # a line's start inside the element's container: blanks and its block-quote markers
        margin = r"[ \t]*" + r"(?:>[ \t]*)?" * quotes
        gap_re = re.compile(r"[ \t]*(?:\r?\n" + margin + r")?")
        blank_re = re.compile(r"[ \t]*(?:\r?\n" + margin + r"(?:\r?\n|$)|$)")
        pos = el.tag_end
        for child in el.children:
            gap = gap_re.match(text, pos)
            if gap is None or gap.end() != child.start:
                break  # text or a blank line before the child
            if not (child.closed and any(child.has(m) for m in MARKERS)):
                return None  # other content in the element's block: where it ends is not known
            pos = child.end
        # the rest of the line, then a blank line (in a block quote: one of only its
        # markers), or the end of the post
        blank = blank_re.match(text, pos)
        if blank is None:
            return None
        after = blank.end()
        following = next((c for c in el.children if c.start >= after), None)
        if (
            following is not None
            and not text[after : following.start].replace(">", "").strip()
            and any(following.has(m) for m in MARKERS)
        ):
            return None  # a placeholder after the blank line may be meant to be inside
        # on a line of its own, indented as the start tag (in a list item or block quote)
        indent = re.sub(r"[^\s>]", " ", text[line_start : el.start])
        edit = Edit.insertion(pos, f"{post.newline}{indent}</{raw}>")
        title = f"insert </{raw}> after its start tag and placeholder"
        # Liquid between the start tag and the end of the post may write the end tag
        # itself (an include): then the page may be right as it is
        if self._last_liquid >= el.tag_end:
            return Fix.unsafe(title, edit)
        return Fix.safe(title, edit)


def _containers(post: Post) -> Iterator[tuple[int, int, bool]]:
    """List items and block quotes as (first, last) 0-based lines and whether it is a
    list item, as the site's Markdown converter reads them."""
    doc = post.kramdown
    if doc is not None:
        for b in doc.blocks:
            if b.type in ("li", "blockquote") and b.end > b.start:
                first = post.position(b.start)[0] - 1
                yield first, post.position(b.end - 1)[0], b.type == "li"
        return
    for tok in post.tokens:
        if tok.map is not None and tok.type in ("list_item_open", "blockquote_open"):
            yield tok.map[0], tok.map[1], tok.type == "list_item_open"
