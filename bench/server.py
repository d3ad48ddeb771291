"""How long an editor waits for ampcheck's diagnostics, beside the command line.

Starts ``ampcheck server`` as an editor does, opens a post of the size of a
tweets-of-the-day post (by default the seed post ``../shared/seed/...``, in a
temporary copy of the dstotd site's ``_config.yml`` and ``_layouts/``), then makes
``--edits`` changes one after the other, each waiting for its diagnostics: the time
from ``didChange`` to ``publishDiagnostics`` (median and worst), once with the
server's debounce of 300 ms and once without (the check alone). For comparison:
the command line's start-up (``ampcheck --version``) and a check of the same post
(``ampcheck --no-cache POST``), median of ``--runs``.

Run: ``python bench/server.py [--post FILE] [--edits 100] [--runs 10]``
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seed" / "000_0363d0acfd02ef92.txt"
SITE = SHARED / "corpora" / "dstotd"
AMPCHECK = [sys.executable, "-m", "ampcheck"]


def make_site(folder: Path, post: Path) -> Path:
    """A site with the dstotd settings and layouts, and ``post`` as its one post."""
    shutil.copy(SITE / "_config.yml", folder / "_config.yml")
    shutil.copytree(SITE / "_layouts", folder / "_layouts")
    (folder / "_posts").mkdir()
    target = folder / "_posts" / "2018-07-02-day-44.md"
    shutil.copy(post, target)
    return target


async def edit_times(post: Path, edits: int, debounce: float) -> tuple[list[float], set[int]]:
    """Seconds from each change to its diagnostics, and how many diagnostics each
    publication held."""
    client = LanguageClient("bench", "1")
    arrived: dict[int, float] = {}
    counts: set[int] = set()
    event = asyncio.Event()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def publish(params: types.PublishDiagnosticsParams) -> None:
        if params.version is not None:
            arrived[params.version] = time.perf_counter()
            counts.add(len(params.diagnostics))
            event.set()

    await client.start_io(*AMPCHECK, "server")
    await client.initialize_async(
        types.InitializeParams(
            types.ClientCapabilities(), initialization_options={"debounce": debounce}
        )
    )
    client.initialized(types.InitializedParams())
    uri = post.as_uri()
    text = post.read_text(encoding="utf-8", errors="surrogateescape")
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "markdown", 1, text))
    )
    await _wait(event, arrived, 1)
    times = []
    for version in range(2, edits + 2):
        changed = text + f"\nEdit {version}.\n"  # typing at the end of the post
        sent = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(version, uri),
                [types.TextDocumentContentChangeWholeDocument(changed)],
            )
        )
        await _wait(event, arrived, version)
        times.append(arrived[version] - sent)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return times, counts


async def _wait(event: asyncio.Event, arrived: dict[int, float], version: int) -> None:
    while version not in arrived:
        event.clear()
        await asyncio.wait_for(event.wait(), 60)


def command_times(args: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([*AMPCHECK, *args], capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return times


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--post", type=Path, default=SEED)
    parser.add_argument("--edits", type=int, default=100)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        post = make_site(Path(tmp), args.post)
        lines = post.read_bytes().count(b"\n")
        print(f"post: {args.post.name}, {post.stat().st_size:,} bytes, {lines} lines")
        for debounce in (0.3, 0.0):
            times, counts = asyncio.run(edit_times(post, args.edits, debounce))
            print(
                f"server, didChange to publishDiagnostics, debounce {ms(debounce)}: "
                f"median {ms(statistics.median(times))}, worst {ms(max(times))} "
                f"({len(times)} edits; diagnostics per check: {sorted(counts)})"
            )
        for label, command in (
            ("ampcheck --version", ["--version"]),
            ("ampcheck --no-cache POST", ["--no-cache", str(post)]),
        ):
            times = command_times(command, args.runs)
            print(
                f"command line, {label}: median {ms(statistics.median(times))} ({args.runs} runs)"
            )


if __name__ == "__main__":
    main()
