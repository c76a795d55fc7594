"""outbox ids are never reused (SQLite AUTOINCREMENT)

Without AUTOINCREMENT SQLite hands out max(id)+1, so once the outbox is drained empty a new
row gets an id an indexer may still be holding from its previous read; deleting "its" rows
would then delete a change it never applied. PostgreSQL sequences never reuse ids.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 19:50:00
"""
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("outbox", recreate="always",
                                  table_kwargs={"sqlite_autoincrement": True}):
            pass


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("outbox", recreate="always",
                                  table_kwargs={"sqlite_autoincrement": False}):
            pass
