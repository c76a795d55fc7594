"""Signals other domains (moderation, notifications) subscribe to.

Receivers run inside the same transaction as the change, so whatever they write is
committed (or rolled back) together with it.
"""

from blinker import Namespace

_signals = Namespace()

#: sent with ``comment`` after a comment or reply is created (status already set)
comment_submitted = _signals.signal("comment-submitted")
#: sent with ``comment`` and ``old_status`` whenever a comment's status changes
comment_status_changed = _signals.signal("comment-status-changed")
#: sent with ``comment`` and ``answer`` when the agency answers a comment (dossier)
comment_answered = _signals.signal("comment-answered")
