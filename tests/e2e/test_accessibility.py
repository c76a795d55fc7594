"""axe-core on every page type: no serious or critical violations."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.conftest import STAFF_EMAIL, log_in

PUBLIC_PAGES = ["/", "/dang-nhap", "/dang-ky", "/c/du-thao-luat-du-lieu",
                "/c/du-thao-luat-du-lieu/dieu-2", "/khong-co-trang-nay",
                "/c/du-thao-luat-thu-vien/thay-doi", "/c/du-thao-luat-thu-vien/thay-doi/dieu-11",
                "/c/du-thao-luat-thu-vien/phien-ban", "/c/du-thao-luat-thu-vien/phien-ban/1",
                "/c/du-thao-luat-thu-vien/phien-ban/1/dieu-10", "/c/du-thao-luat-thu-vien/dieu-11"]
STAFF_PAGES = ["/quan-ly", "/quan-ly/tao-moi", "/tai-khoan", "/c/du-thao-luat-du-lieu/sua",
               "/c/du-thao-luat-du-lieu/phien-ban/moi", "/c/du-thao-luat-du-lieu/tong-hop",
               "/c/du-thao-luat-du-lieu/tong-hop/tra-loi"]


def _serious(page):
    results = Axe().run(page)
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_have_no_serious_violations(page, path):
    page.goto(path)
    assert page.locator("html").get_attribute("lang") == "vi"
    assert _serious(page) == []


def test_staff_pages_have_no_serious_violations(page):
    log_in(page, STAFF_EMAIL)
    for path in STAFF_PAGES:
        page.goto(path)
        assert _serious(page) == [], path
