"""A run of ampcheck, for the command line and any other front end.

:meth:`Session.load` reads the settings and loads the plugins, :meth:`Session.select`
picks the rules; then :meth:`Session.lint_text` checks one buffer, or
:meth:`Session.check` checks the run's files (writing the output of the formats that
are written file by file as results come in) and :meth:`Session.finish` writes the
rest and returns the exit code.

Exit codes: 0 when no problem at or above the ``fail-on`` severity (``error`` by
default) is left, 1 when some are (or, with ``--diff``, when a file would change), 2
for usage, configuration and internal errors, 3 when a file could not be checked
(``AC002``): the run is incomplete.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ampcheck import __version__, plugins
from ampcheck.config import (
    CACHE_DIR_NAME,
    ConfigError,
    Limits,
    Settings,
    find_config,
    load_settings,
)
from ampcheck.document.site import SiteFinder
from ampcheck.printable import holds_unicode, printable

if TYPE_CHECKING:
    from ampcheck.document.post import Post
    from ampcheck.engine.baseline import Baseline
    from ampcheck.engine.cache import Cache
    from ampcheck.engine.registry import ActiveRule
    from ampcheck.engine.runner import Context, FileResult
    from ampcheck.output.report import Formatter, Report, RuleInfo
    from ampcheck.output.terminal import Progress

EXIT_OK, EXIT_PROBLEMS, EXIT_ERROR, EXIT_INCOMPLETE = 0, 1, 2, 3


@dataclass(frozen=True)
class RunOptions:
    """What a run is asked to do: the command line's options, as plain values."""

    paths: tuple[str, ...] = ()
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    format: str | None = None
    color: str | None = None
    statistics: bool = False
    quiet: bool = False
    exit_zero: bool = False
    #: ``--fail-on``; ``None``: the ``fail-on`` setting
    fail_on: str | None = None
    baseline: str | None = None
    write_baseline: str | None = None
    jobs: int | None = None
    no_cache: bool = False
    cache_dir: str | None = None
    config: str | None = None
    stdin_filename: str | None = None
    #: seconds (0: no limit); ``None``: the ``rule-timeout`` setting
    rule_timeout: float | None = None

    @property
    def in_github_actions(self) -> bool:
        return os.environ.get("GITHUB_ACTIONS") == "true"

    @property
    def output_format(self) -> str:
        """``--format``, else ``github`` inside GitHub Actions, else ``text``."""
        return self.format or ("github" if self.in_github_actions else "text")


@dataclass
class Session:
    """One run: its options, settings, plugins and rules, and what it has found."""

    options: RunOptions
    settings: Settings
    plugins: plugins.Plugins
    stdout: TextIO
    stderr: TextIO
    rules: list[ActiveRule] = field(default_factory=list)
    sites: SiteFinder = field(default_factory=SiteFinder)
    #: run-level errors (each printed once, as it happens)
    errors: list[str] = field(default_factory=list)
    diffs: int = 0
    #: files that could not be checked (each reported as ``AC002``)
    unchecked: int = 0
    progress: Progress | None = None
    started: float = field(default_factory=time.perf_counter)

    @classmethod
    def load(
        cls,
        options: RunOptions,
        stdout: TextIO | None = None,
        stderr: TextIO | None = None,
        *,
        search_from: Path | None = None,
    ) -> Session:
        """Read the settings (``--config``, else the configuration file closest to
        ``search_from``, by default the current folder) and load the plugins;
        ``ConfigError`` when either is wrong."""
        start = search_from if search_from is not None else Path.cwd()
        config_path = Path(options.config) if options.config else find_config(start)
        if options.config and not config_path.is_file():  # type: ignore[union-attr]
            raise ConfigError(f"{options.config}: no such configuration file")
        settings = load_settings(config_path)
        loaded = plugins.load(settings.plugins)
        return cls(options, settings, loaded, stdout or sys.stdout, stderr or sys.stderr)

    @property
    def limits(self) -> Limits:
        """The settings' limits, with ``--rule-timeout`` applied."""
        limits = self.settings.limits
        if self.options.rule_timeout is not None:
            limits = dataclasses.replace(limits, rule_timeout=self.options.rule_timeout or None)
        return limits

    @property
    def fail_on(self) -> str:
        """The least severity of problem that fails the run: ``never`` with
        ``--exit-zero``, else ``--fail-on``, else the ``fail-on`` setting."""
        if self.options.exit_zero:
            return "never"
        return self.options.fail_on or self.settings.fail_on

    def formatter(self, name: str) -> Formatter:
        """The output format ``name``; ``ConfigError`` when no plugin provides it."""
        found = self.plugins.formatters.get(name)
        if found is None:
            known = ", ".join(sorted(self.plugins.formatters))
            raise ConfigError(f"unknown format {name!r} (formats: {known})")
        return found

    def select(self) -> list[ActiveRule]:
        """The rules the settings and options select (``ConfigError`` for a selector
        that names no rule, or a rule option that is wrong)."""
        opts, settings = self.options, self.settings
        self.rules = self.plugins.rules.select(
            opts.select if opts.select is not None else settings.select,
            [*settings.extend_select, *opts.extend_select],
            [*settings.ignore, *opts.ignore],
            settings.rules,
            settings.required_fields,
        )
        return self.rules

    def error(self, message: str) -> None:
        """Record a run-level error and print it (above the progress line)."""
        self.errors.append(message)
        if self.progress is not None:
            self.progress.clear()
        self.stderr.write(f"ampcheck: error: {printable(message)}\n")

    # -- checking ------------------------------------------------------------------

    def context(self, *, cache: Cache | None = None, fixing: bool = True) -> Context:
        """What checking one file needs (``fixing=False``: lint only, whatever the
        options say)."""
        from ampcheck.engine.runner import Context

        opts = self.options
        return Context(
            self.rules,
            cache=cache,
            sites=self.sites,
            limits=self.limits,
            fix=fixing and opts.fix,
            diff=fixing and opts.diff,
            unsafe=opts.unsafe_fixes,
            known=tuple((r.code, r.name) for r in self.plugins.rules),
        )

    def lint_text(self, path: str, text: str | bytes) -> FileResult:
        """Lint one buffer as the post at ``path`` (its site, as a file there would
        have): the diagnostics, the internal errors and the run-level messages."""
        from ampcheck.engine.runner import check_file

        data = text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text
        return check_file(self.context(fixing=False), path, None, data)

    def post_for(self, path: str, text: str) -> Post:
        """``text`` as the post at ``path``, in its site (as :meth:`lint_text` reads it)."""
        from ampcheck.document.post import Post

        return Post.from_text(path, text, self.sites.site_for(Path(path)), Path(path))

    def fix_text(self, path: str, text: str) -> str:
        """``text`` with the fixes ``--fix`` would apply to the post at ``path`` (and
        the unsafe ones with ``--unsafe-fixes``), checked as ``--fix`` checks them."""
        from ampcheck.engine.fixer import fix_post

        ctx = self.context(fixing=False)
        fixed = fix_post(
            self.post_for(path, text),
            self.rules,
            unsafe=self.options.unsafe_fixes,
            timeout=ctx.limits.rule_timeout,
            known=ctx.known,
        )
        return fixed.post.text if fixed.changed else text

    def cache(self) -> Cache | None:
        """The results cache of this run, or ``None`` with ``--no-cache``."""
        if self.options.no_cache:
            return None
        from ampcheck.engine.cache import open_cache

        settings = self.settings
        if self.options.cache_dir:
            folder = Path(self.options.cache_dir)
        else:
            folder = (settings.path.parent if settings.path else Path.cwd()) / CACHE_DIR_NAME
        return open_cache(
            folder,
            __version__,
            self.plugins.versions.items(),
            settings.plugins,
            [(r.code, r.severity.value, r.configured, repr(r.rule.options)) for r in self.rules],
        )

    def run(self) -> int:
        """Check the run's inputs and report; the exit code."""
        baseline = None
        if self.options.baseline:
            from ampcheck.engine.baseline import BaselineError, load

            try:
                baseline = load(Path(self.options.baseline))
            except BaselineError as exc:
                self.stderr.write(f"ampcheck: error: {printable(str(exc))}\n")
                return EXIT_ERROR
        if self.options.write_baseline:
            from ampcheck.engine.baseline import not_a_file

            refused = not_a_file(Path(self.options.write_baseline))
            if refused is not None:  # a FIFO or a device is not replaced by a file
                where = printable(self.options.write_baseline)
                self.stderr.write(
                    f"ampcheck: error: {where}: cannot write the baseline: {refused}\n"
                )
                return EXIT_ERROR
        self.errors.extend(self.plugins.failures)  # printed when the plugins loaded
        report = self.check(baseline)
        return self.finish(report, baseline)

    @property
    def output(self) -> TextIO:
        """Where the report goes: standard output, unless ``--fix`` of standard input
        writes the fixed text there."""
        return self.stderr if self.options.fix and "-" in self.options.paths else self.stdout

    @property
    def streaming(self) -> bool:
        """Whether diagnostics are written file by file, as results come in: the same
        output, without holding every problem of a large run in memory."""
        from ampcheck.output.report import STREAMING

        opts = self.options
        return (
            opts.output_format in STREAMING
            and not opts.statistics
            and not opts.diff
            and not opts.write_baseline
        )

    def check(self, baseline: Baseline | None = None) -> Report:
        """Check every input, in order; what the formats written file by file show is
        written as each file's result comes in."""
        from ampcheck.engine.files import collect, read_stream
        from ampcheck.engine.runner import check_file, check_files, default_jobs
        from ampcheck.output.terminal import Progress, use_color

        opts = self.options
        report = self.new_report()
        report.color = use_color(opts.color, self.output)
        inputs = collect(
            opts.paths,
            self.settings.exclude,
            follow_symlinks=self.settings.follow_symlinks,
            stdin_filename=opts.stdin_filename,
        )
        count = len(inputs.on_disk) + (inputs.stdin is not None)
        if not opts.quiet:
            self.progress = Progress.on_terminal(self.stderr, count)
        for message in inputs.errors:
            self.error(message)
        ctx = self.context(cache=self.cache())
        stream = _Stream(self, report, baseline) if self.streaming else None
        if inputs.stdin is not None:
            data = read_stream(sys.stdin.buffer, self.limits.max_file_size)
            self.merge(report, check_file(ctx, inputs.stdin, None, data))
            if stream is not None:
                stream.flush()
        jobs = opts.jobs or default_jobs()
        for done, result in enumerate(check_files(ctx, inputs.on_disk, jobs), 1):
            if self.progress is not None:
                self.progress.update(done, result.shown)
            self.merge(report, result)
            if stream is not None:
                stream.flush()
        if self.progress is not None:
            self.progress.clear()
        return report

    def new_report(self) -> Report:
        from ampcheck.output.report import Report

        opts = self.options
        return Report(
            fixing=opts.fix,
            quiet=opts.quiet,
            unsafe=opts.unsafe_fixes,
            rules=_rule_infos(self.rules, with_docs=opts.output_format == "sarif"),
        )

    def merge(self, report: Report, result: FileResult) -> None:
        """Add one file's result to the run, in the order of the files."""
        for message in result.messages:
            if message not in self.errors:
                self.error(message)
        if not result.read:  # reported as AC002 (unless that rule is not selected)
            if result.diagnostics:
                self.unchecked += 1
                report.files += 1
                report.diagnostics.extend(result.diagnostics)
            if result.output is not None:  # standard input that was not checked
                _write_bytes(self.stdout, result.output)
            return
        report.files += 1
        report.paths.append(result.shown)
        report.errors.extend(result.errors)
        report.diagnostics.extend(result.diagnostics)
        report.fixed += result.fixed
        if result.diff:
            self.diffs += 1
            # the file's own bytes (a patch applies to them), names that are not UTF-8 too
            _write_bytes(self.stdout, result.diff.encode("utf-8", "surrogateescape"))
        if result.output is not None:
            _write_bytes(self.stdout, result.output)

    def show_config(self) -> int:
        """``--show-config``: the resolved configuration, where each value comes from,
        and for the posts the paths lead to, whether each is an AMP page and why."""
        from ampcheck.engine.files import collect, read_stream
        from ampcheck.output import showconfig

        opts = self.options
        values, per_rule = showconfig.resolve(
            self.settings,
            showconfig.command_line(opts, self.settings),
            self.plugins.rules,
            self.rules,
        )
        posts = None
        if opts.paths:  # the posts named: whether each is an AMP page, and why
            inputs = collect(
                opts.paths,
                self.settings.exclude,
                follow_symlinks=self.settings.follow_symlinks,
                stdin_filename=opts.stdin_filename,
            )
            for message in inputs.errors:
                self.error(message)
            stdin = None
            if inputs.stdin is not None:
                data = read_stream(sys.stdin.buffer, self.settings.limits.max_file_size)
                stdin = (inputs.stdin, data)
            posts = showconfig.amp_posts(
                inputs.on_disk, stdin, self.rules, self.sites, self.settings.limits, self.error
            )
        if opts.format == "json":
            ascii = not holds_unicode(self.stdout)
            self.stdout.write(showconfig.render_json(values, per_rule, posts, ascii=ascii))
        else:
            self.stdout.write(showconfig.render_text(values, per_rule, posts))
        return EXIT_ERROR if self.plugins.failures or self.errors else EXIT_OK

    # -- reporting -----------------------------------------------------------------

    def finish(self, report: Report, baseline: Baseline | None = None) -> int:
        """Write what is left of the report (or the baseline); the exit code."""
        opts = self.options
        if opts.write_baseline:
            return self.write_baseline(report, Path(opts.write_baseline))
        if baseline is not None and not self.streaming:
            report.diagnostics, report.baselined = baseline.filter(report.diagnostics)
        report.elapsed = time.perf_counter() - self.started
        stream = self.output
        if opts.statistics:
            from ampcheck.output.statistics import format_statistics

            format_statistics(report, stream, as_json=opts.output_format == "json")
        elif not opts.diff:
            self.formatter(opts.output_format)(report, stream)
        else:
            self.diff_summary(report)
        for err in report.errors:
            self.stderr.write(f"ampcheck: error: {printable(str(err))}\n")
        return self.exit_code(report)

    def diff_summary(self, report: Report) -> None:
        """``--diff`` prints the diffs alone; the files that could not be checked
        (``AC002``, the only problems a diff run keeps) are named on standard error."""
        from ampcheck.output.report import Report
        from ampcheck.output.text import format_text

        if report.diagnostics:
            format_text(Report(report.diagnostics, quiet=True), self.stderr)
        if not self.options.quiet:
            s = "s" if self.diffs != 1 else ""
            self.stderr.write(f"{self.diffs} file{s} would be changed.\n")

    def exit_code(self, report: Report) -> int:
        opts = self.options
        if self.errors or report.errors:
            return EXIT_ERROR
        if self.unchecked:
            return EXIT_INCOMPLETE
        fail_on = self.fail_on
        if fail_on == "never":
            return EXIT_OK
        if opts.diff:
            return EXIT_PROBLEMS if self.diffs else EXIT_OK
        if report.has_errors or (fail_on == "warning" and report.count):
            return EXIT_PROBLEMS
        return EXIT_OK

    def write_baseline(self, report: Report, path: Path) -> int:
        """``--write-baseline``: record every problem found (keeping what the old
        baseline recorded for files this run did not check)."""
        from ampcheck.engine.atomic import write_atomic
        from ampcheck.engine.baseline import Baseline, BaselineError, load

        baseline = Baseline.from_diagnostics(path.parent, report.diagnostics)
        if path.exists():
            with contextlib.suppress(BaselineError):  # a corrupt baseline is replaced
                baseline.keep_files(load(path), report.paths)
        try:
            write_atomic(path, baseline.dumps().encode("utf-8"))
        except OSError as exc:
            self.error(f"{path}: cannot write the baseline: {exc.strerror or exc}")
            return EXIT_ERROR
        for err in report.errors:
            self.stderr.write(f"ampcheck: error: {printable(str(err))}\n")
        n, k = baseline.total, baseline.files
        if not self.options.quiet:
            self.stderr.write(
                f"Wrote {n} problem{'s' if n != 1 else ''} in {k} file{'s' if k != 1 else ''} "
                f"to the baseline {printable(str(path))}.\n"
            )
        if self.errors or report.errors:
            return EXIT_ERROR
        return EXIT_INCOMPLETE if self.unchecked else EXIT_OK


class _Stream:
    """The diagnostics of the files checked so far, written out and dropped from the
    report (less those a baseline records)."""

    def __init__(self, session: Session, report: Report, baseline: Baseline | None) -> None:
        self.session = session
        self.report = report
        self.baseline = baseline
        self.left = baseline.remaining() if baseline is not None else None
        self.write = session.formatter(session.options.output_format)

    def flush(self) -> None:
        report = self.report
        report.paths.clear()  # only the formats that are not streamed list the files
        found = report.diagnostics
        report.diagnostics = []
        if self.baseline is not None:
            found, known = self.baseline.filter(found, self.left)
            report.baselined += known
        if found:
            if self.session.progress is not None:
                self.session.progress.clear()
            self.write(report.stream(found), self.session.output)


def _write_bytes(stream: TextIO, data: bytes) -> None:
    """Write ``data`` as it is to a text stream's bytes, after its text."""
    stream.flush()
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        buffer.write(data)
        buffer.flush()
    else:  # a text stream (tests): the same bytes, as text
        stream.write(data.decode("utf-8", "surrogateescape"))


def _rule_infos(rules: list[ActiveRule], *, with_docs: bool) -> tuple[RuleInfo, ...]:
    from ampcheck.output.report import RuleInfo

    docs: dict[str, str | None] = {}
    if with_docs:  # only SARIF shows them: the rule book is read for it alone
        from ampcheck.output.rulebook import rule_doc

        docs = {a.code: rule_doc(type(a.rule)) for a in rules}
    return tuple(
        RuleInfo(a.code, a.name, a.rule.summary, a.severity, a.rule.fixable, docs.get(a.code))
        for a in rules
    )
