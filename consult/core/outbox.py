"""Transactional outbox: changes that derived data (search index, …) must follow.

A service that changes something derived data depends on calls ``enqueue`` in the same
transaction; a consumer (the search indexer) drains the rows after commit. A crash
between commit and consumption loses nothing: the rows are still there.
"""

from datetime import datetime

from flask import g, has_app_context
from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from consult.core.db_setup import utcnow
from consult.extensions import db


class OutboxEntry(db.Model):
    """One change to apply. Ids are never reused (SQLite AUTOINCREMENT): a consumer deletes
    the rows it read by id, which must not hit a newer row that took a freed id."""

    __tablename__ = "outbox"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    topic: Mapped[str] = mapped_column(String(40), nullable=False, index=True)
    entity: Mapped[str] = mapped_column(String(40), nullable=False)
    entity_id: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)


def enqueue(topic, entity, entity_id):
    """Record that ``entity`` #``entity_id`` changed, for consumers of ``topic``."""
    db.session.add(OutboxEntry(topic=topic, entity=entity, entity_id=entity_id))
    if has_app_context():
        g.outbox_topics = getattr(g, "outbox_topics", set()) | {topic}
