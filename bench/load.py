"""Load benchmark: the site under gunicorn on 127.0.0.1, hundreds of simulated users.

    python -m bench.load --comments 1000000 --databases sqlite,postgresql --workers 2,4

For each database: seed it (bench/seed.py), build the search index with
`flask --app app consult search reindex`; then for each number of workers start
`gunicorn --workers N --bind 127.0.0.1:PORT app:app` and the search worker
(`consult search worker`, web with CONSULT_SEARCH_INLINE=0) and replay, with locust
(bench/load_client.py):

- cold: the mix below on the server just started, every cache empty (reported, not a
  target: the first minute after a restart);
- mix: ``--users`` users, each waiting 0–2×``--think`` s between requests: 90 % reads (home,
  consultation, article with its first comment page, search), 10 % writes (log in, comment,
  react, report through the real forms);
- reads: the same reads with no think time (the read throughput the server sustains);
- comments: ``--burst-users`` users posting comments back to back, timed once all of them
  have logged in;

then the same gunicorn settings serving a trivial Flask route (bench/trivial_app.py) as the
ceiling. The peak memory of each gunicorn worker is sampled during every phase: resident
(the target's measure), private (its own heap) and proportional (Pss: the shared libraries'
pages divided among the processes that map them); and where the cores went (bench/cpu.py:
web workers, search worker, database server, Redis, the load generator itself).

Targets (issue 7): article p95 ≤ 100 ms at 100 concurrent users; ≥ 300 req/s for the reads;
≥ 100 comments/s accepted; 0 errors; ≤ 300 MB per worker.
"""

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.cpu import CpuWatch, describe
from bench.seed import PASSWORD
from bench.server import PG_URL, ROOT, Gunicorn, MemoryWatch, deploy, search_worker

PAGES = ["home", "consultation", "article", "search", "login", "login POST", "comment",
         "react", "report", "trivial"]
TARGETS = {"article_p95_ms": 100, "reads_rps": 300, "comments_per_s": 100, "rss_mb": 300}


def prepare(kind, folder, args):
    """Seed the database and build the index; returns (env, consultations for the plan)."""
    env, consultations, seeded, indexed = deploy(kind, folder, args.comments,
                                                 args.consultations, args.authors, args.pg_url,
                                                 args.redis_url, reuse=args.reuse)
    if seeded or indexed:
        print(f"[{kind}] {args.comments:,} comments seeded in {seeded:.0f} s, "
              f"indexed in {indexed:.0f} s", flush=True)
    else:
        print(f"[{kind}] reusing the database and index in {folder}", flush=True)
    return env, consultations


def run_client(plan, folder):
    """One phase of simulated users in a locust process; returns its summary."""
    plan_path, result_path = folder / "plan.json", folder / "result.json"
    plan_path.write_text(json.dumps(plan), encoding="utf-8")
    timeout = plan["duration"] + plan.get("warmup", 2) + 120
    done = subprocess.run([sys.executable, "-m", "bench.load_client", str(plan_path),
                           str(result_path)], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"load client failed:\n{done.stderr[-3000:]}")
    return json.loads(result_path.read_text(encoding="utf-8"))


def phases(args):
    """(phase, mode, users, think, duration) in the order they run."""
    table = {"single": ("reads", 1, 0, args.duration),
             "cold": ("mix", args.users, args.think, args.duration),
             "mix": ("mix", args.users, args.think, args.duration),
             "reads": ("reads", args.users, 0, args.duration),
             "comments": ("comments", args.burst_users, 0, args.burst_duration)}
    return [(name, *table[name]) for name in args.phases]


def _plan(host, mode, users, think, duration, args, consultations=()):
    return {"host": host, "mode": mode, "users": users, "think": think, "duration": duration,
            "warmup": args.warmup, "consultations": list(consultations),
            "accounts": args.authors, "password": PASSWORD, "spawn_rate": max(users, 1)}


def serve_and_replay(kind, workers, env, consultations, folder, args):
    """One database × one worker count: every phase against a fresh gunicorn, whose page
    cache starts empty (keys of its own in Redis)."""
    rows = []
    env = {**env, "CONSULT_CACHE_KEY_PREFIX": f"bench-{kind}-{workers}-{time.time_ns()}:"}
    indexer = search_worker(env, folder).start()
    server = Gunicorn(workers, env, folder / f"gunicorn-{workers}.log").start()
    try:
        server.wait_ready()
        for name, mode, users, think, duration in phases(args):
            with MemoryWatch(server) as memory, CpuWatch(server.pid, indexer.pid) as cpu:
                result = run_client(_plan(server.url, mode, users, think, duration, args,
                                          consultations), folder)
            rows.append({"database": kind, "workers": workers, "phase": name, "users": users,
                         "think": think, "rss_mb": memory.peak(),
                         "private_mb": memory.peak("private"), "pss_mb": memory.peak("pss"),
                         "cpu_cores": cpu.cores, **result})
            print(f"[{kind}, {workers} workers] {name}: {result['rps']:.0f} req/s, "
                  f"{result['failures']} errors; cores: {describe(cpu.cores)}", flush=True)
    finally:
        server.stop()
        indexer.stop()
    return rows


def ceiling(workers, folder, args):
    server = Gunicorn(workers, dict(os.environ), folder / f"trivial-{workers}.log",
                      app="bench.trivial_app:app").start()
    try:
        server.wait_ready()
        with MemoryWatch(server) as memory:
            result = run_client(_plan(server.url, "ceiling", args.users, 0, args.duration, args),
                                folder)
    finally:
        server.stop()
    return {"database": "trivial app", "workers": workers, "phase": "ceiling",
            "users": args.users, "think": 0, "rss_mb": memory.peak(),
            "private_mb": memory.peak("private"), "pss_mb": memory.peak("pss"), **result}


# ---- report --------------------------------------------------------------------------------

def _ms(value):
    return f"{value:6.0f}" if value >= 10 else f"{value:6.1f}"


def print_report(rows, args):
    print()
    print(f"Load benchmark — {args.comments:,} comments over {args.consultations} consultations, "
          f"{args.authors:,} accounts; {args.duration:g} s a phase "
          f"(comments: {args.burst_duration:g} s); {os.cpu_count()} cores, "
          f"{platform.python_implementation()} {platform.python_version()}; load generator "
          f"on the same machine")
    print(f"mix: {args.users} users, think 0–{2 * args.think:g} s; reads and ceiling: "
          f"{args.users} users, no think time; comments: {args.burst_users} users")
    header = (f"{'database':<12}{'wk':>3} {'phase':<9}{'page':<14}{'req/s':>8}{'p50 ms':>8}"
              f"{'p95 ms':>8}{'p99 ms':>8}{'errors':>9}{'RSS/wk MB':>11}{'private':>9}{'Pss':>6}")
    print(header)
    print("-" * len(header))
    for row in rows:
        first = True
        pages = sorted((p for p, stats in row["requests"].items() if stats["count"]),
                       key=lambda p: PAGES.index(p) if p in PAGES else 99)
        for page in [*pages, "all"]:
            stats = row["requests"].get(page) or {
                "rps": row["rps"], "count": row["count"], "failures": row["failures"],
                "p50": None}
            lead = (f"{row['database']:<12}{row['workers']:>3} {row['phase']:<9}" if first
                    else " " * 25)
            share = stats["failures"] / stats["count"] * 100 if stats["count"] else 0
            latency = ("".join(f"{_ms(stats[p]):>8}" for p in ("p50", "p95", "p99"))
                       if stats["p50"] is not None else " " * 24)
            memory = (f"{row['rss_mb']:>11.0f}{row['private_mb']:>9.0f}{row['pss_mb']:>6.0f}"
                      if page == "all" else "")
            print(f"{lead}{page:<14}{stats['rps']:>8.1f}{latency}{share:>8.2f}%{memory}")
            first = False
        if row["phase"] == "comments":
            print(f"{'':25}{'accepted':<14}{row['accepted_comments'] / row['seconds']:>8.1f}"
                  " comments/s")
        if row.get("cpu_cores"):
            print(f"{'':25}cores busy: {describe(row['cpu_cores'])}")
        for error in row["errors"][:3]:
            print(f"{'':25}! {error[:90]}")
    print_targets(rows)


def print_targets(rows):
    print("\nTargets")
    for row in rows:
        if row["database"] == "trivial app":
            continue
        label = f"  {row['database']}, {row['workers']} workers, {row['phase']}:"
        checks = []
        if row["phase"] == "mix" and "article" in row["requests"]:
            p95 = row["requests"]["article"]["p95"]
            checks.append(f"article p95 {p95:.0f} ms "
                          f"{'✓' if p95 <= TARGETS['article_p95_ms'] else '✗'} (≤ 100)")
        if row["phase"] == "cold" and "article" in row["requests"]:
            checks.append(f"article p95 {row['requests']['article']['p95']:.0f} ms in the "
                          "first minute after a start, caches empty (not a target)")
        if row["phase"] == "reads":
            checks.append(f"{row['rps']:.0f} req/s "
                          f"{'✓' if row['rps'] >= TARGETS['reads_rps'] else '✗'} (≥ 300)")
        if row["phase"] == "comments":
            rate = row["accepted_comments"] / row["seconds"]
            checks.append(f"{rate:.0f} comments/s "
                          f"{'✓' if rate >= TARGETS['comments_per_s'] else '✗'} (≥ 100)")
        checks.append(f"errors {row['failures']} {'✓' if row['failures'] == 0 else '✗'}")
        checks.append(f"RSS {row['rss_mb']:.0f} MB "
                      f"{'✓' if row['rss_mb'] <= TARGETS['rss_mb'] else '✗'} (≤ 300; "
                      f"private {row['private_mb']:.0f} MB, Pss {row['pss_mb']:.0f} MB)")
        print(label, "; ".join(checks))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--consultations", type=int, default=5)
    parser.add_argument("--authors", type=int, default=5000, help="accounts that can log in")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default=PG_URL,
                        help="PostgreSQL database the benchmark may wipe (created if missing)")
    parser.add_argument("--redis-url", default="", help="e.g. redis://127.0.0.1:6379/5: "
                        "rate limits (generous) shared through Redis")
    parser.add_argument("--workers", default="2,4", help="gunicorn worker counts")
    parser.add_argument("--phases", default="cold,mix,reads,comments",
                        help="of single (one user reading: service times), cold (the mix on "
                             "the fresh server: caches empty), mix, reads, comments")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--think", type=float, default=1.0, help="mean think time (mix)")
    parser.add_argument("--duration", type=float, default=60, help="seconds a phase")
    parser.add_argument("--burst-users", type=int, default=20)
    parser.add_argument("--burst-duration", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--no-ceiling", action="store_true")
    parser.add_argument("--keep", help="keep databases, index and logs in this folder")
    parser.add_argument("--reuse", action="store_true",
                        help="with --keep: reuse a database and index seeded there before "
                        "for the same sizes (with the comments earlier runs added)")
    parser.add_argument("--json", help="also write the rows as JSON to this file")
    args = parser.parse_args(argv)
    args.phases = [p for p in args.phases.split(",") if p]
    workers = [int(w) for w in args.workers.split(",")]
    root = Path(args.keep or tempfile.mkdtemp(prefix="bench-load-"))
    rows = []
    try:
        for kind in args.databases.split(","):
            folder = root / kind
            env, consultations = prepare(kind, folder, args)
            for count in workers:
                rows += serve_and_replay(kind, count, env, consultations, folder, args)
        if not args.no_ceiling:
            rows += [ceiling(count, root, args) for count in workers]
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1), encoding="utf-8")
    print_report(rows, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
