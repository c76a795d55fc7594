"""The API blueprint and its HTTP manners: JSON errors, CORS, ETag / Last-Modified with
304, per-IP rate limit."""

import json
from datetime import UTC

from flask import Blueprint, current_app, jsonify, request
from flask_limiter.util import get_remote_address

from consult.api.params import ApiError
from consult.core.ratelimit import configured
from consult.extensions import limiter

PREFIX = "/api/v1"
bp = Blueprint("api", __name__, url_prefix=PREFIX)
limiter.limit(configured("API"), key_func=get_remote_address, scope="api")(bp)

CORS_METHODS = ("GET", "HEAD", "OPTIONS")
EXPOSED = ("ETag", "Last-Modified", "Link", "Retry-After", "X-RateLimit-Limit",
           "X-RateLimit-Remaining", "X-RateLimit-Reset")
#: the API reads no request body; anything larger than this is refused with 413
MAX_BODY = 1024


def error_json(status, code, message, parameter=None):
    error = {"code": code, "status": status, "message": message}
    if parameter:
        error["parameter"] = parameter
    response = jsonify(error=error)
    response.status_code = status
    return response


@bp.errorhandler(ApiError)
def _api_error(error):
    return error_json(error.status, error.code, error.message, error.parameter)


@bp.before_request
def _refuse_bodies():
    if (request.content_length or 0) > MAX_BODY:
        return error_json(413, "payload_too_large", "the API takes no request body")
    return None


def is_api_request():
    return request.path == PREFIX or request.path.startswith(PREFIX + "/")


def add_cors(response):
    """``Access-Control-Allow-Origin: *`` on GET/HEAD/OPTIONS of the API (reads only)."""
    if is_api_request() and request.method in CORS_METHODS:
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = ", ".join(EXPOSED)
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = ", ".join(CORS_METHODS)
            response.headers["Access-Control-Allow-Headers"] = (
                "Accept, If-None-Match, If-Modified-Since")
            response.headers["Access-Control-Max-Age"] = "86400"
    return response


def json_response(payload, last_modified=None, next_url=None):
    """A cacheable JSON response: strong ETag of the body, Last-Modified, 304 when the
    client's copy is current."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    response = current_app.response_class(body, mimetype="application/json")
    response.add_etag()
    if last_modified is not None:
        response.last_modified = last_modified.replace(tzinfo=UTC, microsecond=0)
    response.headers["Cache-Control"] = "public, no-cache"
    if next_url:
        response.headers["Link"] = f'<{next_url}>; rel="next"'
    return response.make_conditional(request)


def page_payload(items, next_url, limit):
    return {"data": items, "next": next_url, "limit": limit}
