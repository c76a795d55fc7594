"""What pages cost in the browser: bytes and timings, written to artifacts/e2e/perf-*.json
(docs/benchmarks/browser.md has the figures); every page within the weight budget."""

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, STAFF_EMAIL, log_in

WEIGHT_LIMIT = 200 * 1024  # html + CSS + JS + images, the comments' own text not counted
PAGES = {"home": "/", "consultation": "/c/du-thao-luat-du-lieu",
         "article": "/c/du-thao-luat-du-lieu/dieu-2", "search": "/search?q=du+lieu"}

# Navigation and resource timing of the page just loaded; first contentful paint waited for
# (headless Chromium reports it a moment after "load" at times).
METRICS = """async () => {
    const nav = performance.getEntriesByType('navigation')[0];
    const resources = performance.getEntriesByType('resource');
    const paint = await new Promise((resolve) => {
        const seen = performance.getEntriesByName('first-contentful-paint')[0];
        if (seen) { resolve(seen); return; }
        new PerformanceObserver((list, observer) => {
            observer.disconnect();
            resolve(list.getEntriesByName('first-contentful-paint')[0]);
        }).observe({type: 'paint', buffered: true});
        setTimeout(() => resolve(null), 5000);
    });
    const comments = [...document.querySelectorAll('.comment-body, .snippet')]
        .reduce((n, el) => n + new Blob([el.innerHTML]).size, 0);
    return {
        html_bytes: nav.decodedBodySize,
        resource_bytes: resources.reduce((n, r) => n + (r.decodedBodySize || 0), 0),
        resources: resources.length,
        names: resources.map((r) => new URL(r.name).pathname.split('/').pop()),
        comment_text_bytes: comments,
        first_contentful_paint_ms: paint ? Math.round(paint.startTime) : null,
        dom_content_loaded_ms: Math.round(nav.domContentLoadedEventEnd),
        load_ms: Math.round(nav.loadEventEnd),
    };
}"""


@pytest.mark.parametrize("name", list(PAGES))
def test_page_weight_and_timings(page, name):
    """Each page in a fresh browser (cold cache): what a first visit downloads and waits for.
    The server is warmed first (templates compiled, queries cached by SQLite) outside the
    browser's cache, so the timings are the browser's, not the first request of a process."""
    page.request.get(PAGES[name])
    page.goto(PAGES[name])
    page.wait_for_load_state("load")
    metrics = page.evaluate(METRICS)
    metrics["total_without_comments"] = (metrics["html_bytes"] + metrics["resource_bytes"]
                                         - metrics["comment_text_bytes"])
    metrics.update(page=PAGES[name], viewport=page.viewport_size)
    report = ARTIFACTS / f"perf-{name}-{page.viewport_name}.json"
    report.write_text(json.dumps(metrics, indent=2))
    assert set(metrics["names"]) <= {"site.css", "site.js", "favicon.svg"}, metrics  # no CDN
    assert metrics["resource_bytes"] > 0 and metrics["html_bytes"] > 0, metrics
    assert metrics["total_without_comments"] <= WEIGHT_LIMIT, metrics
    assert metrics["first_contentful_paint_ms"] is not None, metrics


def test_markdown_preview_in_the_composer(page):
    log_in(page, STAFF_EMAIL)
    page.goto("/c/du-thao-luat-du-lieu/dieu-1")
    page.get_by_label("Nội dung góp ý").fill("**Đậm** và <script>alert(1)</script>")
    page.get_by_role("button", name="Xem trước").click()
    expect(page.locator(".preview strong")).to_have_text("Đậm")
    assert page.locator(".preview script").count() == 0
