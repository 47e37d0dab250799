"""The Neo4j Browser guide `fulian neo4j up` serves: the starter queries as runnable slides, and the style.

    write_guide(folder)  -> folder/guide.html and folder/style.grass

The queries come from docs/starter-queries.md (one `## Slide: title` heading and one ```cypher block
each; the heading before the colon names the slide) and the style from docs/browser-style.grass, so
the page, the guide and the tests share one text. In the guide a query's `:param` lines are a block
of their own, before it: Browser runs a block of several lines as a script and shows no rows for
it, but a query run alone gets its table. The guide is HTML in Browser's guide format (<slide>
elements; <pre class="runnable"> puts its text in the editor when clicked).
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import NamedTuple

DOCS = Path(__file__).resolve().parents[1] / "docs"
QUERIES = DOCS / "starter-queries.md"
STYLE = DOCS / "browser-style.grass"
GUIDE_FILE = "guide.html"   # the names the launcher serves and plays (tools/neo4j-server: GUIDE_FILE, GUIDE_STYLE)
STYLE_FILE = "style.grass"

_SECTION = re.compile(r"^## (.+?)\n+```cypher\n(.*?)```", re.S | re.M)
_PARAM = re.compile(r"^:param (\w+) => '([^']*)'$", re.M)
_STYLE_RULE = re.compile(r"^(node|relationship)\.(\w+) \{(.*?)\}", re.S | re.M)

# what each slide says before its queries (slides follow the order of docs/starter-queries.md)
INTRO = {
    "Lineage": "How a campaign spread: every IMPLEMENTS into it, with the work year and the evidence "
               "sentence, in time order; then the adopters and their parents as a picture; then its "
               "variants (VARIANT_OF: 美家美妇她行动 → 美家美妇, written by the build) and their adopters.",
    "Chain": "LEADS links a parent federation to a child one (全国妇联 → 湖南省妇联 → 长沙市妇联 → …).",
    "Coverage": "Who under a federation implements a campaign or a law, and which ones travel furthest.",
    "Absence or no document": "A federation with documents in the corpus that never name the campaign did not "
                              "adopt it as far as the corpus shows; one with no document at all is simply "
                              "not observed. Absence of evidence is not evidence of absence.",
    "Provenance": "Every extracted relationship keeps its document (doc_id), work year, evidence sentence, "
                  "offsets and rule; passages are searchable with the CJK full-text index.",
}


class StarterQuery(NamedTuple):
    slide: str
    title: str
    params: dict[str, str]
    query: str

    def param_block(self) -> str:
        """The `:param` lines as Browser runs them at once (a script: each line ends in ;)."""
        return "\n".join(f":param {k} => '{v}';" for k, v in self.params.items())


def starter_queries(path: Path = QUERIES) -> list[StarterQuery]:
    out = []
    for heading, block in _SECTION.findall(path.read_text(encoding="utf-8")):
        slide, _, title = heading.partition(": ")
        params = dict(_PARAM.findall(block))
        out.append(StarterQuery(slide.strip(), title.strip() or slide.strip(), params,
                                _PARAM.sub("", block).strip()))
    return out


def style_rules(path: Path = STYLE) -> list[tuple[str, str, str, str]]:
    """(kind, name, colour, caption) of each node.X / relationship.X rule of the style."""
    rules = []
    for kind, name, body in _STYLE_RULE.findall(path.read_text(encoding="utf-8")):
        props = dict((k.strip(), v.strip().strip('"')) for k, v in
                     (line.rstrip(";").split(":", 1) for line in body.strip().splitlines() if ":" in line))
        rules.append((kind, name, props.get("color", ""), props.get("caption", "")))
    return rules


def _slide(title: str, lead: str, body: str) -> str:
    return (f'<slide class="row-fluid">\n<div class="col-sm-3"><h3>{html.escape(title)}</h3>\n'
            f'<p class="lead">{html.escape(lead)}</p></div>\n<div class="col-sm-9">\n{body}\n</div>\n</slide>')


def _runnable(text: str) -> str:
    return f'<pre class="pre-scrollable code runnable">{html.escape(text)}</pre>'


def _block(q: StarterQuery) -> str:
    """The parameters (when any) and the query, each a block of its own: Browser shows a result table
    only for a query run alone."""
    params = f'{_runnable(q.param_block())}\n' if q.params else ""
    return (f'<figure>{params}{_runnable(q.query)}\n<figcaption>{html.escape(q.title)}'
            + (" — run the parameters first, then the query" if q.params else "") + "</figcaption></figure>")


def guide_html(queries: list[StarterQuery], rules: list[tuple[str, str, str, str]], style_url: str) -> str:
    slides = [_slide(
        "fulian-kg", "妇联 knowledge graph: federations, campaigns, laws, departments, persons, and the "
        "documents and passages every statement was read from.",
        "<p>Click a grey block to put it in the editor, then run it (▶ or Ctrl+Enter). Where a query takes "
        "parameters, the block above it sets them (<code>:param</code>): run that first; change a value "
        "to ask about something else.</p>\n"
        + _block(StarterQuery("", "What the graph holds: nodes per label", {},
                              "MATCH (n) RETURN labels(n)[0] AS label, count(*) AS nodes ORDER BY nodes DESC"))
        + "\n<p>The same questions answer on the command line (<code>fulian query --help</code>) and in "
          "notebooks (<code>%%cypher</code>).</p>")]
    order = list(dict.fromkeys(q.slide for q in queries))
    for name in order:
        blocks = "\n".join(_block(q) for q in queries if q.slide == name)
        slides.append(_slide(name, INTRO.get(name, ""), blocks))
    items = "\n".join(
        f'<li><span style="display:inline-block;width:0.9em;height:0.9em;border-radius:50%;'
        f'background:{html.escape(colour)}"></span> <b>{html.escape(name)}</b>'
        + (f" — caption {html.escape(caption)}" if caption else "") + "</li>"
        for kind, name, colour, caption in rules)
    slides.append(_slide(
        "Style", "Colours and captions per label: applied when you connect; run the block to apply it again.",
        f"<ul>{items}</ul>\n" + _block(StarterQuery("", "Apply the project's style", {}, f":style {style_url}"))
        + "\n<p>The file is <code>docs/browser-style.grass</code>; <code>:style reset</code> goes back to "
          "Browser's own.</p>"))
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>fulian-kg starter queries</title></head>\n"
            "<body><article class=\"guide\">\n<carousel class=\"deck container-fluid\">\n"
            + "\n".join(slides) + "\n</carousel>\n</article></body></html>\n")


def write_guide(folder: Path, base_url: str = "") -> Path:
    """Write guide.html and style.grass into `folder` (created); returns the guide's path.
    `base_url` is where the folder is served (for the style block); the launcher serves it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / STYLE_FILE).write_text(STYLE.read_text(encoding="utf-8"), encoding="utf-8")
    page = guide_html(starter_queries(), style_rules(), f"{base_url.rstrip('/')}/{STYLE_FILE}" if base_url
                      else STYLE_FILE)
    path = folder / GUIDE_FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(path)
    return path
