"""The site as production runs it, for the load and crash benchmarks: gunicorn with N workers
on 127.0.0.1, the search worker as its own process, and the workers' memory watched.

Only loopback addresses are ever used.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/consult_bench"


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def site_env(database_url, instance, redis_url="", inline_search=False, **extra):
    """The environment of every process of one deployment (web, search worker, CLI)."""
    env = {**os.environ, "CONSULT_DATABASE_URL": database_url,
           "CONSULT_INSTANCE_PATH": str(instance), "CONSULT_SECRET_KEY": "bench-secret",
           "CONSULT_SEARCH_INLINE": "1" if inline_search else "0",
           "CONSULT_MAIL_INLINE": "0", "CONSULT_REDIS_URL": redis_url}
    if not redis_url:
        env["CONSULT_RATE_LIMITS_ENABLED"] = "0"
    else:  # shared limits, generous enough for the simulated users
        env.update({"CONSULT_RATE_LIMIT_COMMENT": "100000 per minute",
                    "CONSULT_RATE_LIMIT_LOGIN": "100000 per hour",
                    "CONSULT_RATE_LIMIT_REPORT": "100000 per hour"})
    env.update({f"CONSULT_{k}": str(v) for k, v in extra.items()})
    return env


def flask_command(env, *args, check=True, timeout=None):
    """``flask --app app consult …`` as an operator types it; returns the finished process."""
    return subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT,
                          env=env, check=check, timeout=timeout, capture_output=True, text=True)


def memory_mb(pid):
    """(resident, private, proportional) memory of a process in MB, or None once it has gone.

    Resident (VmRSS) also counts the pages of the shared libraries the process runs (Python,
    numpy, OpenSSL…: ~25–35 MB for a web worker), one copy of which every process on the
    machine shares; private (RssAnon) is the worker's own heap; proportional (Pss) counts
    each shared page as its share among the processes that map it."""
    try:
        fields = dict(line.split(":", 1) for line in
                      Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
        rollup = dict(line.split(":", 1) for line in
                      Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:])
        return tuple(int(value.split()[0]) / 1024 for value in
                     (fields["VmRSS"], fields["RssAnon"], rollup["Pss"]))
    except (OSError, KeyError, ValueError):
        return None


def children(pid):
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


class Process:
    """A subprocess in its own session (so a kill reaches only it and its children)."""

    def __init__(self, args, env, log_path):
        self.args, self.env, self.log_path = args, env, Path(log_path)
        self.popen = None

    def start(self):
        log = open(self.log_path, "ab")
        self.popen = subprocess.Popen(self.args, cwd=ROOT, env=self.env, stdout=log,
                                      stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        return self

    @property
    def pid(self):
        return self.popen.pid

    def alive(self):
        return self.popen is not None and self.popen.poll() is None

    def kill(self, sig=signal.SIGKILL):
        if self.alive():
            os.kill(self.popen.pid, sig)

    def stop(self, timeout=20):
        """SIGTERM, then SIGKILL to its whole process group if it does not exit in time."""
        if self.popen is None:
            return
        if self.alive():
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)  # orphaned workers of a killed master
        except ProcessLookupError:
            pass
        self.popen.wait()


class Gunicorn(Process):
    """``gunicorn --workers N --bind 127.0.0.1:PORT app:app`` (``make serve``)."""

    def __init__(self, workers, env, log_path, app="app:app", port=None):
        self.port, self.workers_count, self.app = port or free_port(), workers, app
        self.url = f"http://{HOST}:{self.port}"
        super().__init__([sys.executable, "-m", "gunicorn", "--workers", str(workers),
                          "--bind", f"{HOST}:{self.port}", "--timeout", "60",
                          "--graceful-timeout", "5", app], env, log_path)

    def again(self):
        """A new gunicorn like this one, on the same port (after it was killed), started."""
        return Gunicorn(self.workers_count, self.env, self.log_path, self.app, self.port).start()

    def wait_ready(self, timeout=60, path="/"):
        """Until a request answers (any status); raises if gunicorn died or timed out."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            try:
                urllib.request.urlopen(self.url + path, timeout=5).close()
                return
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout} s; see {self.log_path}")

    def workers(self):
        return children(self.pid) if self.alive() else []


class MemoryWatch:
    """Samples the memory of a gunicorn's workers every ``every`` seconds; keeps the peaks of
    each one's resident, private and proportional memory (``memory_mb``)."""

    def __init__(self, server, every=0.5):
        self.server, self.every = server, every
        self.peaks = {"rss": {}, "private": {}, "pss": {}}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            for pid in self.server.workers():
                sample = memory_mb(pid)
                if sample is None:  # the worker has gone (a kill, a restart)
                    continue
                for kind, value in zip(self.peaks, sample, strict=True):
                    self.peaks[kind][pid] = max(value, self.peaks[kind].get(pid, 0))
            self._stop.wait(self.every)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *_exc):
        self._stop.set()
        self._thread.join()

    def peak(self, kind="rss"):
        """The largest ``kind`` ("rss", "private" or "pss") memory of any worker (MB)."""
        return max(self.peaks[kind].values(), default=0.0)


def search_worker(env, folder):
    """``flask --app app consult search worker``: the one process that writes the index."""
    return Process([sys.executable, "-m", "flask", "--app", "app", "consult", "search",
                    "worker", "--poll", "0.2"], env, Path(folder) / "search-worker.log")


# ---- a deployment's data -------------------------------------------------------------------

def create_pg_database(url):
    """CREATE DATABASE for ``url`` if it does not exist (the benchmark owns that database)."""
    import psycopg
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = target.set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                        (target.database,)).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{target.database}"')


def vacuum_analyze(url):
    """``VACUUM ANALYZE`` after the bulk load, as after any import: the planner's statistics
    (without them it took the comment counts per article for one row and read 200,000 rows
    through the wrong index: 700 ms instead of 60) and the visibility map index-only scans
    need. Autovacuum would do it in time; on this machine it is off."""
    import psycopg
    from sqlalchemy.engine import make_url

    target = make_url(url).set(drivername="postgresql")
    with psycopg.connect(target.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def _holds_at_least(app, comments):
    """Whether the database still holds the seeded comments (another benchmark using the same
    PostgreSQL database wipes it)."""
    from sqlalchemy import func, select

    from consult.comments.models import Comment
    from consult.extensions import db

    with app.app_context():
        try:
            return db.session.scalar(select(func.count(Comment.id))) >= comments
        except Exception:  # no table: nothing to reuse
            return False
        finally:
            db.session.remove()


def deploy(kind, folder, comments, consultations, authors, pg_url=PG_URL, redis_url="",
           reuse=False):
    """A seeded database ("sqlite" in ``folder``, or "postgresql" at ``pg_url``, wiped first)
    and its search index built by ``consult search reindex``.

    With ``reuse``, a database and index that an earlier run left in ``folder`` for the same
    sizes (its ``seeded.json`` says which) are used as they are, with the comments earlier
    runs added: seeding and indexing a million comments take ~7 minutes.

    Returns (env, consultations as {id, slug, articles}, seed seconds, index seconds).
    """
    from bench.seed import seed_database
    from consult import create_app
    from consult.drafts.models import Consultation
    from consult.extensions import db

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{folder / 'consult.db'}" if kind == "sqlite" else pg_url
    if kind == "postgresql":
        create_pg_database(url)
    build_procs = 1 if comments < 50_000 else 2
    env = site_env(url, folder / "instance", redis_url, SEARCH_BUILD_PROCS=build_procs)
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(folder / "instance"),
                      "SECRET_KEY": "bench-secret"})
    marker = folder / "seeded.json"
    sizes = {"url": url, "comments": comments, "consultations": consultations,
             "authors": authors}
    seeded = indexed = 0.0
    if not (reuse and marker.exists() and json.loads(marker.read_text()) == sizes
            and _holds_at_least(app, comments)):
        marker.unlink(missing_ok=True)
        started = time.perf_counter()
        seed_database(app, comments, consultations, authors, fresh=True)
        if kind == "postgresql":
            vacuum_analyze(url)
        seeded = time.perf_counter() - started
        started = time.perf_counter()
        flask_command(env, "consult", "search", "reindex")
        indexed = time.perf_counter() - started
        marker.write_text(json.dumps(sizes))
    with app.app_context():
        listed = [{"id": c.id, "slug": c.slug,
                   "articles": [a.anchor for a in c.current_version.articles()]}
                  for c in db.session.scalars(db.select(Consultation).order_by(Consultation.id))]
        db.session.remove()
        db.engine.dispose()
    return env, listed, seeded, indexed
