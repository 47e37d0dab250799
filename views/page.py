"""The page around every view: one self-contained HTML file, usable offline.

The frame (header, graph area, legend panel, tooltips), its style and Content-Security-Policy, the
view's data as JSON, and vis-network's standalone build (vendored in views/assets/) inlined, so the
file has no script, stylesheet or font reference to any server.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from views.result import ViewError
from views.style import FONT_STACK

ASSETS = Path(__file__).resolve().parent / "assets"
VIS_NETWORK_FILE = "vis-network-9.1.13.standalone.min.js"


def _script_json(value: Any) -> str:
    """JSON that is safe inside <script>: no '<', '>' or '&' (so no '</script>'), no line separators."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def inline_script(file_name: str) -> str:
    """A script of views/assets/, to be inlined in a page."""
    js = (ASSETS / file_name).read_text(encoding="utf-8")
    if "</script" in js.lower():  # would end the inline script early; never true of ours or vis-network 9.1.13
        raise ViewError(f"{file_name} cannot be inlined (it contains '</script')")
    return js


def vis_network_js() -> str:
    return inline_script(VIS_NETWORK_FILE)


# the page's frame: header, graph area, legend panel, tooltips (shared by every view)
BASE_CSS = """html, body { margin: 0; padding: 0; height: 100%; background: #ffffff; color: #212529;
  font-family: @FONT@; }
#fulian-header { position: absolute; top: 0; left: 0; right: 0; padding: 8px 14px; z-index: 2;
  background: rgba(255,255,255,0.92); border-bottom: 1px solid #dee2e6; }
#fulian-header h1 { font-size: 18px; margin: 0 0 2px 0; font-weight: 600; }
#fulian-header .meta { font-size: 12px; color: #6c757d; }
.fulian-note { margin-top: 4px; font-size: 13px; color: #8a4b00; background: #fff4e6;
  border: 1px solid #ffd8a8; padding: 3px 8px; border-radius: 4px; display: inline-block; }
#fulian-graph { position: absolute; top: 64px; left: 0; right: 250px; bottom: 0; }
#fulian-legend { position: absolute; right: 10px; top: 74px; width: 214px; z-index: 2; background: #f8f9fa;
  border: 1px solid #ced4da; border-radius: 6px; padding: 8px 12px; font-size: 13px; line-height: 1.6;
  max-height: calc(100% - 106px); overflow-y: auto; }
@media (max-width: 700px) { #fulian-graph { right: 0; } #fulian-legend { top: auto; bottom: 10px; } }
#fulian-legend h2 { font-size: 13px; margin: 0 0 4px 0; }
#fulian-legend .sym { display: inline-block; width: 1.4em; text-align: center; font-size: 15px; }
#fulian-legend .line { display: inline-block; width: 1.4em; height: 0; border-top: 3px solid; vertical-align: middle;
  margin-right: 0.2em; }
#fulian-legend .rows { margin-top: 4px; color: #495057; font-size: 12px; }
body div.vis-tooltip { font-family: @FONT@; font-size: 13px; white-space: pre-wrap; max-width: 460px;
  line-height: 1.5; background: #fffdf5; border: 1px solid #adb5bd; border-radius: 4px; padding: 6px 8px;
  box-shadow: 0 2px 6px rgba(0,0,0,0.18); color: #212529; }
""".replace("@FONT@", FONT_STACK)

CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; "
       "font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'")

_FRAME = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="fulian-kg {what} (vis-network {vis_version} inlined)">
<title>{title}</title>
<style>
{css}</style>
</head>
<body data-view="{kind}" data-node-count="{node_count}" data-edge-count="{edge_count}" data-truncated="{truncated}">
<div id="fulian-graph"></div>
<div id="fulian-header">
<h1>{title}</h1>
<div class="meta">{meta}</div>
{notes}
</div>
<div id="fulian-legend">
{legend}
</div>
<script type="application/json" id="fulian-data">{data}</script>
<script>
{vis_js}
</script>
<script>
{script}</script>
</body>
</html>
"""


def html_page(*, kind: str, title: str, meta: str, notes: list[str], legend: str, data: Any, script: str,
              node_count: int, edge_count: int, truncated: bool, css: str = "", what: str = "view") -> str:
    """A whole self-contained page: header, graph area, legend, the data, vis-network and `script`
    (legend and script are HTML/JS of ours; title, meta and notes are escaped here)."""
    return _FRAME.format(
        csp=CSP, what=what, vis_version=VIS_NETWORK_FILE.split("-")[2], title=html.escape(title),
        css=BASE_CSS + css, kind=html.escape(kind), node_count=node_count, edge_count=edge_count,
        truncated="1" if truncated else "0", meta=html.escape(meta),
        notes="\n".join(f'<div class="fulian-note">{html.escape(n)}</div>' for n in notes), legend=legend,
        data=_script_json(data), vis_js=vis_network_js(), script=script)


def write_page(page: str, out: str | Path) -> Path:
    """Write a page (UTF-8), creating the folder; returns the path."""
    out = Path(out)
    try:
        if out.parent and not out.parent.exists():
            out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(page, encoding="utf-8")
    except OSError as e:
        raise ViewError(f"cannot write {out} ({e.strerror or e}): choose another file with --out") from None
    return out

