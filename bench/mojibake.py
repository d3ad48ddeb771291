"""Mojibake benchmark: ampcheck's EN001/EN002 against ftfy on labelled posts.

Builds Jekyll posts from real multilingual text (the gettext catalogs under
/usr/share/locale: translations of GTK, GLib, coreutils, iso-codes and more, in
about 200 languages), damages each in the ways mojibake happens, keeps the
originals, and measures for both tools:

- detection: the damaged post is flagged (ampcheck: an EN001/EN002 diagnostic;
  ftfy: its repair changes the text);
- exact repair: the repaired post equals the original byte for byte (ampcheck:
  ``--fix``, safe fixes only; ftfy: ``fix_text`` with only its encoding fixes on, or
  ``guess_bytes`` first for files that are not UTF-8);
- false positives: clean posts (the originals, hard correct text, and ftfy's own
  negative cases when present) flagged or changed.

Catalog messages that are themselves mojibake (both tools repair them) are left out.

Run: ``python bench/mojibake.py [--posts 600] [--seed 1]`` (needs ``pip install ftfy``).
"""

from __future__ import annotations

import argparse
import gettext
import json
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ampcheck import plugins
from ampcheck.document.post import Post
from ampcheck.engine.fixer import encode, fix_post
from ampcheck.engine.linter import lint
from ampcheck.rules.en.mojibake import repair

LOCALE = Path("/usr/share/locale")
FTFY_CASES = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "ftfy-test-cases"

# Correct text that looks like mojibake to a careless detector.
HARD_CORRECT = [
    "Ärger über Öl und Übermut",
    "NÃO É POSSÍVEL, disse a SÃO PAULO",
    "√2 ≈ 1.414 and √π ≈ 1.772, ∑ ∆x ≤ ∞",
    "“quotes” and ‘single quotes’ — dashes – and…ellipses",
    "Tiếng Việt có dấu: người, được, những",
    "中文字符，日本語のテキスト、한국어 문장",
    "emoji 📈🗺️ 👨‍👩‍👧 ❤️ 🇯🇵",
    "“élan” and Paris—à bientôt, «Ça va?»",
    "Σ ΑΒΓ αβγ, Привет мир, שלום, مرحبا",
    "±3 × 2 ÷ 4 ≠ 5, ½ ¼ ¾, 20°C, 5 µm, © ® ™",
    "Dvořák, Škoda, Łódź, Ærøskøbing, Þingvellir",
    "¿Qué? ¡Sí! Año, niño, corazón",
]


@dataclass(frozen=True)
class Case:
    kind: str
    original: bytes
    damaged: bytes


def catalogs() -> dict[str, list[str]]:
    """Translated messages with non-ASCII text, by language."""
    by_lang: dict[str, set[str]] = defaultdict(set)
    for mo in sorted(LOCALE.glob("*/LC_MESSAGES/*.mo")):
        lang = mo.parts[len(LOCALE.parts)]
        try:
            with mo.open("rb") as fh:
                catalog = gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]
        except (OSError, UnicodeDecodeError, LookupError, ValueError):
            continue
        for key, value in catalog.items():
            if not key or not isinstance(value, str) or value.isascii():
                continue
            line = " ".join(value.split())
            if 12 <= len(line) <= 200 and "%" not in line and "<" not in line:
                by_lang[lang].add(line)
    return {
        lang: sorted(line for line in lines if not _already_damaged(line))
        for lang, lines in by_lang.items()
        if len(lines) >= 12
    }


def _already_damaged(line: str) -> bool:
    """A few catalog messages are themselves mojibake (Norwegian ``PrÃ¸v Ã¥``): they
    are not clean text. Left out where both tools agree, so neither decides alone."""
    try:
        import ftfy
    except ImportError:
        return False
    return ftfy.fix_encoding(line) != line and repair(line) != line


def snowflake(rng: random.Random) -> str:
    ms = rng.randrange(1_300_000_000_000, 1_700_000_000_000) - 1288834974657
    return str((ms << 22) | rng.randrange(1 << 22))


def make_post(rng: random.Random, lines: list[str], hard: bool = False) -> str:
    pick = lambda: rng.choice(lines)  # noqa: E731
    title = pick().replace('"', "'")
    out = [
        "---",
        f'title: "{title}"',
        f"date: 2020-01-{rng.randrange(1, 29):02d} 00:00:00 +00:00",
        "layout: post",
        f'description: "{pick()}"'.replace("\\", "/") if not hard else "description: Hard text",
        "---",
        "",
    ]
    for _ in range(rng.randrange(2, 5)):
        out += [f"## {pick()}", "", pick() + " " + pick(), ""]
        tweet = snowflake(rng)
        out += [
            '<amp-twitter width="400" height="400"',
            '             layout="responsive"',
            f'             data-tweetid="{tweet}">',
            f'    <blockquote placeholder><p lang="xx" dir="ltr">{pick()}</p>&mdash; '
            f'Someone (@someone) <a href="https://twitter.com/someone/status/{tweet}">'
            "January 2, 2020</a></blockquote>",
            "</amp-twitter>",
            "",
        ]
    return "\n".join(out)


def sloppy_cp1252(data: bytes) -> str:
    """Bytes read as Windows-1252 the way browsers do (undefined bytes: C1 controls)."""
    return "".join(
        chr(b) if b in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else bytes([b]).decode("cp1252") for b in data
    )


DAMAGE: dict[str, Callable[[str], str]] = {
    "Mac Roman": lambda t: t.encode().decode("mac_roman"),
    "Windows-1252": lambda t: sloppy_cp1252(t.encode()),
    "Latin-1": lambda t: t.encode().decode("latin-1"),
    "twice over": lambda t: sloppy_cp1252(sloppy_cp1252(t.encode()).encode()),
}


def damaged_cases(rng: random.Random, text: str) -> Iterator[Case]:
    original = text.encode()
    for kind, damage in DAMAGE.items():
        yield Case(kind, original, damage(text).encode())
    # one pasted paragraph
    paragraphs = text.split("\n\n")
    candidates = [i for i, p in enumerate(paragraphs) if not p.isascii() and i > 0]
    if candidates:
        i = rng.choice(candidates)
        kind = rng.choice(list(DAMAGE)[:3])
        paragraphs[i] = DAMAGE[kind](paragraphs[i])
        yield Case("one paragraph", original, "\n\n".join(paragraphs).encode())
    # a file saved in a legacy code page
    for codepage in ("cp1252", "mac_roman"):
        try:
            yield Case(f"{codepage} file", original, text.encode(codepage))
            break
        except UnicodeEncodeError:
            continue


class Ampcheck:
    name = "ampcheck"

    def __init__(self) -> None:
        table = plugins.load(autoload=False).rules
        self.rules = table.select(["EN001", "EN002"])

        self.errors = 0

    def flags(self, data: bytes) -> bool:
        result = lint(Post("p.md", data), self.rules)
        self.errors += len(result.errors)
        return bool(result.diagnostics)

    def repair(self, data: bytes) -> bytes:
        outcome = fix_post(Post("p.md", data), self.rules)
        self.errors += len(outcome.remaining.errors)
        return encode(outcome.post)


class Ftfy:
    name = "ftfy"

    def __init__(self) -> None:
        import ftfy

        self.ftfy = ftfy
        self.config = ftfy.TextFixerConfig(
            unescape_html=False,
            remove_terminal_escapes=False,
            fix_latin_ligatures=False,
            fix_character_width=False,
            uncurl_quotes=False,
            fix_line_breaks=False,
            remove_control_chars=False,
            normalization=None,
            explain=False,
        )
        self.name = f"ftfy {ftfy.__version__}"

    def _text(self, data: bytes) -> str:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return self.ftfy.guess_bytes(data)[0]  # type: ignore[no-any-return]

    def repair(self, data: bytes) -> bytes:
        return self.ftfy.fix_text(self._text(data), self.config).encode("utf-8")  # type: ignore[no-any-return]

    def flags(self, data: bytes) -> bool:
        return self.repair(data) != data


def ftfy_negative_cases() -> list[str]:
    path = FTFY_CASES / "negative.json"
    if not path.is_file():
        return []
    return [c["original"] for c in json.loads(path.read_text(encoding="utf-8"))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=600, help="clean posts to build")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    langs = catalogs()
    if not langs:
        print(f"no gettext catalogs under {LOCALE}", file=sys.stderr)
        return 2
    names = sorted(langs)
    clean: list[bytes] = []
    damaged: list[Case] = []
    for i in range(args.posts):
        text = make_post(rng, langs[names[i % len(names)]])
        clean.append(text.encode())
        damaged.extend(damaged_cases(rng, text))
    hard = [make_post(rng, HARD_CORRECT, hard=True).encode() for _ in range(50)]
    negatives = [t.encode() for t in ftfy_negative_cases()]

    tools: list[Ampcheck | Ftfy] = [Ampcheck()]
    try:
        tools.append(Ftfy())
    except ImportError:
        print("ftfy is not installed: pip install ftfy", file=sys.stderr)
    print(
        f"{len(names)} languages, {len(clean)} clean posts, {len(damaged)} damaged posts, "
        f"{len(hard)} posts of hard correct text, {len(negatives)} ftfy negative cases\n"
    )
    kinds = sorted({c.kind for c in damaged}, key=[c.kind for c in damaged].index)
    header = "| | " + " | ".join(t.name for t in tools) + " |"
    rows: dict[str, list[str]] = defaultdict(list)
    for tool in tools:
        start = time.perf_counter()
        found = exact = 0
        per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for case in damaged:
            repaired = tool.repair(case.damaged)
            hit = tool.flags(case.damaged)
            found += hit
            exact += repaired == case.original
            per_kind[case.kind][0] += repaired == case.original
            per_kind[case.kind][1] += 1
        flagged = sum(tool.flags(p) for p in clean + hard)
        changed = sum(tool.repair(p) != p for p in clean + hard)
        neg_changed = sum(tool.repair(p) != p for p in negatives)
        elapsed = time.perf_counter() - start
        n = len(damaged)
        rows["detection recall"].append(f"{found / n:.2%} ({found}/{n})")
        rows["exact repair"].append(f"{exact / n:.2%} ({exact}/{n})")
        for kind in kinds:
            ok, total = per_kind[kind]
            rows[f"&nbsp;&nbsp;exact: {kind}"].append(f"{ok}/{total}")
        total_clean = len(clean) + len(hard)
        rows["clean posts flagged"].append(f"{flagged}/{total_clean}")
        rows["clean posts changed"].append(f"{changed}/{total_clean}")
        if negatives:
            rows["ftfy negative cases changed"].append(f"{neg_changed}/{len(negatives)}")
        rows["internal errors"].append(str(getattr(tool, "errors", 0)))
        rows["time"].append(f"{elapsed:.1f} s")
    print(header)
    print("|---" * (len(tools) + 1) + "|")
    for label, cells in rows.items():
        print(f"| {label} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
