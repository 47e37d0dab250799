"""The Neo4j Browser guide: written from docs/starter-queries.md, served by the local server's launcher,
played (with the style) when Browser connects, and a block runs in headless Chromium."""

from __future__ import annotations

import html
import re
import urllib.error
import urllib.request
from urllib.parse import urlparse

import pytest

from fulian import browser_guide, neo4j_server
from conftest import in_ci
from neo4j_fixture import require_neo4j


def test_guide_holds_every_starter_query_and_the_style(tmp_path):
    path = browser_guide.write_guide(tmp_path / "guide", "http://127.0.0.1:9999")
    page = path.read_text(encoding="utf-8")
    blocks = [html.unescape(b) for b in re.findall(r'<pre class="pre-scrollable code runnable">(.*?)</pre>', page, re.S)]
    queries = browser_guide.starter_queries()
    for q in queries:
        assert q.query in blocks, q.title
        if q.params:
            assert q.param_block() in blocks
            assert all(f":param {k} => '{v}';" in q.param_block() for k, v in q.params.items())
    slides = re.findall(r"<slide .*?<h3>(.*?)</h3>", page, re.S)
    assert slides == ["fulian-kg", "Lineage", "Chain", "Coverage", "Absence or no document", "Provenance", "Style"]
    assert ":style http://127.0.0.1:9999/style.grass" in blocks
    assert (tmp_path / "guide" / "style.grass").read_text(encoding="utf-8") == browser_guide.STYLE.read_text(
        encoding="utf-8")
    for kind, name, colour, _ in browser_guide.style_rules():  # the style slide lists every label's colour
        assert f"background:{colour}" in page and f"<b>{name}</b>" in page
    assert "<script" not in page


def _local_guide() -> str:
    """The guide URL of the local server the tests run against (fail in CI when there is none)."""
    uri, _, _ = require_neo4j()
    info = neo4j_server.status()
    if not info["running"] or not info.get("guide_url") or urlparse(uri).port != info["bolt_port"]:
        msg = (f"the Neo4j at {uri} is not the local server `fulian neo4j up` started for {info['home']} "
               "with a guide (restart it with this version: `fulian neo4j down && fulian neo4j up`)")
        if in_ci():
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg)
    return info["guide_url"]


def _get(url: str, origin: str | None = None, method: str = "GET"):
    req = urllib.request.Request(url, method=method, headers={"Origin": origin} if origin else {})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.headers, resp.read().decode("utf-8")  # headers: case-insensitive
    except urllib.error.HTTPError as err:
        return err.code, err.headers, ""


@pytest.mark.neo4j
def test_launcher_serves_the_guide_to_browser_only():
    url = _local_guide()
    base = url.rsplit("/", 1)[0]
    browser = f"http://127.0.0.1:{neo4j_server.http_port()}"
    code, headers, body = _get(url, origin=browser)
    assert code == 200 and headers["Content-Type"].startswith("text/html") and "<slide" in body
    assert headers["Access-Control-Allow-Origin"] == browser
    code, headers, _ = _get(url, origin="http://evil.example")
    assert code == 200 and headers.get("Access-Control-Allow-Origin") is None  # another site's page cannot read it
    code, _, grass = _get(base + "/style.grass", origin=browser)
    assert code == 200 and "node.Federation" in grass
    for path in ("/", "/../password", "/%2e%2e/password", "/nothing.html"):
        assert _get(base + path)[0] == 404, path
    assert _get(url, method="POST")[0] == 405
    assert urlparse(url).hostname == "127.0.0.1"


@pytest.mark.neo4j
@pytest.mark.browser
def test_browser_plays_the_guide_on_connect_and_a_block_runs(loaded_neo4j):
    from browser import visit
    from test_neo4j_browser import CONNECTED, FORM_SHOWN, login_js

    guide = _local_guide()
    _, user, password = require_neo4j()
    lineage = next(q for q in browser_guide.starter_queries() if q.slide == "Lineage" and q.params)
    expected = sorted({r["federation"] for r in loaded_neo4j.read(lineage.query, lineage.params)})
    assert expected
    start = lineage.query.split("\n", 1)[0]

    def click(prefix: str) -> str:
        return (f"(() => {{ const p = Array.from(document.querySelectorAll('pre.runnable'))"
                f".find(e => e.innerText.startsWith({prefix!r})); if (!p) return ''; p.click(); return 'clicked'; }})()")

    def run_when_editor_has(pattern: str) -> str:
        return (f"(() => {{ const e = document.querySelector('[data-testid=activeEditor]');"
                f" if (!e || !/{pattern}/.test(e.innerText)) return '';"
                " document.querySelector('[data-testid=editor-Run]').click(); return 'run'; })()")

    found = ("(() => { const t = document.body.innerText; return " + " && ".join(
        f"t.includes({name!r})" for name in expected) + " ? 'rows' : ''; })()")
    played = f"(() => document.body.innerText.includes(':play {guide}') && document.querySelector('slide, pre.runnable') ? 'played' : '')()"
    styled = f"(() => document.body.innerText.includes(':style {guide.rsplit('/', 1)[0]}/style.grass') ? 'styled' : '')()"
    values, png = visit(
        f"http://127.0.0.1:{neo4j_server.http_port()}/browser/", FORM_SHOWN, login_js(user, password), CONNECTED,
        played, styled,
        "(() => { const b = document.querySelector('[data-testid=nextSlide]'); if (!b) return ''; b.click(); return 'next'; })()",
        click(lineage.param_block().split("\n", 1)[0]), run_when_editor_has(r":param\s+campaign"),
        "(() => /Successfully set your parameters/.test(document.body.innerText) ? 'set' : '')()",
        click(start), run_when_editor_has("IMPLEMENTS"), found, timeout=60)
    assert values[3:] == ["played", "styled", "next", "clicked", "run", "set", "clicked", "run", "rows"], values
    assert len(png) > 10000
