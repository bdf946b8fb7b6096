"""``make fuzz``: every reader and the config fed thousands of mutated inputs; a table per reader.

Exits 1 on any uncaught exception or any case over 10 s, and saves each distinct failure's input
under ``fuzz-failures/`` (turn it into a fixture in tests/fixtures/regressions/ with a test).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import SLOW_S, Outcome, fuzz_all  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=10_000, help="cases per reader (default 10,000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed: the same seed gives the same cases")
    parser.add_argument("--only", help="comma-separated reader names")
    parser.add_argument("--failures", type=Path, default=Path("fuzz-failures"), help="where failing inputs go")
    args = parser.parse_args()
    header = f"{'reader':15} {'cases':>7} {'read':>7} {'clean errors':>12} {'uncaught':>8} {'slowest s':>9} " \
             f"{'total s':>8}"
    print(header)
    print("-" * len(header), flush=True)

    def row(name: str, o: Outcome) -> None:
        print(f"{name:15} {o.cases:7,} {o.read:7,} {o.clean:12,} {o.uncaught:8,} {o.slowest:9.2f} {o.total:8.1f}",
              flush=True)

    results = fuzz_all(args.cases, args.seed, set(args.only.split(",")) if args.only else None, row)
    bad = 0
    for name, o in results.items():
        for n, (sig, (data, trace)) in enumerate(o.failures.items()):
            bad += 1
            args.failures.mkdir(exist_ok=True)
            dump = args.failures / f"{name}-{n}.bin"
            dump.write_bytes(data)
            print(f"\n{name}: {sig} (input saved as {dump})\n{trace}", file=sys.stderr)
    total = sum(o.cases for o in results.values())
    slow = sum(o.slow for o in results.values())
    uncaught = sum(o.uncaught for o in results.values())
    print(f"\n{total:,} cases: {uncaught} uncaught exceptions, {slow} over {SLOW_S:.0f} s")
    return 1 if bad or uncaught or slow else 0


if __name__ == "__main__":
    sys.exit(main())
