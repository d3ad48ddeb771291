"""AMP components: the declarative table in ``amp_components.toml`` beside this module,
AMP layouts and sizes, and the base of the rules that judge AMP pages only.

The layout logic follows the AMP validator (``validator/js/engine/validator.js`` of
ampproject/amphtml: ``CalculateWidth``, ``CalculateHeight``, ``CalculateLayout`` and
``ValidateLayout``) and the AMP layout specification (``docs/spec/amp-html-layout.md``).
"""

from __future__ import annotations

import enum
import json
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


VALIDATOR_TABLE = os.path.join("..", "..", "data", "amp_validator.json")
OVERRIDES_FILE = "amp_components.toml"
DOCS_URL = "https://amp.dev/documentation/components/{name}/"


class AttributeSpec(NamedTuple):
    """What the table says about one attribute of a component."""

    name: str
    mandatory: bool = False
    pattern: LazyPattern | None = None
    values: tuple[str, ...] | None = None
    case_insensitive: bool = False
    empty: bool = False
    url: tuple[str, ...] | None = None
    relative: bool = True
    requires: tuple[str, ...] = ()
    disallowed: LazyPattern | None = None
    requires_if: LazyPattern | None = None
    empty_url: bool = False
    implicit: bool = False

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
                if len(self.values) == 1:
                    return f"must be {self.values[0]!r}"
                shown = ", ".join(repr(v) for v in self.values)
                return f"must be one of {shown}"
        if self.pattern is not None and self.pattern.fullmatch(text) is None:
            case = " (in any case)" if self.pattern.flags & re.IGNORECASE else ""
            return f"must match {self.pattern.pattern}{case}"
        if self.url is not None and (text.strip() or not self.empty_url):
            problem = _url_problem(text, self.url, self.relative)
            if problem is not None:
                return problem
        found = self.disallowed.search(text) if self.disallowed is not None else None
        if found is not None:
            return f"contains {found.group(0)!r}, which AMP does not allow here"
        return None

    def required_with(self, value: str | None) -> tuple[str, ...]:
        """The attributes this one needs beside it, with this value."""
        if self.requires_if is not None and self.requires_if.fullmatch(value or "") is None:
            return ()
        return self.requires


class Group(NamedTuple):
    """Attributes of which exactly one (``one-of``) or at least one (``any-of``) must be
    present; ``rule`` is the code of the rule that reports it instead of AMP003."""

    attributes: tuple[str, ...]
    rule: str | None = None


class ChildTags(NamedTuple):
    """The validator's constraint on an element's child elements."""

    names: frozenset[str] = frozenset()
    first: frozenset[str] = frozenset()
    exactly: int | None = None
    minimum: int | None = None


class Nested(NamedTuple):
    """A tag spec of an HTML element that stands directly inside an AMP component
    (``amp-accordion > section``, ``amp-sidebar > nav[toolbar]``): what it must have
    there. ``dispatch`` names the attributes that make the validator use this spec."""

    tag: str
    parent: str
    mandatory: tuple[str, ...]
    dispatch: tuple[str, ...]
    children: ChildTags | None


class Component(NamedTuple):
    """One AMP component (one tag spec of the validator's table).

    ``dispatch`` names the attributes (and values) that make the validator judge an
    element by this spec rather than the component's general one (``amp-ad
    type="custom"``, ``amp-carousel lightbox``)."""

    name: str
    layouts: frozenset[Layout]
    attributes: Mapping[str, AttributeSpec]
    one_of: tuple[Group, ...] = ()
    any_of: tuple[Group, ...] = ()
    default_width: bool = False
    default_height: bool = False
    extension: str | None = None
    spec: str | None = None
    spec_name: str | None = None
    dispatch: tuple[tuple[str, str | None], ...] = ()
    disallowed_ancestors: tuple[str, ...] = ()
    children: ChildTags | None = None
    parent: str | None = None
    ancestor: str | None = None
    style: Mapping[str, tuple[str, ...]] | None = None

    def matches(self, el: Element) -> bool:
        """Whether the element has the attributes that select this spec."""
        if not self.dispatch:
            return False
        for name, value in self.dispatch:
            attr = el.get(name)
            if attr is None or (value is not None and (attr.value or "") != value):
                return False
        return True


class HtmlElementRule(NamedTuple):
    """Raw HTML that AMP forbids in the body: where it may stand, what to use instead."""

    name: str
    use: str
    allowed_in: tuple[str, ...] = ()
    extension: str | None = None
    unchecked: bool = False


class ComponentTable(NamedTuple):
    components: Mapping[str, Component]
    global_attributes: frozenset[str]
    global_values: Mapping[str, AttributeSpec]
    prefixes: tuple[str, ...]
    layout_attributes: frozenset[str]
    html: Mapping[str, HtmlElementRule]
    variants: Mapping[str, tuple[Component, ...]] = {}
    revision: str = ""
    nested: Mapping[str, tuple[Nested, ...]] = {}
    html_tags: Mapping[str, tuple[Component, ...]] = {}
    style: Mapping[str, tuple[str, ...]] = {}

    def allows(self, component: Component, name: str) -> bool:
        """Whether ``name`` is an attribute ``component`` accepts; an amp-bind ``[x]``
        is accepted where the table lists it or ``x`` is accepted."""
        if self._allows(component, name):
            return True
        if name.startswith("[") and name.endswith("]"):
            return self._allows(component, name[1:-1])
        return False

    def _allows(self, component: Component, name: str) -> bool:
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


def _read(relative: str) -> bytes:
    # the module's loader reads the file beside it, from a folder or a zip alike
    # (importlib.resources.files would import zipfile and tempfile for the same)
    path = os.path.normpath(os.path.join(os.path.dirname(__file__), relative))
    return __spec__.loader.get_data(path)  # type: ignore[union-attr,no-any-return]


@lru_cache(maxsize=1)
def table() -> ComponentTable:
    """The component table: the AMP validator's (``src/ampcheck/data/amp_validator.json``,
    built by ``scripts/amp_table.py``) with ampcheck's overrides (loaded once)."""
    validator = json.loads(_read(VALIDATOR_TABLE))
    return parse_table(read_toml(_read(OVERRIDES_FILE)), validator)


def component(name: str) -> Component | None:
    """The general spec of a component."""
    return table().components.get(name.lower())


def component_for(el: Element) -> Component | None:
    """The spec the validator judges this element by."""
    variants = table().variants.get(el.name.lower(), ())
    for variant in variants[1:]:
        if variant.matches(el):
            return variant
    return variants[0] if variants else None


# -- loading -----------------------------------------------------------------------------

_OVERRIDE_KEYS = {"format", "global", "html", "rules"}


def parse_table(data: Mapping[str, Any], validator: Mapping[str, Any]) -> ComponentTable:
    """Build the table from the validator's table and the TOML overrides."""
    if data.get("format") != 1 or validator.get("format") != 1:
        raise TableError("unsupported table format (expected format = 1)")
    _check_keys(data, _OVERRIDE_KEYS, "overrides")
    glob = _table(data, "global", "")
    lists = _table(validator, "attr_lists", "")
    rules = _table(data, "rules", "")
    variants = {
        name: _variants(name, specs, lists, rules.get(name, {}))
        for name, specs in _table(validator, "tags", "").items()
        if name.startswith("amp-")
    }
    global_specs = [a for a in lists.get("$GLOBAL_ATTRS", []) if not _transformed(a)]
    layout_names = {a["name"] for a in lists.get("$AMP_LAYOUT_ATTRS", [])}
    info = validator.get("validator", {})
    return ComponentTable(
        components={name: specs[0] for name, specs in variants.items() if specs},
        global_attributes=frozenset(a["name"] for a in global_specs),
        global_values={
            a["name"]: _attribute(a, f"$GLOBAL_ATTRS.{a['name']}")
            for a in global_specs
            if a["name"] not in glob.get("unchecked-values", ())
        },
        prefixes=tuple(glob.get("prefixes", ())),
        layout_attributes=frozenset(layout_names | set(glob.get("layout-attributes", ()))),
        html=_html(data),
        variants=variants,
        revision=f"spec file revision {info.get('spec_file_revision')}",
        nested=_nested(_table(validator, "tags", "")),
        html_tags={
            name: tuple(_html_tag(name, spec, lists) for spec in specs if _general(spec))
            for name, specs in _table(validator, "tags", "").items()
            if not is_amp_name(name)
        },
        style=_style(lists.get("$GLOBAL_ATTRS", [])) or {},
    )


def _html_tag(name: str, spec: Mapping[str, Any], lists: Mapping[str, Any]) -> Component:
    """A tag spec of an HTML element (not an AMP component): its attributes, where it
    may stand, what selects it (its dispatch keys: ``form method=post``), the CSS
    properties its ``style`` attribute may hold when it has a list of its own (SVG)."""
    comp = _component(name, spec, lists, {})
    raw_attrs = list(spec.get("attrs", []))
    for included in spec.get("attr_lists", []):
        raw_attrs.extend(lists[included])
    keyed = [a for a in raw_attrs if "dispatch_key" in a]
    dispatch = tuple(
        (a["name"], (a.get("value") or a.get("value_casei") or [None])[0]
         if "VALUE" in a["dispatch_key"] else None)
        for a in keyed
    )  # fmt: skip
    return comp._replace(
        spec=spec.get("spec_url"),
        parent=(spec.get("mandatory_parent") or "").lower() or None,
        ancestor=(spec.get("mandatory_ancestor") or "").lower() or None,
        dispatch=dispatch,
        style=_style(raw_attrs),
    )


def _style(attrs: list[Mapping[str, Any]]) -> dict[str, tuple[str, ...]] | None:
    """The CSS properties a ``style`` attribute of these attributes may set (with the
    values allowed, or none listed: any), or ``None`` when it lists none."""
    for attr in attrs:
        if attr.get("name") == "style" and "css_declarations" in attr:
            return {prop: tuple(values) for prop, values in attr["css_declarations"]}
    return None


def _nested(tags: Mapping[str, list[Mapping[str, Any]]]) -> dict[str, tuple[Nested, ...]]:
    """The HTML tag specs whose mandatory parent is an AMP component."""
    out: dict[str, tuple[Nested, ...]] = {}
    for name, specs in tags.items():
        if is_amp_name(name):
            continue  # AMP components are judged by their own specs
        found = tuple(
            Nested(
                tag=name,
                parent=spec["mandatory_parent"].lower(),
                mandatory=tuple(a["name"] for a in spec.get("attrs", []) if a.get("mandatory")),
                dispatch=tuple(a["name"] for a in spec.get("attrs", []) if "dispatch_key" in a),
                children=_children(spec.get("child_tags")),
            )
            for spec in specs
            if spec.get("mandatory_parent", "").lower().startswith("amp-")
        )
        if found:
            out[name] = found
    return out


def _children(raw: Mapping[str, Any] | None) -> ChildTags | None:
    if not raw:
        return None
    return ChildTags(
        names=frozenset(raw.get("child_tag_name_oneof", ())),
        first=frozenset(raw.get("first_child_tag_name_oneof", ())),
        exactly=raw.get("mandatory_num_child_tags"),
        minimum=raw.get("mandatory_min_num_child_tags"),
    )


def _html(data: Mapping[str, Any]) -> dict[str, HtmlElementRule]:
    return {
        name: HtmlElementRule(
            name=name,
            use=str(raw.get("use", "")),
            allowed_in=tuple(raw.get("allowed-in", ())),
            extension=raw.get("extension"),
            unchecked=bool(raw.get("unchecked", False)),
        )
        for name, raw in _table(_table(data, "html", ""), "elements", "html").items()
    }


def _transformed(attr: Mapping[str, Any]) -> bool:
    """An attribute of transformed AMP only (the AMP cache's output, not a post's)."""
    return "transformed" in attr.get("enabled_by", ())


def _general(spec: Mapping[str, Any]) -> bool:
    """Whether a tag spec applies in an ordinary page: not only inside an AMP story,
    and not only with the Bento (1.0) script of another extension."""
    where = f"{spec.get('mandatory_parent', '')} {spec.get('mandatory_ancestor', '')}"
    return "AMP-STORY" not in where and not spec.get("requires_condition", "").endswith("1.0")


def _variants(
    name: str,
    specs: list[Mapping[str, Any]],
    lists: Mapping[str, Any],
    rules: Mapping[str, Any],
) -> tuple[Component, ...]:
    kept = [s for s in specs if _general(s)] or specs[:1]
    built = [_component(name, spec, lists, rules) for spec in kept]
    base = {a for a, spec in built[0].attributes.items() if spec.mandatory} if built else set()
    out = built[:1]
    for comp, spec in zip(built[1:], kept[1:], strict=True):
        out.append(comp._replace(dispatch=_dispatch(comp, spec, base)))
    return tuple(out)


def _dispatch(
    comp: Component, spec: Mapping[str, Any], base: set[str]
) -> tuple[tuple[str, str | None], ...]:
    """What selects a variant: its dispatch keys, else the mandatory attributes the
    general spec does not have."""
    keyed = [a for a in spec.get("attrs", []) if "dispatch_key" in a]
    if keyed:
        return tuple(
            (a["name"], (a.get("value") or [None])[0] if "VALUE" in a["dispatch_key"] else None)
            for a in keyed
        )
    extra = [a for a, s in comp.attributes.items() if s.mandatory and a not in base]
    return tuple((a, None) for a in sorted(extra))


def _component(
    name: str,
    spec: Mapping[str, Any],
    lists: Mapping[str, Any],
    rules: Mapping[str, Any],
) -> Component:
    """One tag spec of the validator's table, with the attribute lists it includes."""
    where = f"tags.{name}"
    raw_attrs = list(spec.get("attrs", []))
    for included in spec.get("attr_lists", []):
        if included not in lists:
            raise TableError(f"{where}: unknown attribute list {included!r}")
        raw_attrs.extend(lists[included])
    attributes: dict[str, AttributeSpec] = {}
    any_of: list[Group] = [Group(tuple(g)) for g in spec.get("mandatory_anyof", [])]
    one_of: list[Group] = [Group(tuple(g)) for g in spec.get("mandatory_oneof", [])]
    for raw in raw_attrs:
        if _transformed(raw):
            continue
        attr = _attribute(raw, f"{where}.{raw['name']}")
        alternatives = tuple(raw.get("alternative_names", ()))
        if alternatives and attr.mandatory:
            any_of.append(Group((attr.name, *alternatives)))
            attr = attr._replace(mandatory=False)
        for alt in alternatives:
            attributes.setdefault(alt, attr._replace(name=alt))
        attributes[attr.name] = attr
        for key, groups in (("mandatory_oneof", one_of), ("mandatory_anyof", any_of)):
            if key in raw and Group(tuple(raw[key])) not in groups:
                groups.append(Group(tuple(raw[key])))
    rule = rules.get("one-of-rule")
    return Component(
        name=name,
        layouts=_layouts(spec.get("layouts", []), where),
        attributes=attributes,
        one_of=tuple(g._replace(rule=rule) for g in one_of),
        any_of=tuple(any_of),
        default_width=bool(spec.get("defines_default_width", False)),
        default_height=bool(spec.get("defines_default_height", False)),
        extension=(spec.get("requires_extension") or [None])[0],
        spec=DOCS_URL.format(name=name),
        spec_name=spec.get("spec_name"),
        disallowed_ancestors=tuple(a.lower() for a in spec.get("disallowed_ancestor", ())),
        children=_children(spec.get("child_tags")),
    )


def _layouts(values: list[str], where: str) -> frozenset[Layout]:
    try:
        return frozenset(Layout(v) for v in values)
    except ValueError as exc:
        raise TableError(f"{where}.layouts: {exc}") from None


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


class LazyPattern:
    """A regular expression of the table, compiled when first used: the table holds
    hundreds, a post meets a few, and compiling them all would slow every start."""

    __slots__ = ("_compiled", "flags", "pattern", "where")

    def __init__(self, pattern: str, flags: int, where: str) -> None:
        self.pattern = pattern
        self.flags = flags
        self.where = where
        self._compiled: re.Pattern[str] | None = None

    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            try:
                self._compiled = re.compile(self.pattern, self.flags)
            except re.error as exc:
                raise TableError(f"{self.where}: {exc}") from None
        return self._compiled

    def fullmatch(self, text: str) -> re.Match[str] | None:
        return self.compiled().fullmatch(text)

    def search(self, text: str) -> re.Match[str] | None:
        return self.compiled().search(text)


def _regex(text: str | None, flags: int, where: str) -> LazyPattern | None:
    return None if text is None else LazyPattern(text, flags, where)


def _attribute(raw: Mapping[str, Any], where: str) -> AttributeSpec:
    """An attribute of the validator's table: ``value`` (exact), ``value_casei``,
    ``value_regex`` / ``value_regex_casei`` (the whole value), ``value_url``,
    ``disallowed_value_regex`` (anywhere in the value, any case), triggers."""
    values: list[str] | None = raw.get("value")
    casei: list[str] | None = raw.get("value_casei")
    listed = casei or (values if values != [""] else None)
    regex = raw.get("value_regex_casei") or raw.get("value_regex")
    flags = re.IGNORECASE if "value_regex_casei" in raw else 0
    url = raw.get("value_url")
    return AttributeSpec(
        name=raw["name"],
        mandatory=bool(raw.get("mandatory", False)),
        pattern=_regex(regex, flags, f"{where}.value_regex"),
        values=tuple(listed) if listed else None,
        case_insensitive=casei is not None,
        empty=values == [""],
        url=tuple(url["protocols"]) if url else None,
        relative=bool(url.get("allow_relative", True)) if url else True,
        requires=tuple(raw.get("also_requires_attr", ())),
        disallowed=_regex(
            raw.get("disallowed_value_regex"), re.IGNORECASE, f"{where}.disallowed_value_regex"
        ),
        requires_if=_regex(raw.get("trigger_if_value_regex"), 0, f"{where}.trigger"),
        empty_url=bool(url.get("allow_empty", False)) if url else False,
        implicit=bool(raw.get("implicit", False)),
    )


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
    if scheme is not None and scheme in protocols:
        return None
    if len(protocols) > 3:  # a long list reads better after the problem
        listed = ", ".join(f"{p}:" for p in protocols)
        if scheme is None:
            return None if relative else f"must be an absolute URL ({listed})"
        return f"must not be a {scheme}: URL ({listed})"
    shown = " or ".join(f"{p}:" for p in protocols)
    if scheme is None:
        return None if relative else f"must be an absolute {shown} URL"
    return f"must be a {shown} URL, not {scheme}:"


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
