"""``--show-config``: the resolved configuration, and where each value comes from.

A value comes from ``default``, from the configuration file (its path), or from the
``command line`` (the option named); the rules that run and each one's severity and
options are listed too. With paths, each post they lead to is listed with whether it
is an AMP page and why (``ampcheck.document.layouts.amp_decision``).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ampcheck.config import Limits, Settings
from ampcheck.document.site import SiteFinder
from ampcheck.engine.registry import ActiveRule, RuleTable
from ampcheck.printable import json_text, printable

if TYPE_CHECKING:
    from ampcheck.session import RunOptions

DEFAULT = "default"


@dataclass(frozen=True, slots=True)
class Value:
    value: Any
    source: str


def command_line(options: RunOptions, settings: Settings) -> dict[str, Value]:
    """The values the command line decides, and where each comes from."""
    cmd = "command line"
    cli: dict[str, Value] = {
        "config-file": Value(
            None,
            f"{cmd} (--config)"
            if options.config
            else "found from the current folder"
            if settings.path is not None
            else "none found",
        )
    }
    if options.select is not None:
        cli["select"] = Value(list(options.select), f"{cmd} (--select)")
    if options.extend_select:
        cli["extend-select"] = Value(list(options.extend_select), f"{cmd} (--extend-select)")
    if options.ignore:
        cli["ignore"] = Value(list(options.ignore), f"{cmd} (--ignore)")
    cli["format"] = Value(
        options.output_format,
        f"{cmd} (--format)"
        if options.format
        else "GITHUB_ACTIONS=true"
        if options.in_github_actions
        else DEFAULT,
    )
    color = options.color or "auto"
    cli["color"] = Value(color, f"{cmd} (--color)" if options.color else DEFAULT)
    for name, value in (
        ("fix", options.fix),
        ("unsafe-fixes", options.unsafe_fixes),
        ("exit-zero", options.exit_zero),
    ):
        cli[name] = Value(value, f"{cmd} (--{name})" if value else DEFAULT)
    if options.exit_zero or options.fail_on:
        flag = "--exit-zero" if options.exit_zero else "--fail-on"
        cli["fail-on"] = Value("never" if options.exit_zero else options.fail_on, f"{cmd} ({flag})")
    baseline = options.baseline
    cli["baseline"] = Value(baseline, f"{cmd} (--baseline)" if baseline else DEFAULT)
    return cli


def resolve(
    settings: Settings,
    cli: dict[str, Value],
    table: RuleTable,
    rules: Sequence[ActiveRule],
) -> tuple[dict[str, Value], dict[str, dict[str, Value]]]:
    """The run's settings and each active rule's severity and options, with sources."""
    where = str(settings.path) if settings.path is not None else DEFAULT
    given = settings.given

    def from_file(key: str, value: Any, default: Any) -> Value:
        return Value(value, where) if key in given else Value(default, DEFAULT)

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
    out["fail-on"] = from_file("fail-on", settings.fail_on, "error")
    out.update(cli)
    out["rules"] = Value(
        [a.code for a in rules], "select, extend-select and ignore, and each rule's default"
    )
    return out, _per_rule(settings, where, table, rules)


def _per_rule(
    settings: Settings, where: str, table: RuleTable, rules: Sequence[ActiveRule]
) -> dict[str, dict[str, Value]]:
    """Each active rule's severity and options, with where each comes from."""
    required_fields = "required-fields" in settings.given
    per_rule_raw: dict[str, dict[str, Any]] = {}
    for key, values in settings.rules.items():
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
                elif active.code == "FM003" and key == "fields" and required_fields:
                    source = f"{where} (required-fields)"
                else:
                    source = DEFAULT
                entries[key] = Value(shown, source)
        per_rule[active.code] = entries
    return per_rule


def amp_key(rules: Sequence[ActiveRule]) -> str:
    """The AMP key of the run: the ``amp-key`` option of the first rule that has one."""
    for active in rules:
        key = getattr(active.rule.options, "amp_key", None)
        if isinstance(key, str):
            return key
    return "amp"


def amp_posts(
    on_disk: Sequence[str],
    stdin: tuple[str, bytes] | None,
    rules: Sequence[ActiveRule],
    sites: SiteFinder,
    limits: Limits,
    error: Callable[[str], None],
) -> dict[str, Value]:
    """Each post: whether it is an AMP page (the value) and why (the source)."""
    from ampcheck.document.layouts import amp_decision
    from ampcheck.document.post import Post
    from ampcheck.engine.files import NotChecked, read_post

    key = amp_key(rules)
    posts: dict[str, Value] = {}
    inputs: list[tuple[str, bytes | None]] = [(shown, None) for shown in on_disk]
    if stdin is not None:
        inputs.insert(0, stdin)
    for shown, data in inputs:
        path = Path(shown)
        if data is None:
            try:
                data = read_post(path, limits.max_file_size)
            except OSError as exc:
                error(f"{shown}: cannot read: {exc.strerror or exc}")
                continue
            except NotChecked as exc:
                error(f"{shown}: not checked: {exc}")
                continue
        site = sites.site_for(path) if shown != "-" else None
        post = Post(shown, data, site, path if shown != "-" else None)
        decision = amp_decision(post, key)
        posts[shown] = Value(decision.amp, decision.reason)
    return posts


def _show(value: Any) -> str:
    if value is None:
        return "(not set)"
    return json.dumps(value, ensure_ascii=False)


def render_text(
    settings: dict[str, Value],
    rules: dict[str, dict[str, Value]],
    posts: dict[str, Value] | None = None,
) -> str:
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
    if posts is not None:
        lines.append("")
        lines.append("[amp-pages]")
        lines.append("# whether each post is rendered as an AMP page; after '#': why")
        for path, v in posts.items():
            lines.append(f"{_show(path)} = {_show(v.value)}  # {v.source}")
    return "\n".join(printable(line) for line in lines) + "\n"


def render_json(
    settings: dict[str, Value],
    rules: dict[str, dict[str, Value]],
    posts: dict[str, Value] | None = None,
    *,
    ascii: bool = False,
) -> str:
    def plain(entries: dict[str, Value]) -> dict[str, Any]:
        return {k: {"value": v.value, "source": v.source} for k, v in entries.items()}

    doc: dict[str, Any] = {
        "settings": plain(settings),
        "rules": {c: plain(e) for c, e in rules.items()},
    }
    if posts is not None:
        doc["amp-pages"] = {p: {"amp": v.value, "reason": v.source} for p, v in posts.items()}
    return json_text(doc, ascii=ascii) + "\n"
