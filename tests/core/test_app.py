from pathlib import Path

from consult import create_app
from tests.conftest import make_app


def test_factory_uses_test_config(tmp_path):
    app = make_app(tmp_path)
    assert app.testing
    assert app.config["CONSULT_INSTANCE_PATH"] == str(tmp_path / "instance")


def test_default_database_is_sqlite_in_instance_and_secret_is_generated(tmp_path, monkeypatch):
    monkeypatch.delenv("CONSULT_DATABASE_URL", raising=False)
    monkeypatch.delenv("CONSULT_SECRET_KEY", raising=False)
    monkeypatch.setenv("CONSULT_INSTANCE_PATH", str(tmp_path / "inst"))
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'inst' / 'consult.db'}"
    key_file = Path(tmp_path / "inst" / "secret_key")
    assert key_file.read_text() == app.config["SECRET_KEY"]
    assert len(app.config["SECRET_KEY"]) == 64
    assert create_app().config["SECRET_KEY"] == app.config["SECRET_KEY"]


def test_environment_overrides(tmp_path, monkeypatch):
    monkeypatch.setenv("CONSULT_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("CONSULT_SECRET_KEY", "from-env")
    monkeypatch.setenv("CONSULT_COMMENT_MAX_CHARS", "100")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["CONSULT_COMMENT_MAX_CHARS"] == 100
    assert app.config["SEARCH_INDEX"] == str(tmp_path / "search")


def test_sqlite_runs_with_foreign_keys_and_wal(app):
    from sqlalchemy import text

    from consult.extensions import db

    if db.engine.dialect.name != "sqlite":
        return
    assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_security_headers(client):
    response = client.get("/")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_unknown_page_is_a_vietnamese_404(client):
    response = client.get("/khong-co")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.get_data(as_text=True)


def test_json_clients_get_json_errors(client):
    response = client.get("/khong-co", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["error"]["status"] == 404


def test_language_switch_to_english_and_back(client):
    response = client.post("/lang/en", data={"next": "/"})
    assert response.status_code == 302
    assert 'lang="en"' in client.get("/").get_data(as_text=True)
    client.post("/lang/vi", data={"next": "https://evil.example/"})
    assert 'lang="vi"' in client.get("/").get_data(as_text=True)


def test_client_address_comes_from_the_proxy_only_when_configured(tmp_path):
    from flask import request

    seen = []
    for hops in (0, 1):
        app = make_app(tmp_path / str(hops), PROXY_HOPS=hops)
        app.add_url_rule("/_ip", "ip", lambda: request.remote_addr)
        seen.append(app.test_client().get("/_ip", headers={"X-Forwarded-For": "203.0.113.7"},
                                          environ_base={"REMOTE_ADDR": "10.0.0.2"}).text)
    assert seen == ["10.0.0.2", "203.0.113.7"]
