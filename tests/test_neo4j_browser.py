"""Neo4j Browser, served by the local server, opens in headless Chromium and shows its UI."""

from browser import image_stats, visit
from neo4j_fixture import require_neo4j


def test_browser_ui_loads_in_chromium(tmp_path):
    uri, _, _ = require_neo4j()
    import os

    port = os.environ.get("FULIAN_NEO4J_HTTP_PORT", "7474")
    text, png = visit(f"http://127.0.0.1:{port}/browser/",
                      "(() => { const t = document.body ? document.body.innerText : '';"
                      " return /connect/i.test(t) && /password/i.test(t) ? t : ''; })()")
    (tmp_path / "browser.png").write_bytes(png)
    assert text, "Neo4j Browser did not show its connect form"
    assert "neo4j" in text.lower()
    stats = image_stats(png)
    assert stats["distinct_colors"] > 20
