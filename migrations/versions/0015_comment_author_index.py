"""comments by author in id order: (author_id, id) in place of (author_id)

Every new comment is screened against its author's last 50 comments (ORDER BY id DESC
LIMIT 50). With the one-column index PostgreSQL walked the primary key backwards and
filtered on the author: at 1,000,000 comments, with each author 1 in 5,000 rows, about
250,000 rows per comment, ~100 ms — the load benchmark's PostgreSQL comments/s. With
(author_id, id) the query reads the author's 50 rows. The new index serves every query the
old one did (same first column).

On PostgreSQL the index is built CONCURRENTLY, so comments keep coming in meanwhile.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 17:40:00
"""
from alembic import op


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            op.create_index('ix_comments_author', 'comments', ['author_id', 'id'], unique=False,
                            postgresql_concurrently=True)
    else:
        op.create_index('ix_comments_author', 'comments', ['author_id', 'id'], unique=False)
    op.drop_index('ix_comments_author_id', table_name='comments')


def downgrade():
    op.create_index('ix_comments_author_id', 'comments', ['author_id'], unique=False)
    op.drop_index('ix_comments_author', table_name='comments')
