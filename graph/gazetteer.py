"""China's administrative divisions (graph/data/gazetteer/*.csv): the one gazetteer the build
(federation resolution) and the questions (coverage against the divisions) both read.

Codes: 6 digits for province/prefecture/county, 9 digits for townships.
Municipalities have pseudo-prefectures (市辖区, 县) and provinces have
省直辖县级行政区划 rows; these are *transparent*: skipped in parent chains.
Former names (e.g. 邵东县 → 邵东市) come from data/gazetteer/former_names.tsv.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

GAZ_DIR = Path(__file__).parent / "data" / "gazetteer"
FORMER_NAMES = GAZ_DIR / "former_names.tsv"
_TRANSPARENT_RE = re.compile(r"^(市辖区|县|.*直辖县级行政区划)$")
# China's 55 minority nationalities, as they appear in autonomous division names (黔东南苗族侗族自治州)
_NATIONALITIES = ("蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 "
                  "东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 "
                  "俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各").split()
_AUTONOMOUS_RE = re.compile(r"^(.{2,}?)(?:(?:%s)族?)*自治([州县区旗])$"
                            % "|".join(sorted(_NATIONALITIES, key=len, reverse=True)))
_SPECIAL_SUFFIX_RE = re.compile(r"特别行政区$")


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: str  # province | prefecture | county | township
    parent_code: str


def short_forms(name: str, level: str) -> list[str]:
    """Short surface forms of a division name (湖南省→湖南, 广西壮族自治区→广西, 岳阳楼区→岳阳楼)."""
    out: list[str] = []
    m = _AUTONOMOUS_RE.match(name)
    if m:
        # 湘西土家族苗族自治州 → 湘西, 湘西州, 湘西自治州; 城步苗族自治县 → 城步, 城步县
        stem, kind = m.group(1), m.group(2)
        out.append(stem)
        if kind != "区":
            out += [stem + kind, stem + "自治" + kind]
    elif _SPECIAL_SUFFIX_RE.search(name):
        out.append(_SPECIAL_SUFFIX_RE.sub("", name))
    else:
        for suf in ("省", "市", "地区", "盟", "林区", "新区", "管理区", "区", "县", "旗"):
            if name.endswith(suf) and len(name) - len(suf) >= 2:
                out.append(name[: -len(suf)])
                break
    if name.endswith("管理区") and len(name) >= 5:
        out.append(name[:-3] + "区")  # 屈原管理区 → 屈原区
    return [s for s in out if s and s != name]


class Gazetteer:
    """Loaded division table with name indexes; use :func:`get_gazetteer` for the cached one."""

    def __init__(self, gaz_dir: Path = GAZ_DIR):
        self.regions: dict[str, Region] = {}
        self.full_index: dict[str, list[str]] = {}
        self.short_index: dict[str, list[str]] = {}
        self._gaz_dir = gaz_dir
        self._townships_loaded = False
        self.township_index: dict[str, list[str]] = {}
        self._zone_rest: dict[str, str] = {}  # zone code → name without embedded parent names
        self._provinces: Optional[list[Region]] = None
        self._ancestors: dict[str, tuple[Region, ...]] = {}  # the table never changes an existing region's parents
        with open(gaz_dir / "divisions.csv", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                self._add(Region(row["code"], row["name"], row["level"], row.get("parent_code") or ""))
        # names of zones that embed their parent's name: 岳阳市屈原管理区 → 屈原管理区
        for r in list(self.regions.values()):
            if r.level != "county" or r.code[4] != "7":
                continue
            forms = [f for anc in self.ancestors(r.code) for f in [anc.name] + short_forms(anc.name, anc.level)]
            rest, changed = r.name, True
            while changed:
                changed = False
                for form in forms:
                    if rest.startswith(form) and len(rest) - len(form) >= 3:
                        rest, changed = rest[len(form):], True
            if rest != r.name:
                self._zone_rest[r.code] = rest
                self._index(self.full_index, rest, r.code)
                for s in short_forms(rest, r.level):
                    self._index(self.short_index, s, r.code)
        former = FORMER_NAMES
        if former.exists():
            for line in former.read_text(encoding="utf-8").splitlines():
                parts = line.split("\t")
                if len(parts) >= 2 and not line.startswith("#") and parts[1].strip() in self.regions:
                    self._index(self.full_index, parts[0].strip(), parts[1].strip())

    # -- building ---------------------------------------------------------
    @staticmethod
    def _index(idx: dict[str, list[str]], key: str, code: str) -> None:
        lst = idx.setdefault(key, [])
        if code not in lst:
            lst.append(code)

    def _add(self, r: Region) -> None:
        if r.parent_code == r.code:
            # quirk: cities without counties (东莞市, 中山市, 儋州市) are their own parent
            r = Region(r.code, r.name, "prefecture", r.code[:2] + "0000")
        self.regions[r.code] = r
        if self.is_transparent(r.code):
            return
        self._index(self.full_index, r.name, r.code)
        for s in short_forms(r.name, r.level):
            self._index(self.short_index, s, r.code)

    def _load_townships(self) -> None:
        if self._townships_loaded:
            return
        self._townships_loaded = True
        self._ancestors.clear()  # a township code asked about before loading had none
        path = self._gaz_dir / "townships.csv"
        if not path.exists():
            return
        with open(path, encoding="utf-8") as fh:
            next(fh, None)
            regions, idx = self.regions, self.township_index
            for line in fh:
                parts = line.rstrip("\r\n").split(",")
                if len(parts) < 4:
                    continue
                code, name = parts[0], parts[1]
                regions[code] = Region(code, name, "township", parts[3])
                lst = idx.get(name)
                if lst is None:
                    idx[name] = [code]
                elif code not in lst:
                    lst.append(code)

    # -- queries ----------------------------------------------------------
    def is_transparent(self, code: str) -> bool:
        r = self.regions.get(code)
        return bool(r and _TRANSPARENT_RE.match(r.name) and r.level == "prefecture")

    def parent(self, code: str) -> Optional[Region]:
        """Nearest non-transparent ancestor."""
        r = self.regions.get(code)
        guard = 0
        while r and r.parent_code and guard < 8:
            guard += 1
            p = self.regions.get(r.parent_code)
            if p is None:
                return None
            if not self.is_transparent(p.code):
                return p
            r = p
        return None

    def ancestors(self, code: str) -> list[Region]:
        """Non-transparent ancestors, nearest first."""
        found = self._ancestors.get(code)
        if found is None:
            found = []
            p = self.parent(code)
            while p:
                found.append(p)
                p = self.parent(p.code)
            found = self._ancestors[code] = tuple(found)
        return list(found)

    def chain(self, code: str) -> list[Region]:
        """Province-first chain ending with the region itself."""
        r = self.regions.get(code)
        if not r:
            return []
        return list(reversed(self.ancestors(code))) + [r]

    def is_ancestor(self, anc: str, code: str) -> bool:
        if code not in self._ancestors:
            self.ancestors(code)
        return any(a.code == anc for a in self._ancestors[code])

    def province_of(self, code: str) -> Optional[Region]:
        ch = self.chain(code)
        return ch[0] if ch else None

    def lookup(self, surface: str, with_townships: bool = False, short: bool = True) -> list[str]:
        """Codes whose full (or short) name is ``surface``."""
        codes = list(self.full_index.get(surface, []))
        if short:
            codes += [c for c in self.short_index.get(surface, []) if c not in codes]
        if with_townships:
            self._load_townships()
            codes += [c for c in self.township_index.get(surface, []) if c not in codes]
        return codes

    def region_display(self, code: str) -> str:
        """Canonical place string: full chain below province for counties/townships."""
        r = self.regions[code]
        if r.level == "province":
            return r.name
        if r.level == "prefecture":
            return r.name
        par = self.parent(code)
        if par is None:
            return r.name
        pdisp = self.region_display(par.code) if par.level != "province" or r.level == "township" else ""
        if r.level == "county":
            if par.level == "province":
                # municipality district (北京市朝阳区) or provincially administered county (仙桃市)
                raw_par = self.regions.get(r.parent_code)
                if raw_par and raw_par.name.endswith("直辖县级行政区划"):
                    return r.name
                return par.name + r.name
            return par.name + self._zone_rest.get(code, r.name)
        return pdisp + r.name

    def federation_name(self, code: str) -> str:
        return self.region_display(code) + "妇联"

    def level_of(self, code: str) -> str:
        return self.regions[code].level

    def province_names(self) -> Iterable[Region]:
        """Provinces (kept once: the table holds ~45,000 regions once townships are loaded)."""
        if self._provinces is None:
            self._provinces = [r for r in self.regions.values() if r.level == "province"]
        return iter(self._provinces)


@lru_cache(maxsize=1)
def get_gazetteer() -> Gazetteer:
    """Module-level cached gazetteer."""
    return Gazetteer()
