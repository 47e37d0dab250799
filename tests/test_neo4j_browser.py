"""Neo4j Browser, served by the local server, opens in headless Chromium, logs in and runs a query."""

import json
import os

from browser import image_stats, visit
from neo4j_fixture import require_neo4j

FORM_SHOWN = ("(() => { const t = document.body ? document.body.innerText : '';"
              " return /connect/i.test(t) && document.querySelector('input[type=password]') ? t : ''; })()")


def login_js(user: str, password: str) -> str:
    """Fill the connect form the way a person types (React needs input events) and press Connect."""
    return f"""(() => {{
      const pw = document.querySelector('input[type=password]');
      if (!pw) return '';
      const inputs = Array.from(document.querySelectorAll('input'));
      const user = inputs.find(i => /user/i.test((i.dataset.testid || '') + i.name + i.id));
      const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
      const type = (el, v) => {{ setter.call(el, v); el.dispatchEvent(new Event('input', {{bubbles: true}})); }};
      if (user) type(user, {json.dumps(user)});
      type(pw, {json.dumps(password)});
      const btn = Array.from(document.querySelectorAll('button')).find(b => /^\\s*connect\\s*$/i.test(b.innerText));
      if (!btn || btn.disabled) return '';
      btn.click();
      return 'clicked';
    }})()"""


CONNECTED = ("(() => { const t = document.body ? document.body.innerText : '';"
             " return /connected as user/i.test(t) ? t : ''; })()")


def test_browser_ui_loads_logs_in_and_connects(tmp_path):
    uri, user, password = require_neo4j()
    port = os.environ.get("FULIAN_NEO4J_HTTP_PORT", "7474")
    values, png = visit(f"http://127.0.0.1:{port}/browser/", FORM_SHOWN, login_js(user, password), CONNECTED)
    (tmp_path / "browser.png").write_bytes(png)
    assert values[0], "Neo4j Browser did not show its connect form"
    assert len(values) == 3 and values[1] == "clicked", "could not fill and submit the connect form"
    assert values[2], "Browser did not report a connection after logging in"
    assert image_stats(png)["distinct_colors"] > 20
