"""Moderation benchmark: screening throughput, and the queue page on a large database.

    python -m bench.moderation --comments 100000 --flagged 10000 --screen 20000

Targets (issue 3): screening ≥ 2,000 comments/s on one core; queue page p95 ≤ 150 ms
with 100,000 comments of which 10,000 flagged.
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench.corpus import comments as generate_comments


def bench_screening(count):
    from consult.moderation.screening import screen_text

    texts = generate_comments(count)
    history = texts[:20]
    started = time.perf_counter()
    held = sum(1 for text in texts if screen_text(text).held)
    plain = time.perf_counter() - started
    started = time.perf_counter()
    for text in texts[: max(1, count // 10)]:
        screen_text(text, history)
    with_history = (time.perf_counter() - started) / max(1, count // 10)
    return {"comments": count, "seconds": plain, "per_second": count / plain,
            "held_share": held / count, "with_20_history_per_second": 1 / with_history}


def _seed(app, total, flagged, pending):
    from sqlalchemy import insert

    from consult.accounts.services import create_staff_user, register_user
    from consult.comments.models import Comment
    from consult.core.db_setup import utcnow
    from consult.drafts.services import create_consultation, get_or_create_agency
    from consult.extensions import db
    from consult.moderation.models import Flag

    rng = random.Random(3)
    texts = generate_comments(2000, seed=11, noisy_share=0)
    with app.app_context():
        db.create_all()
        moderator = create_staff_user("mod@bench.vn", "mat-khau-123", "Mod", "moderator")
        users = [register_user(f"u{i}@bench.vn", "mat-khau-123", f"Người {i}") for i in range(200)]
        agency = get_or_create_agency("Bộ Thử nghiệm")
        law = (Path(__file__).resolve().parent.parent / "consult" / "demo_data"
               / "luat-an-ninh-mang-2018.txt").read_text(encoding="utf-8")
        now = utcnow()
        consultations = [create_consultation(agency, f"Dự thảo {i}", "Luật", "", now,
                                             now + timedelta(days=30), law) for i in range(5)]
        for c in consultations:
            c.status = "open"
        db.session.commit()
        articles = {c.id: [a.id for a in c.current_version.articles()] for c in consultations}
        user_ids = [u.id for u in users]
        rows = []
        for i in range(total):
            c = consultations[i % 5]
            status = "pending" if i < pending else ("hidden" if i % 97 == 0 else "published")
            rows.append({"consultation_id": c.id, "section_id": rng.choice(articles[c.id]),
                         "author_id": rng.choice(user_ids), "body": texts[i % 2000],
                         "body_html": f"<p>{texts[i % 2000]}</p>", "stance": "agree",
                         "author_kind": "citizen", "status": status, "is_official": False,
                         "screening_codes": "link" if status == "pending" else None,
                         "created_at": now - timedelta(minutes=total - i)})
        for start in range(0, total, 10000):
            db.session.execute(insert(Comment), rows[start:start + 10000])
        db.session.commit()
        first_id = db.session.query(db.func.min(Comment.id)).scalar()
        flag_rows = []
        for n, comment_id in enumerate(rng.sample(range(first_id + pending,
                                                        first_id + total), flagged)):
            for reporter in rng.sample(user_ids, 1 + n % 3):
                flag_rows.append({"comment_id": comment_id, "user_id": reporter,
                                  "reason": rng.choice(["spam", "offensive", "off_topic"]),
                                  "created_at": now})
        for start in range(0, len(flag_rows), 10000):
            db.session.execute(insert(Flag), flag_rows[start:start + 10000])
        db.session.commit()
        return moderator.email


def _middle_page(app, total):
    """The "all" tab's page halfway through (keyset: ``?sau=`` the key of the row before it,
    as the "Trang sau" link of the page before carries)."""
    from sqlalchemy import select

    from consult.comments.models import Comment
    from consult.core import keyset
    from consult.extensions import db

    with app.app_context():
        row = db.session.execute(select(Comment.created_at, Comment.id)
                                 .order_by(Comment.created_at, Comment.id)
                                 .offset(total // 100 * 50 - 1).limit(1)).one()
    return f"/kiem-duyet?tab=all&sau={keyset.encode(tuple(row))}"


def bench_queue(total, flagged, pending, repeats):
    from tests.conftest import make_app

    tmp = Path(tempfile.mkdtemp(prefix="bench-moderation-"))
    app = make_app(tmp, TESTING=False, SERVER_NAME=None,
                   DATABASE_URL=f"sqlite:///{tmp / 'bench.db'}")
    started = time.perf_counter()
    email = _seed(app, total, flagged, pending)
    seeded = time.perf_counter() - started
    client = app.test_client()
    client.post("/dang-nhap", data={"email": email, "password": "mat-khau-123"})
    results = {}
    pages = {"waiting": "/kiem-duyet?tab=waiting",
             "flagged by reports": "/kiem-duyet?tab=flagged&sap-xep=reports",
             "hidden": "/kiem-duyet?tab=hidden",
             f"all, page {total // 100:,} of {total // 50:,}": _middle_page(app, total)}
    for name, url in pages.items():
        client.get(url)
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        times.sort()
        results[name] = {"p50_ms": statistics.median(times),
                         "p95_ms": times[max(0, int(len(times) * 0.95) - 1)]}
    with app.app_context():
        from consult.extensions import db

        db.engine.dispose()
    return {"comments": total, "flagged": flagged, "pending": pending,
            "seed_seconds": seeded, "pages": results}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screen", type=int, default=20000)
    parser.add_argument("--comments", type=int, default=100000)
    parser.add_argument("--flagged", type=int, default=10000)
    parser.add_argument("--pending", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=40)
    args = parser.parse_args(argv)
    screening = bench_screening(args.screen)
    print(f"Screening: {screening['comments']} comments in {screening['seconds']:.2f} s = "
          f"{screening['per_second']:.0f} comments/s (target ≥ 2000); "
          f"{screening['held_share']:.1%} held; with a 20-comment author history "
          f"{screening['with_20_history_per_second']:.0f} comments/s")
    queue = bench_queue(args.comments, args.flagged, args.pending, args.repeats)
    print(f"Queue: {queue['comments']} comments, {queue['flagged']} flagged, "
          f"{queue['pending']} waiting (seeded in {queue['seed_seconds']:.1f} s)")
    for name, timing in queue["pages"].items():
        print(f"  {name:<20} p50 {timing['p50_ms']:6.1f} ms   p95 {timing['p95_ms']:6.1f} ms"
              "   (target p95 ≤ 150 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
