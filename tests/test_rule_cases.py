"""Runs every case file of the rule book (rules/<CODE>.cases.yaml) and checks every
rule document's examples.

A case has a ``pass`` or a ``fail`` post (text, or ``!!binary`` bytes), and for
``fail`` the ``expect``-ed diagnostics of the rule as ``"line:col"`` (or
``{at: "line:col", message: part, severity: warning}``, the severity checked when
given). ``fix``/``unsafe_fix`` give the post after ``--fix``/``--fix
--unsafe-fixes``; without them, fixing must change nothing.
Optional: ``path`` (default ``_posts/2020-01-02-example.md``), ``options`` (the
rule's options), ``files`` (more files of the site; ``_config.yml`` and three
layouts exist by default), ``crlf`` / ``bom`` (run the case with CRLF line endings
/ a byte order mark).

A rule document's markdown examples are checked too: those under "Example" must
trigger the rule, those under "Use instead" must not; other files a section shows
with a path (```yaml path=_config.yml) are part of the site of its examples.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from ampcheck import plugins
from ampcheck.engine.files import NOT_CHECKED_CODE
from tests.conftest import RULE_BOOK, Result, invoke

DEFAULT_PATH = "_posts/2020-01-02-example.md"
TABLE = plugins.load(autoload=False).rules
CASE_KEYS = {
    "name", "pass", "fail", "expect", "fix", "unsafe_fix", "path", "options", "files",
    "crlf", "bom",
}  # fmt: skip


def _case_files() -> list[Path]:
    return sorted(RULE_BOOK.glob("*.cases.yaml"))


def _cases() -> Iterator[Any]:
    for path in _case_files():
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        code = doc["rule"]
        for i, case in enumerate(doc["cases"]):
            name = case.get("name", str(i))
            yield pytest.param(code, case, id=f"{code}-{name}")


def _encode(value: str | bytes, case: dict[str, Any]) -> bytes:
    if isinstance(value, bytes):
        return value
    if case.get("crlf"):
        value = value.replace("\n", "\r\n")
    if case.get("bom"):
        value = "\ufeff" + value
    return value.encode("utf-8")


def _prepare(site: Callable[..., Path], code: str, case: dict[str, Any]) -> tuple[Path, bytes]:
    unknown = set(case) - CASE_KEYS
    assert not unknown, f"unknown case keys: {sorted(unknown)}"
    assert ("pass" in case) != ("fail" in case), "a case has either pass or fail"
    source = _encode(case.get("pass", case.get("fail")), case)
    rel = case.get("path", DEFAULT_PATH)
    files: dict[str, str | bytes] = {rel: source, **case.get("files", {})}
    if case.get("options"):
        options = "".join(f"{k} = {_toml(v)}\n" for k, v in case["options"].items())
        files[".ampcheck.toml"] = f"[rules.{code}]\n{options}"
    root = site(files)
    return root / rel, source


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    raise TypeError(value)


def _finished(result: Result, code: str) -> bool:
    """Whether the run checked its posts (exit 0 or 1); a post of AC002 is one that
    could not be checked, which makes the run incomplete (exit 3)."""
    return result.code in (0, 1) or (code == NOT_CHECKED_CODE and result.code == 3)


def _hits(result: Result, code: str) -> list[dict[str, Any]]:
    assert _finished(result, code), result.err
    return [d for d in result.json if d["code"] == code]


def _at(expected: Any) -> tuple[str, str | None]:
    if isinstance(expected, dict):
        return str(expected["at"]), expected.get("message")
    return str(expected), None


@pytest.mark.parametrize(("code", "case"), list(_cases()))
def test_case(code: str, case: dict[str, Any], site: Callable[..., Path]) -> None:
    assert TABLE.lookup(code) is not None, f"case file for unknown rule {code}"
    post, source = _prepare(site, code, case)
    hits = _hits(invoke(str(post), "--select", code, "--format", "json"), code)
    if "pass" in case:
        assert hits == [], "a passing case must not trigger the rule"
        assert "fix" not in case and "unsafe_fix" not in case
        return
    expected = [_at(e) for e in case.get("expect", [])]
    assert expected, "a failing case must say where the rule fires"
    assert [f"{h['line']}:{h['column']}" for h in hits] == [at for at, _ in expected]
    for hit, (_, message) in zip(hits, expected, strict=True):
        if message is not None:
            assert message in hit["message"]
    for hit, want in zip(hits, case["expect"], strict=True):
        if isinstance(want, dict) and "severity" in want:
            assert hit["severity"] == want["severity"], hit["message"]

    # without unsafe_fix, --unsafe-fixes must give what --fix gives (no unsafe fixes)
    safe_result = case.get("fix", source)
    for key, flags, want in (
        ("fix", ["--fix"], case.get("fix", source)),
        ("unsafe_fix", ["--fix", "--unsafe-fixes"], case.get("unsafe_fix", safe_result)),
    ):
        post.write_bytes(source)
        result = invoke(str(post), "--select", code, "--format", "json", *flags)
        assert _finished(result, code), result.err
        fixed = post.read_bytes()
        assert fixed == _encode(want, case), f"{' '.join(flags)} gave another text"
        if fixed == source:
            continue
        again = invoke(str(post), "--select", code, "--format", "json", *flags)
        assert post.read_bytes() == fixed, "fixing twice changed the text again"
        left = [
            d for d in _hits(again, code)
            if d["fix"] and (key == "unsafe_fix" or d["fix"]["applicability"] == "safe")
        ]  # fmt: skip
        assert left == [], "the fixed text still has problems the fix should have removed"


# -- the rule book is complete ------------------------------------------------

SECTIONS = ("What it does", "Why is this bad?", "Default", "Example", "Use instead")


def _doc(code: str) -> str:
    return (RULE_BOOK / f"{code}.md").read_text(encoding="utf-8")


def _sections(text: str) -> dict[str, str]:
    """The document's ``## `` sections; a ``##`` line inside a code fence is code."""
    sections: dict[str, list[str]] = {}
    current: list[str] = []
    fence: str | None = None
    for line in text.splitlines(keepends=True):
        marker = re.match(r"^(`{3,}|~{3,})", line)
        if marker and (fence is None or marker.group(1).startswith(fence)):
            fence = None if fence is not None else marker.group(1)
        heading = re.match(r"^## +(.+?)\s*$", line) if fence is None else None
        if heading:
            current = sections.setdefault(heading.group(1), [])
        else:
            current.append(line)
    return {name: "".join(body) for name, body in sections.items()}


ALL_RULES = [pytest.param(rule, id=rule.code) for rule in TABLE]


@pytest.mark.parametrize("rule", ALL_RULES)
def test_every_rule_has_doc_and_cases(rule: Any) -> None:
    assert (RULE_BOOK / f"{rule.code}.md").is_file()
    assert (RULE_BOOK / f"{rule.code}.cases.yaml").is_file()
    doc = _doc(rule.code)
    assert doc.startswith(f"# {rule.code} {rule.name}\n")
    sections = _sections(doc)
    for name in SECTIONS:
        assert name in sections, f"{rule.code}.md has no '## {name}'"
    if rule.fixable.value != "none":
        assert "Fix safety" in sections, f"{rule.code} is fixable but has no '## Fix safety'"
    for name in ("Example", "Use instead"):
        assert "```" in sections[name], f"{rule.code}.md: '## {name}' shows no example"
    options = rule.option_defaults()
    if options:
        assert "Options" in sections
        for option in options:
            assert f"`{option}`" in sections["Options"], f"option {option} is not documented"


@pytest.mark.parametrize("rule", ALL_RULES)
def test_every_rule_has_failing_and_passing_cases(rule: Any) -> None:
    doc = yaml.safe_load((RULE_BOOK / f"{rule.code}.cases.yaml").read_text(encoding="utf-8"))
    assert doc["rule"] == rule.code
    kinds = {"pass" if "pass" in c else "fail" for c in doc["cases"]}
    assert kinds == {"pass", "fail"}
    if rule.fixable.value != "none":
        assert any("fix" in c or "unsafe_fix" in c for c in doc["cases"])


FENCE_RE = re.compile(r"^```(?P<info>[^\n]*)\n(?P<body>.*?)^```\s*$", re.MULTILINE | re.DOTALL)


def _examples() -> Iterator[Any]:
    for rule in TABLE:
        path = RULE_BOOK / f"{rule.code}.md"
        if not path.is_file():
            continue
        sections = _sections(path.read_text(encoding="utf-8"))
        for section, triggers in (("Example", True), ("Use instead", False)):
            fences = list(FENCE_RE.finditer(sections.get(section, "")))
            # other files a section shows with a path (```yaml path=_config.yml) belong
            # to the site of its posts
            files = {
                where.group(1): m.group("body")
                for m in fences
                if not m.group("info").startswith("markdown")
                and (where := re.search(r"path=(\S+)", m.group("info")))
            }
            for i, m in enumerate(fences):
                info = m.group("info")
                if not info.startswith("markdown"):
                    continue
                where = re.search(r"path=(\S+)", info)
                rel = where.group(1) if where else DEFAULT_PATH
                yield pytest.param(
                    rule.code, rel, m.group("body"), triggers, files,
                    id=f"{rule.code}-{section.replace(' ', '-').lower()}-{i}",
                )  # fmt: skip


@pytest.mark.parametrize(("code", "rel", "body", "triggers", "files"), list(_examples()))
def test_doc_examples(
    code: str,
    rel: str,
    body: str,
    triggers: bool,
    files: dict[str, str],
    site: Callable[..., Path],
) -> None:
    root = site({rel: body, **files})
    hits = _hits(invoke(str(root / rel), "--select", code, "--format", "json"), code)
    assert bool(hits) is triggers, (
        f"the {'Example' if triggers else 'Use instead'} of {code}.md "
        f"{'does not trigger' if triggers else 'triggers'} the rule"
    )
