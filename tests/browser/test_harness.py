"""The browser harness itself: it must notice what it is there to catch."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_the_page_fixture_records_csp_violations(page):
    page.route(
        "http://probe.test/",
        lambda route: route.fulfill(
            status=200,
            headers={"Content-Security-Policy": "script-src 'self'", "Content-Type": "text/html"},
            body="<p>probe</p><script>document.title = 'ran'</script>",
        ),
    )
    page.goto("http://probe.test/")
    page.wait_for_function("document.readyState === 'complete'")
    assert page.title() != "ran"
    assert any("Content Security Policy" in problem for problem in page.problems)
    page.problems.clear()  # caught as expected: the fixture must not fail this test
