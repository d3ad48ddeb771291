"""The command line: ``run(argv) -> exit code``.

The arguments become :class:`~ampcheck.session.RunOptions`; a
:class:`~ampcheck.session.Session` does the run; its module says what the exit
codes mean (README, "Exit codes").
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from ampcheck import __version__
from ampcheck.config import CACHE_DIR_NAME, FAIL_ON, ConfigError
from ampcheck.engine.registry import RuleTable
from ampcheck.printable import limit_to_encoding, printable
from ampcheck.session import (
    EXIT_ERROR,
    EXIT_INCOMPLETE,
    EXIT_OK,
    EXIT_PROBLEMS,
    RunOptions,
    Session,
)

__all__ = [
    "EXIT_ERROR", "EXIT_INCOMPLETE", "EXIT_OK", "EXIT_PROBLEMS", "build_parser", "main", "run",
]  # fmt: skip

COLOR_CHOICES = ("auto", "always", "never")


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {value!r}")
    return number


def _seconds(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0 <= number < 2**31:
        raise argparse.ArgumentTypeError(
            f"expected a number of seconds (0: no limit), got {value!r}"
        )
    return number


def _comma_list(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="ampcheck",
        description="Lint and repair Jekyll Markdown posts that embed AMP components.",
        epilog="'ampcheck server' runs the language server for editors (LSP over standard "
        "input and output; pip install 'ampcheck[server]').",
    )
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="posts or folders to check (default: ./_posts if it exists, else .); "
        "'-' reads standard input",
    )
    for add in (_fixing, _selection, _output, _baseline, _information, _speed):
        add(p)
    p.add_argument("--config", metavar="FILE", help="read settings from this file")
    p.add_argument("--stdin-filename", metavar="PATH", help="the path standard input stands for")
    p.add_argument(
        "--rule-timeout",
        type=_seconds,
        metavar="SECONDS",
        help="stop a rule that spends longer on one file, and report it (default: the "
        "rule-timeout setting, 10; 0: no limit)",
    )
    return p


def _fixing(p: argparse.ArgumentParser) -> None:
    fixing = p.add_argument_group("fixing")
    fixing.add_argument("--fix", action="store_true", help="apply safe fixes to the files")
    fixing.add_argument(
        "--unsafe-fixes", action="store_true", help="also apply (and offer) unsafe fixes"
    )
    fixing.add_argument(
        "--diff", action="store_true", help="print the fixes as a unified diff, write nothing"
    )


def _selection(p: argparse.ArgumentParser) -> None:
    sel = p.add_argument_group("rule selection")
    for flag, text in (
        ("--select", "run only these rules (codes, prefixes, names, ALL)"),
        ("--extend-select", "run these rules too"),
        ("--ignore", "do not run these rules"),
    ):
        sel.add_argument(flag, type=_comma_list, action="extend", metavar="RULES", help=text)


def _output(p: argparse.ArgumentParser) -> None:
    out = p.add_argument_group("output")
    out.add_argument(
        "--format",
        metavar="NAME",
        help="text, json, github, junit or sarif (default: text, github inside GitHub Actions)",
    )
    out.add_argument(
        "--color",
        choices=COLOR_CHOICES,
        help="color the text output: auto (default: on a terminal, unless NO_COLOR is set), "
        "always or never",
    )
    out.add_argument(
        "--statistics",
        action="store_true",
        help="print how many problems each rule found, instead of the problems",
    )
    out.add_argument("--quiet", "-q", action="store_true", help="print diagnostics only")
    out.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        help="exit 1 when a problem of this severity or a worse one is found: error "
        "(warnings do not fail), warning (any problem) or never (default: the fail-on "
        "setting, error)",
    )
    out.add_argument(
        "--exit-zero",
        action="store_true",
        help="exit 0 even when problems are found (--fail-on never)",
    )


def _baseline(p: argparse.ArgumentParser) -> None:
    base = p.add_argument_group("baseline")
    base.add_argument(
        "--baseline",
        metavar="FILE",
        help="report only problems this baseline file does not record",
    )
    base.add_argument(
        "--write-baseline",
        metavar="FILE",
        help="record every problem found now in this baseline file, and report none",
    )


def _information(p: argparse.ArgumentParser) -> None:
    info = p.add_argument_group("information")
    info.add_argument("--explain", metavar="RULE", help="print a rule's documentation")
    info.add_argument(
        "--list-rules",
        action="store_true",
        help="list every rule (with --format markdown: as a Markdown table)",
    )
    info.add_argument(
        "--show-config",
        action="store_true",
        help="print the resolved configuration and where each value comes from",
    )
    info.add_argument("--version", action="version", version=f"ampcheck {__version__}")
    info.add_argument(
        "--watch",
        action="store_true",
        help="check again whenever a post, the settings or the site change, and say what "
        "changed (needs the watch extra: pip install 'ampcheck[watch]')",
    )


def _speed(p: argparse.ArgumentParser) -> None:
    perf = p.add_argument_group("speed")
    perf.add_argument(
        "--jobs",
        "-j",
        type=_positive,
        metavar="N",
        help="check files in N processes (default: one per core; one for a few files)",
    )
    perf.add_argument(
        "--no-cache", action="store_true", help="check every file again, keep no results"
    )
    perf.add_argument(
        "--cache-dir",
        metavar="DIR",
        help=f"keep results here (default: {CACHE_DIR_NAME}/ beside the configuration file)",
    )


def options_from(args: argparse.Namespace) -> RunOptions:
    """The run's options from parsed arguments (the same names; lists as tuples)."""
    values = {f.name: getattr(args, f.name) for f in dataclasses.fields(RunOptions)}
    for name in ("paths", "extend_select", "ignore"):
        values[name] = tuple(values[name] or ())
    if values["select"] is not None:
        values["select"] = tuple(values["select"])
    return RunOptions(**values)


def run(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run ampcheck with ``argv``; return the exit code."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["server"]:
        from ampcheck.server import main as serve

        try:
            return serve(arguments[1:], stderr)
        except SystemExit as exc:  # argparse has printed usage or --help
            return int(exc.code) if isinstance(exc.code, int) else EXIT_ERROR
    try:
        args = build_parser().parse_args(arguments)
    except SystemExit as exc:  # argparse has printed usage or --help/--version
        return int(exc.code) if isinstance(exc.code, int) else EXIT_ERROR
    options = options_from(args)
    try:
        session = Session.load(options, stdout, stderr)
    except ConfigError as exc:
        stderr.write(f"ampcheck: error: {printable(str(exc))}\n")
        return EXIT_ERROR
    failed = session.plugins.failures
    for message in failed:
        stderr.write(f"ampcheck: error: {printable(message)}\n")
    if args.list_rules:
        from ampcheck.output.rulelist import rule_list, rule_table

        table = session.plugins.rules
        stdout.write(rule_table(table) if args.format == "markdown" else rule_list(table))
        return EXIT_ERROR if failed else EXIT_OK
    if args.explain:
        return _explain(session.plugins.rules, args.explain, stdout, stderr)
    try:
        session.formatter(options.output_format)
        session.select()
    except ConfigError as exc:
        stderr.write(f"ampcheck: error: {printable(str(exc))}\n")
        return EXIT_ERROR
    if args.show_config:
        return session.show_config()
    if args.watch:
        from ampcheck.watch import watch

        return watch(options, stdout, stderr)
    return session.run()


def main() -> None:
    limit_to_encoding(sys.stdout)
    try:
        code = run()
        if not sys.stdout.closed:  # the language server closes it when the client exits
            sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (ampcheck ... | head): not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = EXIT_OK
    sys.exit(code)


def _explain(table: RuleTable, key: str, stdout: TextIO, stderr: TextIO) -> int:
    from ampcheck.output.rulebook import rule_doc

    rule = table.lookup(key)
    if rule is None:
        stderr.write(f"ampcheck: error: unknown rule {key!r} (see ampcheck --list-rules)\n")
        return EXIT_ERROR
    doc = rule_doc(rule)
    if doc is None:
        doc = f"# {rule.code} {rule.name}\n\n{rule.summary}\n"
    stdout.write(doc if doc.endswith("\n") else doc + "\n")
    return EXIT_OK
