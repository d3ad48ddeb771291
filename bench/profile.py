"""Where ampcheck's time goes: each stage of checking a post, over a generated corpus.

Checks every post of the corpus (see bench/run.py) in one process, stage by stage as
the rules would trigger them, and prints the time of each: reading the files, the
front matter, the block parse (kramdown's, as Jekyll's default converter reads the
post), the HTML scan, attribute parsing, then every rule (a rule's time includes what
it is first to compute, such as headings or embeds).
The last row is a plain ``lint`` of every post, which includes the engine's own work
(time limits, suppressions, diagnostics).

Run: ``python bench/profile.py [--posts 1000] [--seed 1]``
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import corpus  # noqa: E402

from ampcheck import plugins  # noqa: E402
from ampcheck.config import Settings  # noqa: E402
from ampcheck.document.post import Post  # noqa: E402
from ampcheck.document.site import SiteFinder  # noqa: E402
from ampcheck.engine.linter import lint  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    posts_dir = corpus(args.posts, args.seed)
    rules = plugins.load(Settings().plugins).rules.select(None)
    sites = SiteFinder()
    paths = sorted(posts_dir.iterdir())
    times: dict[str, float] = defaultdict(float)
    clock = time.perf_counter

    def stage(name: str, start: float) -> float:
        now = clock()
        times[name] += now - start
        return now

    for path in paths:
        t = clock()
        data = path.read_bytes()
        t = stage("read the file", t)
        post = Post(str(path), data, sites.site_for(path), path)
        _ = post.front_matter
        t = stage("text and front matter (PyYAML)", t)
        _ = post.tokens if post.kramdown is None else None
        t = stage("block parse (kramdown, or markdown-it for CommonMark sites)", t)
        _ = post.html
        t = stage("HTML scan", t)
        for el in post.html.elements:
            el.get("id")  # parses the attributes
        t = stage("attributes of every element", t)
        for active in rules:
            for _ in active.rule.check(post):
                pass
            t = stage(f"rule {active.code} {active.name}", t)
    start = clock()
    for path in paths:
        lint(Post(str(path), path.read_bytes(), sites.site_for(path), path), rules)
    whole = clock() - start

    total = sum(times.values())
    print(f"{len(paths)} posts, one process: where the time goes\n")
    print("| stage | seconds | share |")
    print("|---|---|---|")
    for name, seconds in times.items():
        if seconds >= 0.005 * total:
            print(f"| {name} | {seconds:.3f} | {seconds / total:.1%} |")
    small = sum(s for s in times.values() if s < 0.005 * total)
    print(f"| everything else (under 0.5% each) | {small:.3f} | {small / total:.1%} |")
    print(f"| **sum of the stages** | {total:.3f} | 100% |")
    print(f"| reading and linting every post in one go | {whole:.3f} | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
