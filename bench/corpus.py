"""Realistic Vietnamese comment text for benchmarks, built from the laws in demo_data."""

import random
import re
from pathlib import Path

LAWS = Path(__file__).resolve().parent.parent / "consult" / "demo_data"
OPENINGS = ["Tôi đồng ý với", "Đề nghị sửa đổi", "Chưa rõ ràng ở", "Cần bổ sung vào",
            "Không đồng ý với quy định tại", "Xin góp ý về", "Đề nghị làm rõ",
            "Ban soạn thảo nên xem lại", "Ủng hộ nội dung", "Có ý kiến khác về"]
CLOSINGS = ["vì thực tế áp dụng còn nhiều khó khăn.", "để bảo đảm quyền lợi của người dân.",
            "nhằm tránh chồng chéo với luật chuyên ngành.", "cho phù hợp với thông lệ quốc tế.",
            "và cần có lộ trình thực hiện hợp lý.", "vì chi phí tuân thủ của doanh nghiệp cao.",
            "để thống nhất cách hiểu giữa các cơ quan.", ""]


def law_sentences(rng):
    """Clauses of the two laws, cut into phrases of 6–20 words (cut where ``rng`` says)."""
    phrases = []
    for path in sorted(LAWS.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            words = re.sub(r"^(\d+\.|[a-zđ]\))\s*", "", line.strip()).split()
            for start in range(0, len(words), 12):
                chunk = words[start:start + 12 + rng.randint(-6, 8)]
                if len(chunk) >= 6:
                    phrases.append(" ".join(chunk).rstrip(".;:,"))
    return phrases


def comments(count, seed=7, noisy_share=0.1):
    """``count`` varied comments; ``noisy_share`` of them contain something to screen."""
    rng = random.Random(seed)  # not the process's ``random``: the caller's draws stay theirs
    phrases = law_sentences(random.Random(seed))
    noise = ["xem thêm tại https://vi-du.vn/bai-viet", "liên hệ 0912 345 678", "đ.m bọn này",
             "thằng nguuuu", "email toi@example.com", "CCCD 012345678901", "dit me"]
    out = []
    for _ in range(count):
        parts = [rng.choice(OPENINGS), rng.choice(phrases).lower()]
        if rng.random() < 0.5:
            parts.append(rng.choice(phrases).lower())
        parts.append(rng.choice(CLOSINGS))
        if rng.random() < noisy_share:
            parts.insert(rng.randint(1, len(parts)), rng.choice(noise))
        out.append(" ".join(p for p in parts if p))
    return out
