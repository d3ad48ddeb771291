"""Mojibake repair as a user sees it: exact originals, correct text left alone."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ampcheck.rules.en.legacy import cesu8, guess_legacy
from ampcheck.rules.en.mojibake import repair
from tests.conftest import DSTOTD, SEED, Result


def sloppy_cp1252(data: bytes) -> str:
    """Bytes read as Windows-1252 the way browsers do: undefined bytes become C1."""
    return "".join(
        chr(b) if b in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else bytes([b]).decode("cp1252") for b in data
    )


DAMAGE = {
    "mac-roman": lambda t: t.encode().decode("mac_roman"),
    "windows-1252": lambda t: sloppy_cp1252(t.encode()),
    "latin-1": lambda t: t.encode().decode("latin-1"),
    "twice": lambda t: sloppy_cp1252(sloppy_cp1252(t.encode()).encode()),
}

CORRECT = [
    "German Ärger über Öl",
    "Portuguese NÃO É POSSÍVEL",
    "maths √2 ≈ 1.414, √π ≈ 1.772, ∑ ∆x ≤ ∞",
    "“quotes” and ‘single’ — dashes – and… ellipses",
    "Tiếng Việt có dấu: người, được",
    "中文字符，日本語のテキスト、한국어",
    "emoji 📈🗺️ 👨‍👩‍👧",
    "“élan”, Paris—à bientôt, «Ça va?»",
    "Σ ΑΒΓ, Привет мир, שלום, مرحبا",
    "Dvořák, Škoda, Łódź, Þingvellir",
    "Γ(1/2) = √π",
    "the letter Ã¼ stood for ü",
]


@pytest.mark.parametrize("text", CORRECT)
def test_correct_text_is_left_alone(text: str) -> None:
    assert repair(text) == text


@pytest.mark.parametrize("kind", DAMAGE)
@pytest.mark.parametrize("text", CORRECT[:-1])
def test_damaged_text_comes_back_exactly(kind: str, text: str) -> None:
    if text.isascii():
        pytest.skip("nothing to damage")
    assert repair(DAMAGE[kind](text)) == text


@pytest.mark.parametrize(
    ("damaged", "meant"),
    [
        ("Husz√°r", "Huszár"),  # a lone pair inside a word proves itself
        ("caf√© ok", "café ok"),
        ("Roma Ã¨ bella", "Roma è bella"),
        ("You‚Äôre right: √π ≈ 1.772.", "You’re right: √π ≈ 1.772."),
        (
            "Youâ€™re right. The sign said “CAFÉ” in red.",
            "You’re right. The sign said “CAFÉ” in red.",
        ),
        ("Youâ€™re right. Le «CAFÉ» est fermé.", "You’re right. Le «CAFÉ» est fermé."),
        ("You‚Äôre right. He said “Édouard”.", "You’re right. He said “Édouard”."),
        ("Youâ€™re right. C’EST LE MARQUÉ… OK", "You’re right. C’EST LE MARQUÉ… OK"),
        ("‚ÄúCAF√â‚Äù", "“CAFÉ”"),
        ("Et puis‚Ä¶√©", "Et puis…é"),
        ("cafÃƒÂ© ok", "café ok"),
        ("Ã¢â‚¬â„¢", "’"),
        ("ESPAÃ‘A y Youâ€™re", "ESPAÑA y You’re"),
    ],
)
def test_lone_pairs_beside_damage(damaged: str, meant: str) -> None:
    assert repair(damaged) == meant


def test_cesu8_pair_decodes_exactly() -> None:
    assert cesu8(b"\xed\xa0\xbd\xed\xb8\x80") == "😀"
    assert cesu8(b"\xed\xa0\x80\xed\xa0\x80") is None


@pytest.mark.parametrize(
    ("text", "codepage"),
    [
        ("Ärger über große Straßen; „Zitat“ – schön.", "cp1252"),
        ("L’homme était là — à côté du château. « Voilà » dit-il. Ça coûte 4 €.", "cp1252"),
        ("L’homme était là — à côté du château. « Voilà » dit-il.", "mac_roman"),
        ("¿Qué tal? ¡Niño! mañana, corazón.", "mac_roman"),
    ],
)
def test_legacy_code_page_is_named_with_certainty(text: str, codepage: str) -> None:
    guess = guess_legacy(text.encode(codepage))
    assert (guess.encoding, guess.certain) == (codepage, True)


def test_utf16_with_bom_is_certain() -> None:
    assert guess_legacy("---\ntitle: x\n---\n".encode("utf-16")).encoding == "utf-16"


@pytest.mark.skipif(not SEED.is_file(), reason=f"{SEED} is not present")
def test_seed_fixed_equals_the_original_post(
    site: Callable[..., Path], cli: Callable[..., Result]
) -> None:
    original = (DSTOTD / "2018-07-02-day-44.md").read_bytes()
    root = site({"_posts/2018-07-02-day-44.md": SEED.read_bytes()})
    post = root / "_posts/2018-07-02-day-44.md"
    result = cli("--fix", "--select", "EN", str(post))
    assert result.code == 0, result.out + result.err
    assert post.read_bytes() == original


@pytest.mark.skipif(not DSTOTD.is_dir(), reason=f"{DSTOTD} is not present")
@pytest.mark.parametrize("kind", ["mac-roman", "windows-1252"])
def test_every_dstotd_post_damaged_comes_back_byte_identical(
    kind: str, site: Callable[..., Path], cli: Callable[..., Result]
) -> None:
    originals = {p.name: p.read_bytes() for p in sorted(DSTOTD.glob("*.md"))}
    root = site(
        {f"_posts/{name}": DAMAGE[kind](data.decode()).encode() for name, data in originals.items()}
    )
    result = cli("--fix", "--select", "EN001,EN002", "--no-cache", str(root / "_posts"))
    assert result.code == 0, result.err
    for name, data in originals.items():
        assert (root / "_posts" / name).read_bytes() == data, name


@pytest.mark.parametrize("kind", ["mac-roman", "windows-1252", "twice"])
def test_damaged_byte_order_marks_are_removed_not_restored(kind: str) -> None:
    # a mark at the start of a file and one where a second file was joined on
    damaged = DAMAGE[kind]("\ufeff---\ntitle: Day 45\n---\nCafé\n\ufeffSecond part\n")
    assert repair(damaged) == "---\ntitle: Day 45\n---\nCafé\nSecond part\n"


def test_fix_of_a_damaged_byte_order_mark_settles_with_every_rule(
    site: Callable[..., Path], cli: Callable[..., Result]
) -> None:
    # with every default rule on, the two damaged marks are two fixes of EN001 and
    # leave nothing behind: no real mark for EN005, no invisible U+FEFF for EN004
    text = "ï»¿---\ntitle: Day 45\nlayout: post\n---\n\nFirst part.\n\nï»¿Second part.\n"
    root = site({"_posts/2020-01-02-day-45.md": text})
    post = root / "_posts/2020-01-02-day-45.md"
    result = cli("--fix", "--no-cache", str(post))
    assert result.code == 0, result.out + result.err
    assert result.out.startswith("Fixed 2 problems; no problems in 1 file")
    assert post.read_bytes() == text.replace("ï»¿", "").encode()
    again = cli("--no-cache", "--format", "json", str(post))
    assert (again.code, again.json) == (0, [])
