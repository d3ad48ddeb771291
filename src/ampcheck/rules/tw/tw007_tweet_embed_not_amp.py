"""TW007: Twitter's own embed code (blockquote.twitter-tweet, widgets.js) in an AMP post."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from ampcheck.document.html import Element
from ampcheck.document.post import Post
from ampcheck.model import Edit, Fix, FixAvailability, Violation
from ampcheck.rules.amp import components as amp
from ampcheck.rules.tw.tweets import is_tweet_blockquote, is_valid_id, status_link, status_url_id

# Twitter's widget loader, and the other widgets it renders (publish.twitter.com).
WIDGETS_JS_RE = re.compile(r"^(?:https?:)?//platform\.(?:twitter|x)\.com/widgets\.js(?:[?#].*)?$")
OTHER_WIDGETS = frozenset(
    {
        "twitter-timeline", "twitter-follow-button", "twitter-share-button",
        "twitter-hashtag-button", "twitter-mention-button", "twitter-moment",
        "twitter-grid", "twitter-dm-button",
    }
)  # fmt: skip
DEFAULT_SIZE = ("375", "472")


@dataclass(frozen=True, slots=True)
class Options(amp.AmpOptions):
    width: int | None = None
    height: int | None = None


class TweetEmbedNotAmp(amp.AmpPageRule):
    code = "TW007"
    name = "tweet-embed-not-amp"
    summary = "Twitter's embed code (blockquote.twitter-tweet, widgets.js) in an AMP post"
    fixable = FixAvailability.SOMETIMES
    Options = Options

    def check_amp(self, post: Post) -> Iterator[Violation]:
        quotes = [el for el in post.html.find_all("blockquote") if is_tweet_blockquote(el, post)]
        scripts = [el for el in post.html.find_all("script") if is_widgets_js(el)]
        if not quotes and not scripts:
            return
        other_widgets = any(_classes(el) & OTHER_WIDGETS for el in post.html.elements)
        if quotes:
            size = self._size(post)
            remove = scripts if len(quotes) == 1 and not other_widgets else []
            for quote in quotes:
                yield self._quote(post, quote, size, remove, bool(scripts))
        elif not other_widgets:
            for script in scripts:
                yield Violation(
                    *amp.tag_name_span(script),
                    "Twitter's widgets.js is not allowed in AMP pages, and amp-twitter does "
                    "not need it",
                    Fix.safe("remove Twitter's widgets.js", _removal(post, script)),
                )

    def _quote(
        self,
        post: Post,
        quote: Element,
        size: tuple[str, str],
        scripts: list[Element],
        has_script: bool,
    ) -> Violation:
        link = status_link(quote)
        href = link.get("href") if link is not None else None
        tweet_id = status_url_id(href.value) if href is not None and href.value else None
        code = "Twitter's embed code (blockquote.twitter-tweet" + (
            " and widgets.js)" if has_script else ")"
        )
        start, end = amp.tag_name_span(quote)
        if tweet_id is None or not is_valid_id(tweet_id) or not quote.closed:
            return Violation(
                start,
                end,
                f"{code} does not work in AMP pages: use <amp-twitter> (the blockquote "
                "links to no tweet, so it cannot be converted)",
            )
        fix = Fix.safe(
            f'wrap it in <amp-twitter data-tweetid="{tweet_id}">',
            *_wrap(post, quote, tweet_id, size),
            *(_removal(post, s) for s in scripts),
        )
        return Violation(
            start,
            end,
            f'{code} does not work in AMP pages: use <amp-twitter data-tweetid="{tweet_id}">',
            fix,
        )

    def _size(self, post: Post) -> tuple[str, str]:
        """Width and height for the new amp-twitter: the options, else the pair most used
        by the post's other amp-twitter elements, else 375x472."""
        counts: Counter[tuple[str, str]] = Counter()
        for el in post.html.find_all("amp-twitter"):
            w, h = el.get("width"), el.get("height")
            if w is None or h is None or w.value is None or h.value is None:
                continue
            wl, hl = amp.parse_length(w.value), amp.parse_length(h.value)
            usable = wl.valid and hl.valid and not wl.auto and not hl.auto
            if usable and wl.unit == hl.unit:
                counts[(w.value, h.value)] += 1
        width, height = counts.most_common(1)[0][0] if counts else DEFAULT_SIZE
        if self.options.width is not None:
            width = str(self.options.width)
        if self.options.height is not None:
            height = str(self.options.height)
        return width, height


def is_widgets_js(el: Element) -> bool:
    src = el.get("src")
    return (
        src is not None and src.value is not None and bool(WIDGETS_JS_RE.match(src.value.strip()))
    )


def _classes(el: Element) -> set[str]:
    cls = el.get("class")
    return set(cls.value.split()) if cls is not None and cls.value else set()


def _wrap(post: Post, quote: Element, tweet_id: str, size: tuple[str, str]) -> list[Edit]:
    """Edits that put the blockquote, as its placeholder, inside an amp-twitter that
    carries its data-* options (data-cards, data-conversation, data-lang...)."""
    text = post.text
    options = "".join(
        f" {text[a.start : a.end]}"
        for a in quote.attributes
        if a.name.startswith("data-") and a.name != "data-tweetid"
    )
    opening = (
        f'<amp-twitter width="{size[0]}" height="{size[1]}" layout="responsive" '
        f'data-tweetid="{tweet_id}"{options}>'
    )
    line_start = post.line_offset(post.position(quote.start)[0])
    indent = text[line_start : quote.start]
    block = indent.strip(" \t") == "" and len(indent.expandtabs(4)) < 4
    edits = [
        Edit.insertion(quote.start, opening + (f"\n{indent}" if block else "")),
        Edit.insertion(quote.end, (f"\n{indent}" if block else "") + "</amp-twitter>"),
    ]
    if not quote.has("placeholder"):
        edits.append(Edit.insertion(quote.start + 1 + len(quote.name), " placeholder"))
    return edits


def _removal(post: Post, script: Element) -> Edit:
    """Delete the script, with the blanks before it; its whole line when nothing else
    stands on it."""
    text = post.text
    line = post.position(script.start)[0]
    line_start = post.line_offset(line)
    start = script.start
    while start > line_start and text[start - 1] in " \t":
        start -= 1
    end_line = post.position(script.end)[0]
    line_end = post.line_end(end_line)
    if start == line_start and text[script.end : line_end].strip(" \t") == "":
        following = (
            post.line_offset(end_line + 1) if end_line < len(post.line_starts) else len(text)
        )
        if following > line_end:
            return Edit.deletion(line_start, following)
    return Edit.deletion(start, script.end)
