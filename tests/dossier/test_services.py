"""Answers (versioned, one or many or a whole group), publication, and what the public sees."""

import pytest

from consult.comments.pages import page_stamp
from consult.comments.services import set_status
from consult.comments.signals import comment_answered
from consult.core import keyset
from consult.core.exceptions import NotAllowed, ServiceError
from consult.dossier import services
from consult.dossier.analysis import analyse_consultation
from consult.dossier.models import AnswerVersion, AppendOnlyError, DossierEvent
from consult.drafts.signals import dossier_published
from consult.extensions import db
from tests.factories import make_comment, make_consultation, make_user


def _all_ids(closed):
    return [c.id for c in closed["campaign"] + closed["comments"] + [closed["general"]]]


def test_answers_after_publication_change_the_page_stamp(closed):
    staff, consultation = closed["staff"], closed["consultation"]
    comment = closed["comments"][0]
    before = page_stamp(consultation)
    services.answer_comments(staff, consultation, [comment.id], "noted", "")
    db.session.commit()
    assert page_stamp(consultation) == before  # answers are not public yet
    consultation.status = "concluded"
    db.session.commit()
    before = page_stamp(consultation)
    services.answer_comments(staff, consultation, [comment.id], "accepted", "Đã bổ sung.")
    db.session.commit()
    assert page_stamp(consultation) != before  # the cached pages show the new answer


def test_answer_is_versioned_and_signalled(closed):
    staff, consultation = closed["staff"], closed["consultation"]
    comment = closed["comments"][0]
    received = []
    with comment_answered.connected_to(lambda c, answer: received.append((c, answer))):
        assert services.answer_comments(staff, consultation, [comment.id], "accepted",
                                        "Đã bổ sung khoản 3.") == 1
        assert services.answer_comments(staff, consultation, [comment.id], "accepted",
                                        "Đã bổ sung khoản 3.") == 0  # nothing new
        assert services.answer_comments(staff, consultation, [comment.id], "partly",
                                        "Tiếp thu một phần tại khoản 3.") == 1
    db.session.commit()
    answer = services.comment_answer(comment)
    assert answer.disposition == "partly" and answer.version == 2
    assert [(v.number, v.disposition) for v in answer.versions] == [(1, "accepted"),
                                                                   (2, "partly")]
    assert all(v.author_id == staff.id for v in answer.versions)
    assert [c for c, _a in received] == [comment, comment]
    assert received[-1][1] is answer


def test_answer_history_cannot_be_rewritten(closed):
    services.answer_comments(closed["staff"], closed["consultation"],
                             [closed["general"].id], "noted", "")
    db.session.commit()
    version = db.session.query(AnswerVersion).one()
    version.explanation = "sửa lén"
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.query(AnswerVersion).one())
    with pytest.raises(AppendOnlyError):
        db.session.flush()


def test_bad_answers_are_refused_and_change_nothing(closed):
    staff, consultation = closed["staff"], closed["consultation"]
    comment_id = closed["general"].id
    with pytest.raises(ServiceError) as error:
        services.answer_comments(staff, consultation, [comment_id], "accepted", "   ")
    assert error.value.field == "explanation"
    with pytest.raises(ServiceError) as error:
        services.answer_comments(staff, consultation, [comment_id], "maybe", "x")
    assert error.value.field == "disposition"
    with pytest.raises(ServiceError):
        services.answer_comments(staff, consultation, [comment_id], "explained", "x" * 5001)
    for outsider in (closed["other_staff"], make_user(), make_user(role="moderator")):
        with pytest.raises(NotAllowed):
            services.answer_comments(outsider, consultation, [comment_id], "noted", "")
    assert services.comment_answer(closed["general"]) is None


def test_comments_of_another_consultation_or_replies_are_skipped(closed):
    other = make_comment(make_consultation(), body="Ý kiến ở dự thảo khác.")
    db.session.commit()
    changed = services.answer_comments(closed["staff"], closed["consultation"],
                                       [other.id, closed["general"].id], "noted", "")
    assert changed == 1 and services.comment_answer(other) is None


def test_answer_a_whole_campaign_at_once(closed):
    staff, consultation = closed["staff"], closed["consultation"]
    with pytest.raises(ServiceError):  # no analysis yet: no groups
        services.answer_group(staff, consultation, "campaign", 1, "explained", "Giữ nguyên.")
    analyse_consultation(consultation)
    first = closed["campaign"][0]
    services.answer_comments(staff, consultation, [first.id], "accepted", "Riêng ý kiến này.")
    changed = services.answer_group(staff, consultation, "campaign", 1, "explained",
                                    "Giữ nguyên để bảo đảm an ninh dữ liệu.",
                                    only_unanswered=True)
    db.session.commit()
    assert changed == 6
    assert services.comment_answer(first).disposition == "accepted"
    scopes = {v.scope for v in db.session.query(AnswerVersion) if v.answer.comment_id != first.id}
    assert scopes == {"campaign:1"}
    event = db.session.query(DossierEvent).filter_by(action="answered").one()
    assert "6 comments" in event.details and event.user_id == staff.id
    with pytest.raises(ServiceError):
        services.answer_group(staff, consultation, "everyone", 1, "noted", "")


def test_publish_needs_closed_analysed_and_every_comment_answered(closed):
    staff, consultation = closed["staff"], closed["consultation"]
    with pytest.raises(ServiceError, match="phân tích"):
        services.publish_dossier(staff, consultation)
    analyse_consultation(consultation)
    with pytest.raises(ServiceError, match="38 ý kiến"):
        services.publish_dossier(staff, consultation)
    services.answer_comments(staff, consultation, _all_ids(closed), "noted", "Ghi nhận.")
    with pytest.raises(NotAllowed):
        services.publish_dossier(closed["other_staff"], consultation)
    published = []
    with dossier_published.connected_to(lambda sender: published.append(sender)):
        services.publish_dossier(staff, consultation)
    db.session.commit()
    assert consultation.phase() == "concluded" and published == [consultation]
    assert db.session.query(DossierEvent).filter_by(action="published").one().user_id == staff.id
    with pytest.raises(ServiceError, match="đã được công bố"):
        services.publish_dossier(staff, consultation)


def test_publish_refused_while_open_or_stale(closed):
    staff = closed["staff"]
    open_consultation = make_consultation(closed["consultation"].agency)
    db.session.commit()
    analyse_consultation(open_consultation)
    with pytest.raises(ServiceError, match="kết thúc"):
        services.publish_dossier(staff, open_consultation)
    consultation = closed["consultation"]
    analyse_consultation(consultation)
    services.answer_comments(staff, consultation, _all_ids(closed), "noted", "")
    set_status(closed["comments"][0], "hidden")  # a moderator hides one: the analysis is stale
    with pytest.raises(ServiceError, match="phân tích"):
        services.publish_dossier(staff, consultation)


def test_answers_are_public_only_once_concluded(closed):
    staff, consultation = closed["staff"], closed["consultation"]
    comment = closed["general"]
    services.answer_comments(staff, consultation, [comment.id], "explained", "Lý do ...")
    assert services.published_answers([comment]) == {}
    analyse_consultation(consultation)
    services.answer_comments(staff, consultation, _all_ids(closed), "noted", "",
                             only_unanswered=True)
    services.publish_dossier(staff, consultation)
    assert services.published_answers([comment])[comment.id].explanation == "Lý do ..."
    assert services.disposition_counts(consultation) == {"explained": 1, "noted": 37}
    assert services.answered_counts(consultation) == (38, 38)


def test_review_page_filters(closed):
    consultation = closed["consultation"]
    analyse_consultation(consultation)
    services.answer_comments(closed["staff"], consultation, [closed["general"].id], "noted", "")
    page = services.review_page(consultation, services.Filters())
    assert page.total == 38 and len(page.items) == 38
    assert services.review_page(consultation, services.Filters(answered="yes")).total == 1
    assert services.review_page(consultation, services.Filters(answered="no")).total == 37
    assert services.review_page(consultation, services.Filters(campaign=1)).total == 7
    assert services.review_page(consultation, services.Filters(section="general")).total == 1
    assert services.review_page(consultation, services.Filters(stance="amend")).total == 30
    assert services.review_page(consultation, services.Filters(kind="business")).total == 8
    assert services.review_page(consultation, services.Filters(disposition="noted")).total == 1
    themed = services.review_page(consultation, services.Filters(theme=1))
    assert 0 < themed.total < 38
    first = services.review_page(consultation, services.Filters(), per_page=20)
    cursor = (keyset.AFTER, keyset.decode(first.next, [int]))
    second = services.review_page(consultation, services.Filters(), cursor, per_page=20)
    assert len(second.items) == 18 and second.next is None and second.previous
    assert first.items[-1][0].id < second.items[0][0].id
