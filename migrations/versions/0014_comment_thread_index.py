"""indexes for the public comment pages: keyset pages of a thread, counts per article, replies

The article page reads the top-level published comments of one article (or the general
comments of a consultation) in (created_at, id) order from a cursor, finds a comment's place
in its thread (permalinks, the redirect after a new comment) and counts the published
comments per article. One index with the thread's equality columns first serves all three:
a range scan that stops after a page, and index-only scans for the counts
(bench/query_plans.py shows the plans; the load benchmark found the counts reading
thousands of table rows per request without it). It makes (consultation_id, status)
redundant: (consultation_id, status, created_at, id) has the same prefix.

The replies of a page's twenty comments (parent_id IN (…) AND status = 'published') get
(parent_id, status, id) in place of (parent_id): with the one-column index SQLite, which has
no statistics, chose the status index and read every published comment — 2.5 s per article
page at 1,000,000 comments (the load benchmark); now 0.1 ms.

On PostgreSQL the indexes are built CONCURRENTLY, so comments keep coming in meanwhile.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 12:00:00
"""
from alembic import op


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

NEW = {
    'ix_comments_thread': ['consultation_id', 'section_id', 'parent_id', 'status', 'created_at',
                           'id'],
    'ix_comments_replies': ['parent_id', 'status', 'id'],
}
REPLACED = {
    'ix_comments_consultation_status': ['consultation_id', 'status'],
    'ix_comments_parent_id': ['parent_id'],
}


def upgrade():
    concurrently = op.get_bind().dialect.name == "postgresql"
    for name, columns in NEW.items():
        if concurrently:
            with op.get_context().autocommit_block():
                op.create_index(name, 'comments', columns, unique=False,
                                postgresql_concurrently=True)
        else:
            op.create_index(name, 'comments', columns, unique=False)
    for name in REPLACED:
        op.drop_index(name, table_name='comments')


def downgrade():
    for name, columns in REPLACED.items():
        op.create_index(name, 'comments', columns, unique=False)
    for name in NEW:
        op.drop_index(name, table_name='comments')
