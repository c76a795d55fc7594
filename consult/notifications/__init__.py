"""Notifications: the in-site list, e-mail (queued, sent after commit), follows, feeds."""
