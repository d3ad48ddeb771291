"""The run API other front ends use: a buffer linted by Session.lint_text gets what the
command line reports for the same text on disk, with the same settings and site."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable
from pathlib import Path

import pytest

from ampcheck.config import ConfigError
from ampcheck.session import RunOptions, Session
from tests.conftest import Result

POST = "_posts/2020-01-02-a.md"
TEXT = (
    "---\ntitle: Day 2\ndate: 2020-01-03\n---\n\n# Title again\n\n#### Deep\n\n"
    '<amp-twitter width="375" height="472" layout="responsive" data-tweetid="12a">\n'
    "</amp-twitter>\n"
)


def _session(**options: object) -> Session:
    session = Session.load(RunOptions(**options), io.StringIO(), io.StringIO())  # type: ignore[arg-type]
    session.select()
    return session


def test_a_buffer_gets_what_the_command_line_reports_for_the_file(
    site: Callable[..., Path], cli: Callable[..., Result]
) -> None:
    site({POST: "---\ntitle: saved\n---\n", ".ampcheck.toml": 'extend-select = ["HD004"]\n'})
    session = _session()
    result = session.lint_text(POST, TEXT)  # the unsaved buffer, not the file
    Path(POST).write_text(TEXT, encoding="utf-8")
    expected = cli("--format", "json", "--no-cache", POST).json
    assert [d.to_dict() for d in result.diagnostics] == expected
    assert {d.code for d in result.diagnostics} >= {"FM006", "HD001", "TW002"}
    assert result.errors == [] and result.messages == []


def test_the_settings_and_options_select_the_rules(site: Callable[..., Path]) -> None:
    site({".ampcheck.toml": 'ignore = ["HD"]\n'})
    codes = {d.code for d in _session().lint_text(POST, TEXT).diagnostics}
    assert "HD001" not in codes and "TW002" in codes
    Path(".ampcheck.toml").write_text("", encoding="utf-8")
    codes = {d.code for d in _session(select=("HD001",)).lint_text(POST, TEXT).diagnostics}
    assert codes == {"HD001"}


def test_a_broken_site_config_is_a_message_and_the_buffer_is_still_linted(
    site: Callable[..., Path],
) -> None:
    site({"_config.yml": "timezone: [\n"})
    result = _session().lint_text(POST, TEXT)
    assert any("_config.yml" in m for m in result.messages)
    assert any(d.code == "TW002" for d in result.diagnostics)


def test_wrong_settings_are_a_config_error(site: Callable[..., Path]) -> None:
    site({".ampcheck.toml": "selectt = []\n"})
    with pytest.raises(ConfigError, match="unknown setting 'selectt'"):
        Session.load(RunOptions())
    site({".ampcheck.toml": ""})
    with pytest.raises(ConfigError, match="NOPE"):
        _session(select=("NOPE",))


def test_run_options_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        RunOptions().fix = True  # type: ignore[misc]
