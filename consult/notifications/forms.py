"""The notification preferences form: one pair of check boxes per kind."""

from flask_wtf import FlaskForm
from wtforms import BooleanField

from consult.notifications.models import KINDS


class PreferencesForm(FlaskForm):
    """``site_<kind>`` and ``email_<kind>`` for every kind (fields added below)."""

    def pairs(self):
        """[(kind, label, site field, e-mail field)] in the order of KINDS."""
        return [(kind, label, self[f"site_{kind}"], self[f"email_{kind}"])
                for kind, label in KINDS.items()]


for _kind in KINDS:
    setattr(PreferencesForm, f"site_{_kind}", BooleanField())
    setattr(PreferencesForm, f"email_{_kind}", BooleanField())
