from __future__ import annotations

from ampcheck.cli import main

main()
