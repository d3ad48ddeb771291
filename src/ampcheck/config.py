"""ampcheck's settings: ``[tool.ampcheck]`` / ``.ampcheck.toml``.

They come from the closest of ``.ampcheck.toml`` and a ``pyproject.toml`` with a
``[tool.ampcheck]`` table, looking upwards from the current folder (``--config``
names one explicitly). The Jekyll site a post belongs to is
:mod:`ampcheck.document.site`'s.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CONFIG_FILES = (".ampcheck.toml", "pyproject.toml")
#: the results cache's folder, beside the configuration file
CACHE_DIR_NAME = ".ampcheck_cache"
#: ``fail-on``: the least severity of problem that makes a run exit 1 (``never``: none)
FAIL_ON = ("error", "warning", "never")


class ConfigError(Exception):
    """A configuration file or option is wrong; the message names it."""


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on the work one file may cause (README, "Guarantees").

    ``rule_timeout``: seconds one rule may spend on one file before it is stopped and
    reported as an internal error (``None``: no limit); ``max_file_size``: bytes above
    which a file is not checked but reported (``None``: no limit).
    """

    rule_timeout: float | None = 10.0
    max_file_size: int | None = 10_000_000


@dataclass(frozen=True, slots=True)
class Settings:
    """ampcheck's resolved settings (before command-line overrides)."""

    path: Path | None = None
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    plugins: tuple[Path, ...] = ()
    required_fields: tuple[str, ...] | None = None
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)
    #: folder searches follow symbolic links, also out of the folder searched
    follow_symlinks: bool = False
    #: the least severity of problem that fails the run (:data:`FAIL_ON`)
    fail_on: str = "error"
    #: the settings the configuration file gives (for ``--show-config``: where each comes from)
    given: frozenset[str] = frozenset()


_LIST_KEYS = {"select", "extend-select", "ignore", "exclude", "plugins", "required-fields"}
_KNOWN_KEYS = _LIST_KEYS | {
    "rules", "rule-timeout", "max-file-size", "follow-symlinks", "fail-on",
}  # fmt: skip


def find_config(start: Path) -> Path | None:
    """The closest ``.ampcheck.toml`` or ``pyproject.toml`` with ``[tool.ampcheck]``."""
    for folder in (start, *start.parents):
        for name in CONFIG_FILES:
            candidate = folder / name
            if not candidate.is_file():
                continue
            if name == "pyproject.toml":
                try:
                    data = candidate.read_bytes()
                    # a file that never says "ampcheck" has no [tool.ampcheck] table
                    if b"ampcheck" not in data or "ampcheck" not in read_toml(data).get("tool", {}):
                        continue
                except (OSError, ValueError):  # unreadable, not UTF-8 or not TOML
                    continue
            return candidate
    return None


def read_toml(data: bytes) -> dict[str, Any]:
    """A TOML document; ``UnicodeDecodeError`` or ``tomllib.TOMLDecodeError`` (both
    ``ValueError``) when it is not one. tomllib is imported on first use."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    text = data.decode("utf-8")
    _check_key_depth(text)
    try:
        return tomllib.loads(text)
    except RecursionError:  # tomllib parses nested arrays and tables by recursion
        raise TomlTooDeep("arrays or inline tables nested too deeply") from None


#: dotted keys deeper than this are refused before parsing: tomllib's work grows with
#: the square of a key's depth (100,000 levels: minutes and gigabytes); real keys have
#: a few (``tool.ampcheck.rules.FM003.fields``)
MAX_KEY_DEPTH = 100
_KEY_PART = r"""(?:(?<![A-Za-z0-9_-])[A-Za-z0-9_-]++|"(?:[^"\\\n]|\\.)*+"|'[^'\n]*+')"""
_DOTTED_KEY_RE = re.compile(rf"{_KEY_PART}(?:[ \t]*+\.[ \t]*+{_KEY_PART})++")


def _check_key_depth(text: str) -> None:
    """Raise :class:`TomlTooDeep` for a dotted key of more than :data:`MAX_KEY_DEPTH`
    parts (a key or a table header; in linear time: every part is read once)."""
    for m in _DOTTED_KEY_RE.finditer(text):
        if m.group().count(".") >= MAX_KEY_DEPTH:
            line = text.count("\n", 0, m.start()) + 1
            raise TomlTooDeep(f"a dotted key of more than {MAX_KEY_DEPTH} parts (line {line})")


class TomlTooDeep(ValueError):
    """A TOML document nested deeper than the parser's stack (a ``ValueError``, as
    ``tomllib.TOMLDecodeError`` is)."""


def load_settings(path: Path | None) -> Settings:
    """Read settings from a config file (``None``: defaults)."""
    if path is None:
        return Settings()
    try:
        doc = read_toml(path.read_bytes())
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        bad = exc.object[exc.start]
        raise ConfigError(
            f"{path}: not UTF-8: byte 0x{bad:02X} at byte offset {exc.start} cannot be decoded"
        ) from None
    except ValueError as exc:  # tomllib.TOMLDecodeError
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    table = doc.get("tool", {}).get("ampcheck", {}) if path.name == "pyproject.toml" else doc
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.ampcheck] must be a table")
    return settings_from_table(table, path)


def settings_from_table(table: dict[str, Any], path: Path | None) -> Settings:
    where = str(path) if path is not None else "configuration"
    for key in table:
        if key not in _KNOWN_KEYS:
            known = ", ".join(sorted(_KNOWN_KEYS))
            raise ConfigError(f"{where}: unknown setting {key!r} (settings: {known})")
    lists: dict[str, tuple[str, ...]] = {}
    for key in _LIST_KEYS & table.keys():
        value = table[key]
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: {key} must be a list of strings")
        lists[key] = tuple(value)
    rules = table.get("rules", {})
    if not isinstance(rules, dict) or not all(isinstance(v, dict) for v in rules.values()):
        raise ConfigError(f"{where}: [rules] must hold one table per rule, e.g. [rules.FM003]")
    base = path.parent if path is not None else Path.cwd()
    follow = table.get("follow-symlinks", False)
    if not isinstance(follow, bool):
        raise ConfigError(f"{where}: follow-symlinks must be true or false")
    fail_on = table.get("fail-on", "error")
    if fail_on not in FAIL_ON:
        choices = ", ".join(FAIL_ON)
        raise ConfigError(f"{where}: fail-on must be one of {choices} (got {fail_on!r})")
    return Settings(
        path=path,
        select=lists.get("select"),
        extend_select=lists.get("extend-select", ()),
        ignore=lists.get("ignore", ()),
        exclude=lists.get("exclude", ()),
        plugins=tuple(base / p for p in lists.get("plugins", ())),
        required_fields=lists.get("required-fields"),
        rules={k: dict(v) for k, v in rules.items()},
        limits=limits_from_table(table, where),
        follow_symlinks=follow,
        fail_on=fail_on,
        given=frozenset(table),
    )


def limits_from_table(table: dict[str, Any], where: str) -> Limits:
    """``rule-timeout`` (seconds) and ``max-file-size`` (bytes); 0 turns a limit off."""
    values: dict[str, Any] = {}
    for key, kind, unit in (
        ("rule-timeout", (int, float), "seconds"),
        ("max-file-size", (int,), "bytes"),
    ):
        if key not in table:
            continue
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, kind) or not 0 <= value < 2**63:
            raise ConfigError(
                f"{where}: {key} must be a number of {unit}, 0 for no limit (got {value!r})"
            )
        values[key.replace("-", "_")] = value or None
    return Limits(**values)
