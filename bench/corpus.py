"""Generate a Jekyll ``_posts/`` corpus shaped like a tweets-of-the-day blog.

Each post has front matter, ``##``/``###`` sections and ``<amp-twitter>`` embeds with
placeholders, like the posts of real blogs of this kind; a few posts carry defects
(mojibake, a control character in a tweet ID, a missing placeholder, a repeated
tweet, a skipped heading level). The output depends only on the seed.

Run: ``python bench/corpus.py OUT_DIR --posts 1000 [--seed 1]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from pathlib import Path

WORDS = [
    "data",
    "model",
    "learning",
    "deep",
    "neural",
    "network",
    "paper",
    "results",
    "training",
    "dataset",
    "python",
    "analysis",
    "visualization",
    "chart",
    "map",
    "trade",
    "wars",
    "research",
    "adversarial",
    "examples",
    "audio",
    "video",
    "representation",
    "graph",
    "statistics",
    "bayesian",
    "inference",
    "regression",
    "clustering",
    "language",
    "text",
    "speech",
    "vision",
    "transformer",
    "benchmark",
    "open",
    "source",
    "library",
    "release",
    "tutorial",
    "notebook",
    "thread",
    "explainer",
    "survey",
    "study",
    "cities",
    "rents",
    "housing",
    "climate",
    "election",
    "voters",
    "turnout",
    "precinct",
    "cartogram",
    "interactive",
    "simulation",
    "gradient",
    "descent",
    "optimizer",
    "batch",
    "normalization",
    "attention",
    "embedding",
    "retrieval",
    "search",
]
NAMES = ["Ana Souza", "Jürgen Weiß", "Zoë Huszár", "李 明", "Ola Nordmann", "Chloé Dubois",
         "Priya Patel", "Mateus Gonçalves", "Yuki Tanaka", "Sam O’Neil"]  # fmt: skip
EMOJI = ["📈", "🗺️", "🔥", "🤖", "📊", "👀", "🎉", "✨", "🧵", "👩‍💻"]
SECTIONS = ["Visualization", "Research", "Tools", "Tutorials", "Fun", "Industry", "Papers",
            "Miscellaneous", "Notable Research", "Tutorials and Resources", "Datasets",
            "Ethics", "Learning Resources"]  # fmt: skip
EPOCH_MS = 1288834974657


def sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words)), rng.choice(EMOJI))
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words)), f"“{rng.choice(WORDS)}”")
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice([".", "!", "?", " …"])


def tweet_id(rng: random.Random, day: dt.date) -> str:
    """A snowflake ID created during the day before ``day`` or on it."""
    ms = int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp() * 1000)
    ms += rng.randrange(-86_400_000, 86_400_000)
    return str(((ms - EPOCH_MS) << 22) | rng.randrange(1 << 22))


def created(tid: str) -> dt.date:
    ms = (int(tid) >> 22) + EPOCH_MS
    return dt.datetime.fromtimestamp(ms / 1000, dt.timezone.utc).date()


def embed(rng: random.Random, tid: str, placeholder: bool = True) -> str:
    day = created(tid)
    user = rng.choice(NAMES)
    handle = _handle(user)
    lines = [
        '<amp-twitter width="400" height="400"',
        '             layout="responsive"',
        f'             data-tweetid="{tid}">',
    ]
    if placeholder:
        # what Twitter's embed code holds: the text with its links, mentions, line
        # breaks and entities, then the author and the date
        parts = [sentence(rng, rng.randrange(8, 30))]
        if rng.random() < 0.5:
            other = _handle(rng.choice(NAMES))
            parts.append(
                f'via <a href="https://twitter.com/{other}?ref_src=twsrc%5Etfw">@{other}</a>'
            )
        if rng.random() < 0.3:
            parts.append(f"<br><br>{rng.choice(WORDS).capitalize()} &amp; {rng.choice(WORDS)}")
        if rng.random() < 0.3:
            parts.append(f"(it&#39;s {rng.choice(WORDS)})")
        link = f"https://t.co/{rng.randrange(16**10):010x}"
        parts.append(f'<a href="{link}">{link}</a>')
        if rng.random() < 0.6:
            pic = f"{rng.randrange(16**10):010x}"
            parts.append(f'<a href="https://t.co/{pic}">pic.twitter.com/{pic}</a>')
        lines.append(
            f'    <blockquote placeholder><p lang="en" dir="ltr">{" ".join(parts)}</p>'
            f"&mdash; {user} (@{handle}) "
            f'<a href="https://twitter.com/{handle}/status/{tid}?ref_src=twsrc%5Etfw">'
            f"{day.strftime('%B')} {day.day}, {day.year}</a></blockquote>"
        )
    lines.append("</amp-twitter>")
    return "\n".join(lines)


def _handle(user: str) -> str:
    return "".join(c for c in user.lower() if c.isascii() and c.isalpha())[:12] or "user"


def post(rng: random.Random, number: int, day: dt.date) -> str:
    defects = rng.random() < 0.1
    ids: list[str] = []
    out = [
        "---",
        f"title: Day {number}",
        f"date: {day.isoformat()} 00:00:00 +00:00",
        "layout: post",
        f"description: {sentence(rng, rng.randrange(3, 8))}",
        "---",
        "",
    ]

    def embeds() -> None:
        for _ in range(rng.randrange(1, 6)):
            tid = tweet_id(rng, day)
            if defects and ids and rng.random() < 0.1:
                tid = rng.choice(ids)  # the same tweet again
            ids.append(tid)
            shown = tid
            if defects and rng.random() < 0.05:
                shown = tid[:5] + "\f" + tid[5:]  # a control character in the ID
            placeholder = not (defects and rng.random() < 0.1)
            out.append(embed(rng, tid, placeholder).replace(tid, shown, 1))
            out.append("")

    # like the real posts: about 7 sections, some split into topics, about 22 tweets
    for section in rng.sample(SECTIONS, rng.randrange(4, 9)):
        out.append(f"## {section}")
        if rng.random() < 0.6:
            embeds()
            continue
        for _ in range(rng.randrange(1, 3)):
            level = "####" if defects and rng.random() < 0.3 else "###"
            out.append(f"{level} {sentence(rng, rng.randrange(2, 6)).rstrip('.!? …')}")
            embeds()
    text = "\n".join(out)
    if rng.random() < 0.05:
        text = text.encode().decode("mac_roman")  # saved through the wrong encoding
    return text


def generate(out: Path, posts: int, seed: int = 1) -> list[Path]:
    rng = random.Random(seed)
    folder = out / "_posts"
    folder.mkdir(parents=True, exist_ok=True)
    (out / "_config.yml").write_text("timezone: UTC\n", encoding="utf-8")
    # the layout chain post -> default, an AMP document, as on the real blog
    layouts = out / "_layouts"
    layouts.mkdir(exist_ok=True)
    (layouts / "post.html").write_text("---\nlayout: default\n---\n{{ content }}\n", "utf-8")
    (layouts / "default.html").write_text(
        '<!doctype html>\n<html \u26a1 lang="en">\n<head>\n'
        '<script async src="https://cdn.ampproject.org/v0.js"></script>\n'
        '<script async custom-element="amp-twitter" '
        'src="https://cdn.ampproject.org/v0/amp-twitter-0.1.js"></script>\n</head>\n'
        "<body>{{ content }}</body>\n</html>\n",
        "utf-8",
    )
    start = dt.date(2018, 5, 20)
    paths = []
    for i in range(posts):
        day = start + dt.timedelta(days=i)
        path = folder / f"{day.isoformat()}-day-{i + 1}.md"
        path.write_text(post(rng, i + 1, day), encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    generate(args.out, args.posts, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
