"""What the article page costs in the browser: weight and timings (reported, and bounded)."""

import json

from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, STAFF_EMAIL, log_in

WEIGHT_LIMIT = 200 * 1024


def test_article_page_weight_and_timings(page):
    page.goto("/c/du-thao-luat-du-lieu/dieu-2")
    page.wait_for_load_state("load")
    metrics = page.evaluate("""() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const resources = performance.getEntriesByType('resource');
        const paint = performance.getEntriesByName('first-contentful-paint')[0];
        const comments = [...document.querySelectorAll('.comment-body')]
            .reduce((n, el) => n + new Blob([el.innerHTML]).size, 0);
        return {
            html_bytes: nav.decodedBodySize,
            resource_bytes: resources.reduce((n, r) => n + (r.decodedBodySize || 0), 0),
            resources: resources.length,
            comment_text_bytes: comments,
            first_contentful_paint_ms: paint ? Math.round(paint.startTime) : null,
            dom_content_loaded_ms: Math.round(nav.domContentLoadedEventEnd),
            load_ms: Math.round(nav.loadEventEnd),
        };
    }""")
    metrics["total_without_comments"] = (metrics["html_bytes"] + metrics["resource_bytes"]
                                         - metrics["comment_text_bytes"])
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    report = ARTIFACTS / f"perf-article-{page.viewport_name}.json"
    report.write_text(json.dumps(metrics, indent=2))
    assert metrics["total_without_comments"] <= WEIGHT_LIMIT, metrics
    assert metrics["resources"] <= 4, metrics


def test_markdown_preview_in_the_composer(page):
    log_in(page, STAFF_EMAIL)
    page.goto("/c/du-thao-luat-du-lieu/dieu-1")
    page.get_by_label("Nội dung góp ý").fill("**Đậm** và <script>alert(1)</script>")
    page.get_by_role("button", name="Xem trước").click()
    expect(page.locator(".preview strong")).to_have_text("Đậm")
    assert page.locator(".preview script").count() == 0
