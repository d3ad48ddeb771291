"""Files in legacy encodings: ampcheck's EN002 against charset-normalizer and ftfy.

Builds Jekyll posts from real text (the gettext catalogs under /usr/share/locale) in
the languages each encoding serves, saves each in that encoding (Windows-1250, 1251,
1252, Latin-1, ISO-8859-2, Mac Roman, Shift_JIS, GB18030, GBK, EUC-KR, Big5, UTF-16
with and without a byte order mark, and UTF-8 with one paragraph pasted as
Windows-1252), keeps the UTF-8 original, and measures for each tool:

- detection: the file is flagged (ampcheck: an EN002 diagnostic; the others: their
  text is not the file's bytes);
- encoding named right: the encoding named decodes the file to the original
  (ampcheck: the one its message names; charset-normalizer: ``from_bytes().best()``;
  ftfy: ``guess_bytes``);
- exact repair: the converted file equals the original byte for byte (ampcheck:
  ``--fix``, safe fixes only, and with ``--unsafe-fixes``); how many fixes ampcheck
  offers as safe, and how many of those are wrong (the worst outcome);
- false positives: the same posts saved as UTF-8, flagged or changed.

Short posts (one catalog message) are part of every kind: they are genuinely
ambiguous, which is what an unsafe fix is for.

Run: ``python bench/legacy_files.py [--posts 40] [--seed 1]`` (needs ``pip install
ftfy``; charset-normalizer comes with ampcheck).
"""

from __future__ import annotations

import argparse
import gettext
import random
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ampcheck import plugins
from ampcheck.document.post import Post
from ampcheck.engine.fixer import encode, fix_post
from ampcheck.engine.linter import lint
from ampcheck.model import Applicability
from ampcheck.rules.en.legacy import LEGACY_NAMES

LOCALE = Path("/usr/share/locale")
Row = tuple[str, list[str]]

WESTERN = ("fr", "de", "es", "pt", "it", "nl", "da", "sv", "ca")
CENTRAL = ("pl", "cs", "sk", "hu", "ro", "hr", "sl")
CYRILLIC = ("ru", "uk", "bg", "be", "sr", "mk")
MIXED = ("ru", "pl", "fr", "de", "ja", "zh_CN", "ko", "el", "tr")


# kind -> (the languages of its posts, how a post's text is saved)
KINDS: dict[str, tuple[tuple[str, ...], Callable[[str], bytes]]] = {
    "Windows-1251": (CYRILLIC, lambda t: t.encode("cp1251")),
    "Windows-1250": (CENTRAL, lambda t: t.encode("cp1250")),
    "ISO-8859-2": (CENTRAL, lambda t: t.encode("iso8859_2")),
    "Windows-1252": (WESTERN, lambda t: t.encode("cp1252")),
    "Latin-1": (WESTERN, lambda t: t.encode("latin-1")),
    "Mac Roman": (WESTERN, lambda t: t.encode("mac_roman")),
    "Shift_JIS": (("ja",), lambda t: t.encode("shift_jis")),
    "GB18030": (("zh_CN",), lambda t: t.encode("gb18030")),
    "GBK": (("zh_CN",), lambda t: t.encode("gbk")),
    "EUC-KR": (("ko",), lambda t: t.encode("euc_kr")),
    "Big5": (("zh_TW",), lambda t: t.encode("big5")),
    "UTF-16 (byte order mark)": (MIXED, lambda t: t.encode("utf-16")),
    "UTF-16LE (no mark)": (MIXED, lambda t: t.encode("utf-16-le")),
    "UTF-16BE (no mark)": (MIXED, lambda t: t.encode("utf-16-be")),
}


@dataclass(frozen=True)
class Case:
    kind: str
    original: bytes
    data: bytes


def catalog(lang: str) -> list[str]:
    """Translated messages of one language with non-ASCII text."""
    lines: set[str] = set()
    for mo in sorted((LOCALE / lang / "LC_MESSAGES").glob("*.mo")):
        try:
            with mo.open("rb") as fh:
                messages = gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]
        except (OSError, UnicodeDecodeError, LookupError, ValueError):
            continue
        for key, value in messages.items():
            if not key or not isinstance(value, str) or value.isascii():
                continue
            line = " ".join(value.split())
            if 12 <= len(line) <= 200 and "%" not in line and "<" not in line:
                lines.add(line)
    return sorted(lines)


def make_post(rng: random.Random, lines: list[str], size: int) -> str:
    """A post: front matter, ``size`` messages as headings, paragraphs and a tweet."""
    title = rng.choice(lines).replace('"', "'").replace("\\", "/")
    out = ["---", f'title: "{title}"', "layout: post", "---", ""]
    for i in range(size):
        line = rng.choice(lines)
        out += [f"## {line}" if i % 3 == 0 else line, ""]
        if i % 4 == 3:
            tweet = rng.randrange(10**18, 2 * 10**18)
            out += [
                '<amp-twitter width="400" height="400" layout="responsive"',
                f'             data-tweetid="{tweet}">',
                f"  <blockquote placeholder>{rng.choice(lines)}</blockquote>",
                "</amp-twitter>",
                "",
            ]
    return "\n".join(out)


def build(posts: int, seed: int) -> tuple[list[Case], list[bytes]]:
    """The damaged files of every kind (``posts`` each) and the clean UTF-8 posts."""
    rng = random.Random(seed)
    texts: dict[str, list[str]] = {}
    cases: list[Case] = []
    clean: list[bytes] = []
    for kind, (langs, save) in {**KINDS, "pasted Windows-1252": (WESTERN, _paste)}.items():
        usable = [lang for lang in langs if (LOCALE / lang).is_dir()]
        made = 0
        for _ in range(posts * 20):
            if made == posts or not usable:
                break
            lang = usable[made % len(usable)]
            lines = texts.setdefault(lang, catalog(lang))
            if len(lines) < 12:
                usable.remove(lang)
                continue
            text = make_post(rng, lines, rng.choice((0, 1, 2, 4, 8, 16)))
            try:
                data = save(text)
            except UnicodeEncodeError:
                continue
            if data.isascii():
                continue
            cases.append(Case(kind, text.encode(), data))
            clean.append(text.encode())
            made += 1
    return cases, clean


def _paste(text: str) -> bytes:
    """UTF-8, but for its last non-ASCII paragraph, saved as Windows-1252."""
    parts = text.split("\n\n")
    pasted = [i for i, part in enumerate(parts) if i > 0 and not part.isascii()]
    if not pasted:
        raise UnicodeEncodeError("utf-8", "", 0, 1, "no paragraph to paste")
    i = pasted[-1]
    return b"\n\n".join(p.encode("cp1252") if j == i else p.encode() for j, p in enumerate(parts))


_LABELS = {name: encoding for encoding, name in LEGACY_NAMES.items()}
_NAMED_RE = re.compile(r"the file is (?:probably )?(.+?)(?: or | without|;| \(|$)")
_PASTED_RE = re.compile(r"those bytes look like (.+?) in a file")


class Ampcheck:
    name = "ampcheck"

    def __init__(self) -> None:
        self.rules = plugins.load(autoload=False).rules.select(["EN002"])
        self.errors = 0

    def verdict(self, case: Case) -> tuple[bool, bool, bytes, bytes, bool]:
        """(flagged, named right, safe repair, unsafe repair, fix offered as safe)."""
        result = lint(Post("p.md", case.data), self.rules)
        self.errors += len(result.errors)
        messages = [d.message for d in result.diagnostics]
        safe = any(
            d.fix is not None and d.fix.applicability is Applicability.SAFE
            for d in result.diagnostics
        )
        return (
            bool(messages),
            any(_names(m, case) for m in messages),
            self.repair(case.data, unsafe=False),
            self.repair(case.data, unsafe=True),
            safe,
        )

    def repair(self, data: bytes, unsafe: bool) -> bytes:
        outcome = fix_post(Post("p.md", data), self.rules, unsafe=unsafe)
        self.errors += len(outcome.remaining.errors)
        return encode(outcome.post)


def _names(message: str, case: Case) -> bool:
    """Whether the encoding the message names decodes the file to the original."""
    m = _NAMED_RE.search(message) or _PASTED_RE.search(message)
    if m is None:
        return False
    encoding = _LABELS.get(m.group(1), m.group(1).lower())
    if m.re is _PASTED_RE:
        return encoding in ("cp1252", "latin-1") and case.kind.startswith("pasted")
    try:
        return case.data.decode(encoding).encode() == case.original
    except (UnicodeDecodeError, LookupError):
        data = case.data[2:] if case.data[:2] in (b"\xff\xfe", b"\xfe\xff") else case.data
        try:
            return data.decode(encoding).encode() == case.original
        except (UnicodeDecodeError, LookupError):
            return False


class Detector:
    """charset-normalizer, or ftfy's ``guess_bytes`` then ``fix_text``: the encoding
    guessed, and the text it decodes to."""

    def __init__(self, which: str) -> None:
        self.which = which
        if which == "ftfy":
            import ftfy

            self.ftfy = ftfy
            self.name = f"ftfy {ftfy.__version__} (guess_bytes)"
        else:
            import charset_normalizer

            self.name = f"charset-normalizer {charset_normalizer.__version__}"

    def decode(self, data: bytes) -> bytes:
        if self.which == "ftfy":
            try:
                text, _ = self.ftfy.guess_bytes(data)
            except UnicodeDecodeError:
                return data
            return self.ftfy.fix_encoding(text).encode()  # type: ignore[no-any-return]
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        return data if best is None else str(best).encode()

    def verdict(self, case: Case) -> tuple[bool, bool, bytes, bytes, bool]:
        repaired = self.decode(case.data)
        exact = repaired == case.original
        return repaired != case.data, exact, repaired, repaired, False


def run(posts: int, seed: int) -> list[Row]:
    """Build the files and measure every tool: the rows of the table (the first row
    names the tools)."""
    cases, clean = build(posts, seed)
    tools: list[Ampcheck | Detector] = [Ampcheck(), Detector("charset-normalizer")]
    try:
        tools.append(Detector("ftfy"))
    except ImportError:
        print("ftfy is not installed: pip install ftfy", file=sys.stderr)
    rows: dict[str, list[str]] = defaultdict(list)
    rows[""] = [tool.name for tool in tools]
    kinds = list(dict.fromkeys(c.kind for c in cases))
    for tool in tools:
        _measure(tool, cases, clean, kinds, rows)
    return list(rows.items())


def _measure(
    tool: Ampcheck | Detector,
    cases: list[Case],
    clean: list[bytes],
    kinds: list[str],
    rows: dict[str, list[str]],
) -> None:
    start = time.perf_counter()
    total: dict[str, int] = defaultdict(int)
    per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for case in cases:
        flagged, named, safe_fix, unsafe_fix, offered = tool.verdict(case)
        total["found"] += flagged
        total["named"] += named
        total["safe exact"] += safe_fix == case.original
        total["exact"] += unsafe_fix == case.original
        total["offered"] += offered
        total["wrong safe"] += offered and safe_fix != case.original
        counts = per_kind[case.kind]
        counts[0] += named
        counts[1] += unsafe_fix == case.original
        counts[2] += offered
        counts[3] += 1
    flagged_clean = sum(tool.verdict(Case("clean", p, p))[0] for p in clean)
    n = len(cases)
    is_ampcheck = isinstance(tool, Ampcheck)
    rows["detection recall"].append(f"{total['found'] / n:.2%} ({total['found']}/{n})")
    rows["encoding named right"].append(f"{total['named'] / n:.2%} ({total['named']}/{n})")
    rows["exact repair"].append(f"{total['exact'] / n:.2%} ({total['exact']}/{n})")
    if is_ampcheck:
        offered = total["offered"]
        good = offered - total["wrong safe"]
        rows["fix offered as safe"].append(f"{offered / n:.2%} ({offered}/{n})")
        rows["exact where safe"].append(f"{good / max(offered, 1):.2%} ({good}/{offered})")
        rows["safe fixes wrong"].append(str(total["wrong safe"]))
        rows["exact with --fix alone"].append(f"{total['safe exact']}/{n}")
    else:
        for label in ("fix offered as safe", "exact where safe", "safe fixes wrong"):
            rows[label].append("-")
        rows["exact with --fix alone"].append("-")
    for kind in kinds:
        named, exact, offered, count = per_kind[kind]
        cell = f"{named}/{count} named, {exact}/{count} exact"
        rows[f"&nbsp;&nbsp;{kind}"].append(cell + (f", {offered} safe" if is_ampcheck else ""))
    rows["clean UTF-8 posts flagged"].append(f"{flagged_clean}/{len(clean)}")
    rows["internal errors"].append(str(getattr(tool, "errors", 0)))
    rows["time"].append(f"{time.perf_counter() - start:.1f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=40, help="files of each kind")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if not LOCALE.is_dir():
        print(f"no gettext catalogs under {LOCALE}", file=sys.stderr)
        return 2
    rows = run(args.posts, args.seed)
    (_, names), *body = rows
    print("| | " + " | ".join(names) + " |")
    print("|---" * (len(names) + 1) + "|")
    for label, cells in body:
        print(f"| {label} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
