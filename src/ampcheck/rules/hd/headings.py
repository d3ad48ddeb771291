"""The headings of a post as Jekyll renders them, for the HD rules.

Headings come from the markdown-it tokens of the body (CommonMark, as markdownlint's
micromark parser reads it), so headings in fenced or indented code, in HTML blocks and
in the front matter are never headings, while ATX headings with closing hashes,
setext headings and headings inside block quotes and list items are. Jekyll runs
Liquid before Markdown, so a heading inside a ``{% highlight %}`` or ``{% comment %}``
block is not a heading either (one inside ``{% raw %}`` still is: raw only turns
Liquid off), nor is one inside a kramdown ``{::comment}`` or ``{::nomarkdown}``
extension (kramdown is Jekyll's default Markdown converter).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from markdown_it.token import Token

    from ampcheck.document.kramdown import Block
    from ampcheck.document.post import Post


class HeadingKind(enum.Enum):
    """How a heading is written (CommonMark 0.31, sections 4.2 and 4.3)."""

    ATX = "atx"  # ## Heading
    ATX_CLOSED = "atx-closed"  # ## Heading ##
    SETEXT = "setext"  # Heading, then a line of = or -


class Heading(NamedTuple):
    """One heading of the body.

    ``text`` is the heading's source as markdownlint compares it: the inline content
    without inline HTML tags, its lines joined by single spaces, trimmed. ``plain`` is
    ``text`` without a trailing kramdown header ID or attribute list (``{#id}``,
    ``{: .class}``), whose id, if any, is ``kramdown_id``. ``start``..``end`` spans
    the heading's lines (from its ``#`` or first character to the end of its last
    line, the setext underline included); ``marker_start``..``marker_end`` is the
    opening ``#`` run or the underline, ``closing_start``..``closing_end`` the
    closing ``#`` run (equal when there is none), and ``content_end`` the end of the
    content on its last line, before any closing run. ``line`` is 1-based.
    """

    level: int
    text: str
    start: int
    end: int
    line: int
    kind: HeadingKind
    marker_start: int
    marker_end: int
    closing_start: int
    closing_end: int
    content_end: int
    plain: str
    kramdown_id: str | None
    empty: bool
    top_level: bool


# Before an ATX heading's opening run on its line, only container markers may stand:
# block quote markers and list item markers (CommonMark 5.1-5.2).
# (one blank after a marker, then blanks or '>': written so that a text has one reading
# only, and a prefix that does not match fails in linear time)
_CONTAINER_PREFIX_RE = re.compile(r"[ \t>]*(?:(?:[-+*]|[0-9]{1,9}[.)])[ \t][ \t>]*)*")
_OPENING_RE = re.compile(r"#{1,6}(?=[ \t]|$)")
# kramdown: a header ID at the end of a header (``{#id}``) or an inline attribute list
# (``{: #id .class key="v"}``), see kramdown's syntax, "Specifying a Header ID".
KRAMDOWN_SUFFIX_RE = re.compile(
    r"[ \t]*\{(?:#(?P<id>[A-Za-z_:][\w.:-]*)|:(?P<ial>[^}]*))\}[ \t]*$"
)  # an id starts with an XML name's first character (kramdown's HEADER_ID)
# the same without the blanks before it, for kramdown_suffix
_SUFFIX_RE = re.compile(r"\{(?:#(?P<id>[A-Za-z_:][\w.:-]*)|:(?P<ial>[^}]*))\}[ \t]*$")
_IAL_ID_RE = re.compile(r"(?:^|\s)#([A-Za-z][\w-]*)")
# kramdown extensions whose content is not Markdown output.
_KRAMDOWN_OPAQUE_RE = re.compile(
    r"\{::(?P<name>comment|nomarkdown)(?:[ \t][^}]*)?\}(?P<body>.*?)\{:/(?:(?P=name))?\}",
    re.DOTALL,
)
# Characters that mark emphasis or strikethrough: a heading of only these is empty.
_MARKERS = "*_~"
# Inline HTML elements that show something even without text.
_VISIBLE_TAG_RE = re.compile(r"<(?:img|svg|video|picture|iframe|object|embed|amp-[\w-]+)\b", re.I)


def headings(post: Post) -> list[Heading]:
    """Every heading of the body, in document order (computed once per post)."""
    return post.memo("headings", _headings)


def opaque_regions(post: Post) -> list[tuple[int, int]]:
    """Sorted spans of the body that are not Markdown once Jekyll has rendered Liquid
    and kramdown: Liquid ``highlight`` and ``comment`` blocks and kramdown
    ``{::comment}``/``{::nomarkdown}`` extensions."""
    regions = list(post.liquid_opaque_regions)
    if "{::" in post.text:
        regions.extend(
            m.span("body") for m in _KRAMDOWN_OPAQUE_RE.finditer(post.text, post.body_start)
        )
    return sorted(regions)


def _inside(regions: Sequence[tuple[int, int]], offset: int) -> bool:
    return any(a <= offset < b for a, b in regions)


def _headings(post: Post) -> list[Heading]:
    doc = post.kramdown
    if doc is not None:
        return [_kramdown_heading(post, b) for b in doc.blocks if b.type == "header"]
    tokens = post.tokens
    regions = opaque_regions(post)
    found: list[Heading] = []
    for i, tok in enumerate(tokens):
        if tok.type != "heading_open" or tok.map is None:
            continue
        heading = _heading(post, tok, tokens[i + 1])
        if regions and (_inside(regions, heading.start) or _inside(regions, heading.marker_start)):
            continue
        found.append(heading)
    return found


def _heading(post: Post, tok: Token, inline: Token) -> Heading:
    assert tok.map is not None
    first, after = tok.map  # 0-based file lines, end exclusive
    level = int(tok.tag[1:])
    content = inline.content
    children = post.inline_children(inline)
    line_start = post.line_offset(first + 1)
    line_end = post.line_end(first + 1)
    line_text = post.text[line_start:line_end]
    closing_start = closing_end = -1
    if tok.markup.startswith("#"):
        opening = _opening(line_text, level)
        marker_start, marker_end = line_start + opening[0], line_start + opening[1]
        at = line_text.find(content, opening[1]) if content else opening[1]
        if at < 0:  # not expected: markdown-it's content is a slice of the line
            at = opening[1]
        content_end = line_start + at + len(content)
        closing = _closing(post.text, content_end, line_end)
        kind = HeadingKind.ATX
        if closing is not None:
            closing_start, closing_end = closing[1], closing[2]
            kind = HeadingKind.ATX_CLOSED
        start = marker_start
        end = line_end
    else:
        kind = HeadingKind.SETEXT
        prefix = _CONTAINER_PREFIX_RE.match(line_text)
        skip = prefix.end() if prefix else 0
        first_line = content.split("\n", 1)[0].strip()
        at = line_text.find(first_line, skip) if first_line else -1
        start = line_start + (at if at >= 0 else skip)
        last_text = after - 1  # 1-based number of the last text line; the underline is next
        content_end = post.line_offset(last_text) + len(
            post.text[post.line_offset(last_text) : post.line_end(last_text)].rstrip()
        )
        under_start = post.line_offset(after)
        end = post.line_end(after)
        under = _underline(post.text, under_start, end)
        marker_start, marker_end = under if under else (under_start, end)
    if closing_start < 0:
        closing_start = closing_end = content_end
    return _make(
        level, first + 1, kind, (start, end), (marker_start, marker_end),
        (closing_start, closing_end), content_end, content, children,
        empty=_empty(content, children), top_level=tok.level == 0,
    )  # fmt: skip


def _kramdown_heading(post: Post, block: Block) -> Heading:
    """A header of kramdown's: ``block.start`` is its ``#`` run or the first
    character of its text line (after up to three blanks, for a setext header)."""
    from ampcheck.document.markdown import parse_inline

    text_ = post.text
    line = post.position(block.start)[0]
    line_end = post.line_end(line)
    closing_start = closing_end = -1
    if block.markup == "#":
        marker_start = block.start
        if not text_.startswith("#", marker_start):
            # Liquid before the heading on its line ({% if %}## Title): the run is further on
            found = text_.find("#" * block.level, marker_start, line_end)
            marker_start = found if found != -1 else marker_start
        marker_end = marker_start + block.level
        rest = text_[marker_end:line_end]
        at = marker_end + len(rest) - len(rest.lstrip(" \t"))
        content_end = marker_end + len(rest.rstrip())
        kind = HeadingKind.ATX
        closing = _closing(text_, at, line_end)
        if closing is not None and closing[1] > at:
            content_end, closing_start, closing_end = closing
            kind = HeadingKind.ATX_CLOSED
        start, end = marker_start, line_end
    else:
        kind = HeadingKind.SETEXT
        at = (
            block.start
            + len(text_[block.start : line_end])
            - len(text_[block.start : line_end].lstrip(" "))
        )
        content_end = block.start + len(text_[block.start : line_end].rstrip())
        start = at
        under_start = post.line_offset(line + 1)
        end = post.line_end(line + 1)
        under = _underline(text_, under_start, end)
        marker_start, marker_end = under if under else (under_start, end)
    if closing_start < 0:
        closing_start = closing_end = content_end
    content = text_[at:content_end]
    children = _kramdown_inline(parse_inline(content))
    return _make(
        block.level, line, kind, (start, end), (marker_start, marker_end),
        (closing_start, closing_end), content_end, content, children,
        empty=_empty(content, children, kramdown=True), top_level=block.depth == 0,
    )  # fmt: skip


def _make(
    level: int,
    line: int,
    kind: HeadingKind,
    span: tuple[int, int],
    marker: tuple[int, int],
    closing: tuple[int, int],
    content_end: int,
    content: str,
    children: Sequence[Token],
    *,
    empty: bool,
    top_level: bool,
) -> Heading:
    text = _text(content, children)
    plain, kramdown_id = _without_kramdown_suffix(text)
    return Heading(
        level, text, span[0], span[1], line, kind, marker[0], marker[1], closing[0],
        closing[1], content_end, plain, kramdown_id, empty, top_level,
    )  # fmt: skip


def _opening(line: str, level: int) -> tuple[int, int]:
    """Span of the opening ``#`` run of an ATX heading within its line."""
    for m in _OPENING_RE.finditer(line):
        prefix = _CONTAINER_PREFIX_RE.fullmatch(line, 0, m.start())
        if prefix is not None and m.end() - m.start() == level:
            return m.span()
    anywhere = _OPENING_RE.search(line)
    return anywhere.span() if anywhere else (0, 0)


_TAG_NAME_RE = re.compile(r"<(/?)([A-Za-z][\w:-]*)")


def _kramdown_inline(children: list[Token]) -> list[Token]:
    """Inline tokens as kramdown reads them: a block-level tag (``<Map>``, ``<div>``)
    and an end tag that closes nothing (``</br>``) are text, not HTML."""
    from ampcheck.document.kramdown import BLOCK_ELEMENTS

    opened: set[str] = set()
    kept: list[Token] = []
    for child in children:
        if child.type == "html_inline":
            m = _TAG_NAME_RE.match(child.content)
            if m is not None:
                closing, name = m.group(1), m.group(2).lower()
                if name in BLOCK_ELEMENTS or (closing and name not in opened):
                    continue  # printed as text: leave it in the heading's text
                if not closing:
                    opened.add(name)
        kept.append(child)
    return kept


def _without_html(content: str, children: Sequence[Token]) -> str:
    """The inline source without its inline HTML tags (markdownlint leaves them out)."""
    parts: list[str] = []
    pos = 0
    for child in children:
        if child.type == "html_inline":
            at = content.find(child.content, pos)
            if at >= 0:
                parts.append(content[pos:at])
                pos = at + len(child.content)
    parts.append(content[pos:])
    return "".join(parts)


def _text(content: str, children: Sequence[Token]) -> str:
    lines = _without_html(content, children).split("\n")
    return " ".join(line.strip() for line in lines).strip()


def _closing(text: str, start: int, end: int) -> tuple[int, int, int] | None:
    """A closing ``#`` run at the end of ``text[start:end]``, with blanks before it:
    (where the blanks start, where the run starts, where it ends), in time linear in
    the line (a regular expression searched there backtracks over every blank)."""
    line = text[start:end]
    run_end = len(line.rstrip(" \t"))
    run_start = len(line[:run_end].rstrip("#"))
    blanks = len(line[:run_start].rstrip(" \t"))
    if run_start == run_end or blanks == run_start:
        return None
    return start + blanks, start + run_start, start + run_end


def _underline(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The run of ``=`` or ``-`` that ends ``text[start:end]`` (blanks may follow),
    in time linear in the line."""
    line = text[start:end]
    run_end = len(line.rstrip(" \t"))
    if not run_end or line[run_end - 1] not in "=-":
        return None
    run_start = len(line[:run_end].rstrip(line[run_end - 1]))
    return start + run_start, start + run_end


def kramdown_suffix(text: str, start: int = 0, end: int | None = None) -> re.Match[str] | None:
    """A header ID or attribute list ending ``text[start:end]`` (blanks may follow):
    the match of ``{...}`` without the blanks before it (they are for the caller to
    skip). Looked for after the last ``}`` but one only, so that the search takes
    time linear in the text however many braces and blanks come before."""
    end = len(text) if end is None else end
    if end > start and text[end - 1] == "\n":
        end -= 1  # where a search for ``$`` also stops
    last = len(text[start:end].rstrip(" \t")) + start - 1
    if last < start or text[last] != "}":
        return None
    before = text.rfind("}", start, last)
    return _SUFFIX_RE.search(text, before + 1 if before >= 0 else start, end)


def _without_kramdown_suffix(text: str) -> tuple[str, str | None]:
    m = kramdown_suffix(text)
    if m is None:
        return text, None
    ident = m.group("id")
    if ident is None:
        in_list = _IAL_ID_RE.search(m.group("ial"))
        ident = in_list.group(1) if in_list else None
    return text[: m.start()].rstrip(), ident


def _empty(content: str, children: Sequence[Token], kramdown: bool = False) -> bool:
    """A heading shows no text: nothing but blanks once inline HTML is gone, and, as
    CommonMark reads it, emphasis markers and a kramdown attribute list. (kramdown
    prints markers that open no emphasis, and an attribute list alone, as text.)
    Images, escapes, entities and code spans count as something shown."""
    if any(c.type == "image" for c in children):
        return False
    if any(c.type == "html_inline" and _VISIBLE_TAG_RE.match(c.content) for c in children):
        return False
    if kramdown:
        return not _without_html(content, children).strip()
    source, _ = _without_kramdown_suffix(_without_html(content, children))
    if any(ch in source for ch in "\\&`"):
        return False
    return not source.translate({ord(ch): None for ch in _MARKERS}).strip()


# -- what stands before a heading ---------------------------------------------

_SILENT_LIQUID_TAGS = frozenset({"assign", "comment", "endcomment", "raw", "endraw"})


def nothing_before(post: Post, heading: Heading) -> bool:
    """True when no content stands before ``heading`` in the body: only blank lines,
    HTML comments, Liquid comments and ``assign`` tags, and kramdown comments
    (markdownlint's MD025 "first heading" test, with Jekyll's Liquid and kramdown
    rendered first). A heading inside a block quote or list never is first."""
    if not heading.top_level:
        return False
    silent: list[tuple[int, int]] = []
    doc = post.kramdown
    if doc is not None:
        for block in doc.blocks:
            if block.start >= heading.start:
                break
            if block.type == "xml_comment":
                silent.append((block.start, block.end))
    else:
        for tok in post.tokens:
            if tok.map is None or tok.map[0] >= heading.line - 1:
                break
            if tok.type == "html_block":
                body = tok.content.strip()
                if body.startswith("<!--") and body.endswith("-->"):
                    a = post.line_offset(tok.map[0] + 1)
                    silent.append((a, post.line_offset(tok.map[1] + 1)))
    opened: int | None = None
    for tag in post.liquid_tags:
        if tag.start >= heading.start:
            break
        if tag.name == "comment" and opened is None:
            opened = tag.start
        elif tag.name == "endcomment" and opened is not None:
            silent.append((opened, tag.end))
            opened = None
        elif opened is None and not tag.is_output and tag.name in _SILENT_LIQUID_TAGS:
            silent.append((tag.start, tag.end))
    if opened is not None:
        silent.append((opened, heading.start))
    if "{::comment" in post.text:
        silent.extend(
            m.span()
            for m in _KRAMDOWN_OPAQUE_RE.finditer(post.text, post.body_start, heading.start)
            if m.group("name") == "comment"
        )
    pos = post.body_start
    for a, b in sorted(silent):
        if a > pos and post.text[pos:a].strip():
            return False
        pos = max(pos, b)
    return not post.text[pos : heading.start].strip()


# -- the front-matter title -----------------------------------------------------


def has_title(post: Post, key: str) -> bool:
    """True when the layout has a title to print as the page's ``<h1>``: ``key`` is a
    top-level key of the front matter (any value; for a post whose ``title`` is
    empty Jekyll uses the file name's slug) or is set by a ``defaults`` entry of the
    site's ``_config.yml``. An empty ``key`` turns this off. When the front matter
    does not load, a line ``key:`` counts, as markdownlint's ``front_matter_title``
    pattern does."""
    fm = post.front_matter
    if not key or fm is None or not fm.closed:
        return False
    if fm.data is not None:
        if key in fm.data:
            return True
    else:
        yaml_text = post.text[fm.content_start : fm.content_end]
        if re.search(rf"^[\"']?{re.escape(key)}[\"']?[ \t]*:", yaml_text, re.MULTILINE):
            return True
    if post.site is not None and post.file is not None:
        return key in post.site.defaults_for(post.file)
    return False


@dataclass(frozen=True, slots=True)
class TitleOptions:
    """The option of the rules that count the post's title as its first heading."""

    #: the front-matter key the layout prints as the page's <h1> ("" to ignore it)
    front_matter_title: str = "title"


def title_level(post: Post, key: str) -> int:
    """The level of the heading the layout prints the post's title as (0: none).

    The layouts the post renders through are read (see
    :func:`ampcheck.document.layouts.title_level`): ``<h2>{{ page.title }}</h2>`` makes it 2, a
    layout chain that prints the title in no heading makes it 0. When the layouts
    cannot be read (no site, a theme gem's layout), a post with a title (see
    :func:`has_title`) is taken to show it as ``<h1>``, as markdownlint does."""
    from ampcheck.document import layouts

    if not has_title(post, key):
        return 0
    level = layouts.title_level(post, key)
    return 1 if level == layouts.UNKNOWN else level
