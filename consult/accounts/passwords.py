"""Password hashes.

New hashes are Argon2id with the parameters OWASP's Password Storage Cheat Sheet gives as
its first choice (19 MiB of memory, 2 passes, 1 lane). Hashes made earlier with werkzeug
(scrypt with N = 2^15, which is below OWASP's scrypt minimum of 2^17, or PBKDF2) are still
accepted, and replaced by a new hash at the owner's next successful login
(``consult.accounts.services.authenticate``). Tests configure a fast PBKDF2 instead
(``CONSULT_PASSWORD_HASH_METHOD``).
"""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from werkzeug.security import check_password_hash, generate_password_hash

ARGON2ID = "argon2id"
_ARGON2_PREFIX = "$argon2id$"
_argon2 = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def hash_password(password, method=ARGON2ID):
    """A salted hash of ``password``: Argon2id, or a werkzeug ``method`` ("pbkdf2:sha256:…")."""
    if method == ARGON2ID:
        return _argon2.hash(password)
    return generate_password_hash(password, method=method)


def verify_password(stored, password):
    """Whether ``password`` matches the ``stored`` hash, whichever kind it is; False for a
    hash that cannot be read."""
    if stored.startswith("$argon2"):
        try:
            return _argon2.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False
    return check_password_hash(stored, password)


def needs_rehash(stored, method=ARGON2ID):
    """Whether ``stored`` was made another way than ``method`` (or with older parameters)."""
    if method == ARGON2ID:
        try:
            return not stored.startswith(_ARGON2_PREFIX) or _argon2.check_needs_rehash(stored)
        except InvalidHashError:
            return True
    return stored.split("$", 1)[0] != method
