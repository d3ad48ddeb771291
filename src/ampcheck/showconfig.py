"""``--show-config``: the resolved configuration, and where each value comes from.

A value comes from ``default``, from the configuration file (its path), or from the
``command line`` (the option named); the rules that run and each one's severity and
options are listed too.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ampcheck.config import Settings, read_toml
from ampcheck.registry import ActiveRule, RuleTable

DEFAULT = "default"


@dataclass(frozen=True, slots=True)
class Value:
    value: Any
    source: str


def raw_table(path: Path | None) -> dict[str, Any]:
    """The settings table as written in the file (``{}`` when there is none)."""
    if path is None:
        return {}
    try:
        doc = read_toml(path.read_bytes())
    except (OSError, ValueError):  # unreadable, not UTF-8 or not TOML
        return {}
    table = doc.get("tool", {}).get("ampcheck", {}) if path.name == "pyproject.toml" else doc
    return table if isinstance(table, dict) else {}


def resolve(
    settings: Settings,
    cli: dict[str, Value],
    table: RuleTable,
    rules: Sequence[ActiveRule],
) -> tuple[dict[str, Value], dict[str, dict[str, Value]]]:
    """The run's settings and each active rule's severity and options, with sources."""
    where = str(settings.path) if settings.path is not None else DEFAULT
    raw = raw_table(settings.path)

    def from_file(key: str, value: Any, default: Any) -> Value:
        return Value(value, where) if key in raw else Value(default, DEFAULT)

    out: dict[str, Value] = {
        "config-file": Value(
            str(settings.path) if settings.path is not None else None,
            cli.pop("config-file").source,
        ),
        "select": from_file("select", list(settings.select or ()), None),
    }
    if out["select"].value is None:
        out["select"] = Value(None, f"{DEFAULT}: the rules that are on by default")
    if "select" in cli:
        out["select"] = cli.pop("select")
    for key, attr in (("extend-select", "extend_select"), ("ignore", "ignore")):
        value = from_file(key, list(getattr(settings, attr)), [])
        extra = cli.pop(key, None)
        if extra is not None:
            sources = [value.source] if value.value else []
            value = Value([*value.value, *extra.value], " + ".join([*sources, extra.source]))
        out[key] = value
    out["exclude"] = from_file("exclude", list(settings.exclude), [])
    out["plugins"] = from_file("plugins", [str(p) for p in settings.plugins], [])
    out["required-fields"] = from_file("required-fields", settings.required_fields, None)
    out.update(cli)
    out["rules"] = Value(
        [a.code for a in rules], "select, extend-select and ignore, and each rule's default"
    )

    per_rule_raw: dict[str, dict[str, Any]] = {}
    for key, values in (raw.get("rules") or {}).items():
        rule = table.lookup(key)
        if rule is not None and isinstance(values, dict):
            per_rule_raw.setdefault(rule.code, {}).update(values)
    per_rule: dict[str, dict[str, Value]] = {}
    for active in rules:
        written = per_rule_raw.get(active.code, {})
        entries = {
            "severity": Value(active.severity.value, where if "severity" in written else DEFAULT)
        }
        options = active.rule.options
        if dataclasses.is_dataclass(options):
            for f in dataclasses.fields(options):
                key = f.name.replace("_", "-")
                raw_value = getattr(options, f.name)
                shown = list(raw_value) if isinstance(raw_value, tuple) else raw_value
                if key in written or f.name in written:
                    source = where
                elif active.code == "FM003" and key == "fields" and "required-fields" in raw:
                    source = f"{where} (required-fields)"
                else:
                    source = DEFAULT
                entries[key] = Value(shown, source)
        per_rule[active.code] = entries
    return out, per_rule


def _show(value: Any) -> str:
    if value is None:
        return "(not set)"
    return json.dumps(value, ensure_ascii=False)


def render_text(settings: dict[str, Value], rules: dict[str, dict[str, Value]]) -> str:
    lines = ["# the resolved configuration; after '#': where each value comes from"]
    width = max(len(k) for k in settings)
    for key, v in settings.items():
        lines.append(f"{key.ljust(width)} = {_show(v.value)}  # {v.source}")
    for code, entries in rules.items():
        lines.append("")
        lines.append(f"[rules.{code}]")
        width = max(len(k) for k in entries)
        for key, v in entries.items():
            lines.append(f"{key.ljust(width)} = {_show(v.value)}  # {v.source}")
    return "\n".join(lines) + "\n"


def render_json(settings: dict[str, Value], rules: dict[str, dict[str, Value]]) -> str:
    def plain(entries: dict[str, Value]) -> dict[str, Any]:
        return {k: {"value": v.value, "source": v.source} for k, v in entries.items()}

    doc = {"settings": plain(settings), "rules": {c: plain(e) for c, e in rules.items()}}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
