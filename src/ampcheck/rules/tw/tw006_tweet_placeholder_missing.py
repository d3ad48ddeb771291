"""TW006: an amp-twitter has no placeholder child holding the tweet's text."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ampcheck.document.html import Element
from ampcheck.document.post import Post
from ampcheck.model import Severity, Violation
from ampcheck.rule import Rule
from ampcheck.rules.amp import components as amp
from ampcheck.rules.tw.tweets import inner_text, placeholder_of

# a word in text: after some '>' with no '<' or '>' between (the last '>' before a
# word outside tags is one), so that each '>' is looked past once
_WORD_IN_TEXT_RE = re.compile(r">[^<>]*?[^\W_]")


class TweetPlaceholderMissing(Rule):
    code = "TW006"
    name = "tweet-placeholder-missing"
    summary = "An amp-twitter has no placeholder child holding the tweet's text"
    severity = Severity.WARNING

    def check(self, post: Post) -> Iterator[Violation]:
        for el in post.html.find_all("amp-twitter"):
            if not el.has("data-tweetid"):
                continue  # moments and timelines: no single tweet's text to show
            placeholder = placeholder_of(el)
            start, end = amp.tag_name_span(el)
            if placeholder is None:
                yield Violation(
                    start,
                    end,
                    "amp-twitter has no placeholder: readers see an empty box until Twitter's "
                    "script loads, and nothing if it does not; put the tweet's text in a "
                    "<blockquote placeholder> child",
                )
            elif not text_content(post, placeholder):
                yield Violation(
                    placeholder.start,
                    placeholder.tag_end,
                    "the placeholder holds no text: put the tweet's text in it",
                )


def text_content(post: Post, el: Element) -> str:
    """The element's text as an HTML parser reads it (lxml), stripped."""
    raw = post.text[el.start : el.end]
    if _WORD_IN_TEXT_RE.search(raw, el.tag_end - el.start - 1):
        return "text"  # a word outside any tag: there is text, no need to parse
    import lxml.etree  # only here: most placeholders are told apart without parsing
    import lxml.html

    try:
        fragment = lxml.html.fragment_fromstring(raw, create_parent="div")
        return str(fragment.text_content()).strip()
    except (lxml.etree.ParserError, ValueError):
        # lxml refuses text with control characters or nothing parseable
        return inner_text(post, el).strip()
