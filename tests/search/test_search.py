import unicodedata

import pytest
from markupsafe import escape

from consult.comments.services import reply_to_comment, withdraw_comment
from consult.core.outbox import OutboxEntry
from consult.extensions import db
from consult.moderation.services import moderate_comment
from consult.search import indexer
from consult.search.query import search
from tests.factories import article, make_comment, make_consultation, make_user


def _index():
    db.session.commit()
    indexer.drain_all()


@pytest.fixture
def corpus(app):
    consultation = make_consultation()
    a1, a2 = article(consultation, 1), article(consultation, 2)
    business = make_user(kind="business")
    comments = {
        "dien_tu": make_comment(consultation, section=a1,
                                body="Cần phát triển thương mại điện tử."),
        "ban": make_comment(consultation, section=a2, body="Không nên bán dữ liệu cá nhân.",
                            stance="disagree", author=business),
        "ban_friend": make_comment(consultation, section=a2, body="Gửi bạn đọc dữ liệu mở.",
                                   stance="amend", proposed_wording="a) Thu thập có sự đồng ý;"),
        "quyen": make_comment(consultation, body=unicodedata.normalize(
            "NFD", "Bảo vệ quyền riêng tư của người dân"), stance="other"),
    }
    _index()
    return consultation, comments


def _ids(result):
    return [hit.doc_id for hit in result.hits]


def test_diacritics_folded_and_case_insensitive(corpus):
    _consultation, comments = corpus
    want = f"c:{comments['dien_tu'].id}"
    for q in ["điện tử", "dien tu", "ĐIỆN TỬ", "Dien Tu"]:
        assert want in _ids(search(q)), q


def test_nfd_text_and_queries_match(corpus):
    _consultation, comments = corpus
    want = f"c:{comments['quyen'].id}"
    assert want in _ids(search("quyền riêng tư"))
    assert want in _ids(search(unicodedata.normalize("NFD", "quyền")))


def test_exact_diacritics_rank_first(corpus):
    _consultation, comments = corpus
    ids = _ids(search("bán", kind="comment"))
    assert ids.index(f"c:{comments['ban'].id}") < ids.index(f"c:{comments['ban_friend'].id}")


def test_and_by_default_phrases_and_prefix(corpus):
    _consultation, comments = corpus
    assert _ids(search("dữ liệu cá nhân", kind="comment")) == [f"c:{comments['ban'].id}"]
    assert _ids(search('"dữ liệu mở"')) == [f"c:{comments['ban_friend'].id}"]
    assert _ids(search('"mở dữ liệu"')) == []
    assert f"c:{comments['dien_tu'].id}" in _ids(search("thương*"))


def test_proposed_wording_and_draft_sections_are_searchable(corpus):
    consultation, comments = corpus
    assert f"c:{comments['ban_friend'].id}" in _ids(search("sự đồng ý"))
    sections = search("phạm vi điều chỉnh", kind="section")
    assert sections.total == 1 and sections.hits[0].title == "Điều 1. Phạm vi điều chỉnh"


def test_filters_and_facets(corpus):
    consultation, comments = corpus
    result = search("dữ liệu")
    assert result.facets["stance"] == {"disagree": 1, "amend": 1}
    assert result.facets["stakeholder"]["business"] == 1
    only_business = search("dữ liệu", stakeholder="business")
    assert _ids(only_business) == [f"c:{comments['ban'].id}"]
    assert search("dữ liệu", consultation_id=consultation.id + 999).total == 0
    assert search("dữ liệu", article_id=article(consultation, 2).id, kind="comment").total == 2


def test_hidden_withdrawn_and_waiting_comments_never_appear(corpus):
    consultation, comments = corpus
    moderator = make_user(role="moderator")
    moderate_comment(moderator, comments["ban"], "hide", "xúc phạm")
    withdraw_comment(comments["dien_tu"].author, comments["dien_tu"])
    make_comment(consultation, body="Xem dữ liệu tại https://quangcao.vn")  # held by screening
    _index()
    result = search("dữ liệu")
    assert f"c:{comments['ban'].id}" not in _ids(result)
    assert result.facets["stance"] == {"amend": 1}
    assert search("điện tử", kind="comment").total == 0
    assert search("quangcao").total == 0
    moderate_comment(moderator, comments["ban"], "restore")
    _index()
    assert f"c:{comments['ban'].id}" in _ids(search("dữ liệu"))


def test_replies_are_indexed_and_outbox_is_emptied(corpus):
    _consultation, comments = corpus
    reply_to_comment(make_user(), comments["ban"], "Đồng ý, phải cấm mua bán dữ liệu.")
    _index()
    assert search("mua bán").total == 1
    assert db.session.query(OutboxEntry).count() == 0


@pytest.mark.parametrize("q", ['"unbalanced', "!!!", "AND OR NOT", "*", "x" * 2000, "(((",
                               "title:", "a:b:c", "NOT", '""', "~2", "^3", "[a TO"])
def test_bad_queries_never_raise(corpus, q):
    result = search(q)
    assert result.total >= 0


def test_reindex_rebuilds_from_the_database(corpus):
    consultation, comments = corpus
    count = indexer.reindex()
    assert count == 4 + 3  # comments + articles
    assert f"c:{comments['dien_tu'].id}" in _ids(search("dien tu"))


def test_sort_by_date_and_pagination(corpus):
    consultation, _comments = corpus
    for i in range(25):
        make_comment(consultation, body=f"Ý kiến số {i} về thủ tục hành chính khác nhau {i * 13}")
    _index()
    first = search("thủ tục", sort="date", per_page=10)
    assert first.total == 25 and first.pages == 3 and len(first.hits) == 10
    dates = [hit.date for hit in first.hits]
    assert dates == sorted(dates, reverse=True)
    assert len(search("thủ tục", page=3, per_page=10).hits) == 5


def test_snippets_mark_the_words_escape_the_rest_and_are_kept_for_a_repeated_query():
    from consult.search.query import _snippet, snippet

    text = "Đề nghị <b>bỏ</b> quy định về thu thập dữ liệu cá nhân của trẻ em. " * 30
    first = snippet(text, {"dữ", "liệu"})
    assert "<mark" in first and "dữ</mark>" in first and "&lt;b&gt;" in first
    assert first.count("<mark") < 2 * text.count("dữ liệu")  # fragments, not the whole text
    hits = _snippet.cache_info().hits
    assert snippet(text, ["liệu", "dữ"]) == first  # the same words in another order
    assert _snippet.cache_info().hits == hits + 1
    assert snippet(text, set()) == str(escape(text[:240]))  # nothing matched: the start
    assert snippet(text, {"dữ"}) != first  # other words: marked anew


def test_threads_of_one_process_search_at_once_without_error(app):
    """A gthread worker's threads share the process's searcher, whose Whoosh files keep one
    read position each: searches take turns (before, 1 % of a 4-thread run's searches failed
    with corrupt reads)."""
    import sys
    import threading

    consultation = make_consultation()
    words = ["mạng", "thuế", "dữ liệu", "quyền", "trẻ em", "thư viện", "doanh nghiệp"]
    for n in range(300):
        make_comment(consultation, body=f"Ý kiến {n} về {words[n % 7]} và {words[n * 3 % 7]}.")
    _index()
    expected = {word: search(word, with_facets=True).total for word in words}
    found, errors = [], []

    def run():
        with app.app_context():
            try:
                for word in words * 4:
                    found.append((word, search(word, with_facets=True).total))
            except Exception as error:  # noqa: BLE001 - any error fails the test below
                errors.append(repr(error))

    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads change as often as they can
    try:
        threads = [threading.Thread(target=run) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(switch)
    assert errors == [] and len(found) == 6 * 4 * len(words)
    assert all(total == expected[word] for word, total in found)
