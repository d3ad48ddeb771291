"""How long ``ampcheck --watch`` takes to report a saved post.

Copies a blog (default: ``../shared/corpora/dstotd``) to a temporary folder, starts
``ampcheck --watch _posts`` there, saves one post again and again as editors do (a
temporary file renamed over it, each time with one more line) and measures the time
from the rename to the line that says what changed. The time includes the watch's
wait of ``DEBOUNCE_MS`` for a save to settle.

Run: ``python bench/watch.py [--blog PATH] [--saves 20]`` (needs the watch extra)
"""

from __future__ import annotations

import argparse
import os
import queue
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHANGED = "Since the last run"
WAITING = "Watching for changes"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blog", type=Path, default=ROOT.parent / "shared/corpora/dstotd")
    parser.add_argument("--saves", type=int, default=20)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        blog = Path(tmp) / "blog"
        shutil.copytree(args.blog, blog)
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        cmd = [sys.executable, "-m", "ampcheck", "--watch", "_posts"]
        proc = subprocess.Popen(
            cmd, cwd=blog, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env
        )
        lines: queue.Queue[str] = queue.Queue()
        assert proc.stdout is not None
        stream = proc.stdout
        threading.Thread(
            target=lambda: [lines.put(b.decode()) for b in stream], daemon=True
        ).start()

        def until(text: str) -> None:
            while text not in lines.get(timeout=120):
                pass

        until(WAITING)
        post = sorted((blog / "_posts").glob("*.md"))[0]
        text = post.read_text(encoding="utf-8", errors="surrogateescape")
        times = []
        for i in range(args.saves):
            text += f"\n<!-- save {i} -->\n"
            saving = post.with_name(f".{post.name}.saving")
            saving.write_text(text, encoding="utf-8", errors="surrogateescape")
            started = time.monotonic()
            os.replace(saving, post)
            until(CHANGED)
            times.append(time.monotonic() - started)
            until(WAITING)
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=60)
    posts = len(list((args.blog / "_posts").glob("*")))
    print(f"{args.blog.name}: {posts} posts, {args.saves} saves of one post")
    print(f"save to report: median {statistics.median(times):.2f} s, worst {max(times):.2f} s")
    print(f"Ctrl-C: exit code {code}")
    return 0 if code == 130 else 1


if __name__ == "__main__":
    sys.exit(main())
