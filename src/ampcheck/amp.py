"""AMP components: the declarative table in ``data/amp_components.toml``, AMP layouts and
sizes, and whether a post is an AMP post at all.

The layout logic follows the AMP validator (``validator/js/engine/validator.js`` of
ampproject/amphtml: ``CalculateWidth``, ``CalculateHeight``, ``CalculateLayout`` and
``ValidateLayout``) and the AMP layout specification (``docs/spec/amp-html-layout.md``).
"""

from __future__ import annotations

import enum
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from ampcheck.config import read_toml
from ampcheck.model import Violation
from ampcheck.post import Attribute, Element, Post
from ampcheck.rule import Rule

if TYPE_CHECKING:
    from ampcheck.config import Site

TABLE_FILE = "amp_components.toml"


class Layout(enum.Enum):
    """The AMP layouts (AMP layout specification, "layout" attribute)."""

    NODISPLAY = "nodisplay"
    FIXED = "fixed"
    FIXED_HEIGHT = "fixed-height"
    RESPONSIVE = "responsive"
    CONTAINER = "container"
    FILL = "fill"
    FLEX_ITEM = "flex-item"
    FLUID = "fluid"
    INTRINSIC = "intrinsic"


class AttributeSpec(NamedTuple):
    """What the table says about one attribute of a component."""

    name: str
    mandatory: bool = False
    pattern: re.Pattern[str] | None = None
    values: tuple[str, ...] | None = None
    case_insensitive: bool = False
    empty: bool = False
    url: tuple[str, ...] | None = None
    relative: bool = True
    requires: tuple[str, ...] = ()

    def value_problem(self, value: str | None) -> str | None:
        """Why ``value`` is not allowed for this attribute, or ``None``."""
        if self.empty:
            if value:
                return "takes no value"
            return None
        text = value or ""
        folded = text.lower() if self.case_insensitive else text
        if self.values is not None:
            allowed = [v.lower() if self.case_insensitive else v for v in self.values]
            if folded not in allowed:
                shown = ", ".join(repr(v) for v in self.values)
                return f"must be one of {shown}"
        if self.pattern is not None and self.pattern.fullmatch(text) is None:
            return f"must match {self.pattern.pattern}"
        if self.url is not None:
            return _url_problem(text, self.url, self.relative)
        return None


class Group(NamedTuple):
    """Attributes of which exactly one (``one-of``) or at least one (``any-of``) must be
    present; ``rule`` is the code of the rule that reports it instead of AMP003."""

    attributes: tuple[str, ...]
    rule: str | None = None


class Component(NamedTuple):
    """One AMP component of the table."""

    name: str
    layouts: frozenset[Layout]
    attributes: Mapping[str, AttributeSpec]
    one_of: tuple[Group, ...] = ()
    any_of: tuple[Group, ...] = ()
    default_width: bool = False
    default_height: bool = False
    extension: str | None = None
    spec: str | None = None


class HtmlElementRule(NamedTuple):
    """Raw HTML that AMP forbids in the body: where it may stand, what to use instead."""

    name: str
    use: str
    allowed_in: tuple[str, ...] = ()
    extension: str | None = None


class ComponentTable(NamedTuple):
    components: Mapping[str, Component]
    global_attributes: frozenset[str]
    global_values: Mapping[str, AttributeSpec]
    prefixes: tuple[str, ...]
    layout_attributes: frozenset[str]
    html: Mapping[str, HtmlElementRule]

    def allows(self, component: Component, name: str) -> bool:
        """Whether ``name`` is an attribute ``component`` accepts."""
        return (
            name in component.attributes
            or name in self.global_attributes
            or name in self.layout_attributes
            or name.startswith(self.prefixes)
        )

    def spec_for(self, component: Component, name: str) -> AttributeSpec | None:
        return component.attributes.get(name) or self.global_values.get(name)


class TableError(ValueError):
    """The component table is malformed (a bug in the data file)."""


@lru_cache(maxsize=1)
def table() -> ComponentTable:
    """The component table shipped in ``ampcheck/data`` (loaded once)."""
    # the module's loader reads the file beside it, from a folder or a zip alike
    # (importlib.resources.files would import zipfile and tempfile for the same)
    data = __spec__.loader.get_data(  # type: ignore[union-attr]
        os.path.join(os.path.dirname(__file__), "data", TABLE_FILE)
    )
    return parse_table(read_toml(data))


def component(name: str) -> Component | None:
    return table().components.get(name.lower())


# -- loading -----------------------------------------------------------------------------

_COMPONENT_KEYS = {
    "extension", "spec", "layouts", "default-width", "default-height", "include",
    "one-of", "any-of", "attributes",
}  # fmt: skip
_LIST_KEYS = {"attributes", "one-of", "any-of"}
_ATTRIBUTE_KEYS = {
    "mandatory", "pattern", "values", "case-insensitive", "empty", "url", "relative",
    "requires",
}  # fmt: skip


def parse_table(data: Mapping[str, Any]) -> ComponentTable:
    """Build the table from the TOML data, rejecting unknown keys and values."""
    if data.get("format") != 1:
        raise TableError("unsupported table format (expected format = 1)")
    glob = _table(data, "global", "")
    lists = {
        name: _check_keys(_table(data["lists"], name, "lists"), _LIST_KEYS, f"lists.{name}")
        for name in data.get("lists", {})
    }
    components: dict[str, Component] = {}
    for name, raw in _table(data, "components", "").items():
        where = f"components.{name}"
        if not name.startswith("amp-") or name != name.lower():
            raise TableError(f"{where}: a component name is 'amp-' and lower case")
        _check_keys(raw, _COMPONENT_KEYS, where)
        parts: list[Mapping[str, Any]] = []
        for included in raw.get("include", []):
            if included not in lists:
                raise TableError(f"{where}: unknown attribute list {included!r}")
            parts.append(lists[included])
        parts.append(raw)
        attributes: dict[str, AttributeSpec] = {}
        one_of: list[Group] = []
        any_of: list[Group] = []
        for part in parts:
            for attr, spec in part.get("attributes", {}).items():
                attributes[attr] = _attribute(attr, spec, f"{where}.attributes.{attr}")
            one_of.extend(_group(g, f"{where}.one-of") for g in part.get("one-of", []))
            any_of.extend(_group(g, f"{where}.any-of") for g in part.get("any-of", []))
        try:
            layouts = frozenset(Layout(v) for v in raw.get("layouts", []))
        except ValueError as exc:
            raise TableError(f"{where}.layouts: {exc}") from None
        for group in (*one_of, *any_of):
            for attr in group.attributes:
                if attr not in attributes:
                    raise TableError(f"{where}: group attribute {attr!r} is not listed")
        components[name] = Component(
            name=name,
            layouts=layouts,
            attributes=attributes,
            one_of=tuple(one_of),
            any_of=tuple(any_of),
            default_width=bool(raw.get("default-width", False)),
            default_height=bool(raw.get("default-height", False)),
            extension=raw.get("extension"),
            spec=raw.get("spec"),
        )
    html = {
        name: HtmlElementRule(
            name=name,
            use=str(raw["use"]),
            allowed_in=tuple(raw.get("allowed-in", ())),
            extension=raw.get("extension"),
        )
        for name, raw in _table(_table(data, "html", ""), "elements", "html").items()
    }
    return ComponentTable(
        components=components,
        global_attributes=frozenset(glob.get("attributes", ())),
        global_values={
            name: _attribute(name, spec, f"global.attribute-values.{name}")
            for name, spec in glob.get("attribute-values", {}).items()
        },
        prefixes=tuple(glob.get("prefixes", ())),
        layout_attributes=frozenset(glob.get("layout-attributes", ())),
        html=html,
    )


def _table(data: Mapping[str, Any], key: str, where: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise TableError(f"{where + '.' if where else ''}{key}: expected a table")
    return value


def _check_keys(raw: Mapping[str, Any], known: set[str], where: str) -> Mapping[str, Any]:
    unknown = set(raw) - known
    if unknown:
        raise TableError(f"{where}: unknown keys {sorted(unknown)}")
    return raw


def _attribute(name: str, raw: Mapping[str, Any], where: str) -> AttributeSpec:
    _check_keys(raw, _ATTRIBUTE_KEYS, where)
    flags = re.IGNORECASE if raw.get("case-insensitive") else 0
    try:
        pattern = re.compile(raw["pattern"], flags) if "pattern" in raw else None
    except re.error as exc:
        raise TableError(f"{where}.pattern: {exc}") from None
    return AttributeSpec(
        name=name,
        mandatory=bool(raw.get("mandatory", False)),
        pattern=pattern,
        values=tuple(raw["values"]) if "values" in raw else None,
        case_insensitive=bool(raw.get("case-insensitive", False)),
        empty=bool(raw.get("empty", False)),
        url=tuple(p.lower() for p in raw["url"]) if "url" in raw else None,
        relative=bool(raw.get("relative", True)),
        requires=tuple(raw.get("requires", ())),
    )


def _group(raw: Any, where: str) -> Group:
    if isinstance(raw, list):
        return Group(tuple(raw))
    if isinstance(raw, dict) and isinstance(raw.get("attributes"), list):
        _check_keys(raw, {"attributes", "rule"}, where)
        return Group(tuple(raw["attributes"]), raw.get("rule"))
    raise TableError(f"{where}: a group is a list of attributes or {{attributes, rule}}")


# -- URLs ----------------------------------------------------------------------------------

# URL schemes (RFC 3986, 3.1); browsers drop ASCII tab and newline anywhere in a URL and
# leading/trailing C0 controls and spaces (WHATWG URL standard, basic URL parser).
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_URL_IGNORED_RE = re.compile(r"[\t\n\r]")
_C0_AND_SPACE = "".join(chr(c) for c in range(0x21))


def url_scheme(value: str) -> str | None:
    """The scheme of a URL as a browser reads it (lower case), or ``None`` if relative."""
    cleaned = _URL_IGNORED_RE.sub("", value).strip(_C0_AND_SPACE)
    m = _SCHEME_RE.match(cleaned)
    return m.group(1).lower() if m else None


def _url_problem(value: str, protocols: tuple[str, ...], relative: bool) -> str | None:
    if not value.strip():
        return "must be a URL, not empty"
    scheme = url_scheme(value)
    shown = " or ".join(f"{p}:" for p in protocols)
    if scheme is None:
        return None if relative else f"must be an absolute {shown} URL"
    if scheme not in protocols:
        return f"must be a {shown} URL, not {scheme}:"
    return None


# -- layouts and sizes ------------------------------------------------------------------

# AMP layout specification, "width and height": a number, optionally with a unit; no %.
_LENGTH_RE = re.compile(r"^(\d+(?:\.\d+)?)(px|em|rem|vh|vw|vmin|vmax)?$")
UNITS = "px, em, rem, vh, vw, vmin, vmax"


class Length(NamedTuple):
    """A parsed ``width``/``height`` value."""

    raw: str
    auto: bool = False
    unit: str = "px"
    valid: bool = True


def parse_length(value: str | None) -> Length:
    """The length a ``width``/``height`` value gives (``None``: the attribute has no value)."""
    if value is None:
        return Length("", valid=False)
    if value == "auto":
        return Length(value, auto=True)
    m = _LENGTH_RE.match(value)
    if m is None:
        return Length(value, valid=False)
    return Length(value, unit=m.group(2) or "px")


class LayoutInfo(NamedTuple):
    """The layout an element gets, and from what.

    ``layout`` is ``None`` when the ``layout`` attribute names no known layout;
    ``inferred`` says why a layout was chosen when the attribute is absent.
    """

    layout: Layout | None
    attribute: Attribute | None
    inferred: str | None
    width: Length | None
    height: Length | None


def layout(el: Element) -> LayoutInfo:
    """:func:`layout_of` the element with its component (computed once per element)."""
    return el.memo("amp.layout", _layout)


def _layout(el: Element) -> LayoutInfo:
    return layout_of(el, component(el.name))


def layout_of(el: Element, comp: Component | None) -> LayoutInfo:
    """The element's layout: the ``layout`` attribute (case-insensitive), else the one
    AMP infers from width, height, sizes and heights."""
    w_attr, h_attr, l_attr = el.get("width"), el.get("height"), el.get("layout")
    width = parse_length(w_attr.value) if w_attr is not None else None
    height = parse_length(h_attr.value) if h_attr is not None else None
    if l_attr is not None:
        try:
            layout: Layout | None = Layout((l_attr.value or "").lower())
        except ValueError:
            layout = None
        return LayoutInfo(layout, l_attr, None, width, height)
    # CalculateWidth / CalculateHeight: a component with a natural size gets a default
    # dimension when no layout is given
    has_width = width is not None or (comp is not None and comp.default_width)
    has_height = height is not None or (comp is not None and comp.default_height)
    if not has_width and not has_height:
        return LayoutInfo(Layout.CONTAINER, None, "it has no width or height", width, height)
    if has_height and (not has_width or (width is not None and width.auto)):
        why = 'its width is "auto"' if has_width else _sizes(el, comp, width, height)
        return LayoutInfo(Layout.FIXED_HEIGHT, None, why, width, height)
    extra = [name for name in ("sizes", "heights") if el.has(name)]
    if has_height and has_width and extra:
        why = _sizes(el, comp, width, height, extra)
        return LayoutInfo(Layout.RESPONSIVE, None, why, width, height)
    return LayoutInfo(Layout.FIXED, None, _sizes(el, comp, width, height), width, height)


def _sizes(
    el: Element,
    comp: Component | None,
    width: Length | None,
    height: Length | None,
    extra: list[str] | None = None,
) -> str:
    """What the element says about its size, exactly: the attributes it has and lacks,
    and the natural size its component gives it."""
    has = [name for name, value in (("width", width), ("height", height)) if value is not None]
    has += extra or []
    lacks = [
        name
        for name, value, default in (
            ("width", width, comp is not None and comp.default_width),
            ("height", height, comp is not None and comp.default_height),
        )
        if value is None and not default
    ]
    natural = [
        name
        for name, value, default in (
            ("width", width, comp is not None and comp.default_width),
            ("height", height, comp is not None and comp.default_height),
        )
        if value is None and default
    ]
    said = ""
    if has or lacks:
        said = "it has " + _and([f"a {n}" if n in ("width", "height") else n for n in has])
        if lacks:
            said += (" and no " if has else "no ") + " or ".join(lacks)
    if not natural:
        return said
    default = f"{el.name} has a default {' and '.join(natural)}"
    return f"{said}, and {default}" if said else default


def _and(items: list[str]) -> str:
    if not items:
        return ""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


class SizeProblem(NamedTuple):
    start: int
    end: int
    message: str


def size_problems(el: Element, comp: Component | None, info: LayoutInfo) -> Iterator[SizeProblem]:
    """What is wrong with ``width``/``height`` for the element's layout (ValidateLayout).

    Missing dimensions are only reported for table components, whose natural size is
    known; malformed values, ``auto`` and mismatched units for every AMP element.
    """
    w_attr, h_attr = el.get("width"), el.get("height")
    malformed = False
    for attr, length in ((w_attr, info.width), (h_attr, info.height)):
        if attr is None or length is None or length.valid:
            continue
        malformed = True
        value = attr.value
        if value is None:
            why = "has no value"
        elif value.strip().endswith("%"):
            why = f'is {value!r}: AMP sizes are no percentages (layout="responsive" scales)'
        else:
            why = f"is {value!r}, not a number with an optional unit ({UNITS})"
        yield SizeProblem(*_value_span(attr), f"{attr.name} {why}")
    layout = info.layout
    if malformed or layout is None:
        return  # the validator stops at a malformed dimension, and so do we
    width, height = info.width, info.height
    how = f"layout {layout.value}" + (f" (inferred: {info.inferred})" if info.inferred else "")
    if height is not None and height.auto and layout is not Layout.FLEX_ITEM:
        assert h_attr is not None
        message = f'height="auto" is only allowed with layout flex-item, not with {how}'
        yield SizeProblem(*_value_span(h_attr), message)
    # CalculateWidth / CalculateHeight: a component with a natural size has a default
    # width with no layout or layout fixed, a default height also with fixed-height
    explicit = info.attribute is not None
    w_default = comp is not None and comp.default_width
    w_default = w_default and (not explicit or layout is Layout.FIXED)
    h_default = comp is not None and comp.default_height
    h_default = h_default and (not explicit or layout in (Layout.FIXED, Layout.FIXED_HEIGHT))
    known = comp is not None
    tag = tag_name_span(el)
    needs_height = (Layout.FIXED, Layout.FIXED_HEIGHT, Layout.RESPONSIVE, Layout.INTRINSIC)
    if layout in needs_height and height is None and known and not h_default:
        yield SizeProblem(*tag, f"{how} needs a height")
    if layout is Layout.FIXED_HEIGHT and width is not None and not width.auto:
        assert w_attr is not None
        yield SizeProblem(*_value_span(w_attr), f'{how} takes no width (or width="auto")')
    if layout in (Layout.FIXED, Layout.RESPONSIVE, Layout.INTRINSIC):
        if width is None and known and not w_default:
            yield SizeProblem(*tag, f"{how} needs a width")
        elif width is not None and width.auto:
            assert w_attr is not None
            yield SizeProblem(*_value_span(w_attr), f'{how} needs a width, not "auto"')
    if (
        layout in (Layout.RESPONSIVE, Layout.INTRINSIC)
        and width is not None
        and height is not None
        and not width.auto
        and not height.auto
        and width.unit != height.unit
    ):
        assert w_attr is not None
        yield SizeProblem(
            *_value_span(w_attr),
            f"{how} needs the same unit for width and height "
            f"(width is in {width.unit}, height in {height.unit})",
        )


def _value_span(attr: Attribute) -> tuple[int, int]:
    if attr.value is None or attr.value_start == attr.value_end:
        return attr.start, attr.end
    return attr.value_start, attr.value_end


def tag_name_span(el: Element) -> tuple[int, int]:
    """The ``<name`` of an element's start tag."""
    return el.start, el.start + 1 + len(el.name)


# -- AMP posts -------------------------------------------------------------------------
#
# A post is an AMP page when its front matter (or the site's front-matter defaults) says
# so with the AMP key, when the site's amp-jekyll plugin makes an AMP version of every
# post, or when the layouts it renders through make an AMP document: the first <html>
# start tag of the chain (its outermost layout first, following static includes) carries
# the "amp" or "⚡" attribute (AMP HTML specification, "Required markup"; amp4email and
# amp4ads documents are other formats). Without a Jekyll site, the post decides alone.

#: the AMP runtime (AMP HTML specification, "Required markup"; lts/ is the long-term
#: release channel, v0.mjs the module build)
RUNTIME_RE = re.compile(r"cdn\.ampproject\.org/(?:lts/)?v0\.m?js", re.IGNORECASE)
_LIQUID = r"\{\{.*?\}\}|\{%.*?%\}"
_TEMPLATE_TOKEN_RE = re.compile(
    r"<html(?=[\s>/{])(?P<attrs>(?:" + _LIQUID + r"|\"[^\"]*\"|'[^']*'|[^>\"'{]|\{)*)>"
    r"|\{%-?\s*include(?P<relative>_relative)?\s+(?P<include>[^\s%}]+)[^%]*?-?%\}",
    re.IGNORECASE | re.DOTALL,
)
# a heading element that prints a page variable: <h2 class="t">{{ page.title }}</h2>
_TITLE_HEADING_RE = re.compile(
    r"<h(?P<level>[1-6])\b[^>]*>(?:(?!</h[1-6]).){0,400}?\{\{-?\s*page\.(?P<key>[\w-]+)",
    re.IGNORECASE | re.DOTALL,
)
_HIDDEN_RE = re.compile(
    r"<!--.*?-->|\{%-?\s*comment\s*-?%\}.*?\{%-?\s*endcomment\s*-?%\}", re.DOTALL
)
_LIQUID_TAG_RE = re.compile(r"\{%-?\s*(\w+).*?-?%\}|\{\{.*?\}\}", re.DOTALL)
_BLOCK_OPENERS = frozenset({"if", "unless", "case", "for"})
_BLOCK_CLOSERS = frozenset({"endif", "endunless", "endcase", "endfor"})
AMP_MARKERS = frozenset({"amp", "\u26a1"})
#: a layout chain longer than this is a cycle Jekyll would break too
MAX_CHAIN = 32
MAX_INCLUDE_DEPTH = 8


class HtmlTag(NamedTuple):
    """The ``<html>`` start tag of a layout chain and where it is written."""

    source: str
    text: str
    amp: bool
    #: the AMP attribute stands only inside a Liquid condition
    conditional: bool


class TemplateScan(NamedTuple):
    """What a layout (with its includes) holds."""

    html: HtmlTag | None
    runtime: bool
    #: includes that could not be read: missing from the site, or named by a variable
    unread: tuple[str, ...]
    #: the page variables it prints in a heading, with the heading's level
    #: (``<h1>{{ page.title }}</h1>``: ``("title", 1)``)
    titles: frozenset[tuple[str, int]] = frozenset()


class LayoutFile(NamedTuple):
    name: str
    source: str
    parent: str | None
    scan: TemplateScan


class AmpDecision(NamedTuple):
    """Whether a post is an AMP page, and why (``reason`` is shown by ``--show-config``).

    ``chain`` is the layouts the post renders through; ``complete`` says every one of
    them and of their includes was read; ``runtime`` that one of them loads the AMP
    runtime.
    """

    amp: bool
    reason: str
    chain: tuple[str, ...] = ()
    complete: bool = False
    runtime: bool = False


def is_amp_post(post: Post, key: str) -> bool:
    """Whether the post is rendered as an AMP page (:func:`amp_decision`)."""
    return amp_decision(post, key).amp


def amp_decision(post: Post, key: str = "amp") -> AmpDecision:
    """Whether the post is an AMP page and why; computed once per post and key, and
    the site's part once per site and layout."""
    return post.memo(f"amp.decision:{key}", lambda p: _decide(p, key))


def _decide(post: Post, key: str) -> AmpDecision:
    site = post.site
    decision = _decide_alone(post) if site is None else _site_decision(post, site)
    said = _said(post, key)
    if said is not None:
        # the post's own word wins; what its layouts hold still counts for AMP007
        decision = decision._replace(amp=said[0], reason=said[1])
    return decision


def _said(post: Post, key: str) -> tuple[bool, str] | None:
    """``key: true`` or ``key: false`` in the front matter, or in the site's front-matter
    defaults for the post (a value that is not a boolean says nothing)."""
    if not key:
        return None
    meta = post.meta
    if key in meta:
        value = meta[key]
        where = "front matter"
    elif post.site is not None and post.file is not None:
        value = post.site.defaults_for(post.file).get(key)
        where = "_config.yml defaults"
    else:
        return None
    if not isinstance(value, bool):
        return None
    return value, f"{key}: {str(value).lower()} in {where}"


def _site_decision(post: Post, site: Site) -> AmpDecision:
    plugin = _plugin_reason(site)
    if plugin is not None and post.meta.get("skip_amp") is not True:
        return AmpDecision(True, plugin)
    layout, why = _post_layout(post, site)
    if layout is None:
        return AmpDecision(False, f"no layout: {why}", (), True, False)
    decision = _chain_decision(site, layout, why)
    if plugin is not None:
        decision = decision._replace(reason=f"skip_amp: true, and {decision.reason}")
    return decision


def _decide_alone(post: Post) -> AmpDecision:
    """A post without a Jekyll site: AMP when it uses AMP components and loads no
    script an AMP page would not run."""
    first = next(iter(amp_elements(post)), None)
    if first is None:
        return AmpDecision(False, "no Jekyll site, and the post uses no AMP component")
    for el in post.html.find_all("script"):
        kind = el.get("type")
        if kind is not None and (kind.value or "").strip().lower() in (
            "application/ld+json",
            "application/json",
        ):
            continue
        src = el.get("src")
        if src is not None and src.value and RUNTIME_RE.search(src.value):
            continue
        what = src.value if src is not None and src.value else "an inline script"
        return AmpDecision(
            False, f"no Jekyll site, and the post loads a script AMP pages do not run ({what})"
        )
    return AmpDecision(
        True, f"no Jekyll site: the post uses AMP components (<{first.name}>) and no other script"
    )


_DEFAULT_LAYOUT_PLUGIN = "jekyll-default-layout"


def _post_layout(post: Post, site: Site) -> tuple[str | None, str]:
    """The layout the post names (front matter, else defaults), and where from."""
    meta = post.meta
    if "layout" in meta:
        value, where = meta["layout"], "front matter"
    else:
        defaults = site.defaults_for(post.file) if post.file is not None else {}
        value, where = defaults.get("layout"), "_config.yml defaults"
        if "layout" not in defaults:
            return _default_layout(site, post)
    if value is None or value == "none":
        return None, f"layout: {value if value is not None else 'null'} in {where}"
    return (str(value).lower() if isinstance(value, bool) else str(value)), where


def _default_layout(site: Site, post: Post) -> tuple[str | None, str]:
    # Jekyll renders a post that names no layout without one; the jekyll-default-layout
    # plugin (on by default on GitHub Pages) gives a post "post" and a page "page",
    # else "default"
    if _DEFAULT_LAYOUT_PLUGIN in site.plugins or _github_pages(site):
        parts = post.file.parts if post.file is not None else ()
        first = "post" if "_posts" in parts or "_drafts" in parts else "page"
        for name in (first, "default"):
            if site.layout_file(name) is not None:
                return name, f"{_DEFAULT_LAYOUT_PLUGIN} (the post names no layout)"
    return None, "the post names none, and Jekyll renders it without one"


def _github_pages(site: Site) -> bool:
    return bool(site.amp_cache.setdefault(("github-pages",), _gemfile_has(site, "github-pages")))


def _gemfile_has(site: Site, gem: str) -> bool:
    try:
        text = (site.root / "Gemfile").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return re.search(r"^\s*gem\s+[\"']" + re.escape(gem) + r"[\"']", text, re.M) is not None


_AMP_JEKYLL = "amp-jekyll"
_AMP_JEKYLL_RB_RE = re.compile(r"read_yaml\([^)]*[\"']amp\.html[\"']")


def _plugin_reason(site: Site) -> str | None:
    """Why every post has an AMP version: the amp-jekyll plugin (a gem, or its generator
    copied into the plugins folder) renders each post again through _layouts/amp.html,
    unless the post says ``skip_amp: true``."""
    cached = site.amp_cache.get(("plugin",), False)
    if cached is not False:
        return cached  # type: ignore[no-any-return]
    reason = None
    layout = site.root / "_layouts" / "amp.html"  # the plugin reads this path
    if layout.is_file():
        if _AMP_JEKYLL in site.plugins:
            reason = (
                f"the {_AMP_JEKYLL} plugin makes an AMP version of every post (_layouts/amp.html)"
            )
        elif site.plugins_dir.is_dir():
            for rb in sorted(site.plugins_dir.rglob("*.rb")):
                try:
                    text = rb.read_text(encoding="utf-8", errors="replace")
                except OSError:
                    continue
                if "Generator" in text and _AMP_JEKYLL_RB_RE.search(text):
                    rel = rb.relative_to(site.root).as_posix()
                    reason = (
                        f"the generator in {rel} makes an AMP version of every post "
                        "(_layouts/amp.html)"
                    )
                    break
    site.amp_cache[("plugin",)] = reason
    return reason


def _chain_decision(site: Site, layout: str, why: str) -> AmpDecision:
    key = ("chain", layout)
    cached = site.amp_cache.get(key)
    if cached is None:
        cached = site.amp_cache[key] = _walk_chain(site, layout)
    decision: AmpDecision = cached
    if why != "front matter":
        decision = decision._replace(reason=f"{decision.reason} (layout from {why})")
    return decision


def _walk_chain(site: Site, layout: str) -> AmpDecision:
    files: list[LayoutFile] = []
    names: list[str] = []
    current: str | None = layout
    missing: str | None = None
    while current is not None and current not in names and len(names) < MAX_CHAIN:
        names.append(current)
        found = _layout_file(site, current)
        if found is None:
            missing = current
            break
        files.append(found)
        current = found.parent
    chain = " -> ".join(names)
    runtime = any(f.scan.runtime for f in files)
    unread = [u for f in files for u in f.scan.unread]
    # a layout that is not in the site may come from a theme gem, or from a
    # configuration file given at build time: never guess what it holds
    complete = not unread and missing is None
    html = next((f.scan.html for f in reversed(files) if f.scan.html is not None), None)

    def decide(amp: bool, reason: str) -> AmpDecision:
        return AmpDecision(amp, reason, tuple(names), complete, runtime)

    if html is not None and html.amp and not html.conditional:
        return decide(True, f"layout chain {chain} is an AMP document ({html.source}: {html.text})")
    if missing is not None:
        where = " (theme gem?)" if site.has_theme else ""
        return decide(False, f"layout '{missing}' not in the site{where}")
    if html is None:
        if unread:
            return decide(
                False,
                f"no <html> tag found in layout chain {chain}: {', '.join(unread)} could "
                "not be read",
            )
        return decide(False, f"no AMP layout: layout chain {chain} has no <html> tag")
    if html.conditional:
        return decide(
            False,
            f"no AMP layout: {html.source} marks <html> as AMP only under a Liquid "
            f"condition ({html.text}); say amp: true in the AMP posts' front matter",
        )
    return decide(False, f"no AMP layout: {html.source} is plain HTML ({html.text})")


def _layout_file(site: Site, name: str) -> LayoutFile | None:
    key = ("layout", name)
    if key in site.amp_cache:
        return site.amp_cache[key]  # type: ignore[no-any-return]
    found = None
    path = site.layout_file(name)
    if path is not None:
        text = _read(path)
        body, parent = _split_front_matter(text)
        found = LayoutFile(
            name, _shown(site, path), parent, _scan(site, body, _shown(site, path), 0, set())
        )
    site.amp_cache[key] = found
    return found


def _read(path: Any) -> str:
    try:
        return str(path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return ""


def _shown(site: Site, path: Any) -> str:
    try:
        return str(path.relative_to(site.root).as_posix())
    except ValueError:
        return str(path)


_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?---[ \t]*(?:\r?\n|\Z)", re.DOTALL)


def _split_front_matter(text: str) -> tuple[str, str | None]:
    """The layout's body, and the layout its front matter names (Jekyll: a layout is
    placed in the one its ``layout:`` names, until none is named)."""
    m = _FRONT_MATTER_RE.match(text)
    if m is None:
        return text, None
    from ampcheck.safeyaml import safe_load

    try:
        data = safe_load(m.group(1) or "")
    except Exception:  # a layout whose front matter Jekyll cannot read either
        data = None
    parent = data.get("layout") if isinstance(data, dict) else None
    body = text[m.end() :]
    if parent is None or parent == "none":
        return body, None
    return body, str(parent)


def _scan(site: Site, text: str, source: str, depth: int, seen: set[str]) -> TemplateScan:
    """The first ``<html>`` start tag of a template (its static includes followed in
    place), whether it or an include loads the AMP runtime, and the includes that
    could not be read."""
    text = _HIDDEN_RE.sub(" ", text)
    runtime = RUNTIME_RE.search(text) is not None
    html: HtmlTag | None = None
    unread: list[str] = []
    titles = {(m.group("key"), int(m.group("level"))) for m in _TITLE_HEADING_RE.finditer(text)}
    for m in _TEMPLATE_TOKEN_RE.finditer(text):
        include = m.group("include")
        if include is None:
            if html is None:
                html = _html_tag(m.group(0), m.group("attrs"), source)
            continue
        if "{" in include or m.group("relative"):
            # a name that only the page's variables give, or a file beside the layout
            # (include_relative): not followed, so what it holds is unknown
            tag = "include_relative" if m.group("relative") else "include"
            unread.append(f"{{% {tag} {include} %}} in {source}")
            continue
        name = include.strip("'\"")
        path = site.includes_dir / name
        shown = _shown(site, path)
        if depth >= MAX_INCLUDE_DEPTH or shown in seen:
            continue
        inner = _include(site, path, shown, depth, seen)
        if inner is None:
            unread.append(shown)
            continue
        runtime = runtime or inner.runtime
        unread.extend(inner.unread)
        titles |= inner.titles
        if html is None:
            html = inner.html
    return TemplateScan(html, runtime, tuple(unread), frozenset(titles))


def _include(site: Site, path: Any, shown: str, depth: int, seen: set[str]) -> TemplateScan | None:
    key = ("include", shown)
    if key in site.amp_cache:
        return site.amp_cache[key]  # type: ignore[no-any-return]
    scanned = None
    if path.is_file():
        scanned = _scan(site, _read(path), shown, depth + 1, seen | {shown})
    site.amp_cache[key] = scanned
    return scanned


def _html_tag(text: str, attrs: str, source: str) -> HtmlTag:
    """Whether an ``<html>`` start tag marks an AMP document: an attribute named
    ``amp`` (any case) or ``⚡``; one that stands only inside a Liquid ``if``,
    ``unless`` or ``case`` counts as conditional."""
    plain: list[str] = []
    guarded: list[str] = []
    depth = 0
    pos = 0
    for m in _LIQUID_TAG_RE.finditer(attrs):
        (guarded if depth else plain).append(attrs[pos : m.start()])
        pos = m.end()
        word = (m.group(1) or "").lower()
        if word in _BLOCK_OPENERS:
            depth += 1
        elif word in _BLOCK_CLOSERS and depth:
            depth -= 1
    (guarded if depth else plain).append(attrs[pos:])

    def marked(parts: list[str]) -> bool:
        names = {n.lower() for part in parts for n in _attribute_names(part)}
        return bool(names & AMP_MARKERS)

    amp = marked(plain)
    conditional = not amp and marked(guarded)
    shown = " ".join(text.split())
    if len(shown) > 80:
        shown = shown[:76] + " ...>"
    return HtmlTag(source, shown, amp or conditional, conditional)


_ATTR_SCAN_RE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]*))?""")


def _attribute_names(text: str) -> list[str]:
    return [m.group(1) for m in _ATTR_SCAN_RE.finditer(text)]


@dataclass(frozen=True, slots=True)
class AmpOptions:
    """The option of the rules that judge a page as AMP: the front-matter key that
    says whether a post is an AMP page."""

    amp_key: str = "amp"


class AmpPageRule(Rule):
    """A rule whose findings are defects of an AMP page only: it runs on the posts
    :func:`amp_decision` finds to be AMP pages, and on no other."""

    Options: ClassVar[type[Any]] = AmpOptions

    def check(self, post: Post) -> Iterator[Violation]:
        if is_amp_post(post, self.options.amp_key):
            yield from self.check_amp(post)

    def check_amp(self, post: Post) -> Iterator[Violation]:
        """Yield the violations of an AMP post."""
        raise NotImplementedError


def amp_elements(post: Post) -> list[Element]:
    """Every element of the post whose name starts with ``amp-``."""
    return post.memo("amp.elements", _amp_elements)


def _amp_elements(post: Post) -> list[Element]:
    return [el for el in post.html.elements if el.name.startswith("amp-")]


def is_amp_name(name: str) -> bool:
    return name.startswith("amp-")


# -- the title the layouts print -------------------------------------------------

#: how the title is printed could not be told (no site, a layout or include not read)
UNKNOWN = -1


def title_level(post: Post, key: str) -> int:
    """The level of the heading element the post's layouts print ``page.<key>`` in
    (``<h1>{{ page.title }}</h1>``: 1), 0 when every layout and include of the chain
    was read and none prints it in a heading, :data:`UNKNOWN` when that cannot be told.
    The layouts are the ones the AMP-page decision reads, scanned once per site."""
    site = post.site
    if site is None or not key:
        return UNKNOWN
    layout, why = _post_layout(post, site)
    if layout is None:
        return 0  # rendered without a layout: nothing prints the title
    chain = _chain_decision(site, layout, why)
    levels = [
        level
        for name in chain.chain
        if (found := _layout_file(site, name)) is not None
        for title, level in found.scan.titles
        if title == key
    ]
    if levels:
        return min(levels)
    return 0 if chain.complete else UNKNOWN
