"""Moderation: screening, reports (flags), the moderator queue, the append-only audit log."""
