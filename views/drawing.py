"""What a network view draws: nodes and merged edges, truncation of large results, the tooltips."""

from __future__ import annotations

from typing import Any

from graph.order import known_year
from graph.schema import GAZETTEER_RULES
from queries.errors import short
from views.style import EDGE_ZH, EVIDENCE_MAX, LABEL_MAX, LEVEL_ZH, TOOLTIP_ROWS

MAX_NODES = 1000  # above this a view keeps the most connected nodes and says so on the page


class Drawing:
    """The nodes (id -> properties) and edges ((start, end, type) -> the statements behind it) of a view."""

    def __init__(self, kind: str, title: str):
        self.kind = kind
        self.title = title
        self.nodes: dict[str, dict[str, Any]] = {}
        self.rows: dict[tuple[str, str, str], list[dict[str, Any]]] = {}  # (start, end, type) -> statements
        self.focus: list[str] = []
        self.notes: list[str] = []
        self.total_nodes = 0
        self.truncated = False

    def add_node(self, props: dict[str, Any]) -> str:
        nid = props["id"]
        self.nodes.setdefault(nid, props)
        return nid

    def add_edge(self, row: dict[str, Any]) -> None:
        key = (row["start_id"], row["end_id"], row["type"])
        seen = self.rows.setdefault(key, [])
        if row.get("id") is None or all(r.get("id") != row.get("id") for r in seen):
            seen.append(row)

    def doc_ids(self) -> set[str]:
        return {r["doc_id"] for rows in self.rows.values() for r in rows if r.get("doc_id")}

    def limit(self, max_nodes: int, by: str = "degree") -> None:
        """Keep at most `max_nodes` nodes: the focus, then the most connected (or the first added)."""
        self.total_nodes = len(self.nodes)
        if len(self.nodes) <= max_nodes:
            return
        if by == "degree":
            degree = {n: 0 for n in self.nodes}
            for a, b, _ in self.rows:
                if a in degree and b in degree:
                    degree[a] += 1
                    degree[b] += 1
            order = sorted(self.nodes, key=lambda n: (-degree[n], n))
            how = "the most connected"
        else:
            order = list(self.nodes)
            how = "the upper levels first"
        keep = list(dict.fromkeys([f for f in self.focus if f in self.nodes] + order))[:max_nodes]
        kept = set(keep)
        self.nodes = {n: self.nodes[n] for n in keep}
        self.rows = {k: v for k, v in self.rows.items() if k[0] in kept and k[1] in kept}
        self.truncated = True
        self.notes.append(f"Large result: showing {len(self.nodes):,} of {self.total_nodes:,} nodes ({how}); "
                          f"narrow the view (a smaller --depth, a ROOT, a more selective query) to see the rest. "
                          f"结果过大：仅显示 {len(self.nodes):,} / {self.total_nodes:,} 个节点。")


# -- tooltips and labels ----------------------------------------------------------------------

NODE_FIELDS = (("scope", "范围 scope"), ("role", "职务 role"), ("title", "标题 title"), ("year", "年份 year"),
               ("date", "日期 date"), ("url", "网址 url"), ("region_code", "区划 region"))


def node_tooltip(p: dict[str, Any]) -> str:
    label = p.get("label", "?")
    lines = [short(p.get("name") or p.get("id", ""), EVIDENCE_MAX), label]
    if p.get("level"):
        lines[-1] += f" · {p['level']}" + (f" ({LEVEL_ZH[p['level']]})" if p["level"] in LEVEL_ZH else "")
    aliases = [a for a in (p.get("aliases") or ()) if a != p.get("name")]
    if aliases:
        lines.append("别名 aliases: " + "、".join(map(str, aliases[:8])) + (" …" if len(aliases) > 8 else ""))
    for key, zh in NODE_FIELDS:
        if p.get(key) not in (None, "", []):
            lines.append(f"{zh}: {short(p[key], 120)}")
    if p.get("unresolved"):
        lines.append("未定位 place unknown: build with --manifest to bind it")
    if label == "Passage" and p.get("text"):
        lines.append(short(p["text"], EVIDENCE_MAX))
    lines.append(f"id: {short(p.get('id', ''), 120)}")
    return "\n".join(lines)


def _statement_lines(r: dict[str, Any], docs: dict[str, dict[str, Any]]) -> list[str]:
    """What one statement behind an edge says: year, document, evidence, targets, source, score."""
    lines = []
    if r.get("year") is not None:
        lines.append(f"年份 year: {r['year']}")
    if r.get("doc_id"):
        doc = docs.get(r["doc_id"]) or {}
        title = doc.get("title") or doc.get("name")
        lines.append(f"文件 document: {short(title, 80) + ' ' if title else ''}({short(r['doc_id'], 80)})")
        if doc.get("date"):
            lines.append(f"日期 date: {doc['date']}")
        if doc.get("url"):
            lines.append(f"网址 url: {short(doc['url'], 120)}")
    if r.get("evidence"):
        lines.append(f"证据 evidence: {short(r['evidence'], EVIDENCE_MAX)}")
    if r.get("targets"):
        lines.append("目标 targets: " + "；".join(short(t, 60) for t in r["targets"][:5]))
    if r.get("rule") in GAZETTEER_RULES:
        lines.append(f"来源 source: {r['rule']} (not stated in a document)")
    if r.get("score") is not None:
        lines.append(f"score: {r['score']}")
    return lines


def edge_tooltip(rel_type: str, rows: list[dict[str, Any]], docs: dict[str, dict[str, Any]]) -> str:
    head = f"{rel_type} {EDGE_ZH.get(rel_type, '')}".strip()
    parts = [head + (f" · {len(rows)} statements" if len(rows) > 1 else "")]
    rows = sorted(rows, key=lambda r: (r.get("year") or 0, str(r.get("doc_id") or "")))
    parts += ["\n".join(lines) for lines in (_statement_lines(r, docs) for r in rows[:TOOLTIP_ROWS]) if lines]
    if len(rows) > TOOLTIP_ROWS:
        parts.append(f"… {len(rows) - TOOLTIP_ROWS} more")
    return "\n\n".join(parts)


def edge_label(rel_type: str, rows: list[dict[str, Any]]) -> str:
    years = sorted({y for y in (known_year(r.get("year")) for r in rows) if y})
    if rel_type == "IMPLEMENTS" and years:
        shown = ", ".join(map(str, years[:4])) + ("…" if len(years) > 4 else "")
        return f"{rel_type} {shown}"
    return rel_type


def display_name(p: dict[str, Any]) -> str:
    return short(p.get("name") or p.get("id") or "?", LABEL_MAX)
