"""Searches one process serves over time: the 50 queries of bench/search.py in random order
(half narrowed to a consultation), against an index already built — the working set of the
per-process array cache (consult/search/segments.py) and what a search costs once it is warm.

    python -m bench.search_mix --instance /tmp/load-1m/sqlite/instance --searches 300

``--instance`` is a site's instance folder holding ``search/`` (``bench.load --keep DIR``
leaves one in ``DIR/sqlite/instance``); ``--budget`` overrides CONSULT_SEARCH_CACHE_MB.
The report: time per search over the first half (cold) and the second half (warm), the
cache's bytes by kind of array, and the process's peak resident memory.
"""

import argparse
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from bench.search import QUERIES


def _peak_rss_mb():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run(instance, searches, budget=None, consultations=5, seed=1):
    """Time ``searches`` random searches; returns the figures as a dict."""
    from consult import create_app
    from consult.search.query import _cache, search

    settings = {"INSTANCE_PATH": str(instance), "SECRET_KEY": "bench",
                "DATABASE_URL": f"sqlite:///{Path(instance) / 'unused.db'}"}
    if budget is not None:
        settings["SEARCH_CACHE_MB"] = budget
    app = create_app(settings)
    rng = random.Random(seed)
    times = []
    with app.app_context():
        search("khởi động")  # opens the searcher, as a worker's first request does
        for _ in range(searches):
            _kind, q, _filters = rng.choice(QUERIES)
            scope = ({"consultation_id": rng.randint(1, consultations)}
                     if rng.random() < 0.5 else {})
            started = time.perf_counter()
            search(q, kind="comment", **scope)
            times.append((time.perf_counter() - started) * 1000)
        cache = _cache()
        by_kind = Counter()
        for (_segment, name), (_value, size) in cache._arrays.items():
            by_kind[name[0]] += size
    warm = sorted(times[len(times) // 2:])
    return {"budget_mib": cache.budget / 2**20, "used_mib": cache.used / 2**20,
            "by_kind_mib": {k: v / 2**20 for k, v in by_kind.most_common()},
            "cold_mean_ms": statistics.mean(times[: len(times) // 2] or [0]),
            "warm_mean_ms": statistics.mean(warm), "warm_p50_ms": warm[len(warm) // 2],
            "warm_p95_ms": warm[min(len(warm) - 1, int(len(warm) * 0.95))],
            "peak_rss_mb": _peak_rss_mb()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instance", required=True, help="instance folder holding search/")
    parser.add_argument("--searches", type=int, default=300)
    parser.add_argument("--budget", type=int, help="cache budget in MiB (default: the site's)")
    parser.add_argument("--consultations", type=int, default=5)
    args = parser.parse_args(argv)
    if not (Path(args.instance) / "search").is_dir():
        parser.exit(2, f"error: no search index in {args.instance}/search\n")
    if args.searches < 2:
        parser.exit(2, "error: --searches must be at least 2\n")
    figures = run(args.instance, args.searches, args.budget, args.consultations)
    print(f"{args.searches} searches, cache budget {figures['budget_mib']:.0f} MiB")
    print(f"  cold half: {figures['cold_mean_ms']:.1f} ms a search on average")
    print(f"  warm half: mean {figures['warm_mean_ms']:.1f} ms, p50 "
          f"{figures['warm_p50_ms']:.1f} ms, p95 {figures['warm_p95_ms']:.1f} ms")
    kinds = ", ".join(f"{k} {v:.1f}" for k, v in figures["by_kind_mib"].items())
    print(f"  cache holds {figures['used_mib']:.1f} MiB ({kinds})")
    print(f"  peak resident memory of this process: {figures['peak_rss_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
