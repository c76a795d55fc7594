"""Crash benchmark: comments keep arriving while processes are killed with SIGKILL.

    python -m bench.crash --databases sqlite,postgresql --workers 2 --duration 120

gunicorn web workers (CONSULT_SEARCH_INLINE=0) and `consult search worker` serve a seeded
database (bench/seed.py). Writer threads log in and post comments, each with its own form
key, retrying with the same key on connection errors and 5xx; for a share of them
(``--lost-responses``) the writer stops waiting for the first answer after 5 ms, as a proxy
that times out would, and sends again while the site may still be storing the first. At
random moments a web
worker, the whole gunicorn (master and workers, as when a machine dies) or the search
worker is killed with SIGKILL and started again. At the end the search worker catches up
(the outbox empties), and the report compares the comments acknowledged (answered with a
redirect to the comment) with those stored in the database and those found through the
Whoosh index: duplicates and lost comments must both be 0.
"""

import argparse
import os
import random
import re
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from bench.corpus import comments as generate_texts
from bench.pages import COMMENT_URL, comment_form, hidden_fields
from bench.seed import PASSWORD, author_email
from bench.server import PG_URL, Gunicorn, deploy, search_worker

#: not the load benchmark's database: wiping it would make the next load run seed a million
#: comments again
CRASH_PG_URL = PG_URL.rsplit("/", 1)[0] + "/consult_crash"

MARKER = re.compile(r"\(mã (kt[0-9a-f]+w\d+n\d+)\)")


class Writer(threading.Thread):
    """One citizen posting comments one after another until ``deadline``."""

    def __init__(self, number, url, article, run, deadline, args, texts):
        super().__init__(daemon=True)
        self.number, self.url, self.article, self.run_id = number, url, article, run
        self.deadline, self.give_up, self.texts = deadline, args.give_up, texts
        self.lost_share, self.keys = args.lost_responses, not args.without_keys
        self.rng = random.Random(args.seed * 1000 + number)
        self.acknowledged = {}  # marker → comment id from the redirect
        self.refused, self.unanswered, self.failure = [], [], None
        self.retries = Counter()

    def _request(self, method, path, lose_first=False, **kwargs):
        """Send until an answer below 500 comes, retrying connection errors and 5xx;
        None once ``give_up`` seconds have passed. ``lose_first``: stop waiting for the
        first answer after 5 ms, as when a proxy times out, though the site goes on."""
        import requests

        started, timeout = time.monotonic(), ((5, 0.005) if lose_first else 15)
        while time.monotonic() - started < self.give_up:
            try:
                response = self.session.request(method, self.url + path, timeout=timeout,
                                                allow_redirects=False, **kwargs)
            except requests.RequestException as error:
                lost = isinstance(error, requests.ReadTimeout) and timeout != 15
                self.retries["lost response" if lost else "connection"] += 1
                timeout = 15
            else:
                if response.status_code < 500:
                    return response
                self.retries["5xx"] += 1
            time.sleep(0.2)
        return None

    def _log_in(self):
        """Log in and read the article's comment form; False if the site never answered."""
        page = self._request("GET", "/dang-nhap")
        if page is None:
            return False
        data = {**hidden_fields(page.text), "email": author_email(self.number),
                "password": PASSWORD}
        answer = self._request("POST", "/dang-nhap", data=data)
        article = self._request("GET", self.article) if answer is not None else None
        if article is None or answer.status_code != 302:
            return False
        self.form = comment_form(article.text)
        return True

    def post(self, n):
        marker = f"kt{self.run_id}w{self.number}n{n}"
        data = {**self.form, "comment-body": f"{self.texts[n % len(self.texts)]} (mã {marker})",
                "comment-stance": "amend"}
        if self.keys:
            data["comment-idempotency_key"] = secrets.token_urlsafe(24)
        else:
            data.pop("comment-idempotency_key", None)
        answer = self._request("POST", f"/c/{self.article.split('/')[2]}/y-kien", data=data,
                               lose_first=self.rng.random() < self.lost_share)
        found = COMMENT_URL.search(answer.headers.get("Location", "")) if answer else None
        if found and answer.status_code == 302:
            self.acknowledged[marker] = int(found.group(1))
        elif answer is None:
            self.unanswered.append(marker)
        else:
            self.refused.append((marker, answer.status_code))

    def run(self):
        import requests

        self.session = requests.Session()
        try:
            if not self._log_in():
                self.failure = "could not log in"
                return
            n = 0
            while time.monotonic() < self.deadline:
                n += 1
                self.post(n)
        except Exception as error:  # reported, never lost in the thread
            self.failure = repr(error)


class Chaos:
    """Kills and restarts the processes of one deployment at random moments."""

    def __init__(self, server, indexer, rng, folder):
        self.server, self.indexer, self.rng, self.folder = server, indexer, rng, folder
        self.kills = Counter()

    def strike(self):
        roll = self.rng.random()
        workers = self.server.workers()
        if roll < 0.6 and workers:
            os.kill(self.rng.choice(workers), signal.SIGKILL)  # the master forks a new one
            self.kills["web worker"] += 1
        elif roll < 0.8:
            os.killpg(self.server.pid, signal.SIGKILL)  # master and workers at once
            self.server.popen.wait()
            self.server = self.server.again()
            self.kills["gunicorn"] += 1
        else:
            self.indexer.kill()
            self.indexer.popen.wait()
            time.sleep(self.rng.uniform(0, 1))
            self.indexer.start()
            self.kills["search worker"] += 1

    def revive(self):
        """Make sure everything runs again (a kill may have come last)."""
        if not self.server.alive():
            self.server = self.server.again()
        if not self.indexer.alive():
            self.indexer.start()


def _outbox_left(app):
    from sqlalchemy import func, select

    from consult.core.outbox import OutboxEntry
    from consult.extensions import db

    with app.app_context():
        left = db.session.scalar(select(func.count(OutboxEntry.id)))
        db.session.remove()
    return left


def verify(app, run, acknowledged):
    """Compare what the writers were told with the database and the index."""
    from sqlalchemy import select

    from consult.comments.models import Comment
    from consult.extensions import db
    from consult.search.index import close_searchers
    from consult.search.query import search

    with app.app_context():
        rows = db.session.execute(select(Comment.id, Comment.body, Comment.status)
                                  .where(Comment.body.contains(f"(mã kt{run}w"))).all()
        stored, published = {}, set()
        for comment_id, body, status in rows:
            stored.setdefault(MARKER.search(body).group(1), []).append(comment_id)
            if status == "published":  # a repeated text by the same author is held instead
                published.add(comment_id)
        indexed = 0
        for marker, ids in stored.items():
            hits = search(marker, kind="comment", with_facets=False).hits
            indexed += len({hit.object_id for hit in hits} & published & set(ids))
        close_searchers()
        db.session.remove()
        db.engine.dispose()
    lost = [m for m, cid in acknowledged.items() if cid not in stored.get(m, [])]
    return {"acknowledged": len(acknowledged), "stored": sum(map(len, stored.values())),
            "published": len(published), "indexed": indexed,
            "duplicates": sum(len(ids) - 1 for ids in stored.values()),
            "lost": len(lost), "stored_unacknowledged": len(set(stored) - set(acknowledged))}


def run_once(kind, args, folder):
    """One database: serve, write while killing, catch up, verify; returns the report row."""
    from consult import create_app

    env, consultations, _seeded, _indexed = deploy(kind, folder, args.comments, 2,
                                                   max(args.writers, 10), args.pg_url)
    app = create_app({"DATABASE_URL": env["CONSULT_DATABASE_URL"], "SECRET_KEY": "bench",
                      "INSTANCE_PATH": env["CONSULT_INSTANCE_PATH"]})
    rng, run = random.Random(args.seed), secrets.token_hex(3)
    texts = generate_texts(200, seed=args.seed, noisy_share=0)
    indexer = search_worker(env, folder).start()
    server = Gunicorn(args.workers, env, folder / "gunicorn.log").start()
    server.wait_ready()
    chaos = Chaos(server, indexer, rng, folder)
    deadline = time.monotonic() + args.duration
    writers = [Writer(n + 1, server.url, f"/c/{c['slug']}/{rng.choice(c['articles'])}", run,
                      deadline, args, texts)
               for n, c in zip(range(args.writers),
                               consultations * args.writers, strict=False)]
    try:
        for writer in writers:
            writer.start()
        while time.monotonic() < deadline - 1:
            pause = rng.expovariate(1 / args.kill_every)
            time.sleep(min(pause, max(deadline - time.monotonic(), 0)))
            if time.monotonic() < deadline - 1:
                chaos.strike()
        chaos.revive()
        for writer in writers:
            writer.join(args.give_up + 30)
        started = time.monotonic()
        while _outbox_left(app) and time.monotonic() - started < args.catch_up:
            chaos.revive()
            time.sleep(0.2)
        caught_up = time.monotonic() - started
    finally:
        chaos.server.stop()
        chaos.indexer.stop()
    acknowledged = {m: cid for w in writers for m, cid in w.acknowledged.items()}
    retries = sum((w.retries for w in writers), Counter())
    return {"database": kind, "workers": args.workers, "seconds": args.duration,
            "kills": dict(chaos.kills), "retries": dict(retries),
            "refused": sum(len(w.refused) for w in writers),
            "writer_failures": [w.failure for w in writers if w.failure],
            "unanswered": sum(len(w.unanswered) for w in writers),
            "outbox_left": _outbox_left(app), "catch_up_seconds": caught_up,
            **verify(app, run, acknowledged)}


def print_report(rows, args):
    print(f"\nCrash benchmark — {args.writers} writers, {args.workers} gunicorn workers, "
          f"{args.duration:g} s, a kill every ~{args.kill_every:g} s, "
          f"{args.lost_responses:.0%} first answers lost, "
          f"{'NO form keys (control)' if args.without_keys else 'form keys'}; "
          f"{os.cpu_count()} cores")
    for row in rows:
        kills = ", ".join(f"{n} {what}" for what, n in sorted(row["kills"].items())) or "none"
        retries = ", ".join(f"{n} {why}" for why, n in sorted(row["retries"].items())) or "none"
        print(f"[{row['database']}] kills (SIGKILL): {kills}; client retries: {retries}")
        print(f"  acknowledged {row['acknowledged']}, stored {row['stored']} (published "
              f"{row['published']}), indexed {row['indexed']} (search worker caught up in "
              f"{row['catch_up_seconds']:.1f} s, "
              f"outbox left {row['outbox_left']})")
        print(f"  duplicates {row['duplicates']} {'✓' if row['duplicates'] == 0 else '✗'}, "
              f"lost {row['lost']} {'✓' if row['lost'] == 0 else '✗'}, not indexed "
              f"{row['published'] - row['indexed']} "
              f"{'✓' if row['published'] == row['indexed'] else '✗'}; refused {row['refused']}, "
              f"unanswered {row['unanswered']}, stored but unacknowledged "
              f"{row['stored_unacknowledged']}")
        for failure in row["writer_failures"]:
            print(f"  ! writer: {failure}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default=CRASH_PG_URL,
                        help="a database the benchmark may wipe")
    parser.add_argument("--comments", type=int, default=10_000, help="seeded beforehand")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--duration", type=float, default=120)
    parser.add_argument("--kill-every", type=float, default=3, help="mean seconds between kills")
    parser.add_argument("--give-up", type=float, default=60,
                        help="seconds a writer keeps retrying one comment")
    parser.add_argument("--catch-up", type=float, default=120,
                        help="seconds the search worker gets to empty the outbox")
    parser.add_argument("--lost-responses", type=float, default=0.1,
                        help="share of comments whose first answer the writer stops waiting "
                        "for after 5 ms (the site still stores them), then sends again")
    parser.add_argument("--without-keys", action="store_true",
                        help="control run: send no form key (duplicates are then expected)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", help="keep databases, index and logs in this folder")
    args = parser.parse_args(argv)
    root = Path(args.keep or tempfile.mkdtemp(prefix="bench-crash-"))
    try:
        rows = [run_once(kind, args, root / kind) for kind in args.databases.split(",")]
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    print_report(rows, args)
    bad = any(r["duplicates"] or r["lost"] or r["published"] != r["indexed"]
              or r["writer_failures"] or not r["acknowledged"] for r in rows)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
