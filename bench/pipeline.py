"""The minimal pipeline that parses everything with ampcheck's libraries: the
reference point of bench/run.py.

For each post: python-frontmatter loads the front matter, markdown-it-py parses the
body as CommonMark (blocks and inlines), and lxml parses every HTML block and every
``<amp-twitter>`` embed. Nothing is checked.

Run: ``python bench/pipeline.py FOLDER [--blocks-only]``
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import frontmatter
import lxml.html
from markdown_it import MarkdownIt

EMBED_RE = re.compile(r"<amp-twitter\b.*?</amp-twitter>", re.DOTALL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--blocks-only", action="store_true", help="skip inline parsing")
    args = parser.parse_args(argv)
    md = MarkdownIt("commonmark")
    if args.blocks_only:
        md.disable("inline", ignoreInvalid=True)
        md.core.ruler.disable("inline")
    count = 0
    for path in sorted(args.folder.rglob("*.md")):
        post = frontmatter.loads(path.read_text(encoding="utf-8"))
        tokens = md.parse(post.content)
        for tok in tokens:
            if tok.type == "html_block" and tok.content.strip():
                lxml.html.fragments_fromstring(tok.content)
        for embed in EMBED_RE.findall(post.content):
            lxml.html.fragment_fromstring(embed)
        count += len(tokens)
    print(f"{count} tokens")
    return 0


if __name__ == "__main__":
    sys.exit(main())
