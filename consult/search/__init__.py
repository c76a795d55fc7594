"""Search: a Whoosh index of published comments and public draft sections.

The database is the source of truth; the index follows it through the outbox
(``consult.core.outbox``) and can be rebuilt at any time (``consult search reindex``).
"""
