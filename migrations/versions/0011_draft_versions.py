"""draft versions: a note and an author per version, sections matched to the previous version

Revision ID: 0011
Revises: 0012
Create Date: 2026-12-02 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('draft_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_draft_versions_created_by_id_users'),
                                    'users', ['created_by_id'], ['id'])
    with op.batch_alter_table('draft_versions', schema=None) as batch_op:
        batch_op.alter_column('note', server_default=None)

    with op.batch_alter_table('sections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previous_section_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_sections_previous_section_id'),
                              ['previous_section_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_sections_previous_section_id_sections'),
                                    'sections', ['previous_section_id'], ['id'])


def downgrade():
    with op.batch_alter_table('sections', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_sections_previous_section_id_sections'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_sections_previous_section_id'))
        batch_op.drop_column('previous_section_id')

    with op.batch_alter_table('draft_versions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_draft_versions_created_by_id_users'),
                                 type_='foreignkey')
        batch_op.drop_column('created_by_id')
        batch_op.drop_column('note')
