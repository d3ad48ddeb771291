"""AMP components: the declarative table in ``amp_components.toml`` beside this module,
AMP layouts and sizes, and the base of the rules that judge AMP pages only.

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
from ampcheck.document.html import Attribute, Element
from ampcheck.document.layouts import amp_elements, is_amp_post
from ampcheck.document.post import Post
from ampcheck.model import Violation
from ampcheck.rule import Rule

if TYPE_CHECKING:
    pass

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
    """The component table shipped beside this module (loaded once)."""
    # the module's loader reads the file beside it, from a folder or a zip alike
    # (importlib.resources.files would import zipfile and tempfile for the same)
    data = __spec__.loader.get_data(  # type: ignore[union-attr]
        os.path.join(os.path.dirname(__file__), TABLE_FILE)
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
    components = {
        name: _component(name, raw, lists) for name, raw in _table(data, "components", "").items()
    }
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


def _component(
    name: str, raw: Mapping[str, Any], lists: Mapping[str, Mapping[str, Any]]
) -> Component:
    """One component of the table, with the attribute lists it includes."""
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
    return Component(
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
    malformed = list(_malformed_sizes(el, info))
    yield from malformed
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


def _malformed_sizes(el: Element, info: LayoutInfo) -> Iterator[SizeProblem]:
    """A ``width`` or ``height`` that is no AMP length."""
    for name, length in (("width", info.width), ("height", info.height)):
        attr = el.get(name)
        if attr is None or length is None or length.valid:
            continue
        value = attr.value
        if value is None:
            why = "has no value"
        elif value.strip().endswith("%"):
            why = f'is {value!r}: AMP sizes are no percentages (layout="responsive" scales)'
        else:
            why = f"is {value!r}, not a number with an optional unit ({UNITS})"
        yield SizeProblem(*_value_span(attr), f"{attr.name} {why}")


def _value_span(attr: Attribute) -> tuple[int, int]:
    if attr.value is None or attr.value_start == attr.value_end:
        return attr.start, attr.end
    return attr.value_start, attr.value_end


def tag_name_span(el: Element) -> tuple[int, int]:
    """The ``<name`` of an element's start tag."""
    return el.start, el.start + 1 + len(el.name)


@dataclass(frozen=True, slots=True)
class AmpOptions:
    """The option of the rules that judge a page as AMP: the front-matter key that
    says whether a post is an AMP page."""

    amp_key: str = "amp"


class AmpElementRule(Rule):
    """A rule that judges each AMP element (``amp-*``) of a post on its own, whether
    the post is an AMP page or not: :meth:`check_element` is called for each."""

    def check(self, post: Post) -> Iterator[Violation]:
        for el in amp_elements(post):
            yield from self.check_element(post, el)

    def check_element(self, post: Post, el: Element) -> Iterator[Violation]:
        """Yield the violations of one AMP element."""
        raise NotImplementedError


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


def is_amp_name(name: str) -> bool:
    return name.startswith("amp-")
