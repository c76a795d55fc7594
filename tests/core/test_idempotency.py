import pytest

from consult.core.exceptions import ServiceError
from consult.core.idempotency import clean_key, is_valid_key, new_key


def test_new_keys_are_valid_and_never_repeat():
    keys = {new_key() for _ in range(1000)}
    assert len(keys) == 1000 and all(is_valid_key(k) and len(k) == 32 for k in keys)


def test_clean_key_accepts_none_and_well_formed_keys_only():
    assert clean_key(None) is None and clean_key("") is None
    longest = "a-b_c" * 12 + "abcd"
    assert clean_key("A" * 16) == "A" * 16 and clean_key(longest) == longest
    for bad in ["A" * 15, "A" * 65, "khóa" * 5, "abc def ghi jkl mno", "x\n" * 10, 42]:
        with pytest.raises(ServiceError):
            clean_key(bad)
