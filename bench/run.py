"""Time ampcheck against the minimal parsing pipeline and other Markdown linters.

Generates (or reuses) a corpus with bench/corpus.py, then runs every command
``--repeat`` times, alternating between them so that a busy moment of the machine
does not fall on one command only, and prints the median wall time of each, its ratio
to the minimal pipeline (bench/pipeline.py) and its peak memory (largest resident
set of the process and its children).

Run: ``python bench/run.py [--posts 10000] [--repeat 5]``
Peers are timed when installed: ``pip install pymarkdownlnt`` and
``npm install --prefix bench/node markdownlint-cli2``.
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import generate  # noqa: E402


@dataclass
class Command:
    label: str
    argv: list[str]
    times: list[float] = field(default_factory=list)
    peak_kb: int = 0
    setup: list[str] | None = None  # run once before timing (to warm a cache)


def measure(cmd: Command, cwd: Path) -> None:
    # standard error goes to a file: a linter that reports there (markdownlint-cli2)
    # would fill a pipe nobody reads until it ends, and wait forever
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd.argv, stdout=subprocess.DEVNULL, stderr=errors, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in (0, 1):
            # only the end: the whole report would grow this process, and every
            # process it starts afterwards counts this one's memory in its peak
            errors.seek(max(0, errors.seek(0, os.SEEK_END) - 2000))
            err = errors.read().decode(errors="replace")
            raise SystemExit(f"{cmd.label} failed ({proc.returncode}): {err}")
    cmd.times.append(elapsed)
    cmd.peak_kb = max(cmd.peak_kb, usage.ru_maxrss)


def peers(posts_dir: Path) -> list[Command]:
    found: list[Command] = []
    local = Path(sys.executable).with_name("pymarkdown")
    pymarkdown = str(local) if local.exists() else shutil.which("pymarkdown")
    if pymarkdown:
        found.append(Command("pymarkdown scan", [pymarkdown, "scan", str(posts_dir)]))
    cli2 = HERE / "node" / "node_modules" / ".bin" / "markdownlint-cli2"
    if cli2.exists():
        found.append(Command("markdownlint-cli2", [str(cli2), f"{posts_dir}/**/*.md"]))
    return found


def corpus(posts: int, seed: int, root: Path | None = None) -> Path:
    """The ``_posts`` folder of a generated corpus, made unless it is there already."""
    root = root or Path(tempfile.gettempdir()) / f"ampcheck-bench-{posts}-{seed}"
    posts_dir = root / "_posts"
    # a corpus made by another version of the generator is made again
    stamp = root / ".generator"
    version = hashlib.sha256((HERE / "corpus.py").read_bytes()).hexdigest()
    current = stamp.is_file() and stamp.read_text() == version
    if not current or len(list(posts_dir.iterdir())) != posts:
        shutil.rmtree(root, ignore_errors=True)
        generate(root, posts, seed)
        stamp.write_text(version)
    return posts_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--corpus", type=Path, help="where to keep the corpus")
    parser.add_argument("--no-peers", action="store_true")
    args = parser.parse_args(argv)

    posts_dir = corpus(args.posts, args.seed, args.corpus)
    # every command runs in the corpus's root, as in a blog's checkout (where a linter
    # looks for its configuration)
    root = posts_dir.parent
    # bytecode for every module, as an installation has it: without it each run would
    # compile the modules changed since the last one (PYTHONDONTWRITEBYTECODE)
    import ampcheck as package

    compileall.compile_dir(Path(package.__file__).parent, quiet=1)
    one_post = sorted(posts_dir.iterdir())[0]
    cache = Path(tempfile.mkdtemp(prefix="ampcheck-bench-cache-"))
    py = sys.executable
    # the installed command, as users run it (python -m when there is none)
    script = Path(py).with_name("ampcheck")
    ampcheck = [str(script)] if script.exists() else [py, "-m", "ampcheck"]
    ampcheck.append("--quiet")
    cores = os.cpu_count() or 1
    commands = [
        Command("minimal pipeline (full parse)", [py, str(HERE / "pipeline.py"), str(posts_dir)]),
        Command(
            "minimal pipeline (blocks only)",
            [py, str(HERE / "pipeline.py"), "--blocks-only", str(posts_dir)],
        ),
        Command("ampcheck, 1 process", [*ampcheck, "--jobs", "1", "--no-cache", str(posts_dir)]),
        Command(
            f"ampcheck, {cores} processes",
            [*ampcheck, "--jobs", str(cores), "--no-cache", str(posts_dir)],
        ),
        Command(
            "ampcheck, warm cache",
            [*ampcheck, "--cache-dir", str(cache), str(posts_dir)],
            setup=[*ampcheck, "--cache-dir", str(cache), str(posts_dir)],
        ),
        Command("ampcheck, one post", [*ampcheck, "--no-cache", str(one_post)]),
        Command(
            "python -c 'import markdown_it, lxml.html, yaml, pluggy'",
            [py, "-c", "import markdown_it, lxml.html, yaml, pluggy"],
        ),
    ]
    if not args.no_peers:
        commands += peers(posts_dir)
    for cmd in commands:
        if cmd.setup:
            subprocess.run(cmd.setup, stdout=subprocess.DEVNULL, check=False, cwd=root)
    for _ in range(args.repeat):
        for cmd in commands:
            measure(cmd, root)
    shutil.rmtree(cache, ignore_errors=True)

    base = statistics.median(commands[0].times)
    imports = statistics.median(commands[6].times)
    size = sum(p.stat().st_size for p in posts_dir.iterdir()) / 1e6
    print(f"{args.posts} posts ({size:.1f} MB), {args.repeat} runs each, medians, {cores} cores\n")
    print("| command | median | vs full-parse pipeline | peak memory |")
    print("|---|---|---|---|")
    for cmd in commands:
        median = statistics.median(cmd.times)
        ratio = f"{median / base:.2f}x"
        if cmd.label == "ampcheck, one post":
            ratio += f" ({median / imports:.2f}x the imports)"
        print(f"| {cmd.label} | {median:.2f} s | {ratio} | {cmd.peak_kb / 1024:.0f} MB |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
