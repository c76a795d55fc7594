"""Signals about consultations, for notifications and caches."""

from blinker import Namespace

_signals = Namespace()

#: sent with ``consultation`` when staff publish it (it opens at ``opens_at``)
consultation_published = _signals.signal("consultation-published")
#: sent with ``consultation`` when staff close it early
consultation_closed = _signals.signal("consultation-closed")
#: sent with ``consultation`` when the agency publishes its dossier (status concluded)
dossier_published = _signals.signal("dossier-published")
#: sent with the new ``DraftVersion`` when staff publish a new version of a consultation
version_published = _signals.signal("version-published")
