"""Search benchmark: index build, incremental updates and query latency, with SQLite FTS5
over the same corpus as the yardstick.

    python -m bench.search --comments 100000
    python -m bench.search --comments 1000000 --consultations 10

Targets (issue 4): query p95 ≤ 100 ms at 100,000 comments and ≤ 300 ms at 1,000,000
(narrowed to one consultation); index build ≥ 3,000 docs/s; searchable within 2 s of the
commit. The corpus is generated from the clauses of the real laws (bench/corpus.py).
"""

import argparse
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench.seed import START, generate, seed_database

# 50 fixed queries: (kind, query, filters). Filters use the first consultation and its third
# article.
QUERIES = [
    *[("word", q, {}) for q in ["mạng", "thuế", "trẻ", "phạt", "viện", "quyền", "doanh",
                                "tài", "ninh", "sách"]],
    *[("2-4 words", q, {}) for q in [
        "an ninh mạng", "dữ liệu cá nhân", "thư viện số", "trách nhiệm doanh nghiệp",
        "bảo vệ trẻ em", "quyền và nghĩa vụ", "cơ quan nhà nước", "thông tin cá nhân",
        "không gian mạng quốc gia", "tài nguyên thông tin"]],
    *[("phrase", q, {}) for q in [
        '"an ninh mạng"', '"thông tin cá nhân"', '"thư viện công cộng"', '"hệ thống thông tin"',
        '"người sử dụng"', '"bảo vệ an ninh"', '"cơ sở dữ liệu"', '"phát triển văn hóa"',
        '"doanh nghiệp viễn thông"', '"lực lượng chuyên trách"']],
    *[("no diacritics", q, {}) for q in [
        "an ninh mang", "du lieu ca nhan", "thu vien so", "trach nhiem doanh nghiep",
        "bao ve tre em", "thong tin", "co quan nha nuoc", "tai nguyen thong tin", "mang",
        "\"he thong thong tin\""]],
    *[("filtered", q, f) for q, f in [
        ("an ninh mạng", {"stance": "disagree"}), ("thư viện", {"stakeholder": "business"}),
        ("dữ liệu", {"article": True}), ("thong tin ca nhan", {"stance": "amend"}),
        ("trách nhiệm", {"days": 14}), ('"an ninh mạng"', {"stakeholder": "citizen"}),
        ("bảo vệ", {"stance": "agree", "stakeholder": "citizen"}), ("quyen", {"days": 30}),
        ("tổ chức cá nhân", {"article": True}), ("mạng", {"stance": "other", "days": 7})]],
]
assert len(QUERIES) == 50


# ---- Whoosh --------------------------------------------------------------------------------

def build_whoosh(app):
    """``consult search reindex``: read every published comment from the database and
    index it (the time includes reading the database)."""
    from consult.search import indexer

    with app.app_context():
        started = time.perf_counter()
        count = indexer.reindex()
        seconds = time.perf_counter() - started
    return seconds, count


def _filters(filters, articles):
    """The search() keyword arguments for a query's filters."""
    first = min(articles)
    kwargs = {"consultation_id": first}
    if filters.get("article"):
        kwargs["article_id"] = articles[first][2][0]
    for name in ("stance", "stakeholder"):
        if name in filters:
            kwargs[name] = filters[name]
    if "days" in filters:
        kwargs["date_from"] = START + timedelta(days=60 - filters["days"])
    return kwargs


def time_whoosh(app, articles, scoped, repeats, with_facets=True):
    from consult.search.query import search

    times, totals = {}, {}
    with app.app_context():
        search("khởi động")  # opens the cached searcher, as the first request of a worker does
        for kind, q, filters in QUERIES:
            kwargs = _filters(filters, articles) if (filters or scoped) else {}
            best = []
            for _ in range(repeats):
                started = time.perf_counter()
                result = search(q, **kwargs, kind="comment", with_facets=with_facets)
                best.append((time.perf_counter() - started) * 1000)
            times[(kind, q)] = statistics.median(best)
            totals[(kind, q)] = result.total
    return times, totals


def incremental_latency(app, samples):
    """Submit a comment through the service, commit, drain the outbox, and time until the
    comment is returned by a query — the path a real request takes."""
    from consult.accounts.services import register_user
    from consult.comments.services import submit_comment
    from consult.drafts.models import Consultation
    from consult.extensions import db
    from consult.search import indexer
    from consult.search.query import search

    latencies, drains = [], []
    with app.app_context():
        consultation = db.session.query(Consultation).order_by(Consultation.id).first()
        for n in range(samples):
            user = register_user(f"do-tre{n}@bench.vn", "mat-khau-123", f"Người đo {n}")
            marker = "".join(random.Random(n).choice("bcdghklmnpqrstvx") for _ in range(12))
            submit_comment(user, consultation, f"Ý kiến đo độ trễ {marker} số {n}.", "agree")
            db.session.commit()
            committed = time.perf_counter()
            indexer.drain_all()
            drains.append((time.perf_counter() - committed) * 1000)
            while search(marker, with_facets=False).total == 0:
                time.sleep(0.005)
            latencies.append((time.perf_counter() - committed) * 1000)
        db.session.remove()
        db.engine.dispose()
    return latencies, drains


# ---- SQLite FTS5 (yardstick) ---------------------------------------------------------------

def build_fts5(path, count, articles):
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(
        "CREATE VIRTUAL TABLE fts USING fts5(body, consultation UNINDEXED, article UNINDEXED, "
        "stakeholder UNINDEXED, stance UNINDEXED, created UNINDEXED, "
        "tokenize='unicode61 remove_diacritics 2')")
    started = time.perf_counter()
    batch = []
    for c in generate(count, articles):
        batch.append((c.body, c.consultation_id, c.section.id, c.author_kind, c.stance,
                      c.created_at.isoformat()))
        if len(batch) == 10000:
            connection.executemany("INSERT INTO fts VALUES (?,?,?,?,?,?)", batch)
            batch = []
    connection.executemany("INSERT INTO fts VALUES (?,?,?,?,?,?)", batch)
    connection.commit()
    connection.execute("INSERT INTO fts(fts) VALUES ('optimize')")
    connection.commit()
    return connection, time.perf_counter() - started


def _fts5_match(q):
    """The same query in FTS5 syntax: words ANDed, quoted phrases kept."""
    parts, rest = [], q
    while '"' in rest:
        before, _, after = rest.partition('"')
        phrase, _, rest = after.partition('"')
        parts += [f'"{w}"' for w in before.split()] + [f'"{phrase}"']
    parts += [f'"{w}"' for w in rest.split()]
    return " AND ".join(parts)


def time_fts5(connection, articles, scoped, repeats):
    times, totals = {}, {}
    for kind, q, filters in QUERIES:
        where, params = ["fts MATCH ?"], [_fts5_match(q)]
        if filters or scoped:
            kwargs = _filters(filters, articles)
            where.append("consultation = ?")
            params.append(kwargs["consultation_id"])
            for name, column in (("article_id", "article"), ("stance", "stance"),
                                 ("stakeholder", "stakeholder")):
                if name in kwargs:
                    where.append(f"{column} = ?")
                    params.append(kwargs[name])
            if "date_from" in kwargs:
                where.append("created >= ?")
                params.append(kwargs["date_from"].isoformat())
        sql = " AND ".join(where)
        samples = []
        for _ in range(repeats):
            started = time.perf_counter()
            connection.execute(f"SELECT rowid FROM fts WHERE {sql} ORDER BY rank LIMIT 20",
                               params).fetchall()
            total = connection.execute(f"SELECT count(*) FROM fts WHERE {sql}",
                                       params).fetchone()[0]
            samples.append((time.perf_counter() - started) * 1000)
        times[(kind, q)] = statistics.median(samples)
        totals[(kind, q)] = total
    return times, totals


# ---- report --------------------------------------------------------------------------------

def _percentiles(values):
    ordered = sorted(values)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


def _folder_size(path):
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


def run(count, consultations, repeats, samples, scoped, keep=None, procs=2):
    from tests.conftest import make_app

    tmp = Path(keep or tempfile.mkdtemp(prefix="bench-search-"))
    tmp.mkdir(parents=True, exist_ok=True)
    app = make_app(tmp, TESTING=False, SERVER_NAME=None, SEARCH_INDEX=str(tmp / "index"),
                   DATABASE_URL=f"sqlite:///{tmp / 'bench.db'}", SEARCH_BUILD_PROCS=procs)
    report = {"comments": count, "consultations": consultations, "scoped": scoped,
              "procs": procs}
    started = time.perf_counter()
    articles = seed_database(app, count, consultations)
    report["seed_seconds"] = time.perf_counter() - started
    report["build_seconds"], report["documents"] = build_whoosh(app)
    report["index_mb"] = _folder_size(tmp / "index") / 1e6
    whoosh_times, whoosh_totals = time_whoosh(app, articles, scoped, repeats)
    bare_times, _ = time_whoosh(app, articles, scoped, repeats, with_facets=False)
    latencies, drains = incremental_latency(app, samples)
    connection, fts_seconds = build_fts5(str(tmp / "fts.db"), count, articles)
    fts_times, fts_totals = time_fts5(connection, articles, scoped, repeats)
    connection.close()
    report.update(
        fts_build_seconds=fts_seconds,
        fts_mb=sum(f.stat().st_size for f in tmp.glob("fts.db*")) / 1e6,
        whoosh=_percentiles(whoosh_times.values()), whoosh_bare=_percentiles(bare_times.values()),
        fts=_percentiles(fts_times.values()), latency=_percentiles(latencies),
        drain=_percentiles(drains), per_query=[
            (kind, q, whoosh_times[(kind, q)], bare_times[(kind, q)], fts_times[(kind, q)],
             whoosh_totals[(kind, q)], fts_totals[(kind, q)]) for kind, q, _f in QUERIES])
    with app.app_context():
        from consult.search.index import close_searchers

        close_searchers()
    if keep is None:
        shutil.rmtree(tmp, ignore_errors=True)
    return report


def print_report(r, verbose):
    target = 300 if r["comments"] >= 1_000_000 else 100
    scope = "narrowed to consultation 1" if r["scoped"] else "all consultations"
    print(f"Corpus: {r['comments']:,} comments over {r['consultations']} consultations; "
          f"queries {scope}")
    rate = r["documents"] / r["build_seconds"]
    print(f"Database seeded in {r['seed_seconds']:.0f} s (not part of the figures)")
    print(f"Whoosh build, `consult search reindex` from the database ({r['procs']} processes): "
          f"{r['documents']:,} documents in {r['build_seconds']:.1f} s = {rate:,.0f} docs/s "
          f"(target ≥ 3,000); index {r['index_mb']:.0f} MB")
    print(f"FTS5 build from the generator: {r['fts_build_seconds']:.1f} s = "
          f"{r['comments'] / r['fts_build_seconds']:,.0f} docs/s; database {r['fts_mb']:.0f} MB")
    print("Queries (50, median of repeats each):         p50        p95")
    for label, key in (("Whoosh, as the page (top 20, total, facets)", "whoosh"),
                       ("Whoosh, top 20 and total only", "whoosh_bare"),
                       ("FTS5, top 20 by bm25 and total", "fts")):
        p50, p95 = r[key]
        print(f"  {label:<44} {p50:7.1f} ms {p95:7.1f} ms")
    print(f"  target p95 ≤ {target} ms")
    print(f"Incremental: commit → searchable p50 {r['latency'][0]:.0f} ms, "
          f"p95 {r['latency'][1]:.0f} ms (drain p95 {r['drain'][1]:.0f} ms; target ≤ 2,000 ms)")
    if verbose:
        print(f"{'kind':<14} {'query':<32} {'whoosh':>8} {'bare':>8} {'fts5':>8} "
              f"{'hits':>8} {'fts hits':>8}")
        for kind, q, w, b, f, wt, ft in r["per_query"]:
            print(f"{kind:<14} {q:<32} {w:8.1f} {b:8.1f} {f:8.1f} {wt:8d} {ft:8d}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--consultations", type=int, default=0,
                        help="default: 5 below 1M comments, 10 at 1M and above")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--samples", type=int, default=20, help="incremental-update samples")
    parser.add_argument("--scoped", action="store_true",
                        help="narrow every query to one consultation (default at 1M)")
    parser.add_argument("--keep", help="keep the index and databases in this folder")
    parser.add_argument("--procs", type=int, default=2, help="indexing processes")
    parser.add_argument("--verbose", action="store_true", help="print every query")
    args = parser.parse_args(argv)
    big = args.comments >= 1_000_000
    consultations = args.consultations or (10 if big else 5)
    report = run(args.comments, consultations, args.repeats, args.samples,
                 args.scoped or big, args.keep, args.procs)
    print_report(report, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
