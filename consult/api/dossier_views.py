"""API: the dossier (bản tổng hợp, tiếp thu, giải trình ý kiến) of a concluded consultation."""

from flask import abort
from flask_babel import force_locale

from consult.api import params, queries
from consult.api.consultation_views import consultation_or_404
from consult.api.http import bp, json_response
from consult.core.db_setup import utcnow
from consult.dossier.export_tabular import dossier_data
from consult.drafts.models import STATUS_CONCLUDED


@bp.get("/consultations/<slug>/dossier")
def consultation_dossier(slug):
    """Anyone, once the agency has published it: the dossier as JSON (docs/dossier.md)."""
    params.check_known(())
    consultation = consultation_or_404(slug)
    if consultation.status != STATUS_CONCLUDED:
        abort(404)
    with force_locale("vi"):
        payload = dossier_data(consultation)
    payload.pop("generated_at", None)  # the body must not change between requests (ETag)
    return json_response(payload, queries.consultation_last_modified(consultation, utcnow()))
