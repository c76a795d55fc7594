"""Vietnamese tax code (mã số thuế) validation."""

import re

_FORMAT = re.compile(r"^(\d{10})(?:-(\d{3}))?$")
_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def normalize_tax_code(value):
    return re.sub(r"\s+", "", value or "")


def is_valid_tax_code(value):
    """True for a 10-digit code (or 10-3 branch code) whose check digit is right.

    The tenth digit is ``10 - (Σ dᵢ·wᵢ mod 11)`` with weights 31, 29, 23, 19, 17, 13, 7, 5, 3.
    """
    match = _FORMAT.match(normalize_tax_code(value))
    if not match:
        return False
    digits = [int(ch) for ch in match.group(1)]
    check = 10 - sum(d * w for d, w in zip(digits[:9], _WEIGHTS, strict=True)) % 11
    if check == 10:
        return False
    branch = match.group(2)
    if branch is not None and branch == "000":
        return False
    return check == digits[9]
