"""The AMP validator table (src/ampcheck/data/amp_validator.json) and the script that
builds it from the validator's rule files (scripts/amp_table.py)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "src" / "ampcheck" / "data" / "amp_validator.json"

# The components a post may embed that the table must cover.
REQUIRED = [
    "amp-ad",
    "amp-embed",
    "amp-accordion",
    "amp-audio",
    "amp-bodymovin-animation",
    "amp-brightcove",
    "amp-carousel",
    "amp-base-carousel",
    "amp-dailymotion",
    "amp-facebook",
    "amp-facebook-comments",
    "amp-facebook-like",
    "amp-facebook-page",
    "amp-fit-text",
    "amp-gfycat",
    "amp-gist",
    "amp-google-document-embed",
    "amp-iframe",
    "amp-image-lightbox",
    "amp-imgur",
    "amp-instagram",
    "amp-jwplayer",
    "amp-kaltura-player",
    "amp-lightbox-gallery",
    "amp-list",
    "amp-mathml",
    "amp-o2-player",
    "amp-pinterest",
    "amp-playbuzz",
    "amp-reddit",
    "amp-riddle-quiz",
    "amp-selector",
    "amp-sidebar",
    "amp-social-share",
    "amp-soundcloud",
    "amp-springboard-player",
    "amp-timeago",
    "amp-twitter",
    "amp-video",
    "amp-video-iframe",
    "amp-vimeo",
    "amp-vine",
    "amp-wistia-player",
    "amp-youtube",
]
# amp-lightbox-gallery has no element of its own: it adds the lightbox attributes.
NO_ELEMENT = {"amp-lightbox-gallery"}


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("amp_table", ROOT / "scripts" / "amp_table.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["amp_table"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def table() -> dict:
    return json.loads(TABLE.read_text(encoding="utf-8"))


def test_table_names_its_validator_revision(table: dict) -> None:
    info = table["validator"]
    assert info["spec_file_revision"].isdigit()
    assert "validator/validator-main.protoascii" in info["files"]
    assert len(info["generated"]) == 10


@pytest.mark.parametrize("name", REQUIRED)
def test_table_covers_component(table: dict, name: str) -> None:
    if name in NO_ELEMENT:
        lists = table["attr_lists"]["lightboxable-elements"]
        assert {a["name"] for a in lists} == {"lightbox", "lightbox-thumbnail-id"}
        return
    specs = table["tags"][name]
    assert specs[0]["tag_name"] == name
    assert specs[0]["layouts"], name
    assert specs[0]["requires_extension"], name


def test_the_constraints_posts_break_most_are_in_the_table(table: dict) -> None:
    brightcove = {a["name"]: a for a in table["tags"]["amp-brightcove"][0]["attrs"]}
    assert brightcove["data-account"]["mandatory"] is True
    dailymotion = {a["name"]: a for a in table["tags"]["amp-dailymotion"][0]["attrs"]}
    assert dailymotion["data-videoid"]["value_regex_casei"] == "[a-z0-9]+"
    assert table["tags"]["amp-gist"][0]["layouts"] == ["fixed-height"]
    noloading = {a["name"]: a for a in table["attr_lists"]["extended-amp-global"]}["noloading"]
    assert noloading["value"] == [""]


# Raw HTML a post may hold that the validator allows in the body.
BODY_TAGS = [
    "a", "abbr", "aside", "b", "blockquote", "br", "center", "code", "del", "details",
    "div", "dl", "em", "figcaption", "figure", "h1", "h6", "hr", "i", "ins", "kbd", "li",
    "mark", "ol", "p", "pre", "ruby", "s", "section", "small", "span", "strong", "sub",
    "summary", "sup", "svg", "table", "td", "u", "ul",
]  # fmt: skip


@pytest.mark.parametrize("name", BODY_TAGS)
def test_table_holds_body_html_tags(table: dict, name: str) -> None:
    spec = table["tags"][name][0]
    assert spec["tag_name"] == name
    assert spec.get("mandatory_parent", "").upper() not in {"HEAD", "HTML"}


def test_table_holds_html_rules_of_the_body(table: dict) -> None:
    tags = table["tags"]
    for name in ("html", "head", "body", "script", "style", "embed", "font", "marquee"):
        assert name not in tags, name
    a_href = {x["name"]: x for x in tags["a"][0]["attrs"]}["href"]["value_url"]
    assert {"http", "https", "mailto", "tel", "sms", "ftp", "fb-messenger", "whatsapp"} <= set(
        a_href["protocols"]
    )
    assert "javascript" not in a_href["protocols"] and "vbscript" not in a_href["protocols"]
    assert tags["img"][0]["mandatory_ancestor"] == "NOSCRIPT"
    post = next(s for s in tags["form"] if s.get("spec_name") == "FORM [method=POST]")
    post_attrs = {x["name"]: x for x in post["attrs"]}
    assert post_attrs["action-xhr"]["mandatory"] is True
    assert post_attrs["method"]["dispatch_key"] == "NAME_VALUE_DISPATCH"
    style = {x["name"]: x for x in table["attr_lists"]["$GLOBAL_ATTRS"]}["style"]
    declarations = dict((name, values) for name, values in style["css_declarations"])
    assert "color" in declarations and "position" in declarations
    assert "fixed" not in declarations["position"]


def test_parser_reads_the_text_format() -> None:
    script = _script()
    doc = script.parse(
        "a: 1  # comment\n"
        'tags: {\n  tag_name: "AMP-X"\n  attrs: { name: "src" value_regex: "\\\\d+"\n'
        '    "|x" mandatory: true }\n  amp_layout { supported_layouts: FIXED_HEIGHT }\n}\n'
    )
    assert doc["a"] == ["1"]
    tag = doc["tags"][0]
    assert tag["attrs"][0]["value_regex"] == ["\\d+|x"]
    spec = script.tag_spec(tag, "amp-x")
    assert spec["layouts"] == ["fixed-height"]
    assert spec["attrs"] == [{"name": "src", "mandatory": True, "value_regex": "\\d+|x"}]


def test_parser_rejects_what_it_cannot_read() -> None:
    script = _script()
    with pytest.raises(script.ProtoError, match="not closed"):
        script.parse('tags: { tag_name: "A"')


def test_readme_table_is_the_tables(table: dict) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("<!-- amp-components:start -->\n") + len("<!-- amp-components:start -->\n")
    end = readme.index("<!-- amp-components:end -->")
    assert readme[start:end] == _script().readme_table(table), (
        "README's component table is stale: python scripts/amp_table.py --readme"
    )


def test_rule_book_links_every_component(table: dict) -> None:
    page = (ROOT / "rules" / "AMP003.md").read_text(encoding="utf-8")
    for name in table["tags"]:
        if name.startswith("amp-"):
            assert f"https://amp.dev/documentation/components/{name}/" in page, name


def test_every_pattern_of_the_table_compiles() -> None:
    """The table's regular expressions are compiled when first used: each must
    compile, so that no post meets one that does not."""
    from ampcheck.rules.amp import components

    loaded = components.table()
    specs = [
        spec
        for group in (*loaded.variants.values(), *loaded.html_tags.values())
        for comp in group
        for spec in comp.attributes.values()
    ]
    specs += [s for c in loaded.components.values() for s in c.attributes.values()]
    specs += list(loaded.global_values.values())
    patterns = [p for s in specs for p in (s.pattern, s.disallowed, s.requires_if) if p is not None]
    assert len(patterns) > 100
    for pattern in patterns:
        pattern.compiled()
