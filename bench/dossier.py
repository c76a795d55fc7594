"""Dossier benchmark: analysis + DOCX of a large consultation, and the cached dossier page.

    python -m bench.dossier --comments 100000
    flock /tmp/bench.lock .venv/bin/python -m bench.dossier --comments 1000000

Seeds a closed consultation (Luật An ninh mạng, 43 articles) with generated comments that
carry planted campaigns and planted topics (bench/dossier_corpus.py), then, in a fresh
process so that its peak memory is the analysis's own, runs the full analysis and writes the
DOCX; then checks that the planted campaigns were found (comment-level precision and recall)
and that the planted topics were separated (normalised mutual information between planted
topic and theme, per article), and times the dossier page once cached.

Targets (issue 5): analysis + DOCX for 100,000 comments ≤ 60 s and for 1,000,000 ≤ 10 min on
the 2-core machine, peak memory ≤ 2 GB; the dossier page ≤ 300 ms once cached.
"""

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import numpy as np

from bench.dossier_corpus import generate

STAFF_EMAIL = "canbo@bench.vn"
PASSWORD = "mat-khau-123"
LAW = Path(__file__).resolve().parent.parent / "consult" / "demo_data" / \
    "luat-an-ninh-mang-2018.txt"


def _app(db_path):
    from tests.conftest import make_app

    return make_app(db_path.parent, TESTING=False, SERVER_NAME=None,
                    DATABASE_URL=f"sqlite:///{db_path}")


def seed(db_path, total, seed_value=5):
    """A closed consultation with ``total`` generated comments; returns the planted labels."""
    from markupsafe import escape
    from sqlalchemy import insert, select

    from consult.accounts.models import PROVINCES, User
    from consult.accounts.services import create_staff_user
    from consult.comments.models import Comment
    from consult.core.db_setup import utcnow
    from consult.drafts.services import (
        close_consultation,
        create_consultation,
        get_or_create_agency,
        publish_consultation,
    )
    from consult.extensions import db

    rng = random.Random(seed_value)
    app = _app(db_path)
    with app.app_context():
        db.create_all()
        agency = get_or_create_agency("Bộ Công an")
        create_staff_user(STAFF_EMAIL, PASSWORD, "Cán bộ", "agency", agency)
        now = utcnow()
        consultation = create_consultation(agency, "Dự thảo Luật An ninh mạng", "Luật", "",
                                           now - timedelta(days=40), now + timedelta(days=1),
                                           LAW.read_text(encoding="utf-8"))
        publish_consultation(consultation, now - timedelta(days=41))
        close_consultation(consultation, now)
        db.session.commit()
        articles = [a.id for a in consultation.current_version.articles()]
        generated = generate(total, len(articles), seed=seed_value)
        password_hash = db.session.scalar(select(User.password_hash).limit(1))
        user_count = max(10, total // 5)
        kinds = ["business" if rng.random() < 0.1 else "citizen" for _ in range(user_count)]
        users = [{"email": f"u{i}@bench.vn", "password_hash": password_hash,
                  "display_name": f"Người góp ý {i}", "kind": kinds[i],
                  "organisation_name": f"Công ty Thử nghiệm {i}" if kinds[i] == "business"
                  else None, "province": rng.choice(PROVINCES), "role": "user",
                  "is_blocked": False, "comments_held": False, "created_at": now}
                 for i in range(user_count)]
        for start in range(0, user_count, 20000):
            db.session.execute(insert(User), users[start:start + 20000])
        first_user = db.session.scalar(select(User.id).where(User.email == "u0@bench.vn"))
        consultation_id = consultation.id
        db.session.commit()
        rows = []
        for i, text in enumerate(generated.texts):
            author = rng.randrange(user_count)
            article = generated.articles[i]
            stance = "agree" if generated.campaigns[i] is not None else rng.choice(
                ["agree", "disagree", "amend", "amend", "other"])
            rows.append({
                "consultation_id": consultation_id,
                "section_id": None if article is None else articles[article],
                "author_id": first_user + author, "body": text,
                "body_html": f"<p>{escape(text)}</p>", "stance": stance,
                "proposed_wording": f"Sửa thành: \"{text[:80]}\"" if stance == "amend"
                and rng.random() < 0.2 else None,
                "author_kind": kinds[author], "status": "published", "is_official": False,
                "created_at": now - timedelta(days=40) + timedelta(seconds=i * 3_456_000 // total)})
            if len(rows) == 20000:
                db.session.execute(insert(Comment), rows)
                rows = []
        if rows:
            db.session.execute(insert(Comment), rows)
        db.session.commit()
        first_comment = db.session.scalar(select(Comment.id).order_by(Comment.id).limit(1))
        slug = consultation.slug
        db.engine.dispose()
    return {"slug": slug, "first_comment": first_comment, "campaigns": generated.campaigns,
            "topics": generated.topics, "articles": generated.articles}


def measure(db_path, slug, out_path):
    """In this process: the full analysis, then the DOCX. Prints a JSON line of figures."""
    from consult.dossier.analysis import analyse_consultation
    from consult.dossier.export_docx import write_docx
    from consult.drafts.services import find_consultation
    from consult.extensions import db

    app = _app(db_path)
    with app.app_context():
        consultation = find_consultation(slug)
        started = time.perf_counter()
        analysis = analyse_consultation(consultation)
        analysed = time.perf_counter() - started
        started = time.perf_counter()
        write_docx(consultation, out_path)
        docx_seconds = time.perf_counter() - started
        timings = json.loads(analysis.result)["timings"]
        db.engine.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"analysis_seconds": analysed, "docx_seconds": docx_seconds,
                      "peak_rss_mb": peak, "stages": timings}))


def campaign_quality(planted, found):
    """Comment-level precision and recall of the campaigns found against the planted ones.

    A found campaign stands for the planted campaign most of its comments belong to; its
    comments of that planted campaign are true positives, the rest false positives.
    """
    planted = np.array([-1 if c is None else c for c in planted])
    found = np.asarray(found)
    flagged = found > 0
    true_positive = 0
    for number in np.unique(found[flagged]):
        members = planted[found == number]
        label, count = Counter(members.tolist()).most_common(1)[0]
        if label >= 0:
            true_positive += count
    planted_total = int((planted >= 0).sum())
    whole = sum(1 for c in np.unique(planted[planted >= 0])
                if Counter(found[planted == c].tolist()).most_common(1)[0][1]
                >= 0.9 * (planted == c).sum() and Counter(found[planted == c].tolist())
                .most_common(1)[0][0] > 0)
    return {"precision": true_positive / max(int(flagged.sum()), 1),
            "recall": true_positive / max(planted_total, 1),
            "planted": len(np.unique(planted[planted >= 0])), "found": len(np.unique(
                found[flagged])), "found_whole": whole}


def topic_quality(topics, articles, themes):
    """NMI between planted topic and theme over the comments outside campaigns, per article
    (weighted by the article's comments), and the share of comments whose theme's majority
    topic is their own (purity)."""
    from sklearn.metrics import normalized_mutual_info_score

    scores, weights, pure = [], [], 0
    by_article = {}
    for topic, article, theme in zip(topics, articles, themes, strict=True):
        if topic is not None:
            by_article.setdefault(article, []).append((topic, theme))
    for pairs in by_article.values():
        planted, found = zip(*pairs, strict=True)
        if len(pairs) >= 30:
            scores.append(normalized_mutual_info_score(planted, found))
            weights.append(len(pairs))
        for theme in set(found):
            pure += Counter(t for t, f in pairs if f == theme).most_common(1)[0][1]
    total = sum(len(p) for p in by_article.values())
    return {"nmi": float(np.average(scores, weights=weights)) if scores else 0.0,
            "purity": pure / max(total, 1)}


def page_times(db_path, slug, repeats):
    from tests.factories import login

    app = _app(db_path)
    client = app.test_client()
    with app.app_context():
        from consult.accounts.models import User
        from consult.extensions import db

        staff = db.session.query(User).filter_by(email=STAFF_EMAIL).one()
        login(client, staff)
    url = f"/c/{slug}/tong-hop"
    started = time.perf_counter()
    assert client.get(url).status_code == 200
    first = (time.perf_counter() - started) * 1000
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    with app.app_context():
        from consult.extensions import db

        db.engine.dispose()
    times.sort()
    return {"first_ms": first, "p50_ms": statistics.median(times),
            "p95_ms": times[max(0, int(len(times) * 0.95) - 1)]}


def assignments(db_path, first_comment, total):
    from sqlalchemy import select

    from consult.dossier.models import Assignment
    from consult.extensions import db

    app = _app(db_path)
    campaign = np.zeros(total, np.int64)
    theme = np.zeros(total, np.int64)
    with app.app_context():
        for comment_id, c, t in db.session.execute(
                select(Assignment.comment_id, Assignment.campaign, Assignment.theme)):
            campaign[comment_id - first_comment] = c or 0
            theme[comment_id - first_comment] = t or 0
        db.engine.dispose()
    return campaign, theme


def run(total, repeats, keep=None):
    tmp = Path(keep) / str(total) if keep else Path(tempfile.mkdtemp(prefix="bench-dossier-"))
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "bench.db").unlink(missing_ok=True)
    db_path = tmp / "bench.db"
    started = time.perf_counter()
    planted = seed(db_path, total)
    seeded = time.perf_counter() - started
    out = tmp / "dossier.docx"
    child = subprocess.run([sys.executable, "-m", "bench.dossier", "--measure", str(db_path),
                            planted["slug"], str(out)], capture_output=True, text=True,
                           check=False, cwd=Path(__file__).resolve().parent.parent)
    if child.returncode != 0:
        sys.stderr.write(child.stderr)
        raise SystemExit("the measuring process failed")
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    campaign, theme = assignments(db_path, planted["first_comment"], total)
    figures["seed_seconds"] = seeded
    figures["campaigns"] = campaign_quality(planted["campaigns"], campaign)
    figures["topics"] = topic_quality(planted["topics"], planted["articles"], theme.tolist())
    figures["page"] = page_times(db_path, planted["slug"], repeats)
    figures["docx_bytes"] = out.stat().st_size
    return figures


def report(total, figures):
    c, t, p = figures["campaigns"], figures["topics"], figures["page"]
    stages = ", ".join(f"{k} {v:.1f} s" for k, v in figures["stages"].items())
    print(f"Dossier benchmark: {total} comments (seeded in {figures['seed_seconds']:.1f} s)")
    print(f"  analysis {figures['analysis_seconds']:.1f} s ({stages})")
    print(f"  DOCX {figures['docx_seconds']:.1f} s ({figures['docx_bytes'] // 1024} KiB); "
          f"analysis + DOCX {figures['analysis_seconds'] + figures['docx_seconds']:.1f} s; "
          f"peak RSS {figures['peak_rss_mb']:.0f} MB")
    print(f"  campaigns: {c['found']} found for {c['planted']} planted "
          f"({c['found_whole']} found whole); precision {c['precision']:.3f}, "
          f"recall {c['recall']:.3f}")
    print(f"  topics: NMI {t['nmi']:.3f} per article, purity {t['purity']:.3f}")
    print(f"  cached dossier page: first {p['first_ms']:.0f} ms, p50 {p['p50_ms']:.0f} ms, "
          f"p95 {p['p95_ms']:.0f} ms (target ≤ 300 ms)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, nargs="+", default=[100000])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--keep", default=None, help="Folder to keep the database in")
    parser.add_argument("--measure", nargs=3, metavar=("DB", "SLUG", "OUT"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        measure(Path(args.measure[0]), args.measure[1], Path(args.measure[2]))
        return 0
    for total in args.comments:
        report(total, run(total, args.repeats, args.keep))
    return 0


if __name__ == "__main__":
    sys.exit(main())
