"""The command line: ``run(argv) -> exit code``.

Exit codes: 0 when no error-severity diagnostic is left, 1 when some are (or, with
``--diff``, when a file would change), 2 for usage, configuration and internal
errors.
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ampcheck import __version__
from ampcheck.config import ConfigError, Settings, SiteFinder, find_config, load_settings
from ampcheck.model import InternalError, Severity
from ampcheck.registry import ActiveRule, RuleTable

if TYPE_CHECKING:
    from ampcheck.formatters import Report

EXIT_OK, EXIT_PROBLEMS, EXIT_ERROR = 0, 1, 2
POST_SUFFIXES = (".md", ".markdown", ".html")
# Folders a search never enters: Jekyll's output, templates and data (not posts), and
# other tools' folders.
SKIP_FOLDERS = {
    "_site", "_layouts", "_includes", "_sass", "_data", "_plugins",
    "node_modules", "vendor", "__pycache__",
}  # fmt: skip


def _comma_list(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="ampcheck",
        description="Lint and repair Jekyll Markdown posts that embed AMP components.",
    )
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="posts or folders to check (default: ./_posts if it exists, else .); "
        "'-' reads standard input",
    )
    fixing = p.add_argument_group("fixing")
    fixing.add_argument("--fix", action="store_true", help="apply safe fixes to the files")
    fixing.add_argument(
        "--unsafe-fixes", action="store_true", help="also apply (and offer) unsafe fixes"
    )
    fixing.add_argument(
        "--diff", action="store_true", help="print the fixes as a unified diff, write nothing"
    )
    sel = p.add_argument_group("rule selection")
    for flag, text in (
        ("--select", "run only these rules (codes, prefixes, names, ALL)"),
        ("--extend-select", "run these rules too"),
        ("--ignore", "do not run these rules"),
    ):
        sel.add_argument(flag, type=_comma_list, action="extend", metavar="RULES", help=text)
    out = p.add_argument_group("output")
    out.add_argument(
        "--format",
        metavar="NAME",
        help="text, json or github (default: text, github inside GitHub Actions)",
    )
    out.add_argument("--quiet", "-q", action="store_true", help="print diagnostics only")
    out.add_argument("--exit-zero", action="store_true", help="exit 0 even when problems are found")
    info = p.add_argument_group("information")
    info.add_argument("--explain", metavar="RULE", help="print a rule's documentation")
    info.add_argument(
        "--list-rules",
        action="store_true",
        help="list every rule (with --format markdown: as a Markdown table)",
    )
    info.add_argument("--version", action="version", version=f"ampcheck {__version__}")
    p.add_argument("--config", metavar="FILE", help="read settings from this file")
    p.add_argument("--stdin-filename", metavar="PATH", help="the path standard input stands for")
    return p


@dataclass
class Run:
    """State of one command-line run."""

    args: argparse.Namespace
    rules: list[ActiveRule]
    settings: Settings
    stdout: TextIO
    stderr: TextIO
    sites: SiteFinder = field(default_factory=SiteFinder)
    errors: list[str] = field(default_factory=list)
    diffs: int = 0


def run(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run ampcheck with ``argv``; return the exit code."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed usage or --help/--version
        return int(exc.code) if isinstance(exc.code, int) else EXIT_ERROR

    from ampcheck.plugins import get_plugin_manager

    try:
        config_path = Path(args.config) if args.config else find_config(Path.cwd())
        if args.config and not config_path.is_file():  # type: ignore[union-attr]
            raise ConfigError(f"{args.config}: no such configuration file")
        settings = load_settings(config_path)
        loaded = get_plugin_manager(settings.plugins)
        table = RuleTable.from_plugins(loaded.manager)
        formatters: dict[str, object] = {}
        for result in loaded.manager.hook.ampcheck_register_formatters():
            for name, fn in (result or {}).items():
                if name in formatters:
                    raise ConfigError(f"output format {name!r} is registered twice")
                formatters[name] = fn
    except ConfigError as exc:
        stderr.write(f"ampcheck: error: {exc}\n")
        return EXIT_ERROR
    failed_plugins = [f"plugin {name} failed to load: {why}" for name, why in loaded.failures]
    for message in failed_plugins:
        stderr.write(f"ampcheck: error: {message}\n")

    if args.list_rules:
        stdout.write(rule_table(table) if args.format == "markdown" else rule_list(table))
        return EXIT_ERROR if failed_plugins else EXIT_OK
    if args.explain:
        return _explain(table, args.explain, stdout, stderr)

    fmt = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    if fmt not in formatters:
        stderr.write(
            f"ampcheck: error: unknown format {fmt!r} (formats: {', '.join(sorted(formatters))})\n"
        )
        return EXIT_ERROR
    try:
        rules = table.select(
            args.select if args.select is not None else settings.select,
            [*settings.extend_select, *(args.extend_select or ())],
            [*settings.ignore, *(args.ignore or ())],
            settings.rules,
            settings.required_fields,
        )
    except ConfigError as exc:
        stderr.write(f"ampcheck: error: {exc}\n")
        return EXIT_ERROR

    from ampcheck.formatters import Report

    state = Run(args, rules, settings, stdout, stderr)
    state.errors.extend(failed_plugins)
    report = Report(fixing=args.fix, quiet=args.quiet, unsafe=args.unsafe_fixes)
    for item in _inputs(state):
        if isinstance(item, str):
            state.errors.append(item)
            stderr.write(f"ampcheck: error: {item}\n")
            continue
        _check_file(state, report, *item)
    if not args.diff:
        # with --fix on standard input, the fixed text owns standard output
        stream = stderr if args.fix and "-" in args.paths else stdout
        formatters[fmt](report, stream)  # type: ignore[operator]
    elif not args.quiet:
        stderr.write(f"{state.diffs} file{'s' if state.diffs != 1 else ''} would be changed.\n")
    for err in report.errors:
        stderr.write(f"ampcheck: error: {err}\n")
    if state.errors or report.errors:
        return EXIT_ERROR
    if args.exit_zero:
        return EXIT_OK
    if args.diff:
        return EXIT_PROBLEMS if state.diffs else EXIT_OK
    if any(d.severity is Severity.ERROR for d in report.diagnostics):
        return EXIT_PROBLEMS
    return EXIT_OK


def main() -> None:
    sys.exit(run())


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


def _explain(table: RuleTable, key: str, stdout: TextIO, stderr: TextIO) -> int:
    from ampcheck.rulebook import rule_doc

    rule = table.lookup(key)
    if rule is None:
        stderr.write(f"ampcheck: error: unknown rule {key!r} (see ampcheck --list-rules)\n")
        return EXIT_ERROR
    doc = rule_doc(rule)
    if doc is None:
        doc = f"# {rule.code} {rule.name}\n\n{rule.summary}\n"
    stdout.write(doc if doc.endswith("\n") else doc + "\n")
    return EXIT_OK


def _inputs(state: Run) -> Iterator[tuple[str, Path | None] | str]:
    """Files to check, as (shown path, file on disk or None for stdin), or an
    error message for a path that cannot be checked."""
    paths = state.args.paths
    if not paths:
        paths = ["_posts"] if Path("_posts").is_dir() else ["."]
    seen: set[Path] = set()
    for raw in paths:
        if raw == "-":
            yield (state.args.stdin_filename or "-", None)
            continue
        path = Path(raw)
        if path.is_dir():
            for found in _walk(path, state.settings.exclude):
                key = found.resolve()
                if key not in seen:
                    seen.add(key)
                    yield (str(found), found)
        elif path.exists():
            key = path.resolve()
            if key not in seen:
                seen.add(key)
                yield (str(path), path)
        else:
            yield f"{raw}: no such file or folder"


def _walk(root: Path, exclude: Sequence[str]) -> Iterator[Path]:
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".")
            and d not in SKIP_FOLDERS
            and not _excluded(Path(folder, d), exclude)
        )
        for name in sorted(files):
            if name.endswith(POST_SUFFIXES):
                path = Path(folder, name)
                if not _excluded(path, exclude):
                    yield path


def _excluded(path: Path, patterns: Sequence[str]) -> bool:
    posix = path.as_posix()
    if posix.startswith("./"):
        posix = posix[2:]
    return any(fnmatch.fnmatch(posix, pat) or fnmatch.fnmatch(path.name, pat) for pat in patterns)


def _check_file(state: Run, report: Report, shown: str, file: Path | None) -> None:
    from ampcheck.fixer import encode, fix_post, unified_diff, write_atomic
    from ampcheck.linter import lint
    from ampcheck.post import Post

    args = state.args
    try:
        data = sys.stdin.buffer.read() if file is None else file.read_bytes()
    except OSError as exc:
        message = f"{shown}: cannot read: {exc.strerror or exc}"
        state.errors.append(message)
        state.stderr.write(f"ampcheck: error: {message}\n")
        return
    site_path = file if file is not None else Path(shown)
    site = state.sites.site_for(site_path) if file is not None or shown != "-" else None
    if site is not None and site.problem and site.problem not in state.errors:
        state.errors.append(site.problem)
        state.stderr.write(f"ampcheck: error: {site.problem}\n")
    post = Post(shown, data, site, site_path if shown != "-" else None)
    report.files += 1
    if not (args.fix or args.diff):
        result = lint(post, state.rules)
        report.diagnostics.extend(result.diagnostics)
        report.errors.extend(result.errors)
        return
    outcome = fix_post(post, state.rules, unsafe=args.unsafe_fixes)
    report.errors.extend(outcome.remaining.errors)
    if args.diff:
        if outcome.changed:
            state.diffs += 1
            state.stdout.write(unified_diff(shown, post.text, outcome.post.text))
        return
    report.diagnostics.extend(outcome.remaining.diagnostics)
    report.fixed += len(outcome.applied)
    if file is None:
        state.stdout.flush()
        buffer = getattr(state.stdout, "buffer", None)
        if buffer is not None:
            buffer.write(encode(outcome.post))
            buffer.flush()
        else:  # a text stream (tests): the same bytes, as text
            state.stdout.write(outcome.post.text)
        return
    if outcome.changed:
        try:
            write_atomic(file, encode(outcome.post))
        except OSError as exc:
            report.errors.append(
                InternalError(shown, f"cannot write the fixed file: {exc.strerror or exc}")
            )
