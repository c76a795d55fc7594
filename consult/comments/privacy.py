"""A user's comments and reactions in their personal-data download."""

from sqlalchemy import select

from consult.accounts.signals import personal_data_requested
from consult.comments.models import Comment, Reaction
from consult.extensions import db


def _iso(value):
    return value.isoformat() + "Z" if value else None


def comments_of(user):
    """("comments", [...]) — every comment the user wrote, in any status."""
    comments = db.session.scalars(
        select(Comment).where(Comment.author_id == user.id).order_by(Comment.id)).all()
    return "comments", [
        {
            "id": c.id,
            "consultation": c.consultation.slug,
            "section": c.section.label if c.section else None,
            "reply_to": c.parent_id,
            "body": c.body,
            "stance": c.stance,
            "proposed_wording": c.proposed_wording,
            "clause_ref": c.clause_ref,
            "status": c.status,
            "created_at": _iso(c.created_at),
        }
        for c in comments
    ]


def reactions_of(user):
    """("reactions", [...]) — the user's support / oppose reactions."""
    reactions = db.session.scalars(
        select(Reaction).where(Reaction.user_id == user.id).order_by(Reaction.id)).all()
    return "reactions", [{"comment_id": r.comment_id, "kind": r.kind,
                          "created_at": _iso(r.created_at)} for r in reactions]


def init_app(_app):
    personal_data_requested.connect(comments_of)
    personal_data_requested.connect(reactions_of)
