"""Signals for personal data: other domains add their part of a user's data."""

from blinker import Namespace

_signals = Namespace()

#: sent with ``user``; each receiver returns ``(section_name, json_serialisable_data)``
personal_data_requested = _signals.signal("personal-data-requested")
#: sent with ``user`` before their personal data are erased; receivers scrub their own tables
account_closing = _signals.signal("account-closing")
