"""index for the public comment pages: keyset pages of a thread, counts per article

The article page reads the top-level published comments of one article (or the general
comments of a consultation) in (created_at, id) order from a cursor, and counts them per
article. One index with the thread's equality columns first serves both: a range scan that
stops after a page, and an index-only scan for the counts (bench/query_plans.py shows the
plans). On PostgreSQL it is built CONCURRENTLY, so comments keep coming in meanwhile.

Revision ID: 0014
Revises: 0010
Create Date: 2026-12-06 12:00:00
"""
from alembic import op


revision = '0014'
down_revision = '0010'
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


def downgrade():
    op.drop_index(NAME, table_name='comments')
