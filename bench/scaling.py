"""How ampcheck's time grows with one post: linear, or worse somewhere.

For every rule that can report many problems in one post, builds a post with 1,000,
2,000, 4,000, 8,000 and 16,000 of that rule's findings, lints it in this process (all
rules on, no time limit) and prints the time per finding at each size. A step whose
cost is quadratic in the post shows as a line that doubles with each size; a linear
one stays flat. Rules that report once a post (FM001, EN005, ...) and input shapes
that cost time without being findings (long runs of blanks in a heading, unclosed
extensions, ...) are grown the same way, and their time is given per 1,000 units of
input (a unit is one copy of the repeated text).

Run: ``python bench/scaling.py [--sizes 1000,2000,4000,8000,16000] [--only EN001,TW006]``
Exits 1 when some line rises by more than ``--limit`` (default 2x from the smallest
size to the largest).
"""

from __future__ import annotations

import argparse
import gc
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ampcheck import plugins
from ampcheck.config import Settings
from ampcheck.document.post import Post
from ampcheck.document.site import SiteFinder
from ampcheck.engine.linter import lint
from ampcheck.engine.registry import ActiveRule

_CODE_RE = re.compile(r"[A-Z]+[0-9]+$")

FRONT = "---\ntitle: Growing\ndate: 2019-03-14\nlayout: post\namp: true\n---\n"
TWEET = "1106210626511938227"  # 2019-03-14
OTHER = "1106463794701474567"  # 2019-03-15
TW_ATTRS = 'width="375" height="472" layout="responsive"'


def tweet(
    i: int, tweet_id: str = TWEET, link: str | None = None, date: str = "March 14, 2019"
) -> str:
    link = link or tweet_id
    return (
        f'<amp-twitter {TW_ATTRS} data-tweetid="{tweet_id}">\n'
        f"  <blockquote placeholder><p>Tweet {i}</p>&mdash; Data Notes (@dn) "
        f'<a href="https://twitter.com/dn/status/{link}">{date}</a></blockquote>\n'
        "</amp-twitter>\n\n"
    )


def unique_id(i: int) -> str:
    return str(1106210626511938227 + i * 4096)  # same day, a tweet each


@dataclass(frozen=True)
class Case:
    """A post made of ``head`` then ``unit(i)`` for i in range(n), then ``tail``."""

    label: str  # a rule code, or a shape's name
    what: str
    unit: Callable[[int], str]
    head: str = FRONT
    tail: str = ""
    #: findings of ``label`` per unit; 0: a shape of input (time per 1,000 units)
    per_unit: int = 1
    name: str = "2019-03-14-growing.md"


# -- one finding per unit, for every rule that can report more than once a post ----

FINDINGS = [
    Case(
        "AC001",
        "an unused suppression",
        lambda i: f"<!-- ampcheck-disable-line HD002 -->\ntext {i}\n\n",
    ),
    Case(
        "AMP001",
        "an unknown layout",
        lambda i: f'<amp-img src="a{i}.png" width="1" height="1" layout="bogus"></amp-img>\n\n',
    ),
    Case(
        "AMP002",
        "no width or height",
        lambda i: f'<amp-img src="a{i}.png" width="1" layout="fixed"></amp-img>\n\n',
    ),
    Case(
        "AMP003",
        "an attribute not allowed",
        lambda i: (
            f'<amp-img src="a{i}.png" width="1" height="1" layout="fixed" loading="lazy">'
            "</amp-img>\n\n"
        ),
    ),
    Case(
        "AMP004",
        "an iframe in an AMP post",
        lambda i: f'<iframe src="https://example.com/{i}"></iframe>\n\n',
    ),
    Case(
        "AMP005",
        "a self-closing AMP element",
        lambda i: f'<amp-img src="a{i}.png" width="1" height="1" layout="fixed" />\n\n',
    ),
    Case(
        "AMP006",
        "a placeholder outside an AMP element",
        lambda i: f"<div placeholder>x {i}</div>\n\n",
    ),
    Case(
        "AMP008",
        "an AMP element without its end tag",
        lambda i: f'<amp-img src="a{i}.png" width="1" height="1" layout="fixed">\n\n',
    ),
    Case(
        "AMP010",
        "an accordion holding a div",
        lambda i: f"<amp-accordion><div>x {i}</div></amp-accordion>\n\n",
    ),
    Case(
        "AMP011",
        "a link with a protocol AMP rejects",
        lambda i: f'<a href="vbscript:msgbox({i})">x</a>\n\n',
    ),
    Case(
        "AMP012",
        "an attribute AMP does not allow",
        lambda i: f'<p foo="{i}">x</p>\n\n',
    ),
    # the same, each inside the one before (a rule that looks for an element around
    # each one walks the whole depth)
    Case("AMP004", "... nested: an unclosed video in a video", lambda i: f'<video src="v{i}.mp4">'),
    Case("AMP006", "... nested: a placeholder in a placeholder", lambda i: "<div placeholder>"),
    Case(
        "AMP012",
        "... nested: a div AMP rejects an attribute of in one",
        lambda i: '<div foo="x">',
    ),
    Case(
        "TW007",
        "... nested: Twitter's embed code in embed code",
        lambda i: '<blockquote class="twitter-tweet">',
    ),
    Case("EN001", "mojibake (the brief's `Ã© a `)", lambda i: "Ã© a "),
    Case("EN003", "a replacement character", lambda i: f"x{i} \ufffd "),
    Case("EN004", "a control character", lambda i: f"x{i} \x01 "),
    Case(
        "FM007",
        "a duplicate front-matter key",
        lambda i: "a: 1\n",
        head="---\ntitle: t\n",
        tail="---\nx\n",
    ),
    Case("HD001", "a heading that skips a level", lambda i: f"## a{i}\n\n#### b{i}\n\n"),
    Case("HD002", "a second level-1 heading", lambda i: f"# a{i}\n\n"),
    Case("HD003", "an empty heading", lambda i: '## <span class="icon"></span>\n\n'),
    Case("HD004", "a duplicate heading", lambda i: "## a\n\n"),
    Case("HD005", "a heading ending with punctuation", lambda i: f"## a{i}.\n\n"),
    Case("HD006", "a heading without a blank after #", lambda i: f"##a{i}\n\n"),
    Case(
        "TW001",
        "an amp-twitter without a tweet ID",
        lambda i: (
            f"<amp-twitter {TW_ATTRS}><blockquote placeholder>t {i}</blockquote></amp-twitter>\n\n"
        ),
    ),
    Case("TW002", "a malformed tweet ID", lambda i: tweet(i, f"x{i}")),
    Case(
        "TW003",
        "a placeholder linking to another tweet",
        lambda i: tweet(i, unique_id(i), link=OTHER),
    ),
    Case("TW004", "the same tweet embedded again", lambda i: tweet(i)),
    Case(
        "TW005",
        "a printed date the ID disagrees with",
        lambda i: tweet(i, unique_id(i), date="March 1, 2019"),
    ),
    Case(
        "TW006",
        "an amp-twitter without a placeholder",
        lambda i: f'<amp-twitter {TW_ATTRS} data-tweetid="{unique_id(i)}"></amp-twitter>\n\n',
    ),
    Case(
        "TW007",
        "Twitter's embed code in an AMP post",
        lambda i: f'<blockquote class="twitter-tweet"><p>t {i}</p></blockquote>\n\n',
    ),
]

# -- rules that report once a post, and shapes of input that are no findings --------

SHAPES = [
    Case(
        "FM001",
        "a post without front matter, by paragraphs",
        lambda i: f"text {i}\n\n",
        head="",
        per_unit=0,
    ),
    Case(
        "FM002",
        "invalid front matter, by its lines",
        lambda i: f"k{i}: v\n",
        head="---\n",
        tail="bad: [\n---\nx\n",
        per_unit=0,
    ),
    Case(
        "FM005",
        "a post misnamed, by paragraphs",
        lambda i: f"text {i}\n\n",
        name="growing.md",
        per_unit=0,
    ),
    Case(
        "FM006",
        "a date on another day, by paragraphs",
        lambda i: f"text {i}\n\n",
        head=FRONT.replace("2019-03-14", "2019-03-17"),
        per_unit=0,
    ),
    Case(
        "FM008",
        "an unknown layout, by paragraphs",
        lambda i: f"text {i}\n\n",
        head=FRONT.replace("post", "nowhere"),
        per_unit=0,
    ),
    Case(
        "FM003",
        "a required field missing, by paragraphs",
        lambda i: f"text {i}\n\n",
        head=FRONT.replace("title: Growing\n", ""),
        per_unit=0,
    ),
    Case(
        "FM004",
        "a field of the wrong type, by paragraphs",
        lambda i: f"text {i}\n\n",
        head=FRONT.replace("title: Growing", "title: [a, b]"),
        per_unit=0,
    ),
    Case(
        "FM009",
        "a date on another day in UTC, by paragraphs",
        lambda i: f"text {i}\n\n",
        head=FRONT.replace("2019-03-14", "2019-03-14 23:30:00 -0500"),
        per_unit=0,
    ),
    Case("EN002", "bytes that are not UTF-8 (one finding)", lambda i: f"x{i} \udcff ", per_unit=0),
    Case(
        "EN005",
        "a byte order mark, by paragraphs",
        lambda i: f"text {i}\n\n",
        head="\ufeff" + FRONT,
        per_unit=0,
    ),
    Case(
        "AMP007",
        "AMP components in a post that is no AMP page",
        lambda i: f'<amp-img src="a{i}.png" width="1" height="1" layout="fixed"></amp-img>\n\n',
        head=FRONT.replace("amp: true", "amp: false"),
        per_unit=0,
    ),
    Case(
        "AMP009",
        "AMP components whose script the layouts do not load",
        lambda i: (
            f'<amp-vimeo data-videoid="{i}" width="500" height="281" layout="responsive">'
            "</amp-vimeo>\n\n"
        ),
        head=FRONT.replace("layout: post", "layout: amp-page"),
        per_unit=0,
    ),
    Case(
        "heading blanks",
        "`# a`, 16 blanks a unit, `b`",
        lambda i: " " * 16,
        head=FRONT + "# a",
        tail="b\n",
        per_unit=0,
    ),
    Case(
        "heading marks",
        "`## a`, 16 `.` a unit, `x`",
        lambda i: "." * 16,
        head=FRONT + "## a",
        tail="x\n",
        per_unit=0,
    ),
    Case(
        "setext underline",
        "`a`, then 16 `=` a unit and `-`",
        lambda i: "=" * 16,
        head=FRONT + "a\n",
        tail="-\n",
        per_unit=0,
    ),
    Case(
        "placeholder >",
        "16 `>` a unit in a placeholder",
        lambda i: ">" * 16,
        head=FRONT + f'<amp-twitter {TW_ATTRS} data-tweetid="{TWEET}"><blockquote placeholder>',
        tail="</blockquote></amp-twitter>\n",
        per_unit=0,
    ),
    Case(
        "unclosed {::comment}",
        "`{::comment}` and a blank line",
        lambda i: "{::comment}\n\n",
        per_unit=0,
    ),
    Case(
        "suppressions",
        "a `disable-next-line` and the heading it covers",
        lambda i: f"<!-- ampcheck-disable-next-line HD001 -->\n#### a{i}\n\n",
        per_unit=0,
    ),
    Case(
        "suppression keys",
        "one `disable-next-line` comment, a rule named a unit",
        lambda i: f" HD00{i % 9 + 1}",
        head=FRONT + "<!-- ampcheck-disable-next-line",
        tail=" -->\n# a\n",
        per_unit=0,
    ),
    Case(
        "FM007 anchors",
        "duplicate keys that define anchors",
        lambda i: f"a: &x{i} 1\n",
        head="---\ntitle: t\n",
        tail="---\nx\n",
        per_unit=0,
    ),
    Case(
        "FM007 aliases",
        "... that aliases name",
        lambda i: f"a: &x{i} 1\nb{i}: *x{i}\n",
        head="---\ntitle: t\n",
        tail="---\nx\n",
        per_unit=0,
    ),
]

SIZES = (1000, 2000, 4000, 8000, 16000)
#: a size that takes longer than this is the last one run for its case
SLOW = 60.0


def site() -> Path:
    """A Jekyll site whose ``post`` layout exists (FM008) and is no AMP page, and whose
    ``amp-page`` layout is an AMP page that loads no extension script (AMP009)."""
    root = Path(tempfile.mkdtemp(prefix="ampcheck-scaling-"))
    (root / "_config.yml").write_text("title: Scaling\n")
    (root / "_layouts").mkdir()
    (root / "_layouts" / "post.html").write_text("<html><body>{{ content }}</body></html>\n")
    (root / "_layouts" / "amp-page.html").write_text(
        '<html amp><head><script async src="https://cdn.ampproject.org/v0.js"></script>'
        "</head><body>{{ content }}</body></html>\n"
    )
    (root / "_posts").mkdir()
    return root


@dataclass
class Row:
    case: Case
    #: (size, seconds, findings of the case's rule)
    runs: list[tuple[int, float, int]]

    def rates(self) -> list[float]:
        """Microseconds per finding, or milliseconds per 1,000 units for a shape."""
        if self.case.per_unit:
            return [seconds / max(found, 1) * 1e6 for _, seconds, found in self.runs]
        return [seconds / size * 1e6 for size, seconds, _ in self.runs]

    def growth(self) -> float:
        rates = self.rates()
        return rates[-1] / rates[0] if len(rates) > 1 and rates[0] > 0 else 1.0


def measure(case: Case, sizes: tuple[int, ...], repeat: int, rules: list[ActiveRule]) -> Row:
    root = site()
    path = root / "_posts" / case.name
    found_site = SiteFinder().site_for(path)
    row = Row(case, [])
    for size in sizes:
        text = case.head + "".join(case.unit(i) for i in range(size)) + case.tail
        best = float("inf")
        found = 0
        for _ in range(repeat):
            post = Post.from_text(str(path), text, found_site, path)
            gc.collect()
            # the process's own time: other processes on the machine do not count
            start = time.process_time()
            result = lint(post, rules, timeout=None)
            best = min(best, time.process_time() - start)
            if result.errors:
                raise SystemExit(f"{case.label} at {size}: {result.errors[0].message}")
            found = Counter(d.code for d in result.diagnostics)[case.label]
            if best > 1.0:
                break  # a long run varies little: once is enough
        if case.per_unit and found < size * case.per_unit - 1:
            raise SystemExit(f"{case.label}: {found} findings for {size} units")
        if not case.per_unit and _CODE_RE.match(case.label) and not found:
            raise SystemExit(f"{case.label}: not reported")
        row.runs.append((size, best, found))
        if best > SLOW:
            break
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--only", default="", help="labels to run, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs per size")
    parser.add_argument("--limit", type=float, default=2.0)
    args = parser.parse_args(argv)
    sizes = tuple(int(s) for s in args.sizes.split(","))
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    ordered = sorted(FINDINGS, key=lambda c: (c.label, c.what.startswith("..."))) + SHAPES
    cases = [c for c in ordered if not only or c.label in only]
    if only - {c.label for c in cases}:
        parser.error(f"unknown --only: {', '.join(sorted(only - {c.label for c in cases}))}")
    head = " | ".join(f"{size / 1000:g}k" for size in sizes)
    print("Time per finding (µs), or per 1,000 units of input (ms) for a shape\n")
    print(f"| rule or shape | what grows | {head} | largest / smallest |")
    print("|---|---|" + "---|" * len(sizes) + "---|")
    table = plugins.load(Settings().plugins).rules
    rules = table.select([r.code for r in table])  # every rule, those off by default too
    rising = []
    for case in cases:
        row = measure(case, sizes, args.repeat, rules)
        rates = [f"{r:.0f}" if r >= 10 else f"{r:.1f}" for r in row.rates()]
        rates += ["(slow)"] * (len(sizes) - len(rates))
        unit = "" if case.per_unit else " (per 1k units)"
        print(
            f"| {case.label} | {case.what}{unit} | {' | '.join(rates)} | {row.growth():.2f}x |",
            flush=True,
        )
        if row.growth() > args.limit or len(row.runs) < len(sizes):
            rising.append(case.label)
    if rising:
        print(f"\nrising: {', '.join(rising)}")
    return 1 if rising else 0


if __name__ == "__main__":
    sys.exit(main())
