"""New versions: publishing, matching sections across versions, comments on earlier ones."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from bench.revisions import amend_article, insert_article, remove_article
from consult.comments.pages import page_stamp
from consult.comments.services import earlier_version_comments, reply_to_comment
from consult.core.db_setup import utcnow
from consult.core.exceptions import ServiceError
from consult.core.outbox import OutboxEntry
from consult.drafts.models import Section
from consult.drafts.parser import parse_draft
from consult.drafts.versions import (
    current_section,
    earlier_sections,
    match_sections,
    matching_between,
    preview_new_version,
    publish_new_version,
)
from consult.extensions import db
from tests.drafts.docx_samples import law_text
from tests.factories import make_agency, make_comment, make_consultation, make_user

LAW = "luat-an-ninh-mang-2018.txt"


def _law_consultation(phase="open"):
    return make_consultation(make_agency(), phase=phase, text=law_text(LAW))


def _article(version, number):
    return next(a for a in version.articles() if a.number == str(number))


def _numbers(old_sections, new_sections):
    """{new article number: old article number or None} from match_sections."""
    matches = match_sections(old_sections, new_sections)
    return {n.number: (old_sections[matches[j]].number if j in matches else None)
            for j, n in enumerate(new_sections) if n.kind == "dieu"}


def test_insert_at_start_of_chapter_follows_every_renumbered_article():
    text = law_text(LAW)
    revised, inserted = insert_article(text, "II")
    old, new = list(parse_draft(text).walk()), list(parse_draft(revised).walk())
    numbers = _numbers(old, new)
    assert numbers[str(inserted)] is None  # the new article is an addition
    for new_number, old_number in numbers.items():
        if int(new_number) < inserted:
            assert old_number == new_number
        elif int(new_number) > inserted:
            assert int(old_number) == int(new_number) - 1
    assert len(numbers) == 44 and sum(v is None for v in numbers.values()) == 1


def test_removed_moved_and_rewritten_articles():
    text = law_text(LAW)
    old = list(parse_draft(text).walk())
    # removing Điều 5 leaves a gap: nothing is matched to it, the rest keep their numbers
    numbers = _numbers(old, list(parse_draft(remove_article(text, 5)).walk()))
    assert "5" not in numbers and all(k == v for k, v in numbers.items())
    # a light amendment keeps the match by number
    amended = amend_article(text, 7, "Nghiên cứu, phân tích", "Nghiên cứu, dự báo, phân tích")
    assert _numbers(old, list(parse_draft(amended).walk()))["7"] == "7"
    # a complete rewrite is an addition plus a removal, not a match
    rewritten = [s for s in parse_draft(text).walk()]
    target = next(s for s in rewritten if s.kind == "dieu" and s.number == "3")
    target.title, target.body = "Điều hoàn toàn khác", "Nội dung mới không liên quan gì."
    assert _numbers(old, rewritten)["3"] is None


def test_same_text_under_another_number_is_the_same_article():
    text = law_text(LAW)
    old = list(parse_draft(text).walk())
    new = list(parse_draft(text).walk())
    articles = [s for s in new if s.kind == "dieu"]
    articles[3].number, articles[4].number = articles[4].number, articles[3].number
    numbers = _numbers(old, new)
    assert numbers["4"] == "5" and numbers["5"] == "4"


def test_publish_new_version_links_sections_and_keeps_comments(app):
    consultation = _law_consultation()
    v1 = consultation.current_version
    old_article = _article(v1, 10)
    comment = make_comment(consultation, section=old_article, body="Ý kiến về Điều 10 cũ.")
    staff = make_user(role="agency", agency=consultation.agency)
    revised, inserted = insert_article(v1.source_text, "II")
    db.session.commit()
    stamp = page_stamp(consultation)
    v2 = publish_new_version(consultation, revised, "Bổ sung Điều 10 mới.", staff)
    db.session.commit()
    assert consultation.current_version is v2 and v2.number == 2 and v2.created_by is staff
    assert page_stamp(consultation) != stamp  # cached pages show the new version at once
    moved = _article(v2, 11)
    assert moved.previous_section_id == old_article.id
    assert _article(v2, inserted).previous_section_id is None
    assert earlier_sections(moved) == [old_article] and current_section(old_article) is moved
    assert comment.section is old_article  # comments stay where they were written
    groups = earlier_version_comments(moved)
    assert [g["section"] for g in groups] == [old_article] and groups[0]["comments"] == [comment]
    # the search index follows: the consultation is queued for reindexing
    queued = db.session.scalars(select(OutboxEntry).where(
        OutboxEntry.entity == "consultation", OutboxEntry.entity_id == consultation.id)).all()
    assert queued
    # v1 keeps its text
    assert len(v1.articles()) == 43 and len(v2.articles()) == 44


def test_comments_go_to_the_current_version_only(app):
    consultation = _law_consultation()
    v1 = consultation.current_version
    old = make_comment(consultation, section=_article(v1, 2))
    publish_new_version(consultation, amend_article(v1.source_text, 2, "Trong Luật này",
                                                    "Trong Luật này và văn bản hướng dẫn"),
                        "Sửa Điều 2.")
    with pytest.raises(ServiceError, match="phiên bản trước"):
        make_comment(consultation, section=_article(v1, 2))
    with pytest.raises(ServiceError, match="phiên bản trước"):
        reply_to_comment(make_user(), old, "Trả lời ý kiến cũ.")
    new = make_comment(consultation, section=_article(consultation.current_version, 2))
    assert new.section.version.number == 2


def test_three_versions_compose_their_matching(app):
    consultation = _law_consultation()
    v1 = consultation.current_version
    text2, _ = insert_article(v1.source_text, "II")
    v2 = publish_new_version(consultation, text2, "Vòng 2.")
    text3, _ = insert_article(text2, "III")
    v3 = publish_new_version(consultation, text3, "Vòng 3.")
    forward = matching_between(v1, v3)
    by_id = {s.id: s for s in db.session.scalars(select(Section))}
    pairs = {by_id[n].number: by_id[o].number for n, o in forward.items()
             if by_id[n].kind == "dieu"}
    assert pairs["1"] == "1" and pairs["44"] == "42" and "10" not in pairs
    one_two, two_three = matching_between(v1, v2), matching_between(v2, v3)
    assert forward == {n: one_two[m] for n, m in two_three.items() if m in one_two}
    backward = matching_between(v3, v1)
    assert backward == {o: n for n, o in forward.items()}
    assert len(earlier_sections(_article(v3, 44))) == 2


def test_new_version_reopens_a_closed_consultation_for_a_new_round(app):
    consultation = _law_consultation(phase="closed")
    text = amend_article(consultation.current_version.source_text, 1, "Luật này", "Luật này")
    text = text.replace("Điều 1. Phạm vi điều chỉnh", "Điều 1. Phạm vi điều chỉnh của Luật")
    closes = utcnow() + timedelta(days=20)
    publish_new_version(consultation, text, "Vòng 2.", closes_at=closes)
    assert consultation.status == "open" and consultation.is_open()
    assert consultation.closes_at == closes


def test_refusals_change_nothing(app):
    consultation = _law_consultation()
    text = consultation.current_version.source_text
    cases = [
        (text, "Ghi chú", "giống hệt"),
        ("Chỉ một câu.", "Ghi chú", "Không tìm thấy Điều"),
        (text + "\nĐiều 44. Mới\nNội dung.", "", "tóm tắt"),
        ("", "Ghi chú", "dán toàn văn"),
    ]
    for new_text, note, message in cases:
        with pytest.raises(ServiceError, match=message):
            publish_new_version(consultation, new_text, note)
    with pytest.raises(ServiceError, match="tương lai"):
        publish_new_version(consultation, text + "\nĐiều 44. Mới\nNội dung.", "Ghi chú",
                            closes_at=utcnow() - timedelta(hours=1))
    db.session.rollback()
    assert len(consultation.versions) == 1
    with pytest.raises(ServiceError, match="chưa công bố"):
        publish_new_version(_law_consultation("draft"), text, "Ghi chú")
    concluded = _law_consultation()
    concluded.status = "concluded"
    with pytest.raises(ServiceError, match="công bố kết quả"):
        publish_new_version(concluded, text, "Ghi chú")


def test_preview_stores_nothing(app):
    consultation = _law_consultation()
    revised, inserted = insert_article(consultation.current_version.source_text, "II")
    _document, changes = preview_new_version(consultation, revised)
    statuses = {c.status for c in changes}
    assert statuses >= {"added", "unchanged"}
    assert sum(c.renumbered for c in changes) == 34
    db.session.commit()
    assert len(consultation.versions) == 1


def test_near_twin_articles_follow_the_renumbering_not_the_number():
    from types import SimpleNamespace

    words = [f"từ{n}" for n in range(60)]

    def article(number, body_words, title="Trách nhiệm của Bộ"):
        return SimpleNamespace(kind="dieu", number=str(number), title=title,
                               body=" ".join(body_words))

    twin_b = words[:57] + ["khác1", "khác2", "khác3"]  # ~90 % like the first twin
    old = [article(1, ["mở", "đầu"] * 5), article(2, words), article(3, twin_b)]
    new = [article(1, ["mở", "đầu"] * 5), article(2, ["hoàn", "toàn", "mới"] * 5),
           article(3, words[:-1] + ["sửa"]), article(4, twin_b[:-1] + ["sửa"])]
    matches = match_sections(old, new)
    assert {new[j].number: old[i].number for j, i in matches.items()} == {
        "1": "1", "3": "2", "4": "3"}


def test_search_index_follows_the_new_version(app):
    from consult.search import indexer
    from consult.search.query import search

    consultation = _law_consultation()
    v1 = consultation.current_version
    db.session.commit()
    indexer.drain_all()
    revised, inserted = insert_article(v1.source_text, "II")
    v2 = publish_new_version(consultation, remove_article(revised, 5), "Vòng 2.")
    db.session.commit()
    indexer.drain_all()
    hits = search("công khai minh bạch", consultation_id=consultation.id, kind="section").hits
    assert f"s:{_article(v2, inserted).id}" in [hit.doc_id for hit in hits]
    v2_ids = {f"s:{s.id}" for s in v2.articles()}
    everything = search("an ninh mạng", consultation_id=consultation.id, kind="section")
    assert everything.hits and {hit.doc_id for hit in everything.hits} <= v2_ids
