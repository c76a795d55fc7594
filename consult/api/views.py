"""API entry points: the index, the OpenAPI document, the human documentation page."""

from flask import render_template, url_for

from consult.api import (  # noqa: F401  (routes on bp)
    comment_views,
    consultation_views,
    dossier_views,
    params,
)
from consult.api.http import PREFIX, add_cors, bp, json_response
from consult.api.openapi import PATHS, openapi_document


def _server_url():
    return url_for("api.index", _external=True).rstrip("/")


@bp.get("/")
def index():
    """Anyone: what the API offers, with links."""
    params.check_known(())
    return json_response({
        "name": "consult open data API",
        "version": "1",
        "documentation": url_for("api.docs", _external=True),
        "openapi": url_for("api.openapi", _external=True),
        "consultations": url_for("api.consultations", _external=True),
    })


@bp.get("/openapi.json")
def openapi():
    """Anyone: the OpenAPI 3 document of this API."""
    params.check_known(())
    return json_response(openapi_document(_server_url()))


@bp.get("/docs")
def docs():
    """Anyone: the API documented for people, from the same OpenAPI document."""
    document = openapi_document(_server_url())
    return render_template("api/docs.html", document=document, paths=PATHS, prefix=PREFIX)


def init_app(app):
    app.register_blueprint(bp)
    app.after_request(add_cors)
