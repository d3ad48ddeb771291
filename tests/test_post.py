"""The post model: front matter span, HTML elements with exact spans, positions."""

from __future__ import annotations

from ampcheck.document.post import Post

TWEET = (
    '<amp-twitter width="400" height="400"\n'
    '             layout="responsive"\n'
    '             data-tweetid="1013761897622065152">\n'
    "    <blockquote placeholder><p>Trump\u2019s trade wars \U0001f4c8</p>&mdash; "
    '<a href="https://twitter.com/iarynam/status/1013761897622065152">July 2, 2018</a>'
    "</blockquote>\n"
    "</amp-twitter>\n"
)
POST = f"---\ntitle: Day 44\nlayout: post\n---\n\n## Visualization\n{TWEET}"


def test_multiline_amp_twitter_in_a_paragraph_is_one_element_with_children() -> None:
    post = Post.from_text("p.md", POST)
    (tweet,) = post.html.find_all("amp-twitter")
    assert post.position(tweet.start) == (7, 1)
    assert tweet.closed and post.text[tweet.close_start : tweet.end] == "</amp-twitter>"
    assert [c.name for c in tweet.children] == ["blockquote"]
    assert tweet.children[0].has("placeholder")
    assert tweet.children[0].get("placeholder").value is None  # type: ignore[union-attr]
    attr = tweet.get("data-tweetid")
    assert attr is not None and attr.value == "1013761897622065152"
    assert post.text[attr.value_start : attr.value_end] == "1013761897622065152"
    assert post.position(attr.start) == (9, 14)
    # markdown-it reads the three-line opening tag as inline HTML of a paragraph
    assert any(t.type == "paragraph_open" and t.map == [6, 11] for t in post.tokens)


def test_html_in_code_is_not_html() -> None:
    text = (
        "---\ntitle: x\n---\n"
        "```html\n<amp-img src=a.png>\n```\n\n"
        "    <iframe src=x></iframe>\n\n"
        "Use `<amp-anim />` and ``a ` <video>`` here, but <b>this</b>.\n\n"
        "{% highlight html %}\n<script>alert(1)</script>\n{% endhighlight %}\n"
        "{% raw %}<i>raw is still HTML</i>{% endraw %}\n"
    )
    post = Post.from_text("p.md", text)
    assert [e.name for e in post.html.elements] == ["b", "i"]


def test_entities_in_attributes_are_decoded_but_spans_are_raw() -> None:
    post = Post.from_text("p.md", "<a href=\"x?a=1&amp;b=2\" title='it&#39;s' hidden>t</a>")
    (a,) = post.html.elements
    href = a.get("href")
    assert href is not None and href.value == "x?a=1&b=2"
    assert post.text[href.value_start : href.value_end] == "x?a=1&amp;b=2"
    assert a.get("title").value == "it's"  # type: ignore[union-attr]
    assert a.get("HIDDEN") is not None


def test_unclosed_and_stray_tags_and_comments() -> None:
    post = Post.from_text("p.md", "<div><p>text</div></span><!-- ampcheck-disable TW -->")
    div, p = post.html.elements
    assert div.closed and not p.closed and p.end == post.text.index("</div>")
    assert post.html.stray_end_tags[0][0] == "span"
    assert post.html.comments[0].content == " ampcheck-disable TW "


def test_self_closing_and_void_elements_have_no_children() -> None:
    post = Post.from_text("p.md", '<amp-img src="a" /><img src="b"><p>after</p>')
    names = [(e.name, e.parent) for e in post.html.elements]
    # after the block-level amp-img, kramdown reads a paragraph: <img> is an element
    # there, <p> a block-level tag printed as text
    assert names == [("amp-img", None), ("img", None)]
    assert post.html.elements[0].self_closing


def test_crlf_and_bom_positions() -> None:
    text = "\ufeff---\r\ntitle: A\r\n---\r\n<b>x</b>\r\n"
    post = Post.from_text("p.md", text)
    assert post.front_matter is not None and post.front_matter.data == {"title": "A"}
    assert post.position(1) == (1, 1)  # the first '-' after the BOM
    (b,) = post.html.elements
    assert post.position(b.start) == (4, 1)
    assert post.newline == "\r\n"
    assert post.position(post.front_matter.keys["title"].value_start) == (2, 8)


def test_front_matter_needs_no_markdown_parse() -> None:
    post = Post.from_text("p.md", POST)
    assert post.meta["title"] == "Day 44"
    assert "tokens" not in post.__dict__ and "html" not in post.__dict__


def test_front_matter_positions_with_non_ascii_values() -> None:
    post = Post.from_text("p.md", "---\ndescription: “Natural” 📈 ok\nlayout: post\n---\n")
    fm = post.front_matter
    assert fm is not None
    span = fm.keys["layout"]
    assert post.text[span.value_start : span.value_end] == "post"


def test_yaml_error_points_into_the_file() -> None:
    post = Post.from_text("p.md", "---\ntitle: ok\nbad: [1, 2\n---\n")
    fm = post.front_matter
    assert fm is not None and fm.data is None and fm.problem is not None
    assert post.position(fm.problem.offset)[0] in (3, 4)


def test_undecodable_bytes_round_trip() -> None:
    data = b"---\ntitle: caf\xe9\n---\n"
    post = Post("p.md", data)
    assert post.first_undecodable == 14
    assert post.text.encode("utf-8", "surrogateescape") == data


def test_liquid_and_kramdown_are_recognised() -> None:
    text = '---\n---\n{% include tweet.html id="1" %}\n{{ page.title }}\nText\n{: .lead}\n'
    post = Post.from_text("p.md", text)
    assert [(t.name, t.is_output) for t in post.liquid_tags] == [("include", False), (None, True)]
    assert post.liquid_tags[1].markup == "page.title"
    (ial,) = post.kramdown_attribute_lists
    assert post.text[ial[0] : ial[1]] == "{: .lead}"
