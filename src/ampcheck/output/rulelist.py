"""``--list-rules``: every rule, as aligned text or as a Markdown table."""

from __future__ import annotations

from ampcheck.engine.registry import RuleTable


def rule_list(table: RuleTable) -> str:
    rows = [("code", "name", "fixable", "default", "severity", "summary")]
    for rule in table:
        rows.append(
            (
                rule.code,
                rule.name,
                rule.fixable.value,
                "on" if rule.enabled_by_default else "off",
                rule.severity.value,
                rule.summary,
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    return "".join(
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(r[:5])) + "  " + r[5] + "\n"
        for r in rows
    )


def rule_table(table: RuleTable) -> str:
    """The rule list as a Markdown table (``--list-rules --format markdown``)."""
    rows = [
        "| code | name | fixable | default | severity | summary |",
        "|---|---|---|---|---|---|",
    ]
    for r in table:
        default = "on" if r.enabled_by_default else "off"
        rows.append(
            f"| {r.code} | `{r.name}` | {r.fixable.value} | {default} | "
            f"{r.severity.value} | {r.summary} |"
        )
    return "\n".join(rows) + "\n"
