"""Files in legacy encodings (EN002): what is read as text, what is named, and that
the clean path never loads charset-normalizer."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ampcheck.document.post import utf16_without_bom
from ampcheck.engine.files import binary_reason
from ampcheck.rules.en.legacy import guess_legacy

POST = '---\ntitle: "{}"\nlayout: post\n---\n\n{}\n'


@pytest.mark.parametrize(
    ("title", "body", "codepage"),
    [
        ("Карты дня", "Сегодня мы собрали лучшие твиты о визуализации данных.", "cp1251"),
        ("Mapy dnia", "Dzisiaj zebraliśmy najlepsze wpisy: źródła, łącza, wnioski.", "cp1250"),
        ("今日のツイート", "今日はデータの可視化についてのツイートを集めました。", "shift_jis"),
        ("今日推文", "今天我们收集了关于数据可视化的推文，主要是地图和图表。", "gb18030"),
        ("今日推文", "今天我們收集了關於資料視覺化的推文，主要是地圖和圖表。", "big5"),
        ("오늘의 트윗", "오늘은 데이터 시각화에 관한 트윗을 모았습니다.", "euc_kr"),
    ],
)
def test_code_page_is_named_with_certainty(title: str, body: str, codepage: str) -> None:
    text = POST.format(title, body)
    guess = guess_legacy(text.encode(codepage))
    assert (guess.encoding, guess.certain, guess.text) == (codepage, True, text)


def test_short_text_is_never_certain() -> None:
    # "Привет" alone: Windows-1251, but its six bytes also read as three Chinese
    # characters in Big5 or GB18030
    guess = guess_legacy(POST.format("Привет", "Hello").encode("cp1251"))
    assert guess.encoding == "cp1251"
    assert not guess.certain
    assert "big5" in guess.rivals


def test_utf16_without_bom_is_text_not_binary() -> None:
    text = POST.format("Café", "Prices in Zürich.")
    assert utf16_without_bom(text.encode("utf-16-le")) == "utf-16-le"
    assert utf16_without_bom(text.encode("utf-16-be")) == "utf-16-be"
    assert binary_reason(text.encode("utf-16-le")) is None
    # shifted by one byte, the last character is U+0000: no text
    assert utf16_without_bom(text.encode("utf-16-le")[1:] + b"\0") is None


def test_binary_data_with_nul_bytes_stays_binary() -> None:
    # every other byte a NUL, but read as UTF-16 it is control characters
    data = bytes(range(1, 32)) * 100
    data = b"".join(bytes([b, 0]) for b in data[:4000])
    assert utf16_without_bom(data) is None
    assert binary_reason(data) is not None


def test_clean_post_does_not_load_charset_normalizer() -> None:
    code = (
        "import sys\n"
        "from ampcheck import plugins\n"
        "from ampcheck.document.post import Post\n"
        "from ampcheck.engine.linter import lint\n"
        "rules = plugins.load(autoload=False).rules.select(['EN'])\n"
        "lint(Post('p.md', 'Café, Привет, 今日\\n'.encode()), rules)\n"
        "assert 'charset_normalizer' not in sys.modules\n"
        "lint(Post('p.md', 'Caf\\xe9 au lait, na\\xefve\\n'.encode('latin-1')), rules)\n"
        "assert 'charset_normalizer' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
