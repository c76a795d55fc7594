"""index for the public comment pages: keyset pages of a thread, counts per article

The article page reads the top-level published comments of one article (or the general
comments of a consultation) in (created_at, id) order from a cursor, finds a comment's place
in its thread (permalinks, the redirect after a new comment) and counts the published
comments per article. One index with the thread's equality columns first serves all three:
a range scan that stops after a page, and index-only scans for the counts
(bench/query_plans.py shows the plans; the load benchmark found the counts reading
thousands of table rows per request without it). It makes (consultation_id, status)
redundant: (consultation_id, status, created_at, id) has the same prefix. On PostgreSQL the
index is built CONCURRENTLY, so comments keep coming in meanwhile.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 12:00:00
"""
from alembic import op


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

NAME = 'ix_comments_thread'
COLUMNS = ['consultation_id', 'section_id', 'parent_id', 'status', 'created_at', 'id']


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            op.create_index(NAME, 'comments', COLUMNS, unique=False,
                            postgresql_concurrently=True)
    else:
        op.create_index(NAME, 'comments', COLUMNS, unique=False)
    op.drop_index('ix_comments_consultation_status', table_name='comments')


def downgrade():
    op.create_index('ix_comments_consultation_status', 'comments',
                    ['consultation_id', 'status'], unique=False)
    op.drop_index(NAME, table_name='comments')
