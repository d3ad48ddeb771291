from __future__ import annotations

import importlib.util
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

from ampcheck.cli import run

ROOT = Path(__file__).resolve().parents[1]
RULE_BOOK = ROOT / "rules"
SHARED = ROOT.parent / "shared"
DSTOTD = SHARED / "corpora" / "dstotd" / "_posts"
SEED = SHARED / "seed" / "000_0363d0acfd02ef92.txt"

DEFAULT_SITE = {
    # posts render through "post", which prints the title as <h1>, as most blogs' do
    "_config.yml": "timezone: UTC\ndefaults:\n  - scope: {path: ''}\n    values: {layout: post}\n",
    "_layouts/default.html": "{{ content }}\n",
    "_layouts/post.html": "---\nlayout: default\n---\n<h1>{{ page.title }}</h1>\n{{ content }}\n",
    "_layouts/page.html": "---\nlayout: default\n---\n{{ content }}\n",
}


def bench_corpus() -> ModuleType:
    """bench/corpus.py, the generator of posts shaped like a tweets-of-the-day blog."""
    spec = importlib.util.spec_from_file_location("bench_corpus", ROOT / "bench" / "corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


#: the run time that ends the summary line: ``..., 0.12 s.``
TIME_RE = re.compile(r", \d+\.\d\d s\.$", re.MULTILINE)


def untimed(text: str) -> str:
    """Output with the summary line's run time taken out."""
    return TIME_RE.sub(".", text)


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def untimed(self) -> str:
        """``out`` without the run time of the summary line."""
        return untimed(self.out)

    @property
    def json(self) -> list[dict[str, object]]:
        return json.loads(self.out)  # type: ignore[no-any-return]


def invoke(*argv: str) -> Result:
    """Run the command line in-process, capturing its output."""
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), stdout=out, stderr=err)
    return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli() -> Callable[..., Result]:
    return invoke


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Path]:
    """A Jekyll site in a temporary folder (the current folder during the test);
    ``site({"_posts/2020-01-02-a.md": "..."})`` writes files and returns the root."""
    monkeypatch.chdir(tmp_path)

    def make(files: dict[str, str | bytes] | None = None, *, default: bool = True) -> Path:
        content: dict[str, str | bytes] = dict(DEFAULT_SITE) if default else {}
        content.update(files or {})
        for name, data in content.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_bytes(data.encode("utf-8"))
        return tmp_path

    return make
