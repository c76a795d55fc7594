"""Revised drafts made from a real law, as agencies revise them between rounds.

``insert_article`` adds an article at the start of a chapter and renumbers every following
article (and the cross-references "Điều N" in the text), which is what a drafting agency
does when it inserts a provision; the matcher must follow each renumbered article.
"""

import re

NEW_ARTICLE = ("Điều {n}. Nguyên tắc công khai, minh bạch\n"
               "1. Việc xây dựng, ban hành và tổ chức thi hành văn bản phải bảo đảm công khai, "
               "minh bạch, có sự tham gia của cơ quan, tổ chức, cá nhân.\n"
               "2. Cơ quan chủ trì soạn thảo có trách nhiệm tiếp thu, giải trình ý kiến góp ý.")

_DIEU_LINE = re.compile(r"^Điều (\d+)\.", re.MULTILINE)
_REFERENCE = re.compile(r"\bĐiều (\d+)\b")


def insert_article(text, chapter="II"):
    """``text`` with a new article first in Chương ``chapter``; later articles renumbered.

    Returns (new text, number of the inserted article).
    """
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == f"Chương {chapter}")
    first = next(i for i in range(start, len(lines)) if _DIEU_LINE.match(lines[i]))
    inserted = int(_DIEU_LINE.match(lines[first]).group(1))

    def shift(match):
        number = int(match.group(1))
        return f"Điều {number + 1 if number >= inserted else number}"

    shifted = [_REFERENCE.sub(shift, line) for line in lines]
    new = shifted[:first] + NEW_ARTICLE.format(n=inserted).split("\n") + shifted[first:]
    return "\n".join(new) + "\n", inserted


def amend_article(text, number, old, new):
    """``text`` with the phrase ``old`` replaced by ``new`` inside article ``number``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"Điều {number}."))
    end = next((i for i in range(start + 1, len(lines)) if _DIEU_LINE.match(lines[i])),
               len(lines))
    body = "\n".join(lines[start:end])
    if old not in body:
        raise ValueError(f"'{old}' is not in Điều {number}")
    return "\n".join(lines[:start] + body.replace(old, new, 1).split("\n") + lines[end:]) + "\n"


def remove_article(text, number):
    """``text`` without article ``number`` (later articles keep their numbers)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"Điều {number}."))
    end = next((i for i in range(start + 1, len(lines)) if _DIEU_LINE.match(lines[i])),
               len(lines))
    return "\n".join(lines[:start] + lines[end:]) + "\n"
