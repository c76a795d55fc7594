"""indexes for the per-article comment counts

The load benchmark (bench/load.py) found two counts reading thousands of table rows per
request at 100,000 comments: the published comments per article of a consultation (every
consultation and article page) and the place of a new comment in its article's thread (every
comment POST). (consultation_id, status, parent_id, section_id) answers the first from the
index alone and replaces (consultation_id, status), a prefix of it; (section_id, status,
parent_id, id) answers the second.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-10 12:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index('ix_comments_consultation_status')
        batch_op.create_index('ix_comments_consultation_counts',
                              ['consultation_id', 'status', 'parent_id', 'section_id'],
                              unique=False)
        batch_op.create_index('ix_comments_section_thread',
                              ['section_id', 'status', 'parent_id', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index('ix_comments_section_thread')
        batch_op.drop_index('ix_comments_consultation_counts')
        batch_op.create_index('ix_comments_consultation_status', ['consultation_id', 'status'],
                              unique=False)
