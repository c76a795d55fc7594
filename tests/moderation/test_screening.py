import pytest

from consult.moderation.screening import (
    has_link,
    has_personal_data,
    has_profanity,
    repeats_earlier,
    screen_text,
)


@pytest.mark.parametrize("text", [
    "Xem chi tiết tại https://example.com/khuyen-mai", "vào www.trangtin.vn nhé",
    "đăng ký ở bit.ly/abc123", "http://1.2.3.4/x"])
def test_links_are_caught(text):
    assert has_link(text)


@pytest.mark.parametrize("text", ["Tôi đồng ý với Điều 5.", "Luật số 24/2018/QH14 đã quy định.",
                                  "Khoản 2.3 cần rõ hơn", "e-mail của tôi là a@b.vn"])
def test_ordinary_text_and_emails_are_not_links(text):
    assert not has_link(text)


@pytest.mark.parametrize("text", [
    "địt mẹ bọn soạn luật", "dit me", "DIT ME", "đ.m bọn này", "d m", "Đ M", "vcl thật",
    "v.c.l", "đồ ngu", "do ngu", "thằng nguuuuu", "óc chó", "oc cho", "đồ lồn", "l.ồ.n",
    "đm", "ĐMMMM"])
def test_profanity_with_and_without_diacritics_and_obfuscated(text):
    assert has_profanity(text), text


@pytest.mark.parametrize("text", [
    "Đề nghị làm rõ khái niệm", "chúng ta phải lớn mạnh", "các bạn", "đi ngủ sớm",
    "Điều 5 đã mâu thuẫn", "dữ liệu cá nhân", "mỗi ngày", "cục An toàn thông tin"])
def test_ordinary_words_are_not_profanity(text):
    assert not has_profanity(text), text


@pytest.mark.parametrize("text", [
    "Gọi tôi 0912345678", "số 0912 345 678", "0912.345.678", "+84 912 345 678",
    "CMND 123456789", "CCCD: 012345678901", "thư gửi nguyen.van.a@gmail.com"])
def test_personal_data_is_caught(text):
    assert has_personal_data(text)


@pytest.mark.parametrize("text", ["Năm 2018, 43 điều", "Khoản 12345", "Luật số 24/2018/QH14",
                                  "mã 12345678"])
def test_numbers_that_are_not_personal_data(text):
    assert not has_personal_data(text)


def test_near_exact_repeat_of_own_comment():
    text = "Đề nghị bổ sung quy định về bảo vệ dữ liệu cá nhân của trẻ em trên mạng"
    earlier = [text + "."]
    assert repeats_earlier(text + "!", earlier)
    assert repeats_earlier("de nghi bo sung quy dinh ve bao ve du lieu ca nhan cua tre em "
                           "tren mang", earlier)
    assert not repeats_earlier("Tôi đồng ý với toàn bộ dự thảo, không có ý kiến gì thêm.", earlier)
    assert not repeats_earlier("Đồng ý.", ["Đồng ý."])  # too short to be a campaign


def test_repeat_among_long_comments_sharing_their_words():
    """Long comments made of the same few words (a campaign's template, reordered) are not
    copies of each other; an edit of a few words of one of them is."""
    import random

    rng = random.Random(7)
    words = ["quy định", "doanh nghiệp", "thủ tục", "rõ ràng", "bổ sung", "cần", "điều"]
    history = [" ".join(rng.choice(words) for _ in range(600)) for _ in range(50)]
    fresh = " ".join(rng.choice(words) for _ in range(600))
    assert not repeats_earlier(fresh, history)
    edited = history[31].replace("thủ tục", "thủ tục hành chính", 3)
    assert repeats_earlier(edited, history)


def test_screen_text_reports_every_code():
    result = screen_text("đ.m xem https://x.vn gọi 0912345678")
    assert result.codes == ["link", "profanity", "personal_data"]
    assert "đường dẫn" in result.reasons() and "thô tục" in result.reasons()
    assert not screen_text("Tôi đồng ý.").held


def test_the_authors_history_reads_their_rows_only(app):
    """ORDER BY id DESC LIMIT 50 of one author: through (author_id, id), not by walking the
    primary key (PostgreSQL did at a million comments: ~100 ms a new comment)."""
    from consult.moderation.services import _author_history
    from tests.factories import make_comment, make_user
    from tests.plans import sqlite_plans

    author = make_user()
    comments = [make_comment(author=author, body=f"Ý kiến số {n} về dự thảo") for n in range(3)]
    history, plans = sqlite_plans(lambda: _author_history(comments[-1]), "ORDER BY comments.id")
    assert history == [c.body for c in reversed(comments[:-1])]
    assert plans and all("ix_comments_author (" in plan and "TEMP B-TREE" not in plan
                         for plan in plans), plans
