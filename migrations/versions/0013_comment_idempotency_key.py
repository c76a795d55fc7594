"""idempotency key on comments

The random key of the form that sent a comment, unique per author (NULL for older rows), so
a retried submission finds the comment it created.

Revision ID: 0013
Revises: 0010
Create Date: 2026-12-10 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('idempotency_key', sa.String(length=80), nullable=True))
        batch_op.create_unique_constraint('uq_comments_author_id_idempotency_key',
                                          ['author_id', 'idempotency_key'])


def downgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_constraint('uq_comments_author_id_idempotency_key', type_='unique')
        batch_op.drop_column('idempotency_key')
