"""The table of known rules, and choosing which run with what settings.

Selectors (``select``, ``extend-select``, ``ignore``, per-rule tables) accept a rule
code (``FM003``), a code prefix (``FM``, ``FM0``), a rule name
(``front-matter-required``) or ``ALL``. A prefix selects the rules that are on by
default; naming a rule exactly (or ``ALL``) turns on a rule that is off by default.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from ampcheck.config import ConfigError
from ampcheck.model import Severity
from ampcheck.rule import OptionError, Rule, check_rule_class


class ActiveRule(NamedTuple):
    """A rule instance as it runs: its resolved options and severity."""

    rule: Rule
    severity: Severity
    #: the severity was set in the configuration: it wins over a violation's own
    configured: bool = False

    @property
    def code(self) -> str:
        return self.rule.code

    @property
    def name(self) -> str:
        return self.rule.name


class RuleTable:
    """Every registered rule class, by code and by name."""

    def __init__(self, rules: Iterable[type[Rule]]) -> None:
        self.by_code: dict[str, type[Rule]] = {}
        self.by_name: dict[str, type[Rule]] = {}
        for rule in rules:
            if not (isinstance(rule, type) and issubclass(rule, Rule)):
                raise ConfigError(f"a plugin registered {rule!r}, which is not a Rule class")
            try:
                check_rule_class(rule)
            except ValueError as exc:
                raise ConfigError(str(exc)) from None
            for key, table in ((rule.code, self.by_code), (rule.name, self.by_name)):
                other = table.get(key)
                if other is not None and other is not rule:
                    raise ConfigError(
                        f"rule {key} is registered twice ({_origin(other)} and {_origin(rule)})"
                    )
                table[key] = rule

    def __iter__(self) -> Any:
        return iter(sorted(self.by_code.values(), key=lambda r: r.code))

    def __len__(self) -> int:
        return len(self.by_code)

    def lookup(self, key: str) -> type[Rule] | None:
        return self.by_code.get(key.upper()) or self.by_name.get(key.lower())

    def matching(self, selector: str) -> tuple[list[type[Rule]], bool]:
        """Rules a selector names, and whether it names them exactly."""
        if selector.upper() == "ALL":
            return list(self), True
        rule = self.lookup(selector)
        if rule is not None:
            return [rule], True
        prefix = selector.upper()
        return [r for r in self if r.code.startswith(prefix)], False

    def select(
        self,
        select: Sequence[str] | None,
        extend_select: Sequence[str] = (),
        ignore: Sequence[str] = (),
        rule_settings: Mapping[str, Mapping[str, Any]] | None = None,
        required_fields: Sequence[str] | None = None,
    ) -> list[ActiveRule]:
        """Resolve selectors and per-rule settings into the rules to run."""
        chosen: dict[str, type[Rule]] = {}
        if select is None:
            chosen = {r.code: r for r in self if r.enabled_by_default}
        for selector in [*(select or ()), *extend_select]:
            rules, exact = self._resolve(selector)
            for rule in rules:
                if exact or rule.enabled_by_default:
                    chosen[rule.code] = rule
        for selector in ignore:
            for rule in self._resolve(selector)[0]:
                chosen.pop(rule.code, None)
        settings: dict[str, dict[str, Any]] = {}
        for key, table in (rule_settings or {}).items():
            named = self.lookup(key)
            if named is None:
                raise ConfigError(f"unknown rule {key!r} in rule settings")
            settings.setdefault(named.code, {}).update(table)
        if required_fields is not None:
            settings.setdefault("FM003", {}).setdefault("fields", list(required_fields))
        active: list[ActiveRule] = []
        for code in sorted(chosen):
            rule = chosen[code]
            table = dict(settings.get(code, {}))
            severity = rule.severity
            if "severity" in table:
                raw = table.pop("severity")
                try:
                    severity = Severity.parse(str(raw))
                except ValueError as exc:
                    raise ConfigError(f"{code}: {exc}") from None
            try:
                options = rule.parse_options(table)
            except OptionError as exc:
                raise ConfigError(str(exc)) from None
            active.append(ActiveRule(rule(options), severity, "severity" in settings.get(code, {})))
        return active

    def _resolve(self, selector: str) -> tuple[list[type[Rule]], bool]:
        rules, exact = self.matching(selector)
        if not rules:
            raise ConfigError(f"unknown rule selector {selector!r}")
        return rules, exact


def _origin(rule: type[Rule]) -> str:
    return f"{rule.__module__}.{rule.__qualname__}"
