"""AMP008: an AMP element has no end tag, so what follows it becomes its content."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePath

from ampcheck import amp
from ampcheck.model import Edit, Fix, FixAvailability, Violation
from ampcheck.post import Element, Post
from ampcheck.rule import Rule

# Jekyll's default markdown_ext: these posts are rendered by kramdown; others (.html)
# go to the browser as they are.
MARKDOWN_EXTENSIONS = frozenset({".md", ".markdown", ".mkdown", ".mkdn", ".mkd"})
# kramdown's HTML_SPAN_ELEMENTS (kramdown/parser/html.rb): a line that starts with one
# of these is paragraph text; any other tag at the start of a line opens an HTML block.
KRAMDOWN_SPAN_ELEMENTS = frozenset(
    {
        "a", "abbr", "acronym", "b", "big", "bdo", "br", "button", "cite", "code", "del",
        "dfn", "em", "i", "img", "input", "ins", "kbd", "label", "mark", "option", "q",
        "rb", "rbc", "rp", "rt", "rtc", "ruby", "samp", "select", "small", "span",
        "strike", "strong", "sub", "sup", "textarea", "tt", "u", "var",
    }
)  # fmt: skip
MARKERS = ("placeholder", "fallback")
# what may stand before a block on its line: blanks, block-quote markers, list markers
_CONTAINER_PREFIX_RE = re.compile(r"(?:[ \t]*(?:>|[-+*]|\d{1,9}[.)])(?=[ \t]|$))*[ \t]*")


class AmpElementUnclosed(Rule):
    code = "AMP008"
    name = "amp-element-unclosed"
    summary = "An AMP element has no end tag: everything after it becomes part of it"
    fixable = FixAvailability.SOMETIMES

    def check(self, post: Post) -> Iterator[Violation]:
        # an element left open swallows what follows on any page, AMP or not
        markdown = PurePath(post.path).suffix.lower() in MARKDOWN_EXTENSIONS
        for el in amp.amp_elements(post):
            if el.closed or el.self_closing:
                continue  # closed, or <amp-img ... />, which AMP005 reports
            raw = post.text[el.start + 1 : el.start + 1 + len(el.name)]
            where = _where_it_ends(post, el) if markdown else _where_html_ends(post, el)
            yield Violation(
                el.start,
                el.tag_end,
                f"<{raw}> has no end tag: it stays open {where}, and everything after it "
                f"becomes part of it{_misspelt(post, el)}; close it with </{raw}>",
                _fix(post, el, raw),
            )


def _line(post: Post, offset: int) -> int:
    return post.position(offset)[0]


def _starts_line(post: Post, el: Element) -> bool:
    """The element's start tag is the first thing on its line but for blanks and
    block-quote and list markers."""
    line_start = post.line_offset(_line(post, el.start))
    return _CONTAINER_PREFIX_RE.fullmatch(post.text[line_start : el.start]) is not None


def _block_level(post: Post, el: Element) -> bool:
    """Whether kramdown reads the element as part of an HTML block: it, or an element
    around it, starts a line and is not a span element (a line that starts with a span
    element is paragraph text, and so is HTML after text on a line)."""
    outer: Element | None = el
    while outer is not None:
        if outer.name not in KRAMDOWN_SPAN_ELEMENTS and _starts_line(post, outer):
            return True
        outer = outer.parent
    return False


def _container(post: Post, line: int) -> tuple[str, int]:
    """The innermost list item or block quote holding the 1-based ``line`` (its name
    and the offset where it ends), else the post."""
    best: tuple[str, int] | None = None
    best_start = -1
    for tok in post.tokens:
        if tok.map is None or tok.type not in ("list_item_open", "blockquote_open"):
            continue
        first, last = tok.map
        if first < line <= last and first >= best_start:
            name = "its list item" if tok.type == "list_item_open" else "its block quote"
            best, best_start = (name, post.line_offset(last + 1)), first
    return best if best is not None else ("the post", len(post.text))


def _where_it_ends(post: Post, el: Element) -> str:
    """Where kramdown ends the element: it auto-closes an element that has no end tag
    at the end of its paragraph (inline HTML) or at the end of the list item, block
    quote or post its HTML block stands in, and ignores end tags of outer elements
    on the way (it writes them out as text)."""
    if not _block_level(post, el):
        return "to the end of its paragraph"
    container, container_end = _container(post, _line(post, el.start))
    where = f"to the end of {container}"
    outer = _closing_outer(el)
    if outer is not None and outer.close_start is not None and outer.close_start < container_end:
        raw = post.text[outer.close_start + 2 : outer.close_start + 2 + len(outer.name)]
        line = _line(post, outer.close_start)
        where += f" (kramdown ignores the </{raw}> on line {line} and shows it as text)"
    return where


def _where_html_ends(post: Post, el: Element) -> str:
    """Where a browser ends it in a post that is HTML: at the end tag of an outer
    element (WHATWG HTML, "any other end tag"), or at the end of the post."""
    outer = _closing_outer(el)
    if outer is None or outer.close_start is None:
        return "to the end of the post"
    raw = post.text[outer.close_start + 2 : outer.close_start + 2 + len(outer.name)]
    return f"up to the </{raw}> on line {_line(post, outer.close_start)}"


def _closing_outer(el: Element) -> Element | None:
    """The outer element whose end tag ended ``el`` in the scan, if any."""
    parent = el.parent
    while parent is not None:
        if parent.close_start == el.end:
            return parent
        parent = parent.parent
    return None


def _misspelt(post: Post, el: Element) -> str:
    """A hint at an AMP end tag after the element that closes nothing (a typo)."""
    for name, start, _end in post.html.stray_end_tags:
        if start >= el.tag_end and start < el.end and amp.is_amp_name(name):
            raw = post.text[start + 2 : start + 2 + len(name)]
            return f" (the </{raw}> on line {_line(post, start)} closes no element: misspelt?)"
    return ""


def _fix(post: Post, el: Element, raw: str) -> Fix | None:
    """Close the element where its block visibly ends: after its start tag and any
    placeholder or fallback children, at a blank line, with nothing else in between."""
    text = post.text
    if PurePath(post.path).suffix.lower() not in MARKDOWN_EXTENSIONS or not _starts_line(post, el):
        return None
    line_start = post.line_offset(_line(post, el.start))
    quotes = text[line_start : el.start].count(">")
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
    if _liquid_after(post, el.tag_end):
        return Fix.unsafe(title, edit)
    return Fix.safe(title, edit)


def _liquid_after(post: Post, offset: int) -> bool:
    return any(tag.start >= offset for tag in post.liquid_tags)
