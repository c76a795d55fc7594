from datetime import timedelta
from pathlib import Path

import pytest

from consult.core.db_setup import utcnow
from consult.core.exceptions import ServiceError
from consult.core.outbox import OutboxEntry
from consult.drafts import services
from consult.drafts.models import DraftVersion, Section
from consult.extensions import db
from tests.factories import SMALL_LAW, make_agency, make_consultation

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


def _create(text=SMALL_LAW, **kwargs):
    now = utcnow()
    args = {"agency": make_agency(), "title": "Dự thảo Luật Thử nghiệm", "doc_type": "Luật",
            "summary": "", "opens_at": now, "closes_at": now + timedelta(days=30), "text": text}
    args.update(kwargs)
    return services.create_consultation(**args)


def test_create_consultation_stores_the_section_tree(app):
    consultation = _create()
    version = consultation.current_version
    assert consultation.status == "draft" and consultation.phase() == "draft"
    assert consultation.slug == "du-thao-luat-thu-nghiem"
    assert [s.label for s in version.sections] == [
        "Chương I", "Điều 1", "Điều 2", "Chương II", "Điều 3"]
    article2 = version.sections[2]
    assert article2.parent.label == "Chương I" and article2.depth == 1
    assert article2.anchor == "dieu-2" and "a) Thu thập dữ liệu;" in article2.body
    assert "Căn cứ Hiến pháp" in version.preamble
    assert "CHỦ TỊCH QUỐC HỘI" in version.closing


def test_real_law_imports_every_article(app):
    consultation = _create(text=(DATA / "luat-thu-vien-2019.txt").read_text(encoding="utf-8"))
    version = consultation.current_version
    assert len(version.articles()) == 52
    assert sum(1 for s in version.sections if s.kind == "muc") == 4
    assert sum(1 for s in version.sections if s.kind == "chuong") == 6


def test_slugs_are_unique(app):
    assert _create().slug != _create().slug


@pytest.mark.parametrize("kwargs,field", [
    ({"title": "  "}, "title"),
    ({"doc_type": "Thư tình"}, "doc_type"),
    ({"text": "Không có cấu trúc"}, "text"),
])
def test_create_rejects_bad_input(app, kwargs, field):
    with pytest.raises(ServiceError) as error:
        _create(**kwargs)
    assert error.value.field == field


def test_unparseable_text_names_the_line(app):
    text = SMALL_LAW.replace("Điều 3. Hiệu lực", "Điều 1. Hiệu lực")
    with pytest.raises(ServiceError) as error:
        _create(text=text)
    assert "Dòng" in error.value.message


def test_closing_must_follow_opening(app):
    now = utcnow()
    with pytest.raises(ServiceError) as error:
        _create(opens_at=now, closes_at=now)
    assert error.value.field == "closes_at"


def test_lifecycle_publish_open_close(app):
    now = utcnow()
    consultation = _create(opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=5))
    services.publish_consultation(consultation, now)
    assert consultation.phase(now) == "scheduled"
    with pytest.raises(ServiceError):
        services.publish_consultation(consultation, now)
    services.open_consultation(consultation, now)
    assert consultation.phase(now) == "open"
    later = now + timedelta(hours=1)
    services.close_consultation(consultation, later)
    assert consultation.phase(later) == "closed" and consultation.closes_at == later
    with pytest.raises(ServiceError):
        services.close_consultation(consultation, later)


def test_consultation_closes_by_itself_at_closing_time(app):
    consultation = make_consultation()
    assert consultation.phase() == "open"
    assert consultation.phase(consultation.closes_at) == "closed"
    assert consultation.phase(consultation.opens_at - timedelta(seconds=1)) == "scheduled"


def test_publish_refused_when_closing_time_passed(app):
    now = utcnow()
    consultation = _create(opens_at=now - timedelta(days=3), closes_at=now - timedelta(days=1))
    with pytest.raises(ServiceError):
        services.publish_consultation(consultation, now)


def test_text_can_be_replaced_only_while_draft(app):
    consultation = _create()
    replaced = SMALL_LAW.replace("Điều 3. Hiệu lực thi hành", "Điều 3. Hiệu lực")
    services.update_consultation(consultation, "Tên mới", "Luật", "", consultation.opens_at,
                                 consultation.closes_at, replaced)
    db.session.flush()
    assert consultation.title == "Tên mới"
    assert consultation.current_version.articles()[-1].title == "Hiệu lực"
    assert db.session.query(DraftVersion).count() == 1
    assert db.session.query(Section).count() == 5
    services.publish_consultation(consultation)
    with pytest.raises(ServiceError):
        services.update_consultation(consultation, "Tên mới", "Luật", "", consultation.opens_at,
                                     consultation.closes_at, SMALL_LAW)


def test_publishing_queues_the_sections_for_search(app):
    consultation = _create()
    services.publish_consultation(consultation)
    db.session.flush()
    entries = db.session.query(OutboxEntry).filter_by(entity="consultation").all()
    assert entries and entries[-1].entity_id == consultation.id


def test_home_listing_groups_by_phase(app):
    open_one = make_consultation(phase="open")
    scheduled = make_consultation(phase="scheduled")
    closed = make_consultation(phase="closed")
    draft = make_consultation(phase="draft")
    listing = services.home_listing()
    assert listing["open"] == [open_one]
    assert listing["closing_soon"] == []
    open_one.closes_at = utcnow() + timedelta(days=3)
    assert services.home_listing()["closing_soon"] == [open_one]
    assert listing["upcoming"] == [scheduled]
    assert listing["closed"] == [closed]
    assert draft not in listing["open"] + listing["upcoming"] + listing["closed"]


def test_neighbour_articles(app):
    version = make_consultation().current_version
    first, second, third = version.articles()
    assert services.neighbour_articles(version, first) == (None, second)
    assert services.neighbour_articles(version, third) == (second, None)
