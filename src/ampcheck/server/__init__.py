"""``ampcheck server``: a Language Server Protocol server over standard input and
output, for editors (README, "Editors").

It needs pygls and lsprotocol, installed with ``pip install 'ampcheck[server]'``;
without them :func:`main` says so and returns 2.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TextIO

EXTRA_MESSAGE = (
    "ampcheck: error: the language server needs pygls and lsprotocol; "
    "install them with: pip install 'ampcheck[server]'\n"
)


def main(argv: Sequence[str], stderr: TextIO) -> int:
    """Serve the client on standard input and output until it exits; the exit code."""
    parser = argparse.ArgumentParser(
        prog="ampcheck server",
        description="Run ampcheck as a language server (LSP) over standard input and output.",
    )
    parser.add_argument("--stdio", action="store_true", help="accepted for clients that pass it")
    parser.parse_args(argv)
    try:
        from ampcheck.server.features import build
    except ImportError as exc:
        if exc.name is not None and exc.name.split(".")[0] in ("pygls", "lsprotocol"):
            stderr.write(EXTRA_MESSAGE)
            return 2
        raise
    import threading

    server = build()
    protocol = threading.Thread(target=server.start_io, name="ampcheck-lsp", daemon=True)
    protocol.start()
    server.checks.serve(protocol.is_alive)
    return 0
