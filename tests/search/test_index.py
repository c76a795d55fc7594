"""The searcher shared by a process's threads (gunicorn workers with ``--threads``)."""

import threading
from concurrent.futures import ThreadPoolExecutor

from consult.extensions import db
from consult.search import indexer
from consult.search.index import reading
from consult.search.query import search
from tests.factories import article, make_comment, make_consultation


def _corpus():
    consultation = make_consultation()
    sections = [article(consultation, n) for n in range(1, 4)]
    for n in range(60):
        make_comment(consultation, section=sections[n % 3],
                     body=f"Ý kiến số {n} về dữ liệu cá nhân và quyền riêng tư "
                          f"{'thương mại điện tử' if n % 2 else 'an ninh mạng'}.")
    db.session.commit()
    indexer.drain_all()
    return consultation


def test_one_search_at_a_time_per_process(app):
    """Whoosh's readers seek and read shared file objects: a second thread's search waits
    until the first one's block ends."""
    _corpus()
    inside, release, second_entered = threading.Event(), threading.Event(), threading.Event()

    def first():
        with app.app_context(), reading():
            inside.set()
            release.wait(5)

    def second():
        inside.wait(5)
        with app.app_context(), reading():
            second_entered.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    assert inside.wait(5)
    assert not second_entered.wait(0.3)  # still waiting for the first search
    release.set()
    assert second_entered.wait(5)
    for thread in threads:
        thread.join(5)


def test_threads_searching_at_once_get_what_one_thread_gets(app):
    _corpus()
    queries = ["dữ liệu", "thuong mai dien tu", "an ninh", "quyền riêng tư", "ý kiến số"]
    expected = {q: ([h.doc_id for h in search(q, per_page=50).hits], search(q).total)
                for q in queries}

    def run(q):
        with app.app_context():
            result = search(q, per_page=50)
            return q, [h.doc_id for h in result.hits], result.total

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(run, queries * 8))
    assert all(expected[q] == (ids, total) for q, ids, total in results)
    assert expected["an ninh"][1] == 30 and expected["thuong mai dien tu"][1] == 30
