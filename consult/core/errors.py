"""Error pages in Vietnamese, JSON errors for API and JSON clients."""

from flask import current_app, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: "Yêu cầu không hợp lệ.",
    403: "Bạn không có quyền truy cập trang này.",
    404: "Không tìm thấy trang bạn yêu cầu.",
    405: "Phương thức không được hỗ trợ.",
    413: "Tệp tải lên quá lớn.",
    429: "Bạn thao tác quá nhanh. Vui lòng thử lại sau ít phút.",
    500: "Đã có lỗi xảy ra. Chúng tôi đã ghi nhận và sẽ khắc phục.",
}


def wants_json():
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes[
        "text/html"
    ]


#: machine-readable ``error.code`` of JSON errors
CODES = {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         413: "payload_too_large", 429: "too_many_requests", 500: "server_error"}


def error_response(code, message=None):
    """Render an error as a page or as JSON ``{"error": {...}}`` with status ``code``."""
    message = message or _(MESSAGES.get(code, MESSAGES[500]))
    if wants_json():
        return jsonify(error={"code": CODES.get(code, "error"), "status": code,
                              "message": message}), code
    return render_template("errors/error.html", code=code, message=message), code


def _too_large_message(limit):
    """The upload limit in words (the request was larger than MAX_CONTENT_LENGTH)."""
    mib = 1024 * 1024
    size = (f"{limit / mib:.1f}".removesuffix(".0") + " MB" if limit >= mib
            else f"{max(1, limit // 1024)} KB")
    return _("Tệp tải lên quá lớn: tối đa %(size)s. Hãy giảm dung lượng tệp (ví dụ bỏ hình "
             "ảnh) rồi thử lại.", size=size)


def _handle_http(exc):
    description = None
    if exc.code == 400 and exc.description and not exc.description.startswith("The browser"):
        description = exc.description
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if exc.code == 413 and limit and (request.content_length or 0) > limit:
        description = _too_large_message(limit)
    response = make_response(error_response(exc.code or 500, description))
    if getattr(exc, "valid_methods", None):  # 405 says which methods would work
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response


def _handle_csrf(_exc):
    return error_response(400, _("Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. "
                                 "Vui lòng tải lại trang và thử lại."))


def _handle_unexpected(exc):
    from consult.extensions import db

    db.session.rollback()
    if isinstance(exc, HTTPException):
        return _handle_http(exc)
    import logging

    logging.getLogger("consult").exception("Unhandled error")
    return error_response(500)


def init_app(app):
    app.register_error_handler(CSRFError, _handle_csrf)
    app.register_error_handler(HTTPException, _handle_http)
    if not app.testing:
        app.register_error_handler(Exception, _handle_unexpected)
