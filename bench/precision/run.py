"""Precision of ampcheck on public Jekyll blogs, from judged diagnostics.

Runs the installed ampcheck (``--format json --no-cache --exit-zero``, no rule
timeout, so a busy machine gives the same diagnostics) in each
blog's root (exported by export.py) over its post folders, matches every
diagnostic to bench/precision/judgements.csv on blog + path + line + code, and
prints per rule code and overall: found, judged, true, false, unjudged and
precision = true / (true + false) over the judged diagnostics.

    python bench/precision/run.py                      # the table
    python bench/precision/run.py --unjudged           # every diagnostic not judged yet
    python bench/precision/run.py --unjudged --sample 15   # at most 15 per code per blog
    python bench/precision/run.py --min 0.9            # exit 1 when a code is under 90 %

judgements.csv has the columns blog, path, line, code, verdict (true or
false), why. A judgement that matches no diagnostic of the run (the rule no
longer reports it) is kept and counted as stale.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from export import (  # noqa: E402
    Blog,
    add_blog_options,
    post_folders,
    selected_blogs,
)

JUDGEMENT_COLUMNS = ("blog", "path", "line", "code", "verdict", "why")
# A code found fewer times than this over all blogs is listed whole by --sample.
RARE = 10


@dataclass(frozen=True, slots=True)
class Diagnostic:
    blog: str
    path: str
    line: int
    code: str
    message: str

    @property
    def key(self) -> tuple[str, str, int, str]:
        return (self.blog, self.path, self.line, self.code)


@dataclass(frozen=True, slots=True)
class Judgement:
    blog: str
    path: str
    line: int
    code: str
    verdict: bool
    why: str

    @property
    def key(self) -> tuple[str, str, int, str]:
        return (self.blog, self.path, self.line, self.code)


def read_judgements(path: Path) -> dict[tuple[str, str, int, str], Judgement]:
    """The judgements of a CSV file by key; a malformed row or two rows of one
    key with different verdicts is an error naming the row."""
    judgements: dict[tuple[str, str, int, str], Judgement] = {}
    if not path.exists():
        return judgements
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if (
            reader.fieldnames is None
            or tuple(reader.fieldnames[: len(JUDGEMENT_COLUMNS)]) != JUDGEMENT_COLUMNS
        ):
            raise SystemExit(f"{path}: the header must be {','.join(JUDGEMENT_COLUMNS)}")
        for number, row in enumerate(reader, start=2):
            verdict = (row["verdict"] or "").strip().lower()
            if verdict not in ("true", "false"):
                raise SystemExit(
                    f"{path}:{number}: verdict must be true or false, not {row['verdict']!r}"
                )
            try:
                line = int(row["line"])
            except (TypeError, ValueError):
                raise SystemExit(
                    f"{path}:{number}: line must be a number, not {row['line']!r}"
                ) from None
            judgement = Judgement(
                row["blog"], row["path"], line, row["code"], verdict == "true", row["why"] or ""
            )
            earlier = judgements.get(judgement.key)
            if earlier is not None and earlier.verdict != judgement.verdict:
                raise SystemExit(
                    f"{path}:{number}: judged {verdict} here and {not judgement.verdict} before"
                )
            judgements[judgement.key] = judgement
    return judgements


def default_ampcheck() -> list[str]:
    """The ampcheck installed beside this Python, else the one on PATH, else
    ``python -m ampcheck``."""
    beside = Path(sys.executable).with_name("ampcheck")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("ampcheck")
    return [found] if found else [sys.executable, "-m", "ampcheck"]


def check_blog(blog: Blog, root: Path, ampcheck: Sequence[str]) -> list[Diagnostic]:
    """ampcheck's diagnostics on the blog's post folders, paths relative to its root."""
    folders = post_folders(blog, root)
    if not folders:
        return []
    result = subprocess.run(
        [
            *ampcheck,
            "--format",
            "json",
            "--no-cache",
            "--exit-zero",
            "--rule-timeout",
            "0",
            *folders,
        ],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(
            f"{blog.name}: ampcheck exited {result.returncode}: {result.stderr.strip()[:2000]}"
        )
    return [
        Diagnostic(blog.name, item["path"], int(item["line"]), item["code"], item["message"])
        for item in json.loads(result.stdout)
    ]


def source_line(path: Path, line: int, width: int = 160) -> str:
    """The line of the file, tabs as spaces, cut to width (for judging)."""
    try:
        lines = path.read_text("utf-8", "replace").splitlines()
    except OSError:
        return ""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    text = text.replace("\t", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


@dataclass
class Tally:
    found: int = 0
    true: int = 0
    false: int = 0

    @property
    def judged(self) -> int:
        return self.true + self.false

    @property
    def unjudged(self) -> int:
        return self.found - self.judged

    @property
    def precision(self) -> float | None:
        return self.true / self.judged if self.judged else None


def tally(
    diagnostics: Iterable[Diagnostic],
    judgements: dict[tuple[str, str, int, str], Judgement],
    group: Callable[[Diagnostic], str] = lambda d: d.code,
) -> tuple[dict[str, Tally], Tally]:
    """Per code (or other group) and overall counts of found, true and false
    diagnostics."""
    per_code: dict[str, Tally] = defaultdict(Tally)
    overall = Tally()
    for diagnostic in diagnostics:
        judgement = judgements.get(diagnostic.key)
        for counts in (per_code[group(diagnostic)], overall):
            counts.found += 1
            if judgement is not None:
                if judgement.verdict:
                    counts.true += 1
                else:
                    counts.false += 1
    return dict(per_code), overall


def estimate(
    diagnostics: Iterable[Diagnostic],
    judgements: dict[tuple[str, str, int, str], Judgement],
    group: Callable[[Diagnostic], str] = lambda d: d.code,
) -> tuple[dict[str, float | None], float | None]:
    """Precision over everything found, not only the judged sample: each blog's
    judged diagnostics of a code stand for all that code found on that blog
    (found x sample precision, summed, over the found of the (code, blog) pairs
    that have a judged sample). Per group and overall."""
    per_pair: dict[tuple[str, str, str], Tally] = defaultdict(Tally)
    for diagnostic in diagnostics:
        counts = per_pair[(group(diagnostic), diagnostic.code, diagnostic.blog)]
        counts.found += 1
        judgement = judgements.get(diagnostic.key)
        if judgement is not None:
            if judgement.verdict:
                counts.true += 1
            else:
                counts.false += 1
    true: dict[str, float] = defaultdict(float)
    covered: dict[str, int] = defaultdict(int)
    groups: set[str] = set()
    for (name, _code, _blog), counts in per_pair.items():
        groups.add(name)
        if counts.precision is not None:
            true[name] += counts.found * counts.precision
            covered[name] += counts.found
    per_group = {name: (true[name] / covered[name] if covered[name] else None) for name in groups}
    total = sum(covered.values())
    return per_group, (sum(true.values()) / total if total else None)


def sample_unjudged(
    diagnostics: Sequence[Diagnostic],
    judgements: dict[tuple[str, str, int, str], Judgement],
    per_code_per_blog: int | None,
) -> list[Diagnostic]:
    """The unjudged diagnostics; with a limit, at most that many per code per
    blog, chosen by a hash of their key (the same ones every run), and all of a
    code found fewer than RARE times over all blogs."""
    unjudged = [d for d in diagnostics if d.key not in judgements]
    if per_code_per_blog is None:
        return unjudged
    totals = Counter(d.code for d in diagnostics)
    groups: dict[tuple[str, str], list[Diagnostic]] = defaultdict(list)
    for diagnostic in unjudged:
        groups[(diagnostic.code, diagnostic.blog)].append(diagnostic)
    chosen: set[int] = set()
    for (code, _blog), group in groups.items():
        if totals[code] < RARE:
            chosen.update(id(d) for d in group)
            continue
        # Count what is judged in the group already, so judging a sample and
        # running again does not bring up a new one.
        judged_here = sum(
            1 for d in diagnostics if d.code == code and d.blog == _blog and d.key in judgements
        )
        room = max(per_code_per_blog - judged_here, 0)
        ranked = sorted(
            group, key=lambda d: hashlib.sha1("|".join(map(str, d.key)).encode()).hexdigest()
        )
        chosen.update(id(d) for d in ranked[:room])
    return [d for d in unjudged if id(d) in chosen]


def format_table(
    per_code: dict[str, Tally],
    overall: Tally,
    stale: int,
    label: str = "code",
    estimates: tuple[dict[str, float | None], float | None] | None = None,
) -> str:
    def percent(value: float | None) -> str:
        return "-" if value is None else f"{100 * value:.1f}%"

    def cells(name: str, counts: Tally) -> tuple[str, ...]:
        numbers = (counts.found, counts.judged, counts.true, counts.false, counts.unjudged)
        row = (name, *map(str, numbers), percent(counts.precision))
        if estimates is not None:
            row += (percent(estimates[1] if name == "all" else estimates[0].get(name)),)
        return row

    header = (label, "found", "judged", "true", "false", "unjudged", "precision")
    rows = [header + (("estimated",) if estimates is not None else ())]
    rows += [cells(code, per_code[code]) for code in sorted(per_code)]
    rows.append(cells("all", overall))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]
    if stale:
        lines.append(f"{stale} judgement(s) match no diagnostic of this run")
    return "\n".join(lines)


def format_markdown(
    per_code: dict[str, Tally],
    overall: Tally,
    estimates: tuple[dict[str, float | None], float | None] | None = None,
) -> str:
    def percent(value: float | None) -> str:
        if value is None:
            return "-"
        shown = f"{100 * value:.0f}"
        if (shown == "100" and value < 1) or (shown == "0" and value > 0):
            shown = f"{100 * value:.1f}"  # 99.9 % is not 100 %
        return shown + "%"

    extra = estimates is not None
    lines = [
        "| code | found | judged | precision |" + (" estimated |" if extra else ""),
        "|---|---:|---:|---:|" + ("---:|" if extra else ""),
    ]
    for code in [*sorted(per_code), "all"]:
        counts = overall if code == "all" else per_code[code]
        label = "**all**" if code == "all" else code
        line = f"| {label} | {counts.found} | {counts.judged} | {percent(counts.precision)} |"
        if estimates is not None:
            line += f" {percent(estimates[1] if code == 'all' else estimates[0].get(code))} |"
        lines.append(line)
    return "\n".join(lines)


def below(per_code: dict[str, Tally], overall: Tally, minimum: float) -> list[str]:
    """The codes (and 'all') whose judged precision is under minimum."""
    names = [
        code
        for code, counts in sorted(per_code.items())
        if counts.precision is not None and counts.precision < minimum
    ]
    if overall.precision is not None and overall.precision < minimum:
        names.append("all")
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_blog_options(parser, "folder of the exported blogs")
    parser.add_argument(
        "--judgements",
        type=Path,
        default=HERE / "judgements.csv",
        help="judgements (default %(default)s)",
    )
    parser.add_argument(
        "--ampcheck", default=None, help="command that runs ampcheck (default: the installed one)"
    )
    parser.add_argument(
        "--unjudged", action="store_true", help="list the diagnostics not judged yet, tab-separated"
    )
    parser.add_argument(
        "--sample",
        type=int,
        default=None,
        metavar="N",
        help="with --unjudged: at most N per code per blog",
    )
    parser.add_argument(
        "--min",
        type=float,
        default=None,
        metavar="P",
        help="exit 1 when a code or the overall precision is under P (0-1)",
    )
    parser.add_argument(
        "--markdown",
        action="store_true",
        help="print the table as Markdown (found, judged, precision)",
    )
    parser.add_argument(
        "--context",
        action="store_true",
        help="with --unjudged: add the diagnostic's source line as a last column",
    )
    parser.add_argument(
        "--estimate",
        action="store_true",
        help="add the precision estimated over everything found (each blog's sample of a code"
        " standing for all that code found there)",
    )
    parser.add_argument(
        "--by-blog", action="store_true", help="also print the counts per blog (all codes)"
    )
    parser.add_argument(
        "--save", type=Path, default=None, help="also write the diagnostics as JSON to this file"
    )
    args = parser.parse_args(argv)
    if (args.sample is not None or args.context) and not args.unjudged:
        parser.error("--sample and --context need --unjudged")
    if args.min is not None and not 0 <= args.min <= 1:
        parser.error("--min is a fraction between 0 and 1")
    ampcheck = args.ampcheck.split() if args.ampcheck else default_ampcheck()
    blogs = selected_blogs(parser, args)
    missing = [blog.name for blog in blogs if not (args.root / blog.name).is_dir()]
    if missing:
        print(
            f"not exported under {args.root}: {', '.join(missing)} (run export.py)", file=sys.stderr
        )
        return 2
    judgements = read_judgements(args.judgements)
    diagnostics: list[Diagnostic] = []
    for blog in blogs:
        diagnostics.extend(check_blog(blog, args.root / blog.name, ampcheck))
    if args.save:
        args.save.write_text(
            json.dumps([asdict(d) for d in diagnostics], ensure_ascii=False, indent=1) + "\n"
        )
    if args.unjudged:
        for d in sample_unjudged(diagnostics, judgements, args.sample):
            row = f"{d.blog}\t{d.path}\t{d.line}\t{d.code}\t{d.message}"
            if args.context:
                row += "\t" + source_line(args.root / d.blog / d.path, d.line)
            print(row)
        return 0
    names = {blog.name for blog in blogs}
    seen = {d.key for d in diagnostics}
    stale = sum(1 for key in judgements if key[0] in names and key not in seen)
    per_code, overall = tally(diagnostics, judgements)
    print(
        format_markdown(
            per_code, overall, estimate(diagnostics, judgements) if args.estimate else None
        )
        if args.markdown
        else format_table(
            per_code,
            overall,
            stale,
            estimates=estimate(diagnostics, judgements) if args.estimate else None,
        )
    )
    if args.by_blog:
        per_blog, _ = tally(diagnostics, judgements, lambda d: d.blog)
        print()
        blog_estimates = (
            estimate(diagnostics, judgements, lambda d: d.blog) if args.estimate else None
        )
        print(format_table(per_blog, overall, 0, label="blog", estimates=blog_estimates))
    if args.min is not None:
        failing = below(per_code, overall, args.min)
        if failing:
            print(f"precision under {100 * args.min:.0f}%: {', '.join(failing)}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
