"""One post: its bytes, text, front matter, Markdown tokens and HTML elements.

Everything is computed lazily and at most once, so a rule that reads only the front
matter never pays for the Markdown parse. Positions are character offsets into
:attr:`Post.text`, which is the file's bytes decoded as UTF-8 with undecodable
bytes kept as lone surrogates (``surrogateescape``): encoding the text back gives
the original bytes exactly, so an edit never changes a byte it does not touch.
A UTF-8 byte order mark stays in the text as character 0 and is not counted in
column numbers.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import yaml
from markdown_it.common import html_re

from ampcheck.document.safeyaml import alias_problem, checked_timestamp, loader_class

if TYPE_CHECKING:
    from markdown_it.token import Token

    from ampcheck.document.kramdown import Document as KramdownDocument
    from ampcheck.document.site import Site

BOM = "\ufeff"
T = TypeVar("T")
# Byte order marks, the longer first: UTF-32's little-endian mark begins with UTF-16's
# (read as UTF-16, the file would start with U+0000, which is no text).
_BYTE_ORDER_MARKS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def bom_encoding(data: bytes) -> str | None:
    """``"utf-32"`` or ``"utf-16"`` when ``data`` starts with a byte order mark of
    that encoding, else ``None``."""
    for mark, encoding in _BYTE_ORDER_MARKS:
        if data.startswith(mark):
            return encoding
    return None


# Jekyll: a file has front matter when it starts with a line of three dashes; the block
# ends at the next line of three dashes or three dots (jekyll/document.rb,
# YAML_FRONT_MATTER_REGEXP). Trailing blanks are allowed on both delimiter lines.
_FM_OPEN_RE = re.compile(r"---[ \t]*(\r?\n)")
_FM_CLOSE_RE = re.compile(r"^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.MULTILINE)

# HTML tag grammar of CommonMark 0.31, section 6.6 (as markdown-it-py spells it), with
# groups so that every attribute gets its own span: a start tag (name, attrs, slash),
# an end tag (close), or the ``<!``/``<?`` that may start a comment, declaration,
# CDATA section or processing instruction.
_TAG_RE = re.compile(
    r"<(?:(?P<name>[A-Za-z][A-Za-z0-9\-]*)(?P<attrs>"
    + html_re.attribute
    + r"*)\s*(?P<slash>/?)>|/(?P<close>[A-Za-z][A-Za-z0-9\-]*)\s*>|[!?])"
)
_ATTR_RE = re.compile(
    r"\s\s*(" + html_re.attr_name + r")(?:\s*=\s*(" + html_re.attr_value + r"))?"
)  # groups: the name, the value
_SURROGATES_RE = re.compile("[\udc80-\udcff]")
_LONE_CR_RE = re.compile("\r(?!\n)")
_OTHER_MARKUP_RE = re.compile(
    "(?:" + html_re.processing + "|" + html_re.declaration + "|" + html_re.cdata + ")"
)

# Elements whose content is raw text in HTML (WHATWG HTML, 13.1.2): no tags inside.
RAW_TEXT_ELEMENTS = frozenset({"script", "style", "textarea", "title"})
# WHATWG HTML, 13.1.2 "void elements": never have an end tag or children.
VOID_ELEMENTS = frozenset(
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input",
        "link", "meta", "param", "source", "track", "wbr",
    }
)  # fmt: skip

# Liquid (Shopify Liquid and Jekyll): tags {% %} and output {{ }}, with whitespace control.
_LIQUID_RE = re.compile(
    r"\{%-?\s*(?P<tag>[A-Za-z_][\w]*)?(?P<markup>.*?)-?%\}|\{\{-?(?P<output>.*?)-?\}\}", re.DOTALL
)
_LIQUID_OPEN_RE = re.compile(r"\{[%{]")
# Blocks whose content is not Markdown/HTML for a linter: comments and code.
_LIQUID_OPAQUE = {"comment": "endcomment", "highlight": "endhighlight"}
# kramdown inline attribute lists and extensions: {: .class #id key="v"}, {::options ... /}
_KRAMDOWN_RE = re.compile(r"\{:(?!:)[^}\n]*\}|\{::[a-z]+[^}\n]*/?\}")


class YamlProblem(NamedTuple):
    """Why the front matter did not load, and where (offset into ``Post.text``)."""

    message: str
    offset: int


class KeySpan(NamedTuple):
    """Where a top-level front-matter key and its value stand."""

    key: str
    start: int
    end: int
    value_start: int
    value_end: int


@dataclass(slots=True)
class FrontMatter:
    """The YAML block between the ``---`` lines.

    ``start``: the first ``-`` of the opening line; ``content_start``/``content_end``:
    the YAML text; ``end``: just after the closing line (where the body starts).
    ``data`` is the loaded mapping, or ``None`` with ``problem`` saying why.
    ``keys`` holds the text keys (the occurrence that counts); ``duplicates`` the
    earlier occurrences of any repeated scalar key, also of keys that load as
    numbers, booleans or null (``1:``, ``yes:``, ``?``), which ``keys`` does not hold.
    """

    start: int
    content_start: int
    content_end: int
    end: int
    closed: bool
    data: dict[str, Any] | None = None
    problem: YamlProblem | None = None
    keys: dict[str, KeySpan] = field(default_factory=dict)
    duplicates: list[KeySpan] = field(default_factory=list)


class Attribute(NamedTuple):
    """One attribute of a start tag.

    ``value`` is entity-decoded (``None`` when the attribute has no ``=``);
    ``value_start``/``value_end`` span the raw value without its quotes.
    (A named tuple: posts hold tens of thousands, and it is the quickest to make.)
    """

    name: str
    raw_name: str
    value: str | None
    raw_value: str | None
    start: int
    end: int
    value_start: int
    value_end: int


@dataclass(eq=False, slots=True)
class Element:
    """An HTML element found in the post, wherever it stands.

    ``start``..``tag_end`` is the start tag; ``close_start``..``end`` the end tag
    when there is one (else ``end == tag_end`` for void and self-closed elements, or
    the end of the text for an element never closed).
    """

    name: str
    start: int
    tag_end: int
    #: the raw attribute text of the start tag and its offset (parsed on first use)
    raw_attributes: str
    attributes_at: int
    self_closing: bool
    parent: Element | None
    children: list[Element] = field(default_factory=list)
    close_start: int | None = None
    end: int = -1
    closed: bool = False
    _attributes: tuple[Attribute, ...] | None = field(default=None, repr=False)
    #: the first attribute of each name (parsed with the attributes)
    _by_name: dict[str, Attribute] | None = field(default=None, repr=False)
    _lower: str | None = field(default=None, repr=False)
    _memo: dict[str, Any] | None = field(default=None, repr=False)

    def memo(self, key: str, compute: Callable[[Element], T]) -> T:
        """An analysis of this element several rules share, computed once
        (``compute(element)``), like :meth:`Post.memo`."""
        memo = self._memo
        if memo is None:
            memo = self._memo = {}
        elif key in memo:
            return memo[key]  # type: ignore[no-any-return]
        value = memo[key] = compute(self)
        return value

    @property
    def attributes(self) -> tuple[Attribute, ...]:
        if self._attributes is None:
            self._parse_attributes()
        return self._attributes  # type: ignore[return-value]

    def _parse_attributes(self) -> None:
        attrs = _attributes(self.raw_attributes, self.attributes_at)
        by_name: dict[str, Attribute] = {}
        for attr in attrs:
            by_name.setdefault(attr.name, attr)
        self._attributes, self._by_name = attrs, by_name

    @property
    def lowered_attributes(self) -> str:
        """The raw attribute text in lower case: a quick test for what may be there."""
        lower = self._lower
        if lower is None:
            lower = self._lower = self.raw_attributes.lower()
        return lower

    def get(self, name: str) -> Attribute | None:
        """The first attribute called ``name`` (in any case), as browsers read it."""
        by_name = self._by_name
        if by_name is None:
            if name.lower() not in self.lowered_attributes:
                return None  # not there: no need to parse the attributes
            self._parse_attributes()
            by_name = self._by_name
            assert by_name is not None
        attr = by_name.get(name)
        if attr is None and not name.islower():
            attr = by_name.get(name.lower())
        return attr

    def has(self, name: str) -> bool:
        return self.get(name) is not None

    def iter(self) -> Iterator[Element]:
        """This element and all its descendants, in document order."""
        stack = [self]
        while stack:
            el = stack.pop()
            yield el
            stack.extend(reversed(el.children))

    @property
    def content_end(self) -> int:
        return self.close_start if self.close_start is not None else self.end


class Comment(NamedTuple):
    start: int
    end: int
    content: str


class LiquidTag(NamedTuple):
    """A Liquid tag (``{% name markup %}``) or output (``{{ markup }}``)."""

    start: int
    end: int
    name: str | None
    markup: str
    is_output: bool


@dataclass(slots=True)
class HtmlDocument:
    """The HTML of a post: top-level elements, all elements in order, comments."""

    roots: list[Element]
    elements: list[Element]
    comments: list[Comment]
    stray_end_tags: list[tuple[str, int, int]]
    _by_name: dict[str, list[Element]] | None = field(default=None, repr=False)

    def find_all(self, name: str) -> Iterator[Element]:
        """The elements called ``name`` (in any case), in document order."""
        by_name = self._by_name
        if by_name is None:
            by_name = self._by_name = {}
            for el in self.elements:
                found = by_name.get(el.name)
                if found is None:
                    by_name[el.name] = [el]
                else:
                    found.append(el)
        return iter(by_name.get(name.lower(), ()))


class Post:
    """A post read from disk (or given as bytes) with lazily computed views."""

    def __init__(
        self, path: str, data: bytes, site: Site | None = None, file: Path | None = None
    ) -> None:
        #: the path as shown in diagnostics
        self.path = path
        self.data = data
        #: the Jekyll site the post belongs to, when one was found
        self.site = site
        #: the file on disk (``None`` for standard input)
        self.file = file

    def memo(self, key: str, compute: Callable[[Post], T]) -> T:
        """An analysis several rules share, computed once per post (``compute(post)``)."""
        cache: dict[str, Any] = self.__dict__.setdefault("_memo", {})
        if key not in cache:
            cache[key] = compute(self)
        return cache[key]  # type: ignore[no-any-return]

    @classmethod
    def from_text(
        cls, path: str, text: str, site: Site | None = None, file: Path | None = None
    ) -> Post:
        return cls(path, text.encode("utf-8", "surrogateescape"), site, file)

    def with_text(self, text: str) -> Post:
        """A new post for the same file with other text (used between fix passes)."""
        return Post.from_text(self.path, text, self.site, self.file)

    # -- text and positions -------------------------------------------------

    @cached_property
    def text(self) -> str:
        return self.data.decode("utf-8", "surrogateescape")

    @cached_property
    def has_bom(self) -> bool:
        return self.text.startswith(BOM)

    @cached_property
    def first_undecodable(self) -> int | None:
        """Byte offset of the first byte that is not valid UTF-8, or ``None``."""
        try:
            self.data.decode("utf-8")
        except UnicodeDecodeError as exc:
            return exc.start
        return None

    @cached_property
    def newline(self) -> str:
        """The file's line ending: ``"\\r\\n"`` when most lines end so, else ``"\\n"``."""
        crlf = self.text.count("\r\n")
        return "\r\n" if crlf and crlf * 2 >= self.text.count("\n") else "\n"

    @cached_property
    def line_starts(self) -> list[int]:
        starts = [0]
        find = self.text.find
        pos = find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        return starts

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset; the BOM takes no column."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.line_starts, offset) - 1
        col = offset - self.line_starts[line] + 1
        if line == 0 and self.has_bom and offset > 0:
            col -= 1
        return line + 1, col

    def line_offset(self, line: int) -> int:
        """Offset of the first character of a 1-based line (clamped to the text)."""
        if line < 1:
            return 0
        if line > len(self.line_starts):
            return len(self.text)
        start = self.line_starts[line - 1]
        if line == 1 and self.has_bom:
            start += 1
        return start

    def line_end(self, line: int) -> int:
        """Offset of the end of a 1-based line, before its line ending."""
        end = len(self.text) if line >= len(self.line_starts) else self.line_starts[line] - 1
        if end > 0 and self.text[end - 1] == "\r":
            end -= 1
        return max(end, self.line_offset(line))

    # -- front matter -------------------------------------------------------

    @cached_property
    def front_matter(self) -> FrontMatter | None:
        text = self.text
        start = 1 if self.has_bom else 0
        opening = _FM_OPEN_RE.match(text, start)
        if opening is None:
            return None
        content_start = opening.end()
        closing = _FM_CLOSE_RE.search(text, content_start)
        if closing is None:
            return FrontMatter(start, content_start, len(text), len(text), closed=False)
        fm = FrontMatter(start, content_start, closing.start(), closing.end(), closed=True)
        _load_yaml(fm, text)
        return fm

    @cached_property
    def body_start(self) -> int:
        fm = self.front_matter
        if fm is not None and fm.closed:
            return fm.end
        return 1 if self.has_bom else 0

    @cached_property
    def body_first_line(self) -> int:
        return self.position(self.body_start)[0]

    @property
    def meta(self) -> Mapping[str, Any]:
        """The front-matter mapping ({} when absent or invalid)."""
        fm = self.front_matter
        return fm.data if fm is not None and fm.data is not None else {}

    # -- Markdown -----------------------------------------------------------

    @cached_property
    def tokens(self) -> list[Token]:
        """markdown-it-py block tokens of the body; ``token.map`` lines are 0-based file
        lines. Inline tokens come from :meth:`inline_children`."""
        from ampcheck.document.markdown import parse

        first = self.body_first_line - 1
        body = self.text[self.body_start :]
        if "\r" in body:
            # markdown-it reads a lone CR as a line break; Post (like Git) counts lines
            # at LF only: a space keeps both on the same lines and offsets
            body = _LONE_CR_RE.sub(" ", body)
        tokens = parse(body)
        if first:
            for tok in tokens:
                if tok.map is not None:
                    tok.map = [tok.map[0] + first, tok.map[1] + first]
        return tokens

    def inline_children(self, token: Token) -> list[Token]:
        """The inline tokens of a block's ``inline`` token, parsed on first request."""
        cache: dict[int, list[Token]] = self.__dict__.setdefault("_inline", {})
        key = id(token)
        if key not in cache:
            from ampcheck.document.markdown import parse_inline

            cache[key] = parse_inline(token.content)
        return cache[key]

    @cached_property
    def renderer(self) -> str:
        """The Markdown converter the post's site renders it with: ``"kramdown"``
        (Jekyll's default) or ``"commonmark"`` (``markdown: CommonMark`` or
        ``CommonMarkGhPages``, the jekyll-commonmark plugins)."""
        config = self.site.config if self.site is not None else {}
        name = config.get("markdown", "kramdown")
        if isinstance(name, str) and name.lower().startswith("commonmark"):
            return "commonmark"
        return "kramdown"

    @cached_property
    def kramdown(self) -> KramdownDocument | None:
        """The body's blocks as kramdown reads them, with the site's ``kramdown:``
        options, after Liquid (``None`` for a site rendered with CommonMark)."""
        if self.renderer != "kramdown":
            return None
        from ampcheck.document import kramdown

        text = self.text
        if "\r" in text:
            # kramdown reads CR LF and CR as line breaks; Post counts lines at LF
            # only: a blank in place of each CR keeps lines and offsets
            text = text.replace("\r", " ")
        start = self.body_start
        text = kramdown.liquid_neutral(text, self.liquid_tags)
        config = self.site.config if self.site is not None else {}
        return kramdown.parse(text[start:], kramdown.site_options(config), base=start)

    @cached_property
    def block_signatures(self) -> list[tuple[tuple[object, ...], int, int]]:
        """Every block of the body as (what it is, first line, line after it), lines
        0-based: the fixer compares them before and after an edit."""
        found: list[tuple[tuple[object, ...], int, int]] = []
        doc = self.kramdown
        if doc is not None:
            for b in doc.blocks:
                first = self.position(b.start)[0] - 1
                last = self.position(max(b.start, b.end - 1))[0]
                found.append(((b.type, b.level, b.markup, b.info, b.depth), first, last))
            return found
        for tok in self.tokens:
            if tok.block and tok.map is not None:
                sig = (tok.type, tok.tag, tok.markup, tok.info)
                found.append((sig, tok.map[0], tok.map[1]))
        return found

    @cached_property
    def code_regions(self) -> list[tuple[int, int]]:
        """Sorted, disjoint spans that are code (fences, indented code, code spans,
        math blocks, Liquid ``highlight`` and ``comment`` blocks): no HTML or Markdown
        in them."""
        doc = self.kramdown
        if doc is not None:
            return self._kramdown_code_regions(doc)
        regions: list[tuple[int, int]] = []
        for tok in self.tokens:
            if tok.map is None:
                continue
            if tok.type in ("fence", "code_block"):
                regions.append((self.line_offset(tok.map[0] + 1), self.line_offset(tok.map[1] + 1)))
            elif tok.type == "inline" and "`" in tok.content:
                a = self.line_offset(tok.map[0] + 1)
                b = self.line_offset(tok.map[1] + 1)
                regions.extend(_code_spans(self.text, a, b))
        regions.extend(self.liquid_opaque_regions)
        return _merge(regions)

    def _kramdown_code_regions(self, doc: KramdownDocument) -> list[tuple[int, int]]:
        regions = [(b.start, b.end) for b in doc.blocks if b.type in ("codeblock", "math")]
        text = self.text
        for a, b in doc.span_text:
            if "`" in text[a:b]:
                regions.extend(_code_spans(text, a, b))
        regions.extend(self.liquid_opaque_regions)
        return _merge(regions)

    @cached_property
    def span_text(self) -> list[tuple[int, int]]:
        """Sorted spans of the body that the converter reads as inline text
        (paragraphs, headers, table rows); empty for CommonMark sites."""
        doc = self.kramdown
        return sorted(doc.span_text) if doc is not None else []

    def in_code(self, offset: int) -> bool:
        regions = self.code_regions
        i = bisect.bisect_right(regions, (offset, len(self.text) + 1)) - 1
        return i >= 0 and regions[i][0] <= offset < regions[i][1]

    # -- Liquid and kramdown ------------------------------------------------

    @cached_property
    def _liquid(self) -> tuple[list[LiquidTag], list[tuple[int, int]]]:
        tags: list[LiquidTag] = []
        opaque: list[tuple[int, int]] = []
        text = self.text
        pos = self.body_start
        closing: str | None = None  # inside raw/comment/highlight until this tag
        opaque_start = 0
        if "{" not in text:
            return tags, opaque
        for m in _liquid_matches(text, pos):
            name = m.group("tag")
            if closing is not None:
                if name == closing:
                    if closing != "endraw":
                        opaque.append((opaque_start, m.start()))
                    closing = None
                    tags.append(LiquidTag(m.start(), m.end(), name, "", False))
                continue
            if m.group("output") is not None:
                tags.append(LiquidTag(m.start(), m.end(), None, m.group("output").strip(), True))
                continue
            markup = (m.group("markup") or "").strip()
            tags.append(LiquidTag(m.start(), m.end(), name, markup, False))
            if name == "raw":
                closing = "endraw"
            elif name in _LIQUID_OPAQUE:
                closing = _LIQUID_OPAQUE[name]
                opaque_start = m.end()
        if closing is not None and closing != "endraw":
            opaque.append((opaque_start, len(text)))
        return tags, opaque

    @property
    def liquid_tags(self) -> list[LiquidTag]:
        return self._liquid[0]

    @property
    def liquid_opaque_regions(self) -> list[tuple[int, int]]:
        return self._liquid[1]

    @cached_property
    def kramdown_attribute_lists(self) -> list[tuple[int, int]]:
        return [m.span() for m in _kramdown_matches(self.text, self.body_start)]

    # -- HTML ---------------------------------------------------------------

    @cached_property
    def html(self) -> HtmlDocument:
        return _scan_html(self)


_KINDS = {list: "a list", str: "a string", int: "a number", float: "a number", bool: "a boolean"}


@lru_cache(maxsize=1)
def _loader_class() -> Any:
    """PyYAML's safe loader (the C one when PyYAML has it), remembering the node it
    is building so that an error there has a place, and reading an impossible
    timestamp (``2018-02-30``, ``!!timestamp x``) as text, as Jekyll's YAML reader does."""
    base: Any = loader_class()

    class Loader(base):  # type: ignore[misc]
        building: Any = None

        def construct_object(self, node: Any, deep: bool = False) -> Any:
            self.building = node
            return super().construct_object(node, deep)

    def timestamp(loader: Any, node: Any) -> Any:
        try:
            return checked_timestamp(loader, node)
        except (ValueError, yaml.constructor.ConstructorError):
            return loader.construct_scalar(node)

    Loader.add_constructor("tag:yaml.org,2002:timestamp", timestamp)
    return Loader


def _load_yaml(fm: FrontMatter, text: str) -> None:
    """Load the front matter with PyYAML's safe loader, keeping key positions."""
    # undecodable bytes (lone surrogates) read as U+FFFD: one character each, so
    # positions stay put, and the YAML still loads
    source = _SURROGATES_RE.sub("\ufffd", text[fm.content_start : fm.content_end])
    loader_cls = _loader_class()
    starts: list[int] | None = None

    def offset(mark: Any) -> int:
        nonlocal starts
        if starts is None:
            starts = [0] + [m.end() for m in re.finditer("\n", source)]
        line = min(int(mark.line), len(starts) - 1)
        return fm.content_start + min(starts[line] + int(mark.column), len(source))

    loader: Any = None
    try:
        loader = loader_cls(source)
        node = loader.get_single_node()
        if node is not None and "*" in source:  # an alias is written *name
            too_big = alias_problem(node)
            if too_big is not None:
                fm.problem = YamlProblem(too_big, fm.content_start)
                return
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        fm.problem = _marked_problem(exc, text, offset, fm.content_start)
        return
    except (yaml.YAMLError, RecursionError, ValueError, TypeError) as exc:
        # raised while building a value: point at the value being built
        node_at = getattr(loader, "building", None)
        where = offset(node_at.start_mark) if node_at is not None else fm.content_start
        fm.problem = YamlProblem(f"invalid YAML: {exc}", where)
        return
    finally:
        if loader is not None:
            loader.dispose()
    if data is None:
        data = {}
    if not isinstance(data, dict):
        kind = _KINDS.get(type(data), "a single value")
        fm.problem = YamlProblem(f"the front matter is {kind}, not a mapping", fm.content_start)
        return
    fm.data = data
    if isinstance(node, yaml.MappingNode):
        _record_keys(fm, node, loader_cls, offset)


def _marked_problem(
    exc: yaml.MarkedYAMLError, text: str, offset: Callable[[Any], int], start: int
) -> YamlProblem:
    """A YAML error with a place: where the problem is (an unclosed quote or bracket:
    where it opens), and the line its context starts on."""
    mark = exc.problem_mark or exc.context_mark
    if "end of stream" in str(exc.problem) and exc.context_mark is not None:
        mark = exc.context_mark
    where = offset(mark) if mark is not None else start
    problem = str(exc.problem or "invalid YAML")
    if exc.context:
        problem = f"{problem} ({exc.context}"
        ctx = exc.context_mark
        if ctx is not None and ctx is not mark:
            line = text.count("\n", 0, offset(ctx)) + 1
            problem += f" that starts on line {line}"
        problem += ")"
    return YamlProblem(problem, where)


def _record_keys(
    fm: FrontMatter, node: yaml.MappingNode, loader_cls: Any, offset: Callable[[Any], int]
) -> None:
    """The place of each top-level key (``keys``) and of the keys repeated before it
    (``duplicates``)."""
    # YAML keeps the last value of a repeated key: ``keys`` holds the occurrence
    # that counts, ``duplicates`` the earlier ones it overrides.
    # Keys compare as YAML loads them: `yes` and `true` are one key, `1` and '1' two,
    # and so are `1` and `true` (equal in Python, two keys to YAML and to Ruby).
    constructor = loader_cls("")
    seen: dict[tuple[type, Any], KeySpan] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            continue
        try:
            key = constructor.construct_object(key_node)
            hash(key)
        except (yaml.YAMLError, TypeError, ValueError):
            continue
        span = KeySpan(
            key if isinstance(key, str) else key_node.value,
            offset(key_node.start_mark),
            offset(key_node.end_mark),
            offset(value_node.start_mark),
            offset(value_node.end_mark),
        )
        earlier = seen.get((type(key), key))
        if earlier is not None:
            fm.duplicates.append(earlier)
        seen[type(key), key] = span
        if isinstance(key, str):
            fm.keys[key] = span


def _code_spans(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Code spans (CommonMark 6.1) between two offsets: a run of n backticks up to the
    next run of exactly n backticks; an unmatched run is literal text."""
    runs = list(re.finditer(r"`+", text[start:end]))
    i = 0
    while i < len(runs):
        opener = runs[i]
        if opener.start() > 0 and text[start + opener.start() - 1] == "\\":
            # an escaped backtick is literal
            i += 1
            continue
        n = len(opener.group())
        for j in range(i + 1, len(runs)):
            if len(runs[j].group()) == n:
                yield (start + opener.start(), start + runs[j].end())
                i = j + 1
                break
        else:
            i += 1


def _merge(regions: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for a, b in sorted(regions):
        if merged and a <= merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def _attributes(raw: str, base: int) -> tuple[Attribute, ...]:
    attrs: list[Attribute] = []
    add = attrs.append
    unescape = html.unescape
    for m in _ATTR_RE.finditer(raw):
        raw_name, raw_value = m.groups()
        start = base + m.start(1)
        end = base + m.end()
        if raw_value is None:
            add(Attribute(raw_name.lower(), raw_name, None, None, start, end, end, end))
            continue
        v_start = base + m.start(2)
        if raw_value[0] in "'\"":
            raw_value = raw_value[1:-1]
            v_start += 1
        value = unescape(raw_value) if "&" in raw_value else raw_value
        add(
            Attribute(
                raw_name.lower(),
                raw_name,
                value,
                raw_value,
                start,
                end,
                v_start,
                v_start + len(raw_value),
            )
        )
    return tuple(attrs)


def _scan_html(post: Post) -> HtmlDocument:
    """Find every HTML element, end tag and comment outside code, wherever it stands
    (HTML blocks, inline HTML in paragraphs, list items), and nest them."""
    text = post.text
    roots: list[Element] = []
    elements: list[Element] = []
    comments: list[Comment] = []
    stray: list[tuple[str, int, int]] = []
    stack: list[Element] = []
    if "<" not in text:
        return HtmlDocument(roots, elements, comments, stray)
    regions = post.code_regions
    region_i = 0
    n_regions = len(regions)
    pos = post.body_start
    n = len(text)
    closers = _Closers(text)
    search = _TAG_RE.search
    add = elements.append
    spans = post.span_text
    span_i = 0
    n_spans = len(spans)
    while True:
        m = search(text, pos)
        if m is None:
            break
        lt = m.start()
        if n_regions:
            while region_i < n_regions and regions[region_i][1] <= lt:
                region_i += 1
            if region_i < n_regions and regions[region_i][0] <= lt:
                pos = regions[region_i][1]
                continue
        name, attrs, slash, close = m.group("name", "attrs", "slash", "close")
        if n_spans:
            while span_i < n_spans and spans[span_i][1] <= lt:
                span_i += 1
            if (
                span_i < n_spans
                and spans[span_i][0] <= lt
                and _literal_in_text(text, lt, name or close)
            ):
                pos = lt + 1
                continue
        if name is not None:
            el = Element(name.lower(), lt, m.end(), attrs, m.start("attrs"), bool(slash), None)
            pos = _opened(text, el, stack, roots)
            add(el)
        elif close is not None:
            pos = m.end()
            close = close.lower()
            if stack and stack[-1].name == close:  # the usual case: closes the last opened
                el = stack.pop()
                el.close_start, el.end, el.closed = lt, pos, True
            else:
                _close(stack, stray, close, lt, pos)
        elif text.startswith("<!--", lt) and (end := _comment_end(text, lt, closers)) != -1:
            comments.append(Comment(lt, end, text[lt + 4 : end - 3] if end - lt >= 7 else ""))
            pos = end
        else:  # <! or <? (a declaration, CDATA, a processing instruction) or an unclosed <!--
            om = _other_markup(text, lt, closers)
            pos = om.end() if om is not None else lt + 1
    for unclosed in stack:
        unclosed.end = n
    return HtmlDocument(roots, elements, comments, stray)


def _opened(text: str, el: Element, stack: list[Element], roots: list[Element]) -> int:
    """Place a start tag's element in the tree: a void, self-closed or raw-text element
    is closed at once (raw text at its end tag), any other stays open on ``stack``;
    where the scan goes on."""
    parent = stack[-1] if stack else None
    el.parent = parent
    (parent.children if parent is not None else roots).append(el)
    name, pos = el.name, el.tag_end
    if el.self_closing or name in VOID_ELEMENTS:
        el.end = pos
        el.closed = True
    elif name in RAW_TEXT_ELEMENTS:
        end_tag = re.compile(r"</" + name + r"\s*>", re.IGNORECASE).search(text, pos)
        if end_tag is None:
            el.end = len(text)
        else:
            el.close_start, el.end, el.closed = end_tag.start(), end_tag.end(), True
        return el.end
    else:
        stack.append(el)
    return pos


def _literal_in_text(text: str, lt: int, name: str | None) -> bool:
    """A ``<`` in kramdown's inline text that prints as itself: escaped with a
    backslash (``\\<amp-youtube>``), or opening a block-level tag (``<iframe>s``
    in a sentence), which kramdown's inline parser leaves as text."""
    backslashes = 0
    at = lt - 1
    while at >= 0 and text[at] == "\\":
        backslashes += 1
        at -= 1
    if backslashes % 2:
        return True
    from ampcheck.document.kramdown import BLOCK_ELEMENTS

    return name is not None and name.lower() in BLOCK_ELEMENTS


class _Closers:
    """``str.find`` for the string that closes a construct (``-->``, ``%}``), which
    remembers where none is left: many unclosed openers then cost linear time, where a
    regex with ``.*?`` would scan to the end of the text from each (quadratic)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._none_from: dict[str, int] = {}
        # the last search of each closer: (from, found); searches from further on
        # that still come before ``found`` find it again without scanning
        self._last: dict[str, tuple[int, int]] = {}

    def find(self, closer: str, start: int) -> int:
        none_from = self._none_from.get(closer)
        if none_from is not None and start >= none_from:
            return -1
        last = self._last.get(closer)
        if last is not None and last[0] <= start <= last[1]:
            return last[1]
        found = self.text.find(closer, start)
        if found == -1:
            self._none_from[closer] = start
        else:
            self._last[closer] = (start, found)
        return found


def _comment_end(text: str, lt: int, closers: _Closers) -> int:
    """Where the comment opened by ``<!--`` at ``lt`` ends, or -1 when it is not
    closed: HTML and CommonMark 0.31 (section 6.6) end it at the first ``-->``, with
    ``<!-->`` and ``<!--->`` as empty comments. (CommonMark 0.30's regex read
    ``<!-- a ---> b -->`` as one comment, and took quadratic time on many ``--->``.)"""
    if text.startswith("<!-->", lt):
        return lt + 5
    if text.startswith("<!--->", lt):
        return lt + 6
    close = closers.find("-->", lt + 4)
    return close + 3 if close != -1 else -1


def _liquid_matches(text: str, pos: int) -> Iterator[re.Match[str]]:
    """What ``_LIQUID_RE.finditer(text, pos)`` finds, in linear time: each match is
    searched for only up to the first closer after its opener (where the lazy regex
    ends anyway)."""
    closers = _Closers(text)
    while True:
        opener = _LIQUID_OPEN_RE.search(text, pos)
        if opener is None:
            return
        start = opener.start()
        closer = "%}" if opener.group() == "{%" else "}}"
        end = closers.find(closer, start + 2)
        m = _LIQUID_RE.match(text, start, end + 2) if end != -1 else None
        if m is None:
            pos = start + 1
            continue
        yield m
        pos = m.end()


def _kramdown_matches(text: str, pos: int) -> Iterator[re.Match[str]]:
    """What ``_KRAMDOWN_RE.finditer(text, pos)`` finds, in linear time: a list ends
    at the first ``}``, and only if no line ends before it."""
    closers = _Closers(text)
    while True:
        start = text.find("{:", pos)
        if start == -1:
            return
        close = closers.find("}", start + 2)
        if close == -1:
            return
        newline = closers.find("\n", start)
        m = _KRAMDOWN_RE.match(text, start, close + 1) if not -1 < newline < close else None
        if m is None:
            pos = start + 1
            continue
        yield m
        pos = m.end()


def _other_markup(text: str, lt: int, closers: _Closers) -> re.Match[str] | None:
    """A processing instruction, declaration or CDATA section at ``lt``, matched only
    up to the first string that can close it (see :class:`_Closers`)."""
    if text.startswith("<?", lt):
        closer, start = "?>", lt + 2
    elif text.startswith("<![CDATA[", lt):
        closer, start = "]]>", lt + 9
    elif text[lt + 2 : lt + 3].isascii() and text[lt + 2 : lt + 3].isalpha():
        closer, start = ">", lt + 2  # a declaration: <!DOCTYPE ...>
    else:
        return None  # nothing can start here: do not look for a closer
    end = closers.find(closer, start)
    if end == -1:
        return None
    return _OTHER_MARKUP_RE.match(text, lt, end + len(closer))


def _close(
    stack: list[Element], stray: list[tuple[str, int, int]], name: str, start: int, end: int
) -> None:
    """An end tag closes the innermost open element of its name (and any left open
    inside it); with no such element it is a stray end tag."""
    for depth in range(len(stack) - 1, -1, -1):
        if stack[depth].name == name:
            for unclosed in stack[depth + 1 :]:
                unclosed.end = start
            el = stack[depth]
            el.close_start, el.end, el.closed = start, end, True
            del stack[depth:]
            return
    stray.append((name, start, end))
