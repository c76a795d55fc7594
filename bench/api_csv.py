"""CSV bulk download benchmark: rows/s and memory while streaming a consultation's comments.

    python -m bench.api_csv --comments 1000000

The download is read chunk by chunk through the WSGI app (as a server would send it) while
a thread samples the process's resident memory; constant memory means the growth during the
download does not depend on the number of rows (compare --comments 100000 and 1000000).
"""

import argparse
import random
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

from bench.corpus import comments as generate_comments


def _rss_mib():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class PeakMemory(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self.peak, self.running = _rss_mib(), True

    def run(self):
        while self.running:
            self.peak = max(self.peak, _rss_mib())
            time.sleep(0.02)


def _seed(app, total):
    from sqlalchemy import insert

    from consult.accounts.services import register_user
    from consult.comments.models import Comment
    from consult.core.db_setup import utcnow
    from tests.factories import make_consultation

    rng = random.Random(5)
    texts = generate_comments(2000, seed=13, noisy_share=0)
    from consult.extensions import db

    with app.app_context():
        db.create_all()
        users = [register_user(f"u{i}@bench.vn", "mat-khau-123", f"Người {i}")
                 for i in range(300)]
        consultation = make_consultation()
        db.session.commit()
        articles = [a.id for a in consultation.current_version.articles()]
        user_ids = [u.id for u in users]
        now = utcnow()
        for start in range(0, total, 20000):
            rows = [{"consultation_id": consultation.id, "section_id": rng.choice(articles),
                     "author_id": rng.choice(user_ids), "body": texts[i % 2000],
                     "body_html": f"<p>{texts[i % 2000]}</p>", "stance": "agree",
                     "author_kind": "citizen",
                     "status": "hidden" if i % 50 == 0 else "published", "is_official": False,
                     "created_at": now - timedelta(seconds=total - i),
                     "updated_at": now - timedelta(seconds=total - i)}
                    for i in range(start, min(total, start + 20000))]
            db.session.execute(insert(Comment), rows)
            db.session.commit()
        return consultation.slug


def bench_csv(total):
    from consult.extensions import db
    from tests.conftest import make_app

    tmp = Path(tempfile.mkdtemp(prefix="bench-api-csv-"))
    app = make_app(tmp, TESTING=False, DATABASE_URL=f"sqlite:///{tmp / 'bench.db'}")
    started = time.perf_counter()
    slug = _seed(app, total)
    seeded = time.perf_counter() - started
    client = app.test_client()
    before = _rss_mib()
    sampler = PeakMemory()
    sampler.start()
    started = time.perf_counter()
    response = client.get(f"/api/v1/consultations/{slug}/comments.csv", buffered=False)
    size = lines = 0
    for chunk in response.response:
        size += len(chunk)
        lines += chunk.count(b"\n")
    response.close()
    seconds = time.perf_counter() - started
    sampler.running = False
    sampler.join()
    with app.app_context():
        db.engine.dispose()
    rows = lines - 1
    return {"comments": total, "rows": rows, "seconds": seconds, "rows_per_second": rows / seconds,
            "megabytes": size / 1e6, "rss_before_mib": before,
            "rss_growth_mib": sampler.peak - before, "seed_seconds": seeded}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    result = bench_csv(args.comments)
    print(f"CSV download: {result['rows']} published rows of {result['comments']} comments, "
          f"{result['megabytes']:.1f} MB in {result['seconds']:.1f} s = "
          f"{result['rows_per_second']:.0f} rows/s (seeded in {result['seed_seconds']:.1f} s)")
    print(f"Memory: {result['rss_before_mib']:.0f} MiB before, peak growth while streaming "
          f"{result['rss_growth_mib']:.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
