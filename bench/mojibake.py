"""Mojibake benchmark: ampcheck's EN001/EN002 against ftfy on labelled posts.

Builds Jekyll posts from real multilingual text (the gettext catalogs under
/usr/share/locale: translations of GTK, GLib, coreutils, iso-codes and more, in
about 200 languages), damages each in the ways mojibake happens, keeps the
originals, and measures for both tools:

- detection: the damaged post is flagged (ampcheck: an EN001/EN002 diagnostic;
  ftfy: its repair changes the text);
- exact repair: the repaired post equals the original byte for byte (ampcheck:
  ``--fix``, safe fixes only; ftfy: ``fix_text`` with only its encoding fixes on);
- false positives: clean posts (the originals, hard correct text, and ftfy's own
  negative cases when present) flagged or changed.

Catalog messages that are themselves mojibake (both tools repair them) are left out.

Files saved in a legacy encoding (Windows-1250/1251/1252, Latin-1, ISO-8859-2, Mac
Roman, Shift_JIS, GB18030, GBK, EUC-KR, Big5, UTF-16) follow in the same table, built
and measured by ``bench/legacy_files.py`` (``--files`` of each kind): there the exact
repair is ampcheck's with ``--unsafe-fixes`` (a file two encodings read alike has only
an unsafe fix), against charset-normalizer and ftfy's ``guess_bytes``, and "exact
where safe" tells how many of the fixes offered as safe are right.

Run: ``python bench/mojibake.py [--posts 600] [--files 40] [--seed 1]`` (needs ``pip
install ftfy``).
"""

from __future__ import annotations

import argparse
import gettext
import importlib.util
import json
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

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


def read_as(codec: str, sloppy: bool = True) -> Callable[[bytes], str]:
    """Bytes read with an 8-bit code page; ``sloppy`` as browsers read it (a byte the
    code page leaves undefined becomes the C1 control of the same number)."""

    def read(data: bytes) -> str:
        out = []
        for b in data:
            try:
                out.append(bytes([b]).decode(codec))
            except UnicodeDecodeError:
                if not sloppy:
                    raise
                out.append(chr(b))
        return "".join(out)

    return read


def sloppy_cp1252(data: bytes) -> str:
    """Bytes read as Windows-1252 the way browsers do (undefined bytes: C1 controls)."""
    return read_as("cp1252")(data)


READ: dict[str, Callable[[bytes], str]] = {
    "Mac Roman": read_as("mac_roman"),
    "Windows-1252": sloppy_cp1252,
    "Latin-1": read_as("latin-1"),
    "Windows-1250": read_as("cp1250"),
    "ISO-8859-2": read_as("iso8859_2"),
    "Windows-1251": read_as("cp1251"),
    "Windows-1253": read_as("cp1253"),
    "Windows-1254": read_as("cp1254"),
    "Windows-1257": read_as("cp1257"),
    "cp437": read_as("cp437"),
}


def rounds(*names: str) -> Callable[[str], str]:
    """UTF-8 text read with each code page in turn, saved as UTF-8 each time."""

    def damage(text: str) -> str:
        for name in names:
            text = READ[name](text.encode())
        return text

    return damage


# The languages each code page serves (gettext catalog names); None: every language.
CENTRAL = ("pl", "cs", "sk", "hu", "ro", "hr", "sl")
CYRILLIC = ("ru", "uk", "bg", "sr", "be", "mk")
WESTERN = ("fr", "de", "es", "it", "pt", "da", "sv", "nl", "ca", "is")
LANGUAGES: dict[str, tuple[str, ...] | None] = {
    "Mac Roman": None,
    "Windows-1252": None,
    "Latin-1": None,
    "Windows-1250": CENTRAL,
    "ISO-8859-2": CENTRAL,
    "Windows-1251": CYRILLIC,
    "Windows-1253": ("el",),
    "Windows-1254": ("tr", "az"),
    "Windows-1257": ("lt", "lv", "et"),
    "cp437": WESTERN,
}
DAMAGE: dict[str, Callable[[str], str]] = {name: rounds(name) for name in READ}
# damage done over two and three rounds, on the languages of the first code page
COMBINED: dict[str, tuple[str, ...]] = {
    "twice over": ("Windows-1252", "Windows-1252"),
    "Mac Roman, then Windows-1252": ("Mac Roman", "Windows-1252"),
    "Windows-1251, then Windows-1252": ("Windows-1251", "Windows-1252"),
    "Windows-1250, then Windows-1252": ("Windows-1250", "Windows-1252"),
    "Windows-1253, then Mac Roman": ("Windows-1253", "Mac Roman"),
    "three rounds of Windows-1252": ("Windows-1252",) * 3,
    "Windows-1251, then Windows-1252 twice": ("Windows-1251", "Windows-1252", "Windows-1252"),
}
for _name, _pages in COMBINED.items():
    DAMAGE[_name] = rounds(*_pages)
    LANGUAGES[_name] = LANGUAGES[_pages[0]]

# Signs and letter-like symbols, alone and against words and numbers
SIGNS = [
    "5 µs", "5µs", "nº 7", "Nº", "1ª", "1ª vez", "20 °C", "20°", "± 2", "±2", "¶ 3", "¶",
    "§ 4", "§4", "a · b", "·", "© 2020", "©2020", "Acme®", "®", "10\u00a0km", "p.\u00a012",
    "«\u00a0oui\u00a0»", "¿qué?", "¡sí!",
]  # fmt: skip


def sign_paragraph(rng: random.Random, line: str) -> str:
    """A line of text with signs inserted between its words."""
    words = line.split(" ")
    for sign in rng.sample(SIGNS, 4):
        words.insert(rng.randrange(len(words) + 1), sign)
    return " ".join(words)


def damaged_cases(rng: random.Random, text: str, kinds: list[str]) -> Iterator[Case]:
    original = text.encode()
    for kind in kinds:
        yield Case(kind, original, DAMAGE[kind](text).encode())
    # one pasted paragraph
    paragraphs = text.split("\n\n")
    candidates = [i for i, p in enumerate(paragraphs) if not p.isascii() and i > 0]
    if candidates:
        i = rng.choice(candidates)
        kind = rng.choice(kinds[:3])
        paragraphs[i] = DAMAGE[kind](paragraphs[i])
        yield Case("one paragraph", original, "\n\n".join(paragraphs).encode())


def sign_cases(rng: random.Random, text: str, kinds: list[str]) -> Iterator[Case]:
    """A paragraph with signs in it, damaged by each code page of the language."""
    paragraphs = text.split("\n\n")
    i = rng.randrange(1, len(paragraphs))
    paragraphs[i] = sign_paragraph(rng, paragraphs[i])
    original = "\n\n".join(paragraphs)
    for kind in kinds:
        if kind not in READ:
            continue
        damaged = [*paragraphs[:i], DAMAGE[kind](paragraphs[i]), *paragraphs[i + 1 :]]
        yield Case("signs in a damaged paragraph", original.encode(), "\n\n".join(damaged).encode())


class Ampcheck:
    name = "ampcheck"

    def __init__(self) -> None:
        table = plugins.load(autoload=False).rules
        self.rules = table.select(["EN001", "EN002"])

        self.errors = 0
        self.refused = 0

    def flags(self, data: bytes) -> bool:
        result = lint(Post("p.md", data), self.rules)
        self.errors += len(result.errors)
        return bool(result.diagnostics)

    def repair(self, data: bytes) -> bytes:
        outcome = fix_post(Post("p.md", data), self.rules)
        # a fix the re-parse guard refuses (it would change the HTML or Markdown
        # around it) is left out and named, which is no failure of the rule
        refused = [e for e in outcome.remaining.errors if e.message.startswith("fix refused")]
        self.refused += len(refused)
        self.errors += len(outcome.remaining.errors) - len(refused)
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


def kinds_for(lang: str) -> list[str]:
    """The kinds of damage a post in ``lang`` gets: the code pages that serve it."""
    base = lang.split("_")[0].split("@")[0]
    return [k for k, langs in LANGUAGES.items() if langs is None or base in langs]


def build(rng: random.Random, langs: dict[str, list[str]], posts: int, extra: int) -> Corpus:
    """Clean posts in every language (and ``extra`` more in the languages of each code
    page that serves a few), their damaged copies, and clean posts of hard text."""
    names = sorted(langs)
    chosen = [names[i % len(names)] for i in range(posts)]
    for served in sorted({v for v in LANGUAGES.values() if v}):
        have = [n for n in names if n.split("_")[0].split("@")[0] in served]
        chosen += [have[i % len(have)] for i in range(extra if have else 0)]
    corpus = Corpus()
    for lang in chosen:
        text = make_post(rng, langs[lang])
        corpus.clean["clean posts, every language"].append(text.encode())
        kinds = kinds_for(lang)
        corpus.damaged.extend(damaged_cases(rng, text, kinds))
        corpus.damaged.extend(sign_cases(rng, text, kinds))
        with_signs = "\n\n".join(sign_paragraph(rng, p) for p in text.split("\n\n"))
        corpus.clean["clean posts with signs"].append(with_signs.encode())
    cyrillic = [line for n in names if n in CYRILLIC for line in langs[n]]
    latin = [line for n in names if n in WESTERN + CENTRAL + ("en_GB",) for line in langs[n]]
    for _ in range(extra):
        mixed = [f"{rng.choice(cyrillic)} ({rng.choice(latin)})" for _ in range(30)]
        corpus.clean["clean mixed Latin/Cyrillic"].append(make_post(rng, mixed).encode())
    corpus.clean["hard correct text"] = [
        make_post(rng, HARD_CORRECT, hard=True).encode() for _ in range(50)
    ]
    return corpus


@dataclass
class Corpus:
    clean: dict[str, list[bytes]] = field(default_factory=lambda: defaultdict(list))
    damaged: list[Case] = field(default_factory=list)


def measure(tool: Ampcheck | Ftfy, corpus: Corpus, negatives: list[bytes]) -> dict[str, str]:
    """One column of the table."""
    start = time.perf_counter()
    per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for case in corpus.damaged:
        exact = tool.repair(case.damaged) == case.original
        for kind in (case.kind, "all damaged posts"):
            per_kind[kind][0] += tool.flags(case.damaged) if kind == case.kind else 0
            per_kind[kind][1] += exact
            per_kind[kind][2] += 1
    per_kind["all damaged posts"][0] = sum(
        v[0] for k, v in per_kind.items() if k != "all damaged posts"
    )
    cells: dict[str, str] = {}
    for kind, (found, exact, n) in sorted(
        per_kind.items(), key=lambda kv: kv[0] != "all damaged posts"
    ):
        cells[f"{kind}: recall / exact"] = f"{found / n:.1%} / {exact / n:.1%} (of {n})"
    for group, posts in corpus.clean.items():
        flagged = sum(tool.flags(p) or tool.repair(p) != p for p in posts)
        cells[f"{group}: flagged or changed"] = f"{flagged}/{len(posts)}"
    if negatives:
        changed = sum(tool.repair(p) != p for p in negatives)
        cells["ftfy negative cases: changed"] = f"{changed}/{len(negatives)}"
    cells["internal errors"] = str(getattr(tool, "errors", 0))
    cells["fixes refused by the re-parse guard"] = str(getattr(tool, "refused", "-"))
    cells["time"] = f"{time.perf_counter() - start:.1f} s"
    return cells


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=600, help="clean posts to build")
    parser.add_argument(
        "--extra", type=int, default=40, help="more posts for the languages of each code page"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--files",
        type=int,
        default=40,
        help="files of each legacy encoding (bench/legacy_files.py; 0: none)",
    )
    parser.add_argument("--failures", action="store_true", help="print ampcheck's misses")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    langs = catalogs()
    if not langs:
        print(f"no gettext catalogs under {LOCALE}", file=sys.stderr)
        return 2
    corpus = build(rng, langs, args.posts, args.extra)
    negatives = [t.encode() for t in ftfy_negative_cases()]
    tools: list[Ampcheck | Ftfy] = [Ampcheck()]
    try:
        tools.append(Ftfy())
    except ImportError:
        print("ftfy is not installed: pip install ftfy", file=sys.stderr)
    n_clean = sum(len(v) for v in corpus.clean.values())
    print(
        f"{len(langs)} languages, {n_clean} clean posts, {len(corpus.damaged)} damaged posts, "
        f"{len(negatives)} ftfy negative cases\n"
    )
    columns = [measure(tool, corpus, negatives) for tool in tools]
    rows = [(label, [c.get(label, "") for c in columns]) for label in columns[0]]
    names = [t.name for t in tools]
    if args.files:
        names, rows = with_files(names, rows, legacy_files().run(args.files, args.seed))
    print("| | " + " | ".join(names) + " |")
    print("|---" * (len(names) + 1) + "|")
    for label, cells in rows:
        print(f"| {label} | " + " | ".join(cells) + " |")
    if args.failures:
        show_failures(tools[0], corpus)
    return 0


def legacy_files() -> ModuleType:
    """bench/legacy_files.py, which builds and measures the files in legacy encodings."""
    path = Path(__file__).with_name("legacy_files.py")
    spec = importlib.util.spec_from_file_location("bench_legacy_files", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


Row = tuple[str, list[str]]


def with_files(names: list[str], rows: list[Row], files: list[Row]) -> tuple[list[str], list[Row]]:
    """The table of text kinds and the table of file kinds in one: a column for each
    tool of either (ftfy reads files with ``guess_bytes``), the file rows marked as
    such, a dash where a tool does not take part."""
    (_, file_names), *file_body = files
    short = [n.removesuffix(" (guess_bytes)") for n in file_names]
    columns = list(dict.fromkeys(names + short))

    def spread(cells: list[str], of: list[str]) -> list[str]:
        return [cells[of.index(c)] if c in of else "-" for c in columns]

    merged = [(label, spread(cells, names)) for label, cells in rows]
    merged.append(("**files in a legacy encoding** (EN002)", ["" for _ in columns]))
    merged += [
        (f"file: {label.replace('&nbsp;', '')}", spread(cells, short)) for label, cells in file_body
    ]
    return columns, merged


def show_failures(tool: Ampcheck | Ftfy, corpus: Corpus) -> None:
    """The lines where ``tool``'s repair differs from the original."""
    for case in corpus.damaged:
        repaired = tool.repair(case.damaged)
        if repaired != case.original:
            for got, want in zip(repaired.splitlines(), case.original.splitlines(), strict=False):
                if got != want:
                    shown = got.decode(errors="replace"), want.decode(errors="replace")
                    print(f"MISS {case.kind}: {shown[0]!r} != {shown[1]!r}")
                    break
    for group, posts in corpus.clean.items():
        for p in posts:
            if tool.flags(p) or tool.repair(p) != p:
                for got, want in zip(tool.repair(p).splitlines(), p.splitlines(), strict=False):
                    if got != want:
                        print(
                            f"FALSE {group}: {want.decode()!r} -> {got.decode(errors='replace')!r}"
                        )
                        break


if __name__ == "__main__":
    sys.exit(main())
