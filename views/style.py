"""How the views look: fonts, the colour and shape of each label and relationship type, label lengths."""

from __future__ import annotations

from graph import schema

FONT_STACK = ('"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei", '
              '"Microsoft YaHei", "PingFang SC", "Heiti SC", sans-serif')

# label -> (colour, vis shape, legend symbol, legend text)
LABEL_STYLE: dict[str, tuple[str, str, str, str]] = {
    "Federation": ("#d6336c", "dot", "●", "妇联 Federation"),
    "Campaign": ("#f08c00", "star", "★", "活动 Campaign"),
    "Law": ("#1c7ed6", "square", "■", "法律 Law"),
    "Department": ("#2f9e44", "triangle", "▲", "部门 Department"),
    "Person": ("#7048e8", "diamond", "◆", "人物 Person"),
    "Region": ("#868e96", "hexagon", "⬢", "地区 Region"),
    "Document": ("#495057", "triangleDown", "▼", "文件 Document"),
    "Passage": ("#adb5bd", "dot", "•", "段落 Passage"),
}
OTHER_STYLE = ("#343a40", "ellipse", "⬭", "其他 other")
EDGE_COLORS = {
    "IMPLEMENTS": "#f08c00", "LEADS": "#d6336c", "COORDINATES": "#2f9e44", "PART_OF": "#1c7ed6",
    "IN_REGION": "#868e96", "ISSUED_BY": "#495057", "IN_DOCUMENT": "#adb5bd", "MENTIONS": "#ced4da",
    "REPEATS": "#7048e8", "VARIANT_OF": "#fcc419",
}
OTHER_EDGE_COLOR = "#868e96"
EDGE_ZH = {"IMPLEMENTS": "实施", "LEADS": "领导", "COORDINATES": "协同", "PART_OF": "隶属",
           "IN_REGION": "所在地区", "ISSUED_BY": "发文", "IN_DOCUMENT": "出处", "MENTIONS": "提及",
           "REPEATS": "沿用", "VARIANT_OF": "变体"}
LEVEL_ZH = {"national": "全国", "province": "省", "prefecture": "市", "county": "县",
            "township": "乡镇", "organ": "机关"}
# hierarchical row of each federation level (hierarchy view: the top levels first)
LEVEL_ROW = {level: i + 1 for i, level in enumerate(schema.LEVELS)}
UNKNOWN_LEVEL_ROW = len(schema.LEVELS) + 1

LABEL_MAX = 28      # characters of a name drawn on the canvas (the tooltip has it all)
EVIDENCE_MAX = 300  # characters of an evidence sentence in a tooltip
TOOLTIP_ROWS = 5    # supporting statements listed per edge tooltip

# the campaign tree: viridis, sampled (the first adopters darkest, the last lightest)
VIRIDIS = ("#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89", "#35b779", "#6ece58",
           "#b5de2b", "#fde725")
STATUS_STYLE = {  # fill, border, text, dashed border
    "document, no adoption": ("#adb5bd", "#868e96", "#212529", False),
    "no document": ("#f8f9fa", "#adb5bd", "#868e96", True),
    "later": ("#ffffff", "#868e96", "#495057", False),
    "unknown": ("#f783ac", "#c2255c", "#212529", False),
}
STATUS_TEXT = {
    "document, no adoption": "有文件，未实施 documents, no adoption",
    "no document": "无文件 no document in the corpus",
    "later": "此后实施 adopts after the year shown",
    "unknown": "已实施，年份不详 adopted, year unknown",
}


def _hex(c: str) -> tuple[int, int, int]:
    return int(c[1:3], 16), int(c[3:5], 16), int(c[5:7], 16)


def _mix(a: str, b: str, t: float) -> str:
    (r1, g1, b1), (r2, g2, b2) = _hex(a), _hex(b)
    return "#%02x%02x%02x" % (round(r1 + (r2 - r1) * t), round(g1 + (g2 - g1) * t), round(b1 + (b2 - b1) * t))


def palette(years: list[int]) -> dict[int, str]:
    """A colour per year, evenly along viridis (one year: its middle)."""
    out = {}
    for i, y in enumerate(years):
        pos = 0.5 if len(years) == 1 else i / (len(years) - 1)
        at = pos * (len(VIRIDIS) - 1)
        lo = min(int(at), len(VIRIDIS) - 2)
        out[y] = _mix(VIRIDIS[lo], VIRIDIS[lo + 1], at - lo)
    return out


def text_colour(fill: str) -> str:
    r, g, b = _hex(fill)
    return "#212529" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "#ffffff"
