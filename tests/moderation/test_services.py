import pytest

from consult.comments.pages import comment_page
from consult.comments.services import published_counts_by_section
from consult.core.exceptions import NotAllowed, ServiceError
from consult.core.outbox import OutboxEntry
from consult.extensions import db
from consult.moderation import queue, services
from consult.moderation.models import AppendOnlyError, Flag, ModerationAction
from tests.factories import article, make_agency, make_comment, make_consultation, make_user

ALL_STATUSES = ["published", "pending", "hidden", "rejected", "withdrawn"]


def _actions(comment):
    return [(a.action, a.from_status, a.to_status) for a in db.session.query(ModerationAction)
            .filter_by(comment_id=comment.id).order_by(ModerationAction.id)]


def test_screened_comment_waits_with_reason_and_is_audited(app):
    comment = make_comment(body="Mời xem https://quangcao.vn ngay")
    assert comment.status == "pending" and comment.screening_codes == "link"
    assert "đường dẫn" in comment.moderation_reason
    assert _actions(comment) == [("hold", "published", "pending")]


def test_clean_comment_is_published(app):
    assert make_comment(body="Tôi đồng ý với quy định này.").status == "published"


def test_pre_moderation_holds_every_comment(app):
    consultation = make_consultation()
    consultation.moderation_mode = "pre"
    comment = make_comment(consultation, body="Ý kiến sạch sẽ.")
    assert comment.status == "pending" and comment.screening_codes == "pre_moderation"


def test_repeat_of_own_comment_is_held(app):
    author = make_user()
    text = "Đề nghị bổ sung quy định về bảo vệ dữ liệu cá nhân của trẻ em trên mạng."
    assert make_comment(author=author, body=text).status == "published"
    assert make_comment(author=author, body=text + " ").status == "pending"
    assert make_comment(body=text).status == "published"  # someone else may agree


def test_blocked_author_comments_wait(app):
    moderator, author = make_user(role="moderator"), make_user()
    old = make_comment(author=author)
    services.block_author(moderator, author, "Spam nhiều lần", hide_existing=True)
    assert old.status == "hidden" and old.moderation_reason == "Spam nhiều lần"
    assert make_comment(author=author, body="Một ý kiến mới.").screening_codes == "held_author"
    services.unblock_author(moderator, author)
    assert make_comment(author=author, body="Ý kiến khác hẳn.").status == "published"


def test_auto_hide_at_exactly_n_reports(app):
    comment = make_comment()
    reporters = [make_user() for _ in range(3)]
    services.report_comment(reporters[0], comment, "spam")
    services.report_comment(reporters[1], comment, "offensive")
    assert comment.status == "published"
    services.report_comment(reporters[2], comment, "off_topic")
    assert comment.status == "hidden"
    assert _actions(comment)[-1] == ("auto_hide", "published", "hidden")
    assert "báo cáo" in comment.moderation_reason


def test_auto_hide_threshold_is_configurable(app):
    app.config["CONSULT_AUTO_HIDE_REPORTS"] = 1
    comment = make_comment()
    services.report_comment(make_user(), comment, "spam")
    assert comment.status == "hidden"


def test_same_user_reports_once_and_not_own_comment(app):
    comment = make_comment()
    reporter = make_user()
    services.report_comment(reporter, comment, "spam")
    with pytest.raises(ServiceError):
        services.report_comment(reporter, comment, "offensive")
    with pytest.raises(ServiceError):
        services.report_comment(comment.author, comment, "spam")
    with pytest.raises(ServiceError):
        services.report_comment(make_user(), comment, "bad-reason")
    with pytest.raises(ServiceError):
        services.report_comment(make_user(), comment, "other", details="  ")
    assert db.session.query(Flag).count() == 1


# Transition table: for each action and each starting status, allowed or not.
@pytest.mark.parametrize("action", list(services.TRANSITIONS))
@pytest.mark.parametrize("start", ALL_STATUSES)
def test_transition_table(app, action, start):
    moderator = make_user(role="moderator")
    comment = make_comment(body="Một ý kiến bình thường.")
    comment.status = start
    allowed, target = services.TRANSITIONS[action]
    if start in allowed:
        services.moderate_comment(moderator, comment, action, reason="Lý do")
        assert comment.status == (target or start)
        assert _actions(comment)[-1] == (action, start, target or start)
    else:
        with pytest.raises(ServiceError):
            services.moderate_comment(moderator, comment, action, reason="Lý do")
        assert comment.status == start


@pytest.mark.parametrize("role,allowed", [("user", False), ("agency", False),
                                          ("moderator", True), ("admin", True)])
def test_who_may_moderate(app, role, allowed):
    agency = make_agency() if role == "agency" else None
    actor = make_user(role=role, agency=agency)
    comment = make_comment()
    if allowed:
        services.moderate_comment(actor, comment, "hide", "Xúc phạm")
        assert comment.status == "hidden"
    else:
        with pytest.raises(NotAllowed):
            services.moderate_comment(actor, comment, "hide", "Xúc phạm")


def test_moderator_cannot_act_on_own_comment(app):
    moderator = make_user(role="moderator")
    comment = make_comment(author=moderator)
    with pytest.raises(NotAllowed):
        services.moderate_comment(moderator, comment, "hide", "x")


def test_hide_and_reject_need_a_reason_shown_to_the_author(app):
    moderator = make_user(role="moderator")
    comment = make_comment()
    with pytest.raises(ServiceError):
        services.moderate_comment(moderator, comment, "hide", "  ")
    services.moderate_comment(moderator, comment, "hide", "Nội dung xúc phạm")
    assert comment.moderation_reason == "Nội dung xúc phạm"
    services.moderate_comment(moderator, comment, "restore")
    assert comment.status == "published" and comment.moderation_reason is None


def test_dismiss_reports_keeps_status_and_closes_flags(app):
    moderator = make_user(role="moderator")
    comment = make_comment()
    services.report_comment(make_user(), comment, "spam")
    services.moderate_comment(moderator, comment, "dismiss_reports")
    assert comment.status == "published"
    assert services.open_report_count(comment.id) == 0


def test_hiding_or_restoring_decides_the_reports(app):
    moderator = make_user(role="moderator")
    hidden, restored = make_comment(), make_comment()
    services.report_comment(make_user(), hidden, "spam")
    for _ in range(app.config["CONSULT_AUTO_HIDE_REPORTS"]):
        services.report_comment(make_user(), restored, "offensive")
    assert restored.status == "hidden" and queue.tab_counts()["flagged"] == 2
    services.moderate_comment(moderator, hidden, "hide", "Quảng cáo")
    services.moderate_comment(moderator, restored, "restore")
    assert services.open_report_count(hidden.id) == 0
    assert services.open_report_count(restored.id) == 0
    assert queue.tab_counts()["flagged"] == 0


def test_bulk_actions_skip_what_does_not_apply(app):
    moderator = make_user(role="moderator")
    waiting = [make_comment(body=f"xem https://spam{i}.vn") for i in range(3)]
    published = make_comment()
    done, skipped = services.moderate_many(moderator, [c.id for c in waiting] + [published.id],
                                           "approve")
    assert done == 3 and [s[0] for s in skipped] == [published.id]
    assert all(c.status == "published" for c in waiting)
    with pytest.raises(ServiceError):
        services.moderate_many(moderator, [published.id], "hide", "")


def test_status_changes_go_to_the_search_outbox(app):
    moderator = make_user(role="moderator")
    comment = make_comment()
    services.moderate_comment(moderator, comment, "hide", "x")
    db.session.flush()
    assert db.session.query(OutboxEntry).filter_by(entity="comment",
                                                   entity_id=comment.id).count() == 2


def test_audit_log_is_append_only(app):
    moderator = make_user(role="moderator")
    comment = make_comment()
    services.moderate_comment(moderator, comment, "hide", "x")
    db.session.commit()
    entry = db.session.query(ModerationAction).first()
    entry.reason = "changed"
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    entry = db.session.query(ModerationAction).first()
    db.session.delete(entry)
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()


def test_official_mark_only_for_staff_of_the_agency_and_moderators(app):
    agency = make_agency()
    consultation = make_consultation(agency)
    staff = make_user(role="agency", agency=agency)
    other_staff = make_user(role="agency", agency=make_agency())
    staff_comment = make_comment(consultation, author=staff)
    services.mark_official(staff, staff_comment)
    assert staff_comment.is_official
    with pytest.raises(NotAllowed):
        services.mark_official(other_staff, make_comment(consultation, author=other_staff))
    with pytest.raises(NotAllowed):
        services.mark_official(make_user(), make_comment(consultation))


def test_public_lists_and_counts_never_show_hidden_waiting_or_rejected(app):
    moderator = make_user(role="moderator")
    consultation = make_consultation()
    section = article(consultation, 1)
    visible = make_comment(consultation, section=section, body="Ý kiến hiển thị.")
    hidden = make_comment(consultation, section=section, body="Ý kiến sẽ ẩn.")
    services.moderate_comment(moderator, hidden, "hide", "x")
    waiting = make_comment(consultation, section=section, body="xem https://a.vn")
    rejected = make_comment(consultation, section=section, body="xem https://b.vn")
    services.moderate_comment(moderator, rejected, "reject", "quảng cáo")
    stranger = make_user()
    assert comment_page(consultation, section, None, 50, stranger).items == [visible]
    assert published_counts_by_section(consultation.id) == {section.id: 1}
    assert waiting in comment_page(consultation, section, None, 50, waiting.author).items
