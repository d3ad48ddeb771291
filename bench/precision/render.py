"""A Jekyll oracle: what a post of a blog renders to at Markdown level.

Runs render.rb (real Jekyll 4 and kramdown, in Ruby) in the blog's root: the
front matter is stripped, Liquid is rendered with Jekyll's own tags
(``highlight``, ``raw``, ``comment``; ``include`` and tags Jekyll does not know
render as nothing), then the site's kramdown settings from _config.yml
(``kramdown:`` merged over Jekyll's defaults: GFM input, ``hard_wrap: false``,
``auto_ids``) turn it into HTML. The blog's own plugins are never loaded.

    python bench/precision/render.py /work/blogs/houbb _posts/2016-09-25-x.md
    python bench/precision/render.py /work/blogs/houbb _posts/2016-09-25-x.md --headers

With --page (page.rb), the post is built as a whole page in a throwaway site
holding only the blog's _config.yml, _layouts, _includes, _data, _sass and the
post, with ``jekyll build``: Liquid tags Jekyll does not know render as nothing,
the blog's plugins and theme gems are left out. --page-headings prints the
page's headings, e.g. to see at which level the layout prints the title.
"""

from __future__ import annotations

import argparse
import html as html_module
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

RENDER_RB = Path(__file__).resolve().parent / "render.rb"
PAGE_RB = Path(__file__).resolve().parent / "page.rb"
_HEADING_RE = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG_RE = re.compile(r"<[^>]*>")


class OracleMissing(RuntimeError):
    """ruby or the jekyll/kramdown gems are not installed."""


def oracle_available() -> str | None:
    """None when the oracle can run, else why not."""
    if shutil.which("ruby") is None:
        return "ruby is not installed"
    probe = subprocess.run(
        ["ruby", "-e", 'require "jekyll"; require "kramdown"; require "kramdown-parser-gfm"'],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode != 0:
        return "the jekyll, kramdown and kramdown-parser-gfm gems are not all installed"
    return None


def render(root: Path, files: Sequence[str], *, html: bool = False) -> Iterator[dict[str, object]]:
    """One result per file (see render.rb), in the order given; files are
    relative to root or absolute."""
    why = oracle_available()
    if why:
        raise OracleMissing(why)
    if not files:
        return
    command = ["ruby", str(RENDER_RB), str(root), *(["--html"] if html else []), *files]
    with subprocess.Popen(
        command, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        count = 0
        for line in process.stdout:
            count += 1
            yield json.loads(line)
        errors = process.stderr.read()
        if process.wait() != 0 or count != len(files):
            raise RuntimeError(f"render.rb failed in {root}: {errors.strip()[-2000:]}")


def render_page(root: Path, post: str) -> str:
    """The post built as a whole page with the blog's layouts and includes (page.rb)."""
    why = oracle_available()
    if why:
        raise OracleMissing(why)
    result = subprocess.run(
        ["ruby", str(PAGE_RB), str(root), post], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip()[-2000:])
    return result.stdout


def page_headings(page: str) -> list[tuple[int, str]]:
    """The (level, visible text) of every <h1>-<h6> of a page, in order."""
    found = []
    for match in _HEADING_RE.finditer(page):
        text = " ".join(html_module.unescape(_TAG_RE.sub("", match.group(2))).split())
        found.append((int(match.group(1)), text))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("root", type=Path, help="the blog's root folder (where _config.yml is)")
    parser.add_argument("post", help="the post, relative to the root")
    parser.add_argument(
        "--headers", action="store_true", help="print the headers (level, line, HTML) instead"
    )
    parser.add_argument(
        "--page",
        action="store_true",
        help="build the post as a whole page with the blog's layouts and includes (page.rb)",
    )
    parser.add_argument(
        "--page-headings",
        action="store_true",
        help="with the layouts: print the level and text of every heading of the page",
    )
    args = parser.parse_args(argv)
    if args.page or args.page_headings:
        try:
            page = render_page(args.root.resolve(), args.post)
        except (OracleMissing, RuntimeError) as error:
            print(f"render.py: {error}", file=sys.stderr)
            return 2
        if args.page_headings:
            for level, text in page_headings(page):
                print(f"h{level}\t{text}")
        else:
            print(page, end="")
        return 0
    try:
        (result,) = render(args.root.resolve(), [args.post], html=not args.headers)
    except OracleMissing as error:
        print(f"render.py: {error}", file=sys.stderr)
        return 2
    if result.get("error"):
        print(f"render.py: {result['error']}", file=sys.stderr)
    if args.headers:
        for header in result.get("headers", []):  # type: ignore[union-attr]
            print(f"{header['line']}\th{header['level']}\t{header['html']}")
    else:
        print(result.get("html", ""), end="")
    return 1 if result.get("error") and not result.get("headers") and not result.get("html") else 0


if __name__ == "__main__":
    sys.exit(main())
