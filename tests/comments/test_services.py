import unicodedata
from datetime import timedelta

import pytest

from consult.comments import services
from consult.comments.models import Reaction
from consult.comments.pages import comment_page
from consult.comments.signals import comment_status_changed, comment_submitted
from consult.core.db_setup import utcnow
from consult.core.exceptions import NotAllowed, ServiceError
from consult.core.outbox import OutboxEntry
from consult.extensions import db
from tests.factories import article, make_comment, make_consultation, make_user


def test_submit_comment_on_article(app):
    consultation = make_consultation()
    author = make_user(kind="business")
    comment = services.submit_comment(
        author, consultation, "Đề nghị **bổ sung** điểm c.", "amend", article(consultation, 2),
        proposed_wording="c) Chia sẻ dữ liệu;", clause_ref="khoan-2")
    assert comment.status == "published" and comment.author_kind == "business"
    assert "<strong>bổ sung</strong>" in comment.body_html
    assert comment.clause_ref == "khoan-2" and comment.proposed_wording == "c) Chia sẻ dữ liệu;"


def test_body_is_normalised_to_nfc(app):
    comment = make_comment(body=unicodedata.normalize("NFD", "  quyền riêng tư  "))
    assert comment.body == "quyền riêng tư"


@pytest.mark.parametrize("body", ["", "   \n\t ", None])
def test_empty_body_rejected(app, body):
    with pytest.raises(ServiceError) as error:
        make_comment(body=body)
    assert error.value.field == "body"


def test_body_length_limit(app):
    app.config["CONSULT_COMMENT_MAX_CHARS"] = 50
    make_comment(body="a" * 50)
    with pytest.raises(ServiceError) as error:
        make_comment(body="a" * 51)
    assert "50" in error.value.message


def test_stance_must_be_known(app):
    with pytest.raises(ServiceError) as error:
        make_comment(stance="maybe")
    assert error.value.field == "stance"


def test_clause_ref_must_exist_in_article(app):
    consultation = make_consultation()
    with pytest.raises(ServiceError) as error:
        make_comment(consultation, section=article(consultation, 2), clause_ref="khoan-9")
    assert error.value.field == "clause_ref"
    with pytest.raises(ServiceError):
        make_comment(consultation, clause_ref="khoan-1")


def test_proposed_wording_only_for_an_article(app):
    with pytest.raises(ServiceError) as error:
        make_comment(proposed_wording="Câu chữ mới")
    assert error.value.field == "proposed_wording"


def test_section_must_belong_to_the_consultation(app):
    one, other = make_consultation(), make_consultation()
    with pytest.raises(ServiceError):
        make_comment(one, section=article(other, 1))


@pytest.mark.parametrize("phase", ["draft", "scheduled", "closed"])
def test_commenting_refused_unless_open(app, phase):
    consultation = make_consultation(phase=phase)
    with pytest.raises(ServiceError) as error:
        make_comment(consultation)
    assert "kết thúc" in error.value.message


def test_commenting_refused_after_closing_time_even_if_form_was_open(app):
    consultation = make_consultation()
    with pytest.raises(ServiceError):
        make_comment(consultation, now=consultation.closes_at + timedelta(seconds=1))


def test_anonymous_cannot_comment(app):
    from flask_login import AnonymousUserMixin

    with pytest.raises(NotAllowed):
        services.submit_comment(AnonymousUserMixin(), make_consultation(), "x", "agree")


def test_replies_are_one_level_deep(app):
    parent = make_comment()
    reply = services.reply_to_comment(make_user(), parent, "Đồng ý với bạn.")
    reply_to_reply = services.reply_to_comment(make_user(), reply, "Tôi cũng vậy.")
    assert reply.parent == parent and reply_to_reply.parent == parent
    assert reply.stance is None and reply.section == parent.section


def test_reply_refused_when_closed(app):
    parent = make_comment()
    with pytest.raises(ServiceError):
        services.reply_to_comment(make_user(), parent, "Muộn", now=utcnow() + timedelta(days=60))


def test_withdraw_keeps_the_comment(app):
    comment = make_comment()
    with pytest.raises(NotAllowed):
        services.withdraw_comment(make_user(), comment)
    services.withdraw_comment(comment.author, comment)
    assert comment.status == "withdrawn" and comment.withdrawn_at is not None
    assert comment.body == "Tôi đồng ý với dự thảo."
    with pytest.raises(NotAllowed):
        services.withdraw_comment(comment.author, comment)


def test_reactions_toggle_and_switch(app):
    comment = make_comment()
    user = make_user()
    services.react_to_comment(user, comment, "support")
    assert services.reaction_counts([comment.id])[comment.id] == {"support": 1, "oppose": 0}
    services.react_to_comment(user, comment, "oppose")
    assert services.reaction_counts([comment.id])[comment.id] == {"support": 0, "oppose": 1}
    services.react_to_comment(user, comment, "oppose")
    assert db.session.query(Reaction).count() == 0
    with pytest.raises(ServiceError):
        services.react_to_comment(comment.author, comment, "support")
    with pytest.raises(ServiceError):
        services.react_to_comment(user, comment, "love")


def test_changes_are_queued_for_search_in_the_same_transaction(app):
    comment = make_comment()
    services.withdraw_comment(comment.author, comment)
    db.session.flush()
    entries = db.session.query(OutboxEntry).filter_by(entity="comment",
                                                      entity_id=comment.id).count()
    assert entries == 2


def test_signals_are_sent(app):
    seen = []

    def on_submit(comment):
        seen.append(("submitted", comment.status))

    def on_status(comment, old_status):
        seen.append((old_status, comment.status))

    with comment_submitted.connected_to(on_submit), comment_status_changed.connected_to(on_status):
        comment = make_comment()
        services.withdraw_comment(comment.author, comment)
    assert seen == [("submitted", "published"), ("published", "withdrawn")]


def test_counts_and_pages_show_only_published(app):
    consultation = make_consultation()
    a1 = article(consultation, 1)
    visible = make_comment(consultation, section=a1)
    withdrawn = make_comment(consultation, section=a1)
    services.withdraw_comment(withdrawn.author, withdrawn)
    pending = make_comment(consultation, section=a1)
    pending.status = "pending"
    make_comment(consultation)
    assert services.published_counts_by_section(consultation.id) == {a1.id: 1, None: 1}
    page = comment_page(consultation, a1, None, 20)
    assert page.items == [visible]
    own_view = comment_page(consultation, a1, None, 20, viewer=pending.author)
    assert own_view.items == [visible, pending]
