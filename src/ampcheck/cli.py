"""The command line: ``run(argv) -> exit code``.

Exit codes: 0 when no error-severity diagnostic is left, 1 when some are (or, with
``--diff``, when a file would change), 2 for usage, configuration and internal
errors.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import fnmatch
import os
import re
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TextIO

from ampcheck import __version__
from ampcheck.config import (
    CACHE_DIR_NAME,
    ConfigError,
    Settings,
    SiteFinder,
    find_config,
    load_settings,
)
from ampcheck.registry import ActiveRule, RuleTable

if TYPE_CHECKING:
    from ampcheck.cache import Cache
    from ampcheck.formatters import Report
    from ampcheck.runner import FileResult

EXIT_OK, EXIT_PROBLEMS, EXIT_ERROR = 0, 1, 2
POST_SUFFIXES = (".md", ".markdown", ".html")
# Folders a search never enters: Jekyll's output, templates and data (not posts), and
# other tools' folders.
SKIP_FOLDERS = {
    "_site", "_layouts", "_includes", "_sass", "_data", "_plugins",
    "node_modules", "vendor", "__pycache__",
}  # fmt: skip


COLOR_CHOICES = ("auto", "always", "never")
#: a run over at least this many files shows its progress on a terminal's stderr
PROGRESS_MIN_FILES = 20


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
    out.add_argument("--exit-zero", action="store_true", help="exit 0 even when problems are found")
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


class Progress:
    """``[12/600] _posts/...`` on one line of a terminal, redrawn as files are checked
    (at most ten times a second, and always for the first and the last file)."""

    def __init__(self, stream: TextIO, total: int) -> None:
        self.stream = stream
        self.total = total
        self.drawn = False
        self.last = 0.0

    def update(self, done: int, path: str) -> None:
        now = time.monotonic()
        if done not in (1, self.total) and now - self.last < 0.1:
            return
        self.last = now
        import shutil

        width = shutil.get_terminal_size((80, 24)).columns
        text = f"[{done:>{len(str(self.total))}}/{self.total}] {path}"
        self.stream.write("\r\x1b[K" + text[: max(width - 1, 10)])
        self.stream.flush()
        self.drawn = True

    def clear(self) -> None:
        if self.drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.drawn = False


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
    progress: Progress | None = None

    def error(self, message: str) -> None:
        """Record an error and print it (above the progress line)."""
        self.errors.append(message)
        if self.progress is not None:
            self.progress.clear()
        self.stderr.write(f"ampcheck: error: {message}\n")


def use_color(choice: str | None, stream: TextIO) -> bool:
    """``--color``: ``always``/``never``; ``auto`` colors a terminal unless ``NO_COLOR``
    is set to anything (https://no-color.org) or ``TERM`` is ``dumb``."""
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty is not None and isatty())


def _load_plugins(
    settings: Settings,
) -> tuple[RuleTable, dict[str, Any], list[str], dict[str, str]]:
    """The rules and formatters of every plugin that loads; a plugin that fails to
    import or whose hook raises is named in the returned messages and left out."""
    from ampcheck.plugins import call_hook, get_plugin_manager

    loaded = get_plugin_manager(settings.plugins)
    rules: list[Any] = []
    for _name, result in call_hook(loaded, "ampcheck_register_rules"):
        rules.extend(result or ())
    table = RuleTable(rules)
    formatters: dict[str, Any] = {}
    for _name, result in call_hook(loaded, "ampcheck_register_formatters"):
        for name, fn in (result or {}).items():
            if name in formatters:
                raise ConfigError(f"output format {name!r} is registered twice")
            formatters[name] = fn
    failed = [f"plugin {name} failed to load: {why}" for name, why in loaded.failures]
    return table, formatters, failed, loaded.versions


def run(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run ampcheck with ``argv``; return the exit code."""
    started = time.perf_counter()
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed usage or --help/--version
        return int(exc.code) if isinstance(exc.code, int) else EXIT_ERROR

    try:
        config_path = Path(args.config) if args.config else find_config(Path.cwd())
        if args.config and not config_path.is_file():  # type: ignore[union-attr]
            raise ConfigError(f"{args.config}: no such configuration file")
        settings = load_settings(config_path)
        table, formatters, failed_plugins, versions = _load_plugins(settings)
    except ConfigError as exc:
        stderr.write(f"ampcheck: error: {exc}\n")
        return EXIT_ERROR
    for message in failed_plugins:
        stderr.write(f"ampcheck: error: {message}\n")

    if args.list_rules:
        stdout.write(rule_table(table) if args.format == "markdown" else rule_list(table))
        return EXIT_ERROR if failed_plugins else EXIT_OK
    if args.explain:
        return _explain(table, args.explain, stdout, stderr)

    in_actions = os.environ.get("GITHUB_ACTIONS") == "true"
    fmt = args.format or ("github" if in_actions else "text")
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
    _bind_known_rules(rules, table)

    if args.show_config:
        state = Run(args, rules, settings, stdout, stderr)
        return _show_config(state, table, fmt, in_actions, failed_plugins)

    baseline = None
    if args.baseline:
        from ampcheck.baseline import BaselineError, load

        try:
            baseline = load(Path(args.baseline))
        except BaselineError as exc:
            stderr.write(f"ampcheck: error: {exc}\n")
            return EXIT_ERROR

    from ampcheck.formatters import STREAMING, Report

    state = Run(args, rules, settings, stdout, stderr)
    state.errors.extend(failed_plugins)
    report = Report(
        fixing=args.fix,
        quiet=args.quiet,
        unsafe=args.unsafe_fixes,
        rules=_rule_infos(rules, with_docs=fmt == "sarif"),
    )
    on_disk, from_stdin, errors = _inputs(state)
    count = len(on_disk) + (from_stdin is not None)
    if (
        count >= PROGRESS_MIN_FILES
        and not args.quiet
        and getattr(stderr, "isatty", lambda: False)()
    ):
        state.progress = Progress(stderr, count)
    for message in errors:
        state.error(message)
    from ampcheck.runner import Context, check_file, check_files, default_jobs

    limits = settings.limits
    if args.rule_timeout is not None:
        limits = dataclasses.replace(limits, rule_timeout=args.rule_timeout or None)
    ctx = Context(args, rules, _cache(args, settings, rules, versions), state.sites, limits)
    jobs = args.jobs or default_jobs()
    # with --fix on standard input, the fixed text owns standard output
    stream = stderr if args.fix and "-" in args.paths else stdout
    report.color = use_color(args.color, stream)
    # text and GitHub output is written file by file, in the order of the files:
    # the same output, without holding every problem of a large run in memory
    streaming = (
        fmt in STREAMING and not args.statistics and not args.diff and not args.write_baseline
    )
    left = baseline.remaining() if baseline is not None and streaming else None

    def merge(result: FileResult) -> None:
        _merge(state, report, result)
        if not streaming:
            return
        report.paths.clear()  # only the formats that are not streamed list the files
        found = report.diagnostics
        report.diagnostics = []
        if baseline is not None:
            found, known = baseline.filter(found, left)
            report.baselined += known
        if found:
            if state.progress is not None:
                state.progress.clear()
            formatters[fmt](report.stream(found), stream)

    if from_stdin is not None:
        merge(check_file(ctx, from_stdin, None, sys.stdin.buffer.read()))
    for done, result in enumerate(check_files(ctx, on_disk, jobs), 1):
        if state.progress is not None:
            state.progress.update(done, result.shown)
        merge(result)
    if state.progress is not None:
        state.progress.clear()

    if args.write_baseline:
        return _write_baseline(state, report, Path(args.write_baseline))
    if baseline is not None and not streaming:
        report.diagnostics, report.baselined = baseline.filter(report.diagnostics)
    report.elapsed = time.perf_counter() - started
    if args.statistics:
        from ampcheck.formatters import format_statistics

        format_statistics(report, stream, as_json=fmt == "json")
    elif not args.diff:
        formatters[fmt](report, stream)
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
    if report.has_errors:
        return EXIT_PROBLEMS
    return EXIT_OK


def _bind_known_rules(rules: Sequence[ActiveRule], table: RuleTable) -> None:
    from ampcheck.suppressions import SuppressionRule

    known = tuple((r.code, r.name) for r in table)
    for active in rules:
        if isinstance(active.rule, SuppressionRule):
            active.rule.known_rules = known


def _rule_infos(rules: Sequence[ActiveRule], *, with_docs: bool) -> tuple[Any, ...]:
    from ampcheck.formatters import RuleInfo

    docs: dict[str, str | None] = {}
    if with_docs:  # only SARIF shows them: the rule book is read for it alone
        from ampcheck.rulebook import rule_doc

        docs = {a.code: rule_doc(type(a.rule)) for a in rules}
    return tuple(
        RuleInfo(a.code, a.name, a.rule.summary, a.severity, a.rule.fixable, docs.get(a.code))
        for a in rules
    )


def _write_baseline(state: Run, report: Any, path: Path) -> int:
    import tempfile

    from ampcheck.baseline import Baseline, BaselineError, load

    folder = path.parent
    baseline = Baseline.from_diagnostics(folder, report.diagnostics)
    if path.exists():
        with contextlib.suppress(BaselineError):  # a corrupt baseline is replaced
            baseline.keep_files(load(path), report.paths)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder.resolve())
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(baseline.dumps())
        os.replace(tmp, path)
    except OSError as exc:
        state.error(f"{path}: cannot write the baseline: {exc.strerror or exc}")
        return EXIT_ERROR
    for err in report.errors:
        state.stderr.write(f"ampcheck: error: {err}\n")
    n, k = baseline.total, baseline.files
    if not state.args.quiet:
        state.stderr.write(
            f"Wrote {n} problem{'s' if n != 1 else ''} in {k} file{'s' if k != 1 else ''} "
            f"to the baseline {path}.\n"
        )
    return EXIT_ERROR if state.errors or report.errors else EXIT_OK


def _show_config(
    state: Run, table: RuleTable, fmt: str, in_actions: bool, failed_plugins: list[str]
) -> int:
    from ampcheck.showconfig import (
        DEFAULT,
        Value,
        amp_posts,
        render_json,
        render_text,
        resolve,
    )

    args, settings, rules, stdout = state.args, state.settings, state.rules, state.stdout

    cmd = "command line"
    cli: dict[str, Value] = {
        "config-file": Value(
            None,
            f"{cmd} (--config)"
            if args.config
            else "found from the current folder"
            if settings.path is not None
            else "none found",
        )
    }
    if args.select is not None:
        cli["select"] = Value(list(args.select), f"{cmd} (--select)")
    if args.extend_select:
        cli["extend-select"] = Value(list(args.extend_select), f"{cmd} (--extend-select)")
    if args.ignore:
        cli["ignore"] = Value(list(args.ignore), f"{cmd} (--ignore)")
    cli["format"] = Value(
        fmt,
        f"{cmd} (--format)" if args.format else "GITHUB_ACTIONS=true" if in_actions else DEFAULT,
    )
    color = args.color or "auto"
    cli["color"] = Value(color, f"{cmd} (--color)" if args.color else DEFAULT)
    for flag in ("fix", "unsafe_fixes", "exit_zero"):
        value = bool(getattr(args, flag))
        name = flag.replace("_", "-")
        cli[name] = Value(value, f"{cmd} (--{name})" if value else DEFAULT)
    cli["baseline"] = Value(args.baseline, f"{cmd} (--baseline)" if args.baseline else DEFAULT)
    values, per_rule = resolve(settings, cli, table, rules)
    posts = None
    if args.paths:  # the posts named: whether each is an AMP page, and why
        on_disk, from_stdin, errors = _inputs(state)
        for message in errors:
            state.error(message)
        stdin = None
        if from_stdin is not None:
            stdin = (from_stdin, sys.stdin.buffer.read())
        posts = amp_posts(on_disk, stdin, rules, state.sites, settings.limits, state.error)
    render = render_json if args.format == "json" else render_text
    stdout.write(render(values, per_rule, posts))
    return EXIT_ERROR if failed_plugins or state.errors else EXIT_OK


def main() -> None:
    try:
        code = run()
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (ampcheck ... | head): not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = EXIT_OK
    sys.exit(code)


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


class Inputs(NamedTuple):
    """What a run checks: files on disk (their paths, as shown), the name shown for
    standard input if it is read, and a message for each path that cannot be checked."""

    on_disk: list[str]
    stdin: str | None
    errors: list[str]


def _inputs(state: Run) -> Inputs:
    """The files to check, each once (however many paths lead to it)."""
    paths = state.args.paths
    if not paths:
        paths = ["_posts"] if Path("_posts").is_dir() else ["."]
    from ampcheck.files import file_key

    inputs = Inputs([], None, [])
    # the real folder and name of each file taken: the names are the folder
    # listing's own strings, so a large folder costs no second copy of them
    seen: dict[str, set[str]] = {}

    def take(shown: str, folder: str, name: str) -> None:
        names = seen.setdefault(folder, set())
        if name not in names:
            names.add(name)
            inputs.on_disk.append(shown)

    for raw in paths:
        if raw == "-":
            if inputs.stdin is None:
                inputs = inputs._replace(stdin=state.args.stdin_filename or "-")
            continue
        path = Path(raw)
        if path.is_dir():
            for found in _walk(path, state.settings.exclude, state.settings.follow_symlinks):
                if isinstance(found, str):
                    inputs.errors.append(found)  # a folder that cannot be listed
                else:
                    take(*found)
        elif os.path.lexists(path):  # a broken link too: reading it says what is wrong
            take(str(path), *os.path.split(file_key(path)))
        else:
            inputs.errors.append(f"{raw}: no such file or folder")
    return inputs


def _walk(
    root: Path, exclude: Sequence[str], follow_symlinks: bool = False
) -> Iterator[tuple[str, str, str] | str]:
    """Posts under ``root`` (path, real folder, name), and an error message for each
    folder that cannot be listed (symbolic links: see :func:`ampcheck.files.walk`)."""
    from ampcheck.files import walk

    excluded = _Exclude(exclude)

    def skip(folder: Path) -> bool:
        name = folder.name
        return name.startswith(".") or name in SKIP_FOLDERS or excluded(folder.as_posix(), name)

    def wanted(path: str, name: str) -> bool:
        return name.endswith(POST_SUFFIXES) and not excluded(path.replace(os.sep, "/"), name)

    return walk(root, skip, wanted, follow_symlinks=follow_symlinks)


def _excluded(posix: str, name: str, patterns: Sequence[str]) -> bool:
    """Whether a path (spelt with ``/``) or its last part matches an exclude pattern."""
    return _Exclude(patterns)(posix, name)


class _Exclude:
    """The ``exclude`` patterns (fnmatch's), indexed so that testing a path takes time
    in its length and in the patterns that could match it, not in all of them (a
    configuration may list tens of thousands): a pattern without wildcards is looked
    up; the others by the text before their first wildcard and after their last,
    which must begin and end the path, and only those are matched (each compiled
    once: fnmatch's own cache holds 32,768 and compiles again past that)."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self.literal: set[str] = set()
        #: head -> tail -> patterns
        self.globs: dict[str, dict[str, list[str]]] = {}
        #: patterns whose one "*" stands between head and tail: matched by them alone
        self.simple: set[str] = set()
        self.compiled: dict[str, re.Pattern[str]] = {}
        for pattern in map(os.path.normcase, patterns):
            first = _WILDCARD_RE.search(pattern)
            if first is None:
                self.literal.add(pattern)
                continue
            # the tail follows the last wildcard, or the "]" that closes a set
            last = max(pattern.rfind("*"), pattern.rfind("?"), pattern.rfind("]"))
            head, tail = pattern[: first.start()], pattern[max(last + 1, first.end()) :]
            self.globs.setdefault(head, {}).setdefault(tail, []).append(pattern)
            if pattern == f"{head}*{tail}":
                self.simple.add(pattern)

    def __call__(self, posix: str, name: str) -> bool:
        if posix.startswith("./"):
            posix = posix[2:]
        return self._matches(os.path.normcase(posix)) or self._matches(os.path.normcase(name))

    def _matches(self, text: str) -> bool:
        if text in self.literal:
            return True
        if not self.globs:
            return False
        size = len(text)
        for cut in range(size + 1):
            tails = self.globs.get(text[:cut])
            if tails is None:
                continue
            for start in range(cut, size + 1):
                for pattern in tails.get(text[start:], ()):
                    if pattern in self.simple or self._regex(pattern).match(text):
                        return True
        return False

    def _regex(self, pattern: str) -> re.Pattern[str]:
        compiled = self.compiled.get(pattern)
        if compiled is None:
            compiled = self.compiled[pattern] = re.compile(fnmatch.translate(pattern))
        return compiled


_WILDCARD_RE = re.compile(r"[*?\[]")


def _merge(state: Run, report: Report, result: FileResult) -> None:
    """Add one file's result to the run, in the order of the files."""
    for message in result.messages:
        if message not in state.errors:
            state.error(message)
    if not result.read:
        return
    report.files += 1
    report.paths.append(result.shown)
    report.errors.extend(result.errors)
    report.diagnostics.extend(result.diagnostics)
    report.fixed += result.fixed
    if result.diff:
        state.diffs += 1
        state.stdout.write(result.diff)
    if result.output is not None:
        state.stdout.flush()
        buffer = getattr(state.stdout, "buffer", None)
        if buffer is not None:
            buffer.write(result.output)
            buffer.flush()
        else:  # a text stream (tests): the same bytes, as text
            state.stdout.write(result.output.decode("utf-8", "surrogateescape"))


def _cache(
    args: argparse.Namespace,
    settings: Settings,
    rules: Sequence[ActiveRule],
    versions: dict[str, str],
) -> Cache | None:
    """The results cache of this run, or ``None`` with ``--no-cache``."""
    if args.no_cache:
        return None
    import hashlib

    from ampcheck.cache import Cache, fingerprint

    if args.cache_dir:
        folder = Path(args.cache_dir)
    else:
        folder = (settings.path.parent if settings.path else Path.cwd()) / CACHE_DIR_NAME
    plugin_files: list[tuple[str, str | None]] = []
    for path in settings.plugins:
        try:
            plugin_files.append((str(path), hashlib.sha256(path.read_bytes()).hexdigest()))
        except OSError:
            plugin_files.append((str(path), None))
    context = fingerprint(
        __version__,
        _source_stamp(),
        sys.version,
        sorted(versions.items()),
        plugin_files,
        [(r.code, r.severity.value, r.configured, repr(r.rule.options)) for r in rules],
    )
    return Cache(folder, context)


def _source_stamp() -> list[tuple[str, int, int]]:
    """ampcheck's own files (names, sizes, times): a changed checkout is a new version."""
    root = Path(__file__).parent
    stamp = []
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".toml", ".md") and "__pycache__" not in path.parts:
            st = path.stat()
            stamp.append((str(path.relative_to(root)), st.st_size, st.st_mtime_ns))
    return stamp
