from consult.core.markup import render_markdown

HOSTILE = [
    "<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src='https://evil.example'></iframe>",
    '<p onclick="alert(1)">hi</p>',
    "<svg onload=alert(1)>",
    '[x](data:text/html;base64,PHNjcmlwdD4=)',
]


def test_markdown_keeps_basic_formatting():
    html = str(render_markdown("**đậm** và *nghiêng*\n\n- một\n- hai\n\n> trích"))
    assert "<strong>đậm</strong>" in html
    assert "<em>nghiêng</em>" in html
    assert "<li>một</li>" in html
    assert "<blockquote>" in html


def test_links_get_safe_rel():
    html = str(render_markdown("[luật](https://example.vn/luat)"))
    assert 'href="https://example.vn/luat"' in html
    assert 'rel="nofollow noopener ugc"' in html


def test_hostile_input_never_yields_executable_html():
    for source in HOSTILE:
        html = str(render_markdown(source)).lower()
        assert "<script" not in html
        assert "javascript:" not in html
        assert "onerror" not in html and "onclick" not in html and "onload" not in html
        assert "<iframe" not in html and "<svg" not in html and "<img" not in html
        assert "data:text" not in html


def test_threads_render_with_their_own_converter_alike():
    """The converter and sanitiser are reused per thread (they keep parser state): threads
    rendering at once each get what one thread alone gets."""
    from concurrent.futures import ThreadPoolExecutor

    sources = [f"**Ý kiến {n}**\n\n- xem https://vi.wikipedia.org/{n}\n- `mã {n}`"
               for n in range(40)]
    alone = [str(render_markdown(source)) for source in sources]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = [str(html) for html in pool.map(render_markdown, sources * 3)]
    assert together == alone * 3
    assert 'href="https://vi.wikipedia.org/7" rel="nofollow noopener ugc"' in alone[7]
