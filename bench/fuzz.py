"""The long fuzzing campaign: posts built from realistic pieces, checked with every
property of tests/test_fuzz.py (no exception, diagnostics inside the file, --fix
changes only the spans it replaced, leaves nothing fixable and settles).

Run: ``python bench/fuzz.py [--examples 100000] [--seed N]``; it prints how many
inputs it tried, what they contained, and the first input that breaks a property (as
Hypothesis shrank it). ``pytest -m fuzz`` runs the same campaign as a test.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import seed as with_seed  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from tests.strategies import NAMES, all_rules, check_post, post_bytes  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    rules = all_rules()
    counts: Counter[str] = Counter()
    codes: Counter[str] = Counter()
    refused: Counter[str] = Counter()
    started = time.perf_counter()

    @settings(
        max_examples=args.examples,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(post_bytes(), st.sampled_from(NAMES), st.booleans())
    def campaign(data: bytes, name: str, unsafe: bool) -> None:
        checked = check_post(data, name, rules, unsafe)
        counts["inputs"] += 1
        counts["bytes"] += len(data)
        counts["diagnostics"] += checked.diagnostics
        counts["fixes applied"] += checked.fixed
        counts["inputs fixed"] += bool(checked.fixed)
        counts["not UTF-8"] += not _utf8(data)
        codes.update(checked.codes)
        refused.update(checked.refused)
        if counts["inputs"] % 10_000 == 0:
            elapsed = time.perf_counter() - started
            print(f"  {counts['inputs']:,} inputs, {elapsed:.0f} s", file=sys.stderr, flush=True)

    if args.seed is not None:
        campaign = with_seed(args.seed)(campaign)
    failed = False
    try:
        campaign()
    except Exception:
        traceback.print_exc()
        failed = True
    elapsed = time.perf_counter() - started
    print(f"{counts['inputs']:,} inputs ({counts['bytes']:,} bytes) in {elapsed:.0f} s")
    for key in ("not UTF-8", "diagnostics", "fixes applied", "inputs fixed"):
        print(f"  {key}: {counts[key]:,}")
    print(f"  rules that reported: {len(codes)} of {len(rules)}")
    print("  " + ", ".join(f"{code} {n:,}" for code, n in sorted(codes.items())))
    if refused:
        print("  fixes the safety net refused, by rule (inputs): ", end="")
        print(", ".join(f"{code} {n:,}" for code, n in sorted(refused.items())))
    print("FAILED: a property does not hold (above)" if failed else "every property held")
    return 1 if failed else 0


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
