"""The XSS corpus rendered into a real thread page in headless Chromium: no script runs, and
the DOM the browser builds holds nothing outside the allowlist.

Checked twice: with the page's CSP bypassed, so the sanitiser alone must hold, and with the
CSP in force, where any attempt shows up as a violation report.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from forum.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render
from forum.models import Reply
from tests.browser import signed_in_context

# Committed data (the live server reads it from its own thread); the seeded specialties are
# restored after each test.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

VECTORS = json.loads((Path(__file__).parent / "fixtures" / "xss_vectors.json").read_text())

# Runs before any page script (Playwright injects it), whatever the CSP says.
RECORDER = """
window.__calls = [];
window.__violations = [];
for (const name of ["alert", "confirm", "prompt", "print", "__xss"]) {
  window[name] = (...args) => { window.__calls.push(name + "(" + String(args[0]) + ")"); };
}
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + event.blockedURI);
});
"""

# Judges the DOM the browser built from the posts, after its own parsing.
DOM_CHECK = """
([tags, attributes]) => {
  const problems = [];
  for (const element of document.querySelectorAll(".reply .prose *, .case-section .prose *")) {
    const tag = element.tagName.toLowerCase();
    if (!tags.includes(tag)) problems.push("element " + tag);
    for (const attribute of element.attributes) {
      const allowed = (attributes[tag] || []).concat(tag === "a" ? ["rel"] : []);
      if (!allowed.includes(attribute.name)) problems.push(tag + "[" + attribute.name + "]");
    }
    if (tag === "a" && element.href && !/^https?:$/.test(new URL(element.href).protocol)) {
      problems.push("a href " + element.href);
    }
  }
  for (const script of document.scripts) {
    if (!script.src || new URL(script.src).origin !== location.origin) {
      problems.push("script " + (script.src || script.textContent.slice(0, 40)));
    }
  }
  return problems;
}
"""


@pytest.fixture
def bobs_cookie(session_cookie, bob) -> dict:
    return session_cookie(bob)


@pytest.fixture
def poisoned_case(make_case, alice, bob):
    """A case whose sections and replies carry every vector in the corpus."""
    case = make_case(alice)
    # Straight into the rows: the PHI screen would (rightly) stop these URLs at the form.
    sample = "\n\n".join(vector["vector"] for vector in VECTORS[::25]).replace("\x00", "")
    case.presentation = sample
    case.rendered = {**case.rendered, "presentation": render(sample)}
    case.save()
    # NUL bytes never reach the database: the forms refuse them (tested below), and
    # PostgreSQL would too.
    bodies = [vector["vector"].replace("\x00", "") for vector in VECTORS]
    Reply.objects.bulk_create(
        Reply(case=case, author=bob, body=body, body_html=render(body)) for body in bodies
    )
    return case


@pytest.mark.parametrize("bypass_csp", [True, False], ids=["sanitiser-alone", "with-csp"])
def test_no_vector_runs_script_in_chromium(
    poisoned_case, bobs_cookie, chromium, live_server, bypass_csp
):
    context = signed_in_context(chromium, live_server, bobs_cookie, bypass_csp=bypass_csp)
    context.add_init_script(RECORDER)
    page = context.new_page()
    elsewhere: list[str] = []
    page.on(
        "request",
        lambda request: (
            None if request.url.startswith(live_server.url) else elsewhere.append(request.url)
        ),
    )
    try:
        response = page.goto(f"/cases/{poisoned_case.pk}/", wait_until="load")
        assert response is not None and response.status == 200
        # The page really holds the corpus: one rendered reply per vector.
        assert page.locator(".reply").count() == len(VECTORS)
        # Hover and focus everything a handler could hang on, in case one slipped through.
        page.evaluate(
            "() => { for (const el of document.querySelectorAll('.prose *')) {"
            " for (const type of ['mouseover', 'focus', 'click', 'animationstart'])"
            " el.dispatchEvent(new Event(type)); } }"
        )
        assert page.evaluate("window.__calls") == []
        assert page.evaluate("window.__violations") == []
        problems = page.evaluate(
            DOM_CHECK,
            [sorted(ALLOWED_TAGS), {tag: sorted(a) for tag, a in ALLOWED_ATTRIBUTES.items()}],
        )
        assert problems == []
        assert elsewhere == []  # nothing was fetched from another origin
    finally:
        context.close()


def test_the_recorder_would_see_a_script_run(bobs_cookie, chromium, live_server):
    # The same instruments, on a page that does run script: the test can fail.
    context = signed_in_context(chromium, live_server, bobs_cookie, bypass_csp=True)
    context.add_init_script(RECORDER)
    page = context.new_page()
    try:
        page.goto("/healthz")
        page.set_content('<img src="x" onerror="alert(1)"><p onclick="x">a</p>')
        page.wait_for_function("window.__calls.length > 0")
        assert page.evaluate("window.__calls") == ["alert(1)"]
    finally:
        context.close()
