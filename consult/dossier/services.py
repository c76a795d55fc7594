"""Agency answers to comments (one, many, a whole campaign or theme), publication of the
dossier, and the queries of the review workspace.

Services flush, never commit. Every answer keeps its earlier texts (AnswerVersion); bulk
answers and publication append a DossierEvent.
"""

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update

from consult.comments.models import Comment
from consult.comments.signals import comment_answered, comment_status_changed, comment_submitted
from consult.core import keyset
from consult.core.db_setup import utcnow
from consult.core.exceptions import NotAllowed, ServiceError
from consult.core.numbers import whole_number
from consult.core.text import normalize_text
from consult.dossier.analysis import get_analysis, run_is_alive
from consult.dossier.corpus import covered
from consult.dossier.models import (
    DISPOSITIONS,
    EXPLANATION_REQUIRED,
    Analysis,
    Answer,
    AnswerVersion,
    Assignment,
    DossierEvent,
)
from consult.drafts.models import (
    PHASE_CLOSED,
    PHASE_CONCLUDED,
    PHASE_DRAFT,
    STATUS_CONCLUDED,
)
from consult.drafts.signals import dossier_published
from consult.extensions import db

GROUP_KINDS = ("campaign", "theme")
_CHUNK = 500


def _check_manager(user, consultation):
    if not consultation.can_manage(user):
        raise NotAllowed(_("Chỉ cán bộ cơ quan soạn thảo mới trả lời được ý kiến."))


def _clean_answer(disposition, explanation):
    if disposition not in DISPOSITIONS:
        raise ServiceError(_("Vui lòng chọn hình thức tiếp thu, giải trình."), field="disposition")
    explanation = normalize_text(explanation)
    if disposition in EXPLANATION_REQUIRED and not explanation:
        raise ServiceError(_("Vui lòng viết nội dung tiếp thu, giải trình."), field="explanation")
    limit = current_app.config["CONSULT_COMMENT_MAX_CHARS"]
    if len(explanation) > limit:
        raise ServiceError(_("Nội dung trả lời dài quá %(n)d ký tự.", n=limit),
                           field="explanation")
    return explanation


def answer_comments(user, consultation, comment_ids, disposition, explanation, scope=None,
                    only_unanswered=False, now=None):
    """Give the same answer to some comments of ``consultation``.

    Comments the dossier does not cover (replies, hidden, withdrawn, the agency's own) are
    skipped; so is a comment whose answer already says exactly this. Returns the number of
    comments whose answer changed.
    """
    _check_manager(user, consultation)
    if consultation.phase() in (PHASE_DRAFT, "scheduled"):
        raise ServiceError(_("Chỉ trả lời được khi dự thảo đã được lấy ý kiến."))
    explanation = _clean_answer(disposition, explanation)
    now = now or utcnow()
    ids = sorted({int(i) for i in comment_ids})
    changed = 0
    for start in range(0, len(ids), _CHUNK):
        rows = db.session.execute(
            select(Comment, Answer).outerjoin(Answer, Answer.comment_id == Comment.id)
            .where(Comment.id.in_(ids[start:start + _CHUNK]), *covered(consultation.id))).all()
        given = []
        for comment, answer in rows:
            if answer is not None and (only_unanswered or (
                    answer.disposition, answer.explanation) == (disposition, explanation)):
                continue
            given.append((comment, _set_answer(user, consultation, comment, answer, disposition,
                                               explanation, scope, now)))
        db.session.flush()  # answers have their ids before subscribers hear of them
        for comment, answer in given:
            comment_answered.send(comment, answer=answer)
        changed += len(given)
    if changed:
        db.session.execute(update(Analysis).where(Analysis.consultation_id == consultation.id)
                           .values(answers_changed_at=now))
        if consultation.status == STATUS_CONCLUDED:
            consultation.updated_at = now  # public answers changed: the pages' stamp
        if len(ids) > 1:
            db.session.add(DossierEvent(consultation_id=consultation.id, action="answered",
                                        user=user, details=f"{changed} comments, {disposition}"
                                        + (f", {scope}" if scope else "")))
        db.session.flush()
    return changed


def _set_answer(user, consultation, comment, answer, disposition, explanation, scope, now):
    if answer is None:
        answer = Answer(comment_id=comment.id, consultation_id=consultation.id, version=0)
        db.session.add(answer)
    answer.version += 1
    answer.disposition = disposition
    answer.explanation = explanation
    answer.answered_by = user
    answer.answered_at = now
    db.session.add(AnswerVersion(answer=answer, number=answer.version, disposition=disposition,
                                 explanation=explanation, author=user, scope=scope,
                                 created_at=now))
    return answer


def group_comment_ids(consultation, kind, number):
    """Ids of the comments of one campaign or theme of the cached analysis."""
    if kind not in GROUP_KINDS:
        raise ServiceError(_("Nhóm ý kiến không hợp lệ."))
    column = Assignment.campaign if kind == "campaign" else Assignment.theme
    return db.session.scalars(select(Assignment.comment_id).where(
        Assignment.consultation_id == consultation.id, column == number)).all()


def answer_group(user, consultation, kind, number, disposition, explanation,
                 only_unanswered=False):
    """Answer every comment of a campaign or a theme at once."""
    ids = group_comment_ids(consultation, kind, number)
    if not ids:
        raise ServiceError(_("Không tìm thấy nhóm ý kiến này; hãy phân tích lại."))
    return answer_comments(user, consultation, ids, disposition, explanation,
                           scope=f"{kind}:{number}", only_unanswered=only_unanswered)


def answered_counts(consultation):
    """(answered, covered): how far the agency is with answering."""
    total = db.session.scalar(select(func.count(Comment.id)).where(*covered(consultation.id)))
    answered = db.session.scalar(
        select(func.count(Answer.id)).join(Comment, Comment.id == Answer.comment_id)
        .where(*covered(consultation.id)))
    return answered, total


def disposition_counts(consultation):
    """{disposition: number of answered comments} (what the public sees once concluded)."""
    rows = db.session.execute(
        select(Answer.disposition, func.count(Answer.id))
        .where(Answer.consultation_id == consultation.id).group_by(Answer.disposition))
    return {disposition: n for disposition, n in rows}


def publish_dossier(user, consultation, now=None):
    """Publish the dossier: the consultation becomes concluded and its answers public.

    Needs a closed consultation, an up-to-date analysis and an answer for every comment.
    """
    _check_manager(user, consultation)
    phase = consultation.phase(now)
    if phase == PHASE_CONCLUDED:
        raise ServiceError(_("Bản tổng hợp đã được công bố."))
    if phase != PHASE_CLOSED:
        raise ServiceError(_("Chỉ công bố được khi đợt lấy ý kiến đã kết thúc."))
    analysis = get_analysis(consultation.id)
    if analysis is None or not analysis.has_result or analysis.is_stale or run_is_alive(
            analysis):
        raise ServiceError(_("Cần phân tích lại ý kiến trước khi công bố."))
    answered, total = answered_counts(consultation)
    if answered < total:
        raise ServiceError(_("Còn %(n)d ý kiến chưa được trả lời.", n=total - answered))
    consultation.status = STATUS_CONCLUDED
    consultation.closed_at = consultation.closed_at or (now or utcnow())
    db.session.add(DossierEvent(consultation_id=consultation.id, action="published", user=user,
                                details=f"{total} comments answered"))
    db.session.flush()
    dossier_published.send(consultation)


def published_answers(comments):
    """{comment id: Answer} for the comments of concluded consultations among ``comments``."""
    ids = [c.id for c in comments if c.consultation.status == STATUS_CONCLUDED]
    if not ids:
        return {}
    return {a.comment_id: a for a in db.session.scalars(
        select(Answer).where(Answer.comment_id.in_(ids)))}


def comment_answer(comment):
    return db.session.scalar(select(Answer).where(Answer.comment_id == comment.id))


def events(consultation, limit=50):
    return db.session.scalars(
        select(DossierEvent).where(DossierEvent.consultation_id == consultation.id)
        .order_by(DossierEvent.id.desc()).limit(limit)).all()


# ---- the review workspace ----------------------------------------------------------------

@dataclass
class Filters:
    section: str | None = None      # a section id, or "general"
    stance: str | None = None
    kind: str | None = None
    campaign: int | None = None
    theme: int | None = None
    answered: str | None = None     # "yes" | "no"
    disposition: str | None = None


#: the review workspace's order for keyset pages: oldest comment first
REVIEW_ORDER = [(Comment.id, False)]


def review_page(consultation, filters, cursor=None, per_page=50):
    """One keyset page (``cursor``: ``keyset.requested(REVIEW_ORDER)``) of the comments
    under review with their answers and groups, oldest first: (comment, answer, assignment)
    rows."""
    conditions = list(covered(consultation.id))
    if filters.section == "general":
        conditions.append(Comment.section_id.is_(None))
    elif whole_number(filters.section) is not None:
        conditions.append(Comment.section_id == int(filters.section))
    if filters.stance:
        conditions.append(Comment.stance == filters.stance)
    if filters.kind:
        conditions.append(Comment.author_kind == filters.kind)
    if filters.campaign is not None:
        conditions.append(Assignment.campaign == filters.campaign)
    if filters.theme is not None:
        conditions.append(Assignment.theme == filters.theme)
    if filters.answered == "yes":
        conditions.append(Answer.id.is_not(None))
    elif filters.answered == "no":
        conditions.append(Answer.id.is_(None))
    if filters.disposition:
        conditions.append(Answer.disposition == filters.disposition)

    def joined(query):
        return (query.outerjoin(Answer, Answer.comment_id == Comment.id)
                .outerjoin(Assignment, Assignment.comment_id == Comment.id).where(*conditions))

    total = db.session.scalar(joined(select(func.count(Comment.id))))
    return keyset.page(joined(select(Comment, Answer, Assignment)), REVIEW_ORDER,
                       lambda row: (row[0].id,), per_page, cursor, total)


# ---- keeping the cache honest ------------------------------------------------------------

def _mark_changed(comment, **_kwargs):
    """A covered comment appeared or changed status: the cached analysis is now stale.

    Written only when it is not stale yet (nor since the start of a run in progress): during
    a surge every comment would otherwise update, and on PostgreSQL lock, the same row, one
    transaction after the other. No autoflush here: other receivers (notifications) wait for
    the flush to see the reason moderation sets just after the status.
    """
    if comment.parent_id is None:
        with db.session.no_autoflush:
            db.session.execute(update(Analysis).where(
                Analysis.consultation_id == comment.consultation_id,
                or_(Analysis.changed_at.is_(None), Analysis.changed_at < Analysis.source_at,
                    Analysis.changed_at < Analysis.started_at)).values(changed_at=utcnow()))


def connect_signals():
    comment_submitted.connect(_mark_changed)
    comment_status_changed.connect(_mark_changed)
