import pytest

from consult.accounts.taxcode import is_valid_tax_code


@pytest.mark.parametrize("code", ["0100109106", "0300588569", "0100109106-001", " 0300588569 "])
def test_valid_tax_codes(code):
    assert is_valid_tax_code(code)


@pytest.mark.parametrize("code", ["0100109107", "010010910", "01001091061", "0100109106-01",
                                  "0100109106-000", "abcdefghij", "", "0100109106-0011"])
def test_invalid_tax_codes(code):
    assert not is_valid_tax_code(code)
