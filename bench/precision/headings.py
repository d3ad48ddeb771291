"""Compare the headings ampcheck sees with the ones Jekyll renders, post by post.

For every Markdown post of every blog of blogs.toml (exported by export.py),
takes ampcheck's headings (``ampcheck.rules.hd.headings.headings``, what the HD rules
read) and the headers kramdown produces through the Jekyll oracle (render.rb:
Liquid first, then the site's kramdown settings), and compares the two
sequences of (level, visible text). Visible text is normalised on both sides:
ampcheck's Markdown source is rendered inline, tags are dropped, entities
decoded, and only letters and digits are kept, lower-cased, so typography
(smart quotes, dashes) does not count.

Prints per blog the posts compared, the posts that differ and those skipped
(Liquid that does not render, or a site whose converter is not kramdown), then
the first differences.

With --diagnostics, also runs ampcheck and lists the HD diagnostics that stand
on a heading kramdown renders otherwise (or not at all), or name one as the
heading before them.

    python bench/precision/headings.py [--only NAME,...] [--show N] [--jobs N] [--json FILE]
                                       [--diagnostics]
"""

from __future__ import annotations

import argparse
import difflib
import html
import json
import os
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from export import (  # noqa: E402
    Blog,
    add_blog_options,
    post_folders,
    selected_blogs,
)
from render import OracleMissing, oracle_available, render  # noqa: E402
from run import Diagnostic, default_ampcheck  # noqa: E402
from run import check_blog as ampcheck_diagnostics  # noqa: E402

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mkd", ".mkdn", ".mdown", ".mdwn")
_TAG_RE = re.compile(r"<[^>]*>")


class Head(NamedTuple):
    level: int
    text: str  # normalised
    line: int | None
    shown: str  # for the report
    liquid: bool = False  # the source holds Liquid: its text is only known once rendered


def normalise(visible: str) -> str:
    """Letters and digits of the text, NFKC, lower-cased."""
    visible = unicodedata.normalize("NFKC", html.unescape(_TAG_RE.sub("", visible)))
    return "".join(ch for ch in visible.lower() if ch.isalnum())


def ampcheck_heads(root: Path, relative: str) -> list[Head]:
    from markdown_it import MarkdownIt

    from ampcheck.document.post import Post
    from ampcheck.rules.hd.headings import headings

    # ampcheck's heading text has the inline HTML kramdown reads as elements taken
    # out already; what is left of "<...>" is text kramdown prints (<Map>, </br>)
    inline = MarkdownIt("commonmark", {"html": False})
    post = Post(relative, (root / relative).read_bytes())
    found = headings(post)
    env: dict[str, object] = {}
    if found:
        inline.parse(
            post.text[post.body_start :], env
        )  # reference definitions, for [text][ref] links
    heads = []
    for heading in found:
        rendered = inline.renderInline(heading.plain, env)
        liquid = "{{" in heading.plain or "{%" in heading.plain
        heads.append(Head(heading.level, normalise(rendered), heading.line, heading.plain, liquid))
    return heads


def oracle_heads(result: dict[str, object]) -> list[Head]:
    heads = []
    for header in result.get("headers", []):  # type: ignore[union-attr]
        shown = html.unescape(_TAG_RE.sub("", header["html"])).strip()
        heads.append(
            Head(int(header["level"]), normalise(header["html"]), header.get("line"), shown)
        )
    return heads


@dataclass
class Difference:
    path: str
    kind: str  # "only ampcheck", "only kramdown", "level", "text"
    ampcheck: Head | None
    kramdown: Head | None

    def describe(self) -> str:
        def show(head: Head | None) -> str:
            if head is None:
                return "-"
            return f"h{head.level} {head.shown[:60]!r} (line {head.line})"

        ours, theirs = show(self.ampcheck), show(self.kramdown)
        return f"{self.path}: {self.kind}: ampcheck {ours}; kramdown {theirs}"


def compare(
    path: str, ours: Sequence[Head], theirs: Sequence[Head], lines_exact: bool = True
) -> list[Difference]:
    """The differences between two heading sequences, aligned on (level, text);
    within a stretch that differs, headings pair up by line (when the lines are
    exact), then by text. A heading whose source holds Liquid matches a rendered
    heading of the same level whatever its text."""
    differences: list[Difference] = []
    matcher = difflib.SequenceMatcher(
        a=[(h.level, h.text) for h in ours], b=[(h.level, h.text) for h in theirs], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        left, right = list(ours[i1:i2]), list(theirs[j1:j2])
        for a in left:
            match = None
            if lines_exact and a.line is not None:
                match = next((b for b in right if b.line == a.line), None)
            if match is None:
                match = next((b for b in right if b.text == a.text), None)
            if match is None and a.liquid:
                match = next((b for b in right if b.level == a.level), None)
            if match is None:
                differences.append(Difference(path, "only ampcheck", a, None))
                continue
            right.remove(match)
            if match.level == a.level and (a.liquid or match.text == a.text):
                continue
            kind = "level" if match.text == a.text or a.liquid else "text"
            differences.append(Difference(path, kind, a, match))
        differences.extend(Difference(path, "only kramdown", None, b) for b in right)
    return differences


@dataclass
class BlogReport:
    name: str
    compared: int = 0
    differing: int = 0
    approximate_lines: int = 0  # posts whose Liquid moved lines: matched by sequence only
    skipped: dict[str, int] = field(default_factory=dict)
    differences: list[Difference] = field(default_factory=list)
    kinds: dict[str, int] = field(default_factory=dict)


def markdown_posts(blog: Blog, root: Path) -> list[str]:
    posts = []
    for folder in post_folders(blog, root):
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and path.suffix.lower() in MARKDOWN_SUFFIXES:
                posts.append(path.relative_to(root).as_posix())
    return posts


def site_converter(root: Path) -> str:
    """The site's `markdown:` setting (kramdown when unset)."""
    config = root / "_config.yml"
    if config.is_file():
        match = re.search(
            r"^markdown:\s*['\"]?([\w-]+)", config.read_text("utf-8", "replace"), re.MULTILINE
        )
        if match:
            return match.group(1)
    return "kramdown"


def check_blog(blog: Blog, root: Path, jobs: int) -> BlogReport:
    report = BlogReport(blog.name)
    posts = markdown_posts(blog, root)
    converter = site_converter(root)
    if converter.lower() != "kramdown":
        report.skipped[f"site converter is {converter}, not kramdown"] = len(posts)
        return report
    chunks = [posts[i :: max(jobs, 1)] for i in range(max(jobs, 1))]

    def run(chunk: list[str]) -> list[dict[str, object]]:
        return list(render(root, chunk))

    results: dict[str, dict[str, object]] = {}
    with ThreadPoolExecutor(max_workers=max(jobs, 1)) as pool:
        for chunk_results in pool.map(run, [c for c in chunks if c]):
            for result in chunk_results:
                results[str(result["path"])] = result
    for path in posts:
        result = results[path]
        error = str(result.get("error") or "")
        if error:
            reason = "Liquid does not render" if error.startswith("liquid") else "render error"
            report.skipped[reason] = report.skipped.get(reason, 0) + 1
            continue
        try:
            ours = ampcheck_heads(root, path)
        except Exception as exc:  # a crash here is a finding too
            report.skipped[f"ampcheck failed: {type(exc).__name__}"] = report.skipped.get(
                f"ampcheck failed: {type(exc).__name__}", 0) + 1  # fmt: skip
            continue
        report.compared += 1
        if not result.get("lines_exact"):
            report.approximate_lines += 1
        differences = compare(path, ours, oracle_heads(result), bool(result.get("lines_exact")))
        if differences:
            report.differing += 1
            report.differences.extend(differences)
            for difference in differences:
                report.kinds[difference.kind] = report.kinds.get(difference.kind, 0) + 1
    return report


_EARLIER_RE = re.compile(r"on line (\d+)")


def affected_diagnostics(
    report: BlogReport, diagnostics: Sequence[Diagnostic]
) -> list[tuple[Diagnostic, str]]:
    """The HD diagnostics of the blog that stand on a heading kramdown renders
    otherwise (or not at all), or that name such a heading as the earlier one."""
    odd: dict[str, dict[int, str]] = {}
    for difference in report.differences:
        if difference.ampcheck is not None and difference.ampcheck.line is not None:
            odd.setdefault(difference.path, {})[difference.ampcheck.line] = difference.kind
    found = []
    for diagnostic in diagnostics:
        code, path, line = diagnostic.code, diagnostic.path, diagnostic.line
        if not code.startswith("HD") or path not in odd:
            continue
        lines = odd[path]
        if line in lines:
            found.append((diagnostic, f"its heading: {lines[line]}"))
            continue
        earlier = _EARLIER_RE.search(diagnostic.message)
        if earlier and int(earlier.group(1)) in lines:
            found.append(
                (
                    diagnostic,
                    f"the heading on line {earlier.group(1)}: {lines[int(earlier.group(1))]}",
                )
            )
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_blog_options(parser, "folder of the exported blogs")
    parser.add_argument(
        "--diagnostics",
        action="store_true",
        help="also run ampcheck and list the HD diagnostics on headings kramdown renders otherwise",
    )
    parser.add_argument(
        "--show", type=int, default=5, help="differences shown per blog (default %(default)s)"
    )
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="Ruby processes per blog"
    )
    parser.add_argument(
        "--json", type=Path, default=None, help="write every difference to this JSON file"
    )
    args = parser.parse_args(argv)
    why = oracle_available()
    if why:
        print(f"headings.py: {why}", file=sys.stderr)
        return 2
    blogs = selected_blogs(parser, args)
    reports = []
    for blog in blogs:
        root = args.root / blog.name
        if not root.is_dir():
            print(f"{blog.name}: not exported under {args.root} (run export.py)", file=sys.stderr)
            continue
        try:
            report = check_blog(blog, root, args.jobs)
        except OracleMissing as error:
            print(f"headings.py: {error}", file=sys.stderr)
            return 2
        reports.append(report)
        skipped = ", ".join(f"{n} {why}" for why, n in report.skipped.items()) or "none"
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(report.kinds.items())) or "-"
        print(
            f"{blog.name}: {report.differing} of {report.compared} posts differ ({kinds});"
            f" skipped: {skipped}; lines moved by Liquid in {report.approximate_lines}"
        )
        for difference in report.differences[: args.show]:
            print(f"  {difference.describe()}")
        if args.diagnostics and report.differences:
            found = ampcheck_diagnostics(blog, root, default_ampcheck())
            affected = affected_diagnostics(report, found)
            counts = Counter(d.code for d, _ in affected)
            listed = ", ".join(f"{n} {code}" for code, n in sorted(counts.items())) or "none"
            print(f"  HD diagnostics on headings kramdown renders otherwise: {listed}")
            for d, why in affected[: args.show]:
                print(f"    {d.path}:{d.line}: {d.code} ({why})")
    if args.json:
        rows = [
            {
                "blog": report.name,
                "path": difference.path,
                "kind": difference.kind,
                "ampcheck": difference.ampcheck._asdict() if difference.ampcheck else None,
                "kramdown": difference.kramdown._asdict() if difference.kramdown else None,
            }
            for report in reports
            for difference in report.differences
        ]
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
