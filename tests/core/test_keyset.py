"""Keyset pages of the staff lists: walking both ways, mixed orders, cursors from outside."""

from datetime import datetime

from sqlalchemy import select

from consult.comments.models import Comment
from consult.core import keyset
from consult.extensions import db
from tests.factories import make_comment, make_consultation, make_user

OLDEST = [(Comment.created_at, False), (Comment.id, False)]


def _ids(page):
    return [comment.id for comment in page.items]


def _walk(query, order, per_page, key_of=lambda c: (c.created_at, c.id)):
    """Every page forward from the first, then every page back from the last."""
    forward = [keyset.page(query, order, key_of, per_page)]
    while forward[-1].next:
        forward.append(keyset.page(query, order, key_of, per_page,
                                   (keyset.AFTER, keyset.decode(forward[-1].next, _types(order)))))
    backward = [forward[-1]]
    while backward[-1].previous:
        backward.append(keyset.page(query, order, key_of, per_page, (
            keyset.BEFORE, keyset.decode(backward[-1].previous, _types(order)))))
    return forward, backward


def _types(order):
    return [column.type.python_type for column, _descending in order]


def _comments(count):
    consultation = make_consultation()
    made = [make_comment(consultation, author=make_user(), body=f"Ý kiến thứ {n} về dự thảo.")
            for n in range(count)]
    db.session.commit()
    return made


def test_pages_forward_and_back_cover_every_row_once(app):
    made = _comments(11)
    query = select(Comment)
    forward, backward = _walk(query, OLDEST, 4)
    assert [len(p.items) for p in forward] == [4, 4, 3]
    assert sum((_ids(p) for p in forward), []) == [c.id for c in made]
    assert [_ids(p) for p in backward] == [_ids(p) for p in reversed(forward)]
    assert forward[0].is_first and forward[0].previous is None and forward[-1].next is None


def test_a_mixed_order_pages_by_every_column(app):
    """Newest stance first, then oldest comment: each column in its own direction."""
    made = _comments(9)
    for n, comment in enumerate(made):
        comment.stance = ("agree", "disagree", "amend")[n % 3]
    db.session.commit()
    order = [(Comment.stance, True), (Comment.created_at, False), (Comment.id, False)]
    forward, backward = _walk(select(Comment), order, 2,
                              key_of=lambda c: (c.stance, c.created_at, c.id))
    walked = sum((_ids(p) for p in forward), [])
    expected = sorted(made, key=lambda c: (c.stance, -c.id), reverse=True)
    assert walked == [c.id for c in expected]
    assert sum((_ids(p) for p in reversed(backward)), []) == walked


def test_rows_added_meanwhile_are_neither_repeated_nor_skipped(app):
    made = _comments(6)
    first = keyset.page(select(Comment), OLDEST, lambda c: (c.created_at, c.id), 3)
    newer = make_comment(made[0].consultation, author=make_user(), body="Ý kiến đến sau cùng.")
    db.session.commit()
    second = keyset.page(select(Comment), OLDEST, lambda c: (c.created_at, c.id), 3,
                         (keyset.AFTER, keyset.decode(first.next, _types(OLDEST))))
    assert _ids(second) == [made[3].id, made[4].id, made[5].id] and second.next
    assert newer.id not in _ids(first)


def test_cursors_that_do_not_fit_are_refused(app):
    key = (datetime(2026, 1, 2, 3, 4, 5), 7)
    cursor = keyset.encode(key)
    assert keyset.decode(cursor, [datetime, int]) == key
    for bad in ("", "%%%", "e30", keyset.encode([1, 2]), keyset.encode(key) + "x" * 400,
                keyset.encode((key[0], 2**70)), keyset.encode((key[0], True)),
                keyset.encode(["hôm qua", 7])):
        assert keyset.decode(bad, [datetime, int]) is None, bad
    assert keyset.decode(cursor, [datetime, int, int]) is None


def test_a_page_before_the_start_is_the_first_page(app):
    made = _comments(3)
    before_all = (keyset.BEFORE, (made[0].created_at, made[0].id))
    page = keyset.page(select(Comment), OLDEST, lambda c: (c.created_at, c.id), 2, before_all)
    assert _ids(page) == [made[0].id, made[1].id] and page.is_first and page.next
