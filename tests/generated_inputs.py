"""Generated inputs for tests/test_generated_inputs.py: bad files, copies, renames, edits and removals,
from one seed; and the checks every build of them must pass (nothing lost, nothing merged, the
graph a fresh build gives)."""

from __future__ import annotations

import io
import json
import os
import random
import re
import shutil
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

from conftest import ROOT
from mutations import mutate

CORPUS = ROOT / "data" / "corpus"
READ_FIXTURES = ROOT / "tests" / "fixtures" / "read"
SAMPLES = [p.read_text(encoding="utf-8").splitlines() for p in sorted(CORPUS.glob("*.txt"))]
HEAD = 4  # title, number, issuer and date lines: most versions name a federation
PDF = (READ_FIXTURES / "zh_text.pdf").read_bytes()
DOCX = (READ_FIXTURES / "zh_table.docx").read_bytes()
BIG5 = (READ_FIXTURES / "zh_big5.txt").read_bytes()

# cases counted per (store, category), printed at the end of the run (conftest) and asserted per test
TALLY: Counter = Counter()

# What an input must become: a document, a rejected file (with a reason), either, or nothing at all
# (a file type the build skips inside folders).
DOC, REJ, EITHER, SKIP = "document", "rejected", "document or rejected", "skipped"

NAME_DECOR = ["", " 空 格", "\x1b[31m", "\t", "\n", "\u202e", "-", "—", "📄", "'\"", "%s", "#1", "~", "..",
              "很长的名字" * 12, "\u3000", "\u200b", "Ａ"]
TEXT_EXTS = [".txt", ".md", ".TXT", ".Md"]
ALL_EXTS = [".txt", ".md", ".html", ".htm", ".docx", ".pdf"]
SKIPPED_EXTS = [".jpg", ".png", ".xyz", ".exe", ".zip", ".csv", ""]
CONVERTIBLE_EXTS = [".doc", ".wps", ".rtf", ".odt", ".xhtml"]
CAMPAIGN_PARTS = (["巾帼", "家美", "春蕾", "木兰", "玫瑰", "银铃", "暖心", "护河", "绿色", "书香"],
                  ["护航", "积分", "驿站", "课堂", "宣讲", "互助", "守护", "筑梦", "同行", "共建"],
                  ["计划", "积分制", "服务队", "微课堂", "示范点", "工作站", "联盟"])
PLACES = ["醴陵市", "浏阳市", "汨罗市", "韶山市", "津市市", "临湘市", "耒阳市", "常宁市"]


def small_doc(rng: random.Random, n: int) -> str:
    """A short document: a sample's head and a few of its body lines, with a line of its own."""
    lines = rng.choice(SAMPLES)
    body = lines[HEAD:]
    keep = sorted(rng.sample(range(len(body)), k=rng.randint(1, min(4, len(body)))))
    return "\n".join(lines[:HEAD] + [body[i] for i in keep] + [f"附：第{n}号材料。"]) + "\n"


def campaign_name(rng: random.Random) -> str:
    return "".join(rng.choice(part) for part in CAMPAIGN_PARTS)


def quoting_doc(name: str, n: int) -> str:
    """A document that states a campaign name with confidence (in quotes)."""
    return f"株洲市妇联2023年工作要点\n一、全面推行“{name}”，引导家庭参与乡村治理。\n附：第{n}号材料。\n"


def plain_doc(rng: random.Random, name: str, n: int) -> str:
    """A document that names the campaign plainly: a campaign only when another document quotes it."""
    place = rng.choice(PLACES)
    return f"{place}妇联2023年工作总结\n一、{place}妇联推广{name}，全市{n}个村参与。\n"


def _flip(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 40)):
        b[rng.randrange(len(b))] = rng.randrange(256)
    return bytes(b)


def _docx_of(text: str) -> bytes:
    import docx

    d = docx.Document()
    for line in text.splitlines():
        d.add_paragraph(line)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return out.getvalue()


def bad_file(rng: random.Random, n: int) -> tuple[str, str, bytes, str]:
    """(kind, extension, content, expectation) of one generated input."""
    text = small_doc(rng, n)
    kind = rng.choice(["empty", "blank", "bom-only", "junk", "junk", "encoding", "encoding", "encoding",
                       "big5", "pdf-cut", "pdf-flipped", "pdf", "docx-cut", "docx-flipped", "docx-made",
                       "docx-hollow", "controls", "controls", "html-in-txt", "broken-html", "mutated", "mutated",
                       "mixed-encoding", "skipped-type", "convertible", "huge-line"])
    if kind == "empty":
        return kind, rng.choice(ALL_EXTS), b"", REJ
    if kind == "blank":
        return kind, rng.choice(TEXT_EXTS), rng.choice([" ", "\n\n", "\t \r\n", "\u3000\n", "\ufeff \n"]).encode(), REJ
    if kind == "bom-only":
        return kind, rng.choice(TEXT_EXTS), rng.choice([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff",
                                                         b"\xff\xfe\x00\x00"]), REJ
    if kind == "junk":
        return kind, rng.choice(ALL_EXTS), bytes(rng.randrange(256) for _ in range(rng.randint(1, 3000))), EITHER
    if kind == "encoding":
        codec = rng.choice(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "gb18030", "gbk", "utf-32"])
        data = text.encode(codec, errors="replace")
        if codec in ("utf-16-le", "utf-16-be") and rng.random() < 0.5:
            data = ("\ufeff" + text).encode(codec)
        return f"{kind}:{codec}", rng.choice(TEXT_EXTS), data, EITHER
    if kind == "big5":
        return kind, ".txt", BIG5, EITHER
    if kind == "pdf":
        return kind, ".pdf", PDF, EITHER
    if kind == "pdf-cut":
        return kind, ".pdf", PDF[:rng.randrange(len(PDF))], EITHER
    if kind == "pdf-flipped":
        return kind, ".pdf", _flip(PDF, rng), EITHER
    if kind == "docx-cut":
        return kind, ".docx", DOCX[:rng.randrange(len(DOCX))], EITHER
    if kind == "docx-flipped":
        return kind, ".docx", _flip(DOCX, rng), EITHER
    if kind == "docx-made":
        return kind, ".docx", _docx_of(text), EITHER
    if kind == "docx-hollow":  # a zip without the Word part, or with junk in it
        return kind, ".docx", _zip(rng.choice([{"a.txt": b"x"}, {"word/document.xml": b"<w:document"},
                                              {"[Content_Types].xml": b"", "word/document.xml": b"\x00" * 20}])), EITHER
    if kind == "controls":
        chars = list(text)
        for _ in range(rng.randint(1, 20)):
            chars.insert(rng.randrange(len(chars) + 1),
                         rng.choice(["\x00", "\x1b[2J", "\u202e", "\ufeff", "\x7f", "\u0085", "\u2028", "\x0c", "\ud800"]))
        return kind, rng.choice(TEXT_EXTS), "".join(chars).encode("utf-8", errors="surrogatepass"), EITHER
    if kind == "html-in-txt":
        body = "".join(f"<p>{line}</p>" for line in text.splitlines())
        return kind, ".txt", f"<!DOCTYPE html><html><head><title>x</title></head><body>{body}</body></html>".encode(), EITHER
    if kind == "broken-html":
        page = rng.choice([f"<html><body><p>{text}", f"<script>{text}</script>", f"<p><b><i>{text}</p></html>",
                           f"<html><meta charset=gbk><body>{text}</body></html>"])
        return kind, rng.choice([".html", ".htm"]), page.encode("utf-8"), EITHER
    if kind == "mutated":
        return kind, rng.choice(TEXT_EXTS), mutate(text, rng, edits=30, cut=0, copy=60).encode("utf-8", errors="surrogatepass"), EITHER
    if kind == "mixed-encoding":
        lines = text.splitlines(keepends=True)
        return kind, ".txt", b"".join(l.encode(rng.choice(["utf-8", "gb18030"])) for l in lines), EITHER
    if kind == "skipped-type":
        return kind, rng.choice(SKIPPED_EXTS), text.encode(), SKIP
    if kind == "convertible":
        return kind, rng.choice(CONVERTIBLE_EXTS), text.encode(), REJ
    # one very long line (no newline at all), under the size limit
    body = ("".join(text.splitlines()) * 400)[:rng.randint(10_000, 100_000)]
    return kind, ".txt", body.encode("utf-8"), EITHER


def write_bad_folder(root: Path, rng: random.Random, count: int) -> dict[str, str]:
    """`count` generated inputs in `root` (some in subfolders), plus copies, NFC/NFD twins, links, a FIFO,
    a folder named like a file and files over the size limit; returns {path: expectation}."""
    expect: dict[str, str] = {}
    for n in range(count):
        kind, ext, data, exp = bad_file(rng, n)
        folder = root / rng.choice(["", "a", "a/b", "深 层/目录"])
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{n:04d}{rng.choice(NAME_DECOR)}{kind.replace(':', '-')}{ext}"
        path = folder / name
        path.write_bytes(data)
        expect[str(path)] = exp
        if exp != SKIP and rng.random() < 0.08:  # the same bytes under another name, elsewhere
            twin = root / "copies" / f"{n:04d}副本{ext}"
            twin.parent.mkdir(exist_ok=True)
            twin.write_bytes(data)
            expect[str(twin)] = exp
    twins = root / "nf"
    twins.mkdir()
    for i in range(4):  # names equal after NFC: each file its own document
        for form, name in (("nfc", f"caf\u00e9{i}.txt"), ("nfd", f"cafe\u0301{i}.txt")):
            (twins / name).write_text(small_doc(rng, 10_000 + 2 * i + (form == "nfd")), encoding="utf-8")
            expect[str(twins / name)] = EITHER
    special = root / "special"
    special.mkdir()
    (special / "broken-link.txt").symlink_to(special / "nowhere.txt")
    expect[str(special / "broken-link.txt")] = REJ
    (special / "loop").mkdir()
    (special / "loop" / "again").symlink_to(special / "loop", target_is_directory=True)
    os.mkfifo(special / "pipe.txt")
    expect[str(special / "pipe.txt")] = REJ
    (special / "folder.txt").mkdir()
    (special / "folder.txt" / "inside.txt").write_text(small_doc(rng, 20_000), encoding="utf-8")
    expect[str(special / "folder.txt" / "inside.txt")] = EITHER
    for i in range(2):  # over FULIAN_MAX_FILE_MB=1
        big = special / f"big{i}.txt"
        one = small_doc(rng, 20_001 + i).encode()
        big.write_bytes(one * (1_300_000 // len(one) + 1))
        expect[str(big)] = REJ
    return expect


# -- checks ---------------------------------------------------------------------------------------
def text_of(path: str):
    """The decoded text a build would read from `path` (None: unreadable)."""
    from loaders.read import ReadError, read_document

    try:
        return read_document(path).text
    except ReadError:
        return None


def check_inputs(store, expect: dict[str, str], rejected: list[tuple[str, str]], failures: list[str]) -> int:
    """Every input is what `expect` says, each document holds exactly the files of one text (identical
    texts: one document; different texts: different documents); returns the inputs checked."""
    from loaders.read import SUPPORTED_EXTENSIONS
    from loaders.to_graph import content_hash

    docs = store.nodes("Document")
    by_file: dict[str, str] = {}
    for d in docs:
        for f in d.get("files") or ():
            if f in by_file:
                failures.append(f"{f!r} is in two documents: {by_file[f]} and {d['id']}")
            by_file[f] = d["id"]
            if not os.path.exists(f):
                failures.append(f"{d['id']} records {f!r}, which is gone")
    rej = {}
    for p, reason in rejected:
        rej[os.path.realpath(p)] = reason
        if not reason.strip() or "\n" in reason or "Traceback" in reason:
            failures.append(f"rejected {p!r} without a one-line reason: {reason!r}")
    fate: dict[str, tuple[str, str]] = {}  # text -> (its first file, its outcome)
    hashes: dict[str, set[str]] = defaultdict(set)  # doc -> content hashes of its files
    owners: dict[str, set[str]] = defaultdict(set)  # content hash -> documents
    for path, exp in expect.items():
        real = os.path.realpath(path)
        is_doc, is_rej = real in by_file, real in rej
        got = DOC if is_doc and not is_rej else REJ if is_rej and not is_doc else "both" if is_doc else SKIP
        if got != exp and not (exp == EITHER and got in (DOC, REJ)):
            failures.append(f"{path!r}: expected {exp}, got {got}" + (f" ({rej[real]})" if is_rej else ""))
        if os.path.splitext(path)[1].lower() not in SUPPORTED_EXTENSIONS or not os.path.isfile(path):
            continue
        text = text_of(path)
        if text is None:
            continue
        earlier = fate.setdefault(text, (path, got))
        if earlier[1] != got:
            failures.append(f"{path!r} ({got}) and {earlier[0]!r} ({earlier[1]}) hold the same text")
        if is_doc:
            h = content_hash(text, None)
            hashes[by_file[real]].add(h)
            owners[h].add(by_file[real])
    for d, hs in hashes.items():
        if len(hs) > 1:
            failures.append(f"{d} merges {len(hs)} different texts")
    for h, ds in owners.items():
        if len(ds) > 1:
            failures.append(f"one text is {len(ds)} documents: {sorted(ds)}")
    return len(expect)


IDENTITY = ("id_path", "paths", "files", "source", "name", "id")


def canonical(store) -> list[str]:
    """The store's rows with each document named by its content hash, not its path (a renamed or copied
    file keeps the document it had, where a fresh build names it after its path now)."""
    nodes, rels = store.nodes(), store.relationships()
    keys = {n["id"][len("doc:"):]: "#" + n["content_hash"] for n in nodes if n["label"] == "Document"}
    # an issuer whose place is unknown is named after the file its document was first read from
    # (市妇联（未定位：x）), which a renamed document keeps
    def unplaced(m):
        return m.group(1) + "…"

    def fix(value):
        if isinstance(value, list):
            return [fix(v) for v in value]
        if not isinstance(value, str):
            return value
        if "未定位" in value:
            value = re.sub(r"(未定位[:：])([^)）]*)", unplaced, value)
        for prefix in ("doc:", "passage:"):
            if value.startswith(prefix):
                rest = value[len(prefix):]
                key, sep, index = rest.rpartition("/") if prefix == "passage:" else (rest, "", "")
                if key in keys:
                    return prefix + keys[key] + sep + index
        return value

    out = []
    for n in nodes:
        row = {k: fix(v) for k, v in n.items() if not (n["label"] == "Document" and k in IDENTITY)}
        if n["label"] == "Passage":
            key, _, index = n["name"].rpartition("#")
            row["name"] = keys.get(key, key) + "#" + index
        row["id"] = fix(n["id"])
        out.append(json.dumps(row, ensure_ascii=False, sort_keys=True))
    repeats: dict[str, list] = defaultdict(list)
    for r in rels:
        row = {k: fix(v) for k, v in r.items() if k != "id"}
        if r["type"] == "REPEATS":
            # between passages of equal score and year, which one is linked, and in which direction,
            # follows the documents' ids: each passage's links, by rule, score and year, must agree
            # (and whether the other passage is its own federation's follows the issuers' names)
            for end in (row["start_id"], row["end_id"]):
                repeats[end].append((row["rule"].split(":")[0], row["score"], row.get("year")))
            continue
        out.append(json.dumps(row, ensure_ascii=False, sort_keys=True))
    out += [json.dumps(["REPEATS", p, sorted(links, key=repr)], ensure_ascii=False) for p, links in repeats.items()]
    return sorted(out)


def compare(incremental, fresh, what: str, failures: list[str], exact: bool = False) -> None:
    """Record how two stores differ (as canonical dumps, or row for row with `exact`)."""
    if exact:
        a = sorted(json.dumps(r, ensure_ascii=False, sort_keys=True) for r in incremental.nodes() + incremental.relationships())
        b = sorted(json.dumps(r, ensure_ascii=False, sort_keys=True) for r in fresh.nodes() + fresh.relationships())
    else:
        a, b = canonical(incremental), canonical(fresh)
    if a != b:
        only_a, only_b = sorted(set(a) - set(b)), sorted(set(b) - set(a))
        failures.append(f"{what}: incremental != fresh; only incremental: {only_a[:3]}; only fresh: {only_b[:3]}")


# -- sequences of changes ---------------------------------------------------------------------------
class Folder:
    """A folder of small documents changed at random: additions, copies (same or other encoding),
    renames and moves, edits, removals, and documents quoting or naming a campaign plainly."""

    ALL = ("add", "add", "copy", "rename", "edit", "edit", "remove", "quote", "plain")

    def __init__(self, root: Path, rng: random.Random, prefix: str = "f", ops: tuple = ALL):
        self.root, self.rng, self.n, self.prefix, self.ops = root, rng, 0, prefix, list(ops)
        self.names: list[str] = []  # campaign names in play
        root.mkdir(parents=True, exist_ok=True)

    def files(self) -> list[Path]:
        return sorted(p for p in self.root.rglob("*") if p.is_file())

    def expect(self) -> dict[str, str]:
        return {str(p): EITHER for p in self.files()}

    def _new_path(self, ext: str = ".txt") -> Path:
        self.n += 1
        folder = self.root / self.rng.choice(["", "x", "y/z"])
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{self.prefix}{self.n:04d}{self.rng.choice(['', ' 稿', '（修订）'])}{ext}"

    def step(self, ops: int) -> Counter:
        """Apply `ops` random changes; returns how many of each kind."""
        done: Counter = Counter()
        for _ in range(ops):
            files = self.files()
            op = self.rng.choice(self.ops if files else ["add", "quote", "plain"])
            rng = self.rng
            if op == "add":
                self._new_path(rng.choice([".txt", ".md"])).write_text(small_doc(rng, 30_000 + self.n), encoding="utf-8")
            elif op == "copy":
                src = rng.choice(files)
                text = text_of(str(src))
                if text is None:
                    continue
                codec = rng.choice(["utf-8", "utf-8-sig", "gb18030", "utf-16"])
                self._new_path(rng.choice([".txt", ".md"])).write_bytes(text.encode(codec, errors="replace"))
            elif op == "rename":
                src = rng.choice(files)
                src.rename(self._new_path(src.suffix))
            elif op == "edit":
                src = rng.choice(files)
                lines = (text_of(str(src)) or "").splitlines()
                if rng.random() < 0.5 and len(lines) > 2:
                    del lines[rng.randrange(1, len(lines))]
                else:
                    lines.insert(rng.randint(1, len(lines)), rng.choice(rng.choice(SAMPLES)[HEAD:]))
                src.write_text("\n".join(lines) + "\n", encoding="utf-8")
            elif op == "remove":
                rng.choice(files).unlink()
            elif op == "quote":
                if not self.names or rng.random() < 0.5:
                    self.names.append(campaign_name(rng))
                self._new_path().write_text(quoting_doc(rng.choice(self.names), self.n), encoding="utf-8")
            else:
                if not self.names or rng.random() < 0.3:
                    self.names.append(campaign_name(rng))
                self._new_path().write_text(plain_doc(rng, rng.choice(self.names), self.n), encoding="utf-8")
            done[op] += 1
        return done


def clear(root: Path) -> None:
    shutil.rmtree(root, ignore_errors=True)
