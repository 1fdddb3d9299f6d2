"""Every page of the committed site/ opened in headless Chromium, offline.

Each page is opened twice, the two ways the README gives for reading the site:

* over http from the repository root (as ``python3 -m http.server`` would serve it; here
  a thread of http.server on 127.0.0.1 and a free port), which gives real HTTP statuses
  for every request and link;
* as a file (``file://.../site/index.html``), as when a reader double-clicks it.

Every request of the page is routed through the test: a request to any other host is
aborted and recorded. A page passes when it loads with no console error, no uncaught
exception, no failed request, no HTTP error and no off-host request; every <img> has
loaded with a non-zero natural size (and there are at least as many as the notebook has
image outputs, or the manifest figures); and every link resolves (HTTP 200, or the file
exists; a #fragment names an element of the page).

The site is rendered by ``python3 repro.py run`` (``dronediplomacy.reporting.site``) and committed;
tests/test_site.py checks it is complete and offline without a browser.
"""

import contextlib
import functools
import json
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import pytest

from conftest import is_local
from dronediplomacy import paths
from dronediplomacy import pipeline
from dronediplomacy.reporting import site

PRESENT = [n for n in pipeline.NAMES if (paths.NOTEBOOKS / n).is_file()]
PAGES = ["index.html"] + [site.page_name(n) for n in PRESENT]
NAVIGATION_TIMEOUT_MS = 15_000

IMAGES_JS = """() => Array.from(document.images).map(i => ({
    src: (i.currentSrc || i.src).slice(0, 120), complete: i.complete,
    width: i.naturalWidth, height: i.naturalHeight}))"""
LINKS_JS = """() => Array.from(document.querySelectorAll('a[href]')).map(a => ({
    raw: a.getAttribute('href'), url: a.href}))"""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep pytest's output clean
        pass


@contextlib.contextmanager
def serve(directory: Path):
    """http.server in a thread on 127.0.0.1, on a port the OS chooses (so it is free)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", httpd.server_address[1]
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def server():
    """The repository root over http, so ``site/`` and its relative links to
    ``../figures/`` (and to data files) resolve as they do in a clone."""
    with serve(paths.ROOT) as address:
        yield address


class Visit:
    """What happened while one page loaded."""

    def __init__(self) -> None:
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.failed: list[str] = []
        self.http_errors: list[str] = []
        self.off_host: list[str] = []
        self.images: list[dict] = []
        self.links: list[dict] = []
        self.ids: set[str] = set()

    def problems(self) -> dict[str, list]:
        bad_images = [i for i in self.images
                      if not (i["complete"] and i["width"] > 0 and i["height"] > 0)]
        found = {"console errors": self.console_errors, "uncaught exceptions": self.page_errors,
                 "failed requests": self.failed, "HTTP errors": self.http_errors,
                 "off-host requests (aborted)": self.off_host, "images not loaded": bad_images}
        return {k: v for k, v in found.items() if v}


def visit(browser, url: str, port: int | None) -> Visit:
    """Open ``url`` in a fresh browser context, recording everything that went wrong."""
    seen = Visit()
    context = browser.new_context(java_script_enabled=True, service_workers="block")

    def route(route):
        request_url = route.request.url
        if is_local(request_url, port):
            route.continue_()
        else:
            seen.off_host.append(request_url)
            route.abort("blockedbyclient")

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and seen.console_errors.append(
        f"{m.text} ({m.location.get('url', '')})"))
    page.on("pageerror", lambda e: seen.page_errors.append(str(e)))
    page.on("requestfailed", lambda r: seen.failed.append(f"{r.url[:120]}: {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and seen.http_errors.append(
        f"{r.status} {r.url}"))
    try:
        response = page.goto(url, wait_until="load", timeout=NAVIGATION_TIMEOUT_MS)
        if response is not None and response.status != 200 and url.startswith("http"):
            seen.http_errors.append(f"{response.status} {url}")
        # Every <img> has been waited for by the load event; decode() makes sure the
        # browser could also decode it (a truncated PNG loads but does not decode).
        page.evaluate("() => Promise.all(Array.from(document.images).map("
                      "i => i.decode().catch(() => null)))")
        seen.images = page.evaluate(IMAGES_JS)
        seen.links = page.evaluate(LINKS_JS)
        seen.ids = set(page.evaluate("() => Array.from(document.querySelectorAll('[id]'))"
                                     ".map(e => e.id)"))
    finally:
        context.close()
    return seen


def unresolved_links(seen: Visit, page_url: str, request) -> list[str]:
    """Links of the page that do not resolve: same-document fragments must name an
    element; other local targets must answer 200 (http) or exist (file). Links to
    other hosts are not followed (a click, not a request) and are reported by the caller."""
    bad = []
    page_base, _ = urldefrag(page_url)
    for link in seen.links:
        target, fragment = urldefrag(link["url"])
        if not is_local(link["url"]) or urlsplit(link["url"]).scheme in ("data", "about"):
            continue
        if target == page_base:
            # As browsers do (HTML "indicated part"): the fragment as written, then decoded.
            if fragment and not {fragment, unquote(fragment)} & seen.ids:
                bad.append(f"{link['raw']}: no element with this id")
            continue
        if target.startswith("file:"):
            if not Path(unquote(urlsplit(target).path)).is_file():
                bad.append(f"{link['raw']}: no such file")
        else:
            status = request.get(target, max_redirects=0).status
            if status != 200:
                bad.append(f"{link['raw']}: HTTP {status}")
    return bad


def expected_images(page: str) -> int:
    """How many <img> the page must show at least: the manifest's figures on the index,
    the PNG/JPEG outputs of the notebook elsewhere (nbconvert inlines SVG as <svg>)."""
    if page == "index.html":
        return len(site.read_manifest(paths.FIGURES / "manifest.csv"))
    notebook = json.loads((paths.NOTEBOOKS / (page[:-len(".html")] + ".ipynb")).read_text())
    return sum(1 for cell in notebook["cells"] for output in cell.get("outputs", [])
               if {"image/png", "image/jpeg"} & set(output.get("data", {})))


@pytest.mark.parametrize("how", ["http", "file"])
@pytest.mark.parametrize("page", PAGES)
def test_page_loads_offline_with_every_image_and_link(browser, server, page, how):
    path = paths.SITE / page
    assert path.is_file(), (f"{paths.relative(path)} is missing: render the site with "
                            f"'python3 repro.py run' (or '.venv/bin/python -m dronediplomacy.reporting.site')")
    base, port = server
    url = f"{base}/site/{page}" if how == "http" else path.as_uri()
    seen = visit(browser, url, port if how == "http" else None)
    assert seen.problems() == {}, f"{page} over {how}"
    assert len(seen.images) >= expected_images(page), f"{page}: images missing from the page"
    context = browser.new_context()
    try:
        broken = unresolved_links(seen, url, context.request)
    finally:
        context.close()
    assert broken == [], f"{page} over {how}: links that do not resolve"
    if page == "index.html":
        linked = {urldefrag(link["raw"])[0] for link in seen.links}
        assert {site.page_name(n) for n in PRESENT} <= linked, "index does not link every page"
        off_host_links = [link["raw"] for link in seen.links if not is_local(link["url"])]
        assert off_host_links == [], "the index links to other hosts"


def test_the_checks_catch_a_broken_page(browser, tmp_path):
    """Not hollow: a page with an off-host image, a missing image, a script error, a
    console error and broken links fails every corresponding check."""
    bad = tmp_path / "site" / "broken.html"
    bad.parent.mkdir()
    bad.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>bad</title></head><body>'
        '<img src="https://cdn.example.org/x.png" alt="off host">'
        '<img src="../figures/no-such-figure.png" alt="missing">'
        '<a href="no-such-page.html">broken</a><a href="#nowhere">fragment</a>'
        '<script>console.error("boom"); undefinedFunction();</script></body></html>',
        encoding="utf-8")
    with serve(tmp_path) as (base, port):
        for url, local_port in ((f"{base}/site/{bad.name}", port), (bad.as_uri(), None)):
            seen = visit(browser, url, local_port)
            problems = seen.problems()
            assert any("cdn.example.org" in u for u in seen.off_host), url
            assert any("boom" in e for e in seen.console_errors), url
            assert any("undefinedFunction" in e for e in seen.page_errors), url
            assert len(problems["images not loaded"]) == 2, url
            context = browser.new_context()
            try:
                broken = unresolved_links(seen, url, context.request)
            finally:
                context.close()
            assert sorted(b.split(":")[0] for b in broken) == ["#nowhere", "no-such-page.html"]
