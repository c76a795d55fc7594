"""A large consultation database for the benchmarks: the real laws as consultations, users
who can log in, and generated Vietnamese comments inserted in bulk.

    python -m bench.seed --comments 1000000 --database-url sqlite:////tmp/bench/consult.db

The search benchmark (bench/search.py) indexes it; the load and crash benchmarks
(bench/load.py, bench/crash.py) serve it with gunicorn.
"""

import argparse
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

from bench.corpus import comments as generate_texts

STANCES = ["agree", "disagree", "amend", "other"]
AUTHORS = 5000
PASSWORD = "mat-khau-123"
START = datetime(2026, 9, 1)
LAWS = Path(__file__).resolve().parent.parent / "consult" / "demo_data"
BATCH = 20_000


def author_email(number):
    """The e-mail of generated author ``number`` (1-based); every one has ``PASSWORD``."""
    return f"nguoi{number}@bench.vn"


def generate(count, articles, seed=5, authors=AUTHORS):
    """``count`` comments spread over the consultations and articles of ``articles``
    ({consultation id: [(section id, label, title), …]}), as lightweight objects with the
    attributes ``consult.search.documents.comment_document`` reads. The same arguments give
    the same corpus (the FTS5 yardstick of bench/search.py indexes it again)."""
    rng = random.Random(seed)
    texts = generate_texts(min(count, 200_000), seed=seed, noisy_share=0)
    consultation_ids = sorted(articles)
    sections = {c: [SimpleNamespace(id=i, label=label, title=title)
                    for i, label, title in articles[c]] for c in consultation_ids}
    people = [SimpleNamespace(id=i + 1, public_name=f"Người góp ý {i + 1}")
              for i in range(authors)]
    span = 60 * 24 * 3600
    for i in range(count):
        consultation = consultation_ids[i % len(consultation_ids)]
        body = texts[i % len(texts)]
        if i >= len(texts):  # recombine halves so the second pass is not a copy
            other = texts[rng.randrange(len(texts))].split()
            body = " ".join(body.split()[: len(body.split()) // 2] + other[len(other) // 2:])
        yield SimpleNamespace(
            id=i + 1, body=body, proposed_wording=None, consultation_id=consultation,
            section=rng.choice(sections[consultation]),
            author_kind="business" if rng.random() < 0.2 else "citizen",
            stance=rng.choice(STANCES), author=rng.choice(people),
            created_at=START + timedelta(seconds=rng.randrange(span)))


def _batches(rows, size=BATCH):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def seed_database(app, count, consultations, authors=AUTHORS, fresh=False):
    """Open consultations of the real laws (through the services), ``authors`` users who
    all log in with ``PASSWORD`` (hashed once) and ``count`` published comments (bulk
    inserts); returns the ``articles`` mapping for ``generate``. ``fresh`` drops every
    table first (a reused PostgreSQL database)."""
    from markupsafe import escape
    from sqlalchemy import delete, insert, select

    from consult.accounts.models import User
    from consult.comments.models import Comment
    from consult.core.db_setup import utcnow
    from consult.core.outbox import OutboxEntry
    from consult.drafts.models import Consultation
    from consult.drafts.services import (
        create_consultation,
        get_or_create_agency,
        publish_consultation,
    )
    from consult.extensions import db

    laws = sorted(LAWS.glob("*.txt"))
    with app.app_context():
        if fresh:
            db.drop_all()
        db.create_all()
        agency = get_or_create_agency("Bộ Thử nghiệm")
        for n in range(consultations):
            law = laws[n % len(laws)].read_text(encoding="utf-8")
            consultation = create_consultation(agency, f"Dự thảo số {n + 1}", "Luật", "",
                                               START, utcnow() + timedelta(days=30), law)
            publish_consultation(consultation, START)
        db.session.flush()
        probe = User()
        probe.set_password(PASSWORD)
        first_user = (db.session.scalar(select(db.func.max(User.id))) or 0) + 1
        for batch in _batches({
                "email": author_email(i + 1), "password_hash": probe.password_hash,
                "display_name": f"Người góp ý {i + 1}", "kind": "citizen", "role": "user",
                "is_blocked": False, "comments_held": False, "created_at": START}
                for i in range(authors)):
            db.session.execute(insert(User), batch)
        articles = {c.id: [(a.id, a.label, a.title) for a in c.current_version.articles()]
                    for c in db.session.scalars(select(Consultation).order_by(Consultation.id))}
        for batch in _batches({
                "consultation_id": c.consultation_id, "section_id": c.section.id,
                "author_id": first_user + c.author.id - 1, "body": c.body,
                "body_html": f"<p>{escape(c.body)}</p>", "stance": c.stance,
                "author_kind": c.author_kind, "status": "published", "is_official": False,
                "created_at": c.created_at, "updated_at": c.created_at}
                for c in generate(count, articles, authors=authors)):
            db.session.execute(insert(Comment), batch)
        db.session.execute(delete(OutboxEntry))  # the index is built by `search reindex`
        db.session.commit()
        return articles


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--consultations", type=int, default=5)
    parser.add_argument("--authors", type=int, default=AUTHORS)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--instance", default=None, help="instance folder (default: a temp one)")
    parser.add_argument("--fresh", action="store_true", help="drop every table first")
    args = parser.parse_args(argv)
    from consult import create_app

    app = create_app({"DATABASE_URL": args.database_url, "SECRET_KEY": "bench",
                      "INSTANCE_PATH": args.instance or tempfile.mkdtemp(prefix="bench-seed-")})
    started = time.perf_counter()
    seed_database(app, args.comments, args.consultations, args.authors, args.fresh)
    print(f"{args.comments:,} comments over {args.consultations} consultations and "
          f"{args.authors:,} authors (password {PASSWORD!r}) in "
          f"{time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
