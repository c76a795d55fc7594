"""Password hashes (consult.accounts.passwords): Argon2id made, older kinds accepted and
replaced at the next login."""

from werkzeug.security import generate_password_hash

from consult.accounts import passwords, services
from consult.accounts.models import User
from consult.extensions import db
from tests.factories import PASSWORD, login, make_user


def test_argon2id_with_owasp_parameters():
    stored = passwords.hash_password(PASSWORD)
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert stored != passwords.hash_password(PASSWORD)  # salted
    assert passwords.verify_password(stored, PASSWORD)
    assert not passwords.verify_password(stored, PASSWORD + "x")
    assert not passwords.needs_rehash(stored)


def test_older_and_unreadable_hashes():
    scrypt = generate_password_hash(PASSWORD, method="scrypt")
    assert passwords.verify_password(scrypt, PASSWORD)
    assert not passwords.verify_password(scrypt, "sai-mat-khau")
    assert passwords.needs_rehash(scrypt)
    weaker = passwords.hash_password(PASSWORD).replace("m=19456,t=2", "m=8192,t=1")
    assert passwords.needs_rehash(weaker) and passwords.needs_rehash("$argon2id$garbage")
    for broken in ["", "$argon2id$garbage", "scrypt:1$2", "không phải mã băm"]:
        assert not passwords.verify_password(broken, PASSWORD)
    fast = passwords.hash_password(PASSWORD, "pbkdf2:sha256:1000")
    assert passwords.verify_password(fast, PASSWORD)
    assert not passwords.needs_rehash(fast, "pbkdf2:sha256:1000")
    assert passwords.needs_rehash(fast) and passwords.needs_rehash(scrypt, "pbkdf2:sha256:1000")


def test_a_login_replaces_an_older_hash(app, client):
    app.config["CONSULT_PASSWORD_HASH_METHOD"] = passwords.ARGON2ID
    user = make_user()
    user.password_hash = generate_password_hash(PASSWORD, method="scrypt")
    db.session.commit()
    assert login(client, user, "sai-mat-khau").status_code == 422
    assert db.session.get(User, user.id).password_hash.startswith("scrypt:")  # not on failure
    assert login(client, user).status_code == 302
    db.session.expire_all()
    renewed = db.session.get(User, user.id).password_hash
    assert renewed.startswith("$argon2id$") and passwords.verify_password(renewed, PASSWORD)
    assert services.authenticate(user.email, PASSWORD) is not None
    assert db.session.get(User, user.id).password_hash == renewed  # current: kept


def test_a_blocked_account_keeps_its_old_hash(app):
    app.config["CONSULT_PASSWORD_HASH_METHOD"] = passwords.ARGON2ID
    user = make_user()
    user.password_hash = generate_password_hash(PASSWORD, method="scrypt")
    user.is_blocked = True
    assert services.authenticate(user.email, PASSWORD) is None
    assert user.password_hash.startswith("scrypt:")
