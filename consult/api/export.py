"""The CSV bulk download: every published comment of a consultation, streamed.

Rows are read in keyset batches of plain columns (no ORM objects), written to a small
buffer and yielded, so memory stays flat whatever the number of rows.
"""

import csv
import io

from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from consult.accounts.models import User
from consult.api.pagination import after_key
from consult.api.serializers import CSV_COLUMNS, csv_row
from consult.comments.models import STATUS_PUBLISHED, Comment
from consult.drafts.models import Section
from consult.extensions import db

BATCH = 2000
#: rows written to the buffer before it is sent on
CHUNK_ROWS = 500
#: characters that make a spreadsheet read a cell as a formula (CSV injection)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_rows(consultation_id, batch=BATCH):
    """Yield the published comments' plain columns in (created_at, id) order, in batches."""
    parent = aliased(Comment)
    base = (select(Comment.id, Comment.created_at, Comment.parent_id, Comment.stance,
                   Comment.clause_ref, Comment.author_kind, Comment.is_official, Comment.body,
                   Comment.proposed_wording, Section.number, Section.kind.label("section_kind"),
                   User.display_name, User.kind.label("user_kind"), User.organisation_name,
                   User.province, User.deleted_at)
            .outerjoin(parent, parent.id == Comment.parent_id)
            .outerjoin(Section, Section.id == Comment.section_id)
            .outerjoin(User, User.id == Comment.author_id)
            .where(Comment.consultation_id == consultation_id,
                   Comment.status == STATUS_PUBLISHED,
                   or_(Comment.parent_id.is_(None), parent.status == STATUS_PUBLISHED))
            .order_by(Comment.created_at, Comment.id))
    last = None
    while True:
        query = base
        if last is not None:
            query = query.where(after_key(Comment.created_at, Comment.id, *last))
        rows = db.session.execute(query.limit(batch)).all()
        yield from rows
        if len(rows) < batch:
            return
        last = (rows[-1].created_at, rows[-1].id)


def _safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_stream(consultation_id, url_prefix, batch=BATCH):
    """Yield the CSV (UTF-8 with BOM, so spreadsheet programs read Vietnamese right)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(CSV_COLUMNS)
    for n, row in enumerate(export_rows(consultation_id, batch), 1):
        writer.writerow([_safe(v) for v in csv_row(row, url_prefix)])
        if n % CHUNK_ROWS == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")
