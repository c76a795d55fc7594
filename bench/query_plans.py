"""Query plans of the article page on PostgreSQL: EXPLAIN (ANALYZE, BUFFERS) of every query.

    python -m bench.query_plans --comments 200000
    python -m bench.query_plans --url postgresql+psycopg://postgres@127.0.0.1:5432/test

Seeds a scratch schema of the given database (dropped at the end unless --keep): a few
consultations made through the services (their text is parsed), then users, comments,
replies and reactions by bulk Core inserts, with one hot article holding --hot of the
comments. It then runs what the article page runs — the page stamp, the counts per article,
a keyset page deep in the hot article, its replies and reactions, the permalink's position,
the earlier page check — as an anonymous visitor and as a signed-in author, catches each SQL
statement on its way to the database and prints its plan, ready to paste into a report.
"""

import argparse
import random
import sys
import tempfile
import time
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, event, func, insert, select

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TABLES = ("users", "consultations", "draft_versions", "sections", "comments", "reactions")
STEPS = ("stamp", "counts", "cursor", "page", "replies", "reactions", "permalink")


def _app(url, schema):
    from tests.conftest import make_app

    options = {"connect_args": {"options": f"-csearch_path={schema}"}, "pool_pre_ping": True}
    tmp = Path(tempfile.mkdtemp(prefix="bench-plans-"))
    return make_app(tmp, TESTING=False, DATABASE_URL=url, SQLALCHEMY_ENGINE_OPTIONS=options)


def _insert(table, rows, chunk=5000):
    from consult.extensions import db

    for start in range(0, len(rows), chunk):
        db.session.execute(insert(table), rows[start:start + chunk])


def seed(total, consultations, hot_share, seed_value=11):
    """Consultations, users, comments (some replies, hidden, waiting) and reactions."""
    from bench.corpus import LAWS
    from bench.corpus import comments as generate_comments
    from consult.accounts.models import User
    from consult.comments.models import Comment, Reaction
    from consult.core.db_setup import utcnow
    from consult.extensions import db
    from tests.factories import make_consultation

    rng = random.Random(seed_value)
    law = (LAWS / "luat-an-ninh-mang-2018.txt").read_text(encoding="utf-8")
    made = [make_consultation()] + [make_consultation(text=law)
                                    for _ in range(consultations - 1)]
    db.session.commit()
    users = max(50, min(5000, total // 20))
    _insert(User, [{"email": f"u{i}@plans.vn", "password_hash": "x", "display_name": f"Người {i}",
                    "kind": "business" if i % 9 == 0 else "citizen"} for i in range(users)])
    user_ids = db.session.scalars(select(User.id)).all()
    texts = generate_comments(500, seed=seed_value, noisy_share=0)
    hot = made[0].current_version.articles()[0]
    sections = {c.id: [a.id for a in c.current_version.articles()] for c in made}
    now, rows, tops = utcnow(), [], defaultdict(list)
    for i in range(total):
        if rng.random() < hot_share:
            consultation_id, section_id = made[0].id, hot.id
        else:
            consultation_id = rng.choice(made).id
            section_id = None if rng.random() < 0.1 else rng.choice(sections[consultation_id])
        status = rng.choices(["published", "hidden", "pending"], [95, 3, 2])[0]
        moment = now - timedelta(seconds=total - i)
        rows.append({"consultation_id": consultation_id, "section_id": section_id,
                     "author_id": rng.choice(user_ids), "body": texts[i % 500],
                     "body_html": f"<p>{texts[i % 500]}</p>", "stance": "agree",
                     "author_kind": "citizen", "status": status, "is_official": False,
                     "created_at": moment, "updated_at": moment})
    _insert(Comment, rows)
    db.session.commit()
    for cid, consultation_id, section_id in db.session.execute(
            select(Comment.id, Comment.consultation_id, Comment.section_id)):
        tops[(consultation_id, section_id)].append(cid)
    replies = []
    for (consultation_id, section_id), ids in tops.items():
        for parent in rng.sample(ids, max(1, len(ids) // 10)):
            replies.append({**rows[0], "consultation_id": consultation_id,
                            "section_id": section_id, "parent_id": parent, "stance": None,
                            "author_id": rng.choice(user_ids), "status": "published",
                            "created_at": now, "updated_at": now})
    _insert(Comment, replies)
    hot_ids = sorted(tops[(made[0].id, hot.id)])
    reactions = []
    for comment_id in rng.sample(hot_ids, min(len(hot_ids), 2000)):
        for user_id in rng.sample(user_ids, rng.choice([1, 2, 5, 40])):
            reactions.append({"comment_id": comment_id, "user_id": user_id,
                              "kind": rng.choice(["support", "oppose"])})
    _insert(Reaction, reactions)
    db.session.commit()
    cold = made[-1].current_version.articles()[20]
    cold_ids = sorted(tops[(made[-1].id, cold.id)])
    return {"hot": (made[0], hot, hot_ids), "cold": (made[-1], cold, cold_ids)}


class Catcher:
    """Remembers each SQL statement (with its parameters) under the step being run."""

    def __init__(self, engine):
        self.step, self.caught = None, []
        event.listen(engine, "before_cursor_execute", self._caught)

    def _caught(self, _conn, _cursor, statement, parameters, _context, _executemany):
        if self.step and statement.lstrip().upper().startswith("SELECT"):
            self.caught.append((self.step, statement, parameters))


def _run_page(consultation, section, cursor_value, viewer, catcher):
    """What the article page reads, step by step (see consult/comments/views.py)."""
    from flask import current_app

    from consult.comments import pages, services

    per_page = current_app.config["CONSULT_COMMENTS_PER_PAGE"]
    steps = {}

    def step(name, work):
        catcher.step = name
        started = time.perf_counter()
        result = work()
        steps[name] = (time.perf_counter() - started) * 1000
        catcher.step = None
        return result

    step("stamp", lambda: pages.page_stamp(consultation))
    counts = step("counts", lambda: services.published_counts_by_section(consultation.id))
    cursor = step("cursor", lambda: pages.parse_cursor(cursor_value, consultation, section))
    total = counts.get(section.id if section is not None else None, 0)
    page = step("page", lambda: pages.comment_page(consultation, section, cursor, per_page,
                                                   viewer, total))
    replies = step("replies", lambda: pages.replies_of(page.items, viewer))
    ids = [c.id for c in page.items] + [r.id for rs in replies.values() for r in rs]
    step("reactions", lambda: services.reaction_counts(ids))
    step("permalink", lambda: pages.cursor_for(page.items[-1], per_page, viewer))
    return steps


def _explain(statement, parameters):
    from consult.extensions import db

    with db.engine.connect() as connection:
        rows = connection.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters)
        return [row[0] for row in rows]


def report(threads, out=None):
    """Print the plans of the article page's queries: a page in the middle of the hot
    article as an anonymous visitor and as a signed-in author, and the page starting at the
    first comment of a cold article (a thin slice of the table)."""
    from consult.accounts.models import User
    from consult.comments.models import Comment
    from consult.extensions import db

    out = out or sys.stdout
    catcher = Catcher(db.engine)
    consultation, hot, hot_ids = threads["hot"]
    author = db.session.get(User, db.session.scalar(
        select(Comment.author_id).where(Comment.section_id == hot.id)
        .group_by(Comment.author_id).order_by(func.count().desc()).limit(1)))
    cold_consultation, cold, cold_ids = threads["cold"]
    middle = hot_ids[len(hot_ids) // 2]
    scenarios = (("the hot article, anonymous visitor", consultation, hot, f"sau-{middle}",
                  None, len(hot_ids)),
                 ("the hot article, signed-in author", consultation, hot, f"sau-{middle}",
                  author, len(hot_ids)),
                 ("a cold article, anonymous visitor", cold_consultation, cold,
                  f"tu-{cold_ids[0]}", None, len(cold_ids)))
    for label, where, section, cursor, viewer, size in scenarios:
        catcher.caught.clear()
        steps = _run_page(where, section, cursor, viewer, catcher)
        print(f"\n## {label}: ?trang={cursor} ({section.label}, {size} top-level comments)",
              file=out)
        print("step times (ms, first run): " + ", ".join(
            f"{name} {steps[name]:.1f}" for name in STEPS), file=out)
        for step_name, statement, parameters in catcher.caught:
            print(f"\n### {step_name}\n{' '.join(statement.split())}", file=out)
            for line in _explain(statement, parameters):
                print(f"    {line}", file=out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=DEFAULT_URL, help="a PostgreSQL SQLAlchemy URL")
    parser.add_argument("--comments", type=int, default=200_000)
    parser.add_argument("--consultations", type=int, default=3, help="at least 2")
    parser.add_argument("--hot", type=float, default=0.2,
                        help="share of the comments on the hot article")
    parser.add_argument("--keep", action="store_true", help="keep the scratch schema")
    args = parser.parse_args(argv)
    if not args.url.startswith("postgresql"):
        parser.error("query plans need PostgreSQL")
    schema = f"bench_plans_{int(time.time() * 1000) % 10**10}"
    admin = create_engine(args.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    app = _app(args.url, schema)
    from consult.extensions import db

    try:
        with app.app_context(), app.test_request_context():
            db.create_all()
            started = time.perf_counter()
            threads = seed(args.comments, args.consultations, args.hot)
            with db.engine.connect().execution_options(
                    isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql(f"VACUUM ANALYZE {', '.join(TABLES)}")
            print(f"Seeded {args.comments} comments (+ replies, reactions) over "
                  f"{args.consultations} consultations in {time.perf_counter() - started:.1f} s; "
                  f"schema {schema}")
            report(threads)
            db.session.remove()
            db.engine.dispose()
    finally:
        if not args.keep:
            with admin.connect() as connection:
                connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
