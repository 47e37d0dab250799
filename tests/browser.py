"""Open a page in headless Chromium and report what it drew (for the HTML view tests).

Chromium is driven through the DevTools protocol over a pipe (--remote-debugging-pipe: commands
on fd 3, replies on fd 4, NUL-separated JSON), so no extra Python package is needed. One call,
``open_page(path)``, loads the file:// page, waits for ``document.body.dataset.stabilized``,
reads ``window.fulianNodeCount``, records every network request and JavaScript error, and takes
a PNG screenshot.

``chromium_or_skip()`` finds the browser; when it is missing the test is skipped locally and
fails in CI (CI=true), after one attempt to install it with scripts/install-chromium.sh.
"""

from __future__ import annotations

import base64
import fcntl
import io
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import pytest

from conftest import in_ci  # noqa: E402  (one definition for the suite)

ROOT = Path(__file__).resolve().parents[1]
INSTALL_SCRIPT = ROOT / "scripts" / "install-chromium.sh"
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars")
WIDTH, HEIGHT = 1280, 800


def find_chromium() -> Optional[str]:
    env = os.environ.get("CHROMIUM")
    if env and os.access(env, os.X_OK):
        return env
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


_install_tried = False


def chromium_or_skip() -> str:
    """The Chromium binary; skip the test when missing (fail in CI, after trying to install it)."""
    global _install_tried
    binary = find_chromium()
    if binary is None and in_ci() and not _install_tried and INSTALL_SCRIPT.exists():
        _install_tried = True
        subprocess.run(["bash", str(INSTALL_SCRIPT)], capture_output=True, text=True, timeout=900)
        binary = find_chromium()
    if binary is None:
        msg = ("headless Chromium is not installed: run `bash scripts/install-chromium.sh` "
               "(apt-get install chromium fonts-noto-cjk) to run the browser tests")
        if in_ci():
            pytest.fail(msg + " [CI=true: browser tests may not be skipped]", pytrace=False)
        pytest.skip(msg)
    return binary


class BrowserError(RuntimeError):
    pass


class _DevTools:
    """A minimal DevTools-protocol client over Chromium's debugging pipe."""

    def __init__(self, binary: str, profile: str):
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()
        # move the child's ends above 3 and 4 so the shell's redirections cannot clobber them
        for name in ("to_chrome_r", "from_chrome_w"):
            fd = locals()[name]
            high = fcntl.fcntl(fd, fcntl.F_DUPFD, 100)
            os.close(fd)
            if name == "to_chrome_r":
                to_chrome_r = high
            else:
                from_chrome_w = high
        cmd = [binary, *FLAGS, f"--user-data-dir={profile}", f"--window-size={WIDTH},{HEIGHT}",
               "--remote-debugging-pipe", "about:blank"]
        # bash puts the pipe ends on fds 3 and 4, where Chromium expects them, then becomes Chromium
        shell = 'exec "$@" 3<&%d 4>&%d %d<&- %d>&-' % (to_chrome_r, from_chrome_w, to_chrome_r, from_chrome_w)
        self.proc = subprocess.Popen(["bash", "-c", shell, "chromium", *cmd], pass_fds=(to_chrome_r, from_chrome_w),
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buf = b""
        self._id = 0
        self.events: list[dict[str, Any]] = []

    def _read_message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError("timed out waiting for Chromium")
            ready, _, _ = select.select([self._from_chrome], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._from_chrome, 1 << 20)
            if not chunk:
                err = self.proc.stderr.read().decode(errors="replace")[-2000:] if self.proc.stderr else ""
                raise BrowserError(f"Chromium closed the debugging pipe; stderr: {err}")
            self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method: str, params: Optional[dict] = None, session: Optional[str] = None,
             timeout: float = 30.0) -> dict[str, Any]:
        self._id += 1
        msg: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._to_chrome, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def close(self) -> None:
        try:
            self.call("Browser.close", timeout=5)
        except (BrowserError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        for fd in (self._to_chrome, self._from_chrome):
            try:
                os.close(fd)
            except OSError:
                pass
        if self.proc.stderr:
            self.proc.stderr.close()


@dataclass
class PageReport:
    url: str
    stabilized: str                 # "1" once the layout settled ("timeout" / "" otherwise)
    node_count: Optional[int]       # window.fulianNodeCount: nodes vis-network drew
    edge_count: Optional[int]
    dataset: dict[str, str]         # document.body.dataset
    legend_text: str
    title: str
    png: bytes
    requests: list[str] = field(default_factory=list)   # every URL the page asked for
    errors: list[str] = field(default_factory=list)     # JS exceptions, console errors, CSP violations

    def remote_requests(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(("file:", "data:", "blob:", "about:"))]


def _evaluate(dt: _DevTools, session: str, expr: str) -> Any:
    res = dt.call("Runtime.evaluate", {"expression": expr, "returnByValue": True}, session=session, timeout=90)
    if "exceptionDetails" in res:
        raise BrowserError(f"evaluating {expr!r}: {res['exceptionDetails'].get('text')}")
    return res.get("result", {}).get("value")


def open_page(path: str | Path, binary: Optional[str] = None, timeout: float = 120.0,
              screenshot: Optional[str | Path] = None) -> PageReport:
    """Load a local HTML file, wait for the view to settle, and report what was drawn."""
    binary = binary or chromium_or_skip()
    url = Path(path).resolve().as_uri()
    profile = tempfile.mkdtemp(prefix="fulian-chromium-")
    dt = _DevTools(binary, profile)
    try:
        target = dt.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = dt.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for method in ("Network.enable", "Page.enable", "Runtime.enable", "Log.enable"):
            dt.call(method, session=session)
        dt.call("Emulation.setDeviceMetricsOverride",
                {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False}, session=session)
        dt.call("Page.navigate", {"url": url}, session=session)
        deadline = time.monotonic() + timeout
        stabilized = ""
        while time.monotonic() < deadline:
            if any(ev.get("method") == "Page.javascriptDialogOpening" for ev in dt.events[-20:]):
                dt.call("Page.handleJavaScriptDialog", {"accept": False}, session=session)
            stabilized = _evaluate(dt, session,
                                   "document.body && document.body.dataset.stabilized || ''") or ""
            if stabilized:
                break
            time.sleep(0.2)
        time.sleep(0.3)  # let the final frame after fit() paint
        info = _evaluate(dt, session, """JSON.stringify({
            nodes: (typeof window.fulianNodeCount === 'number') ? window.fulianNodeCount : null,
            edges: (typeof window.fulianEdgeCount === 'number') ? window.fulianEdgeCount : null,
            dataset: document.body ? Object.assign({}, document.body.dataset) : {},
            legend: (document.getElementById('fulian-legend') || {}).innerText || '',
            title: document.title})""")
        info = json.loads(info)
        shot = dt.call("Page.captureScreenshot", {"format": "png"}, session=session, timeout=60)
        png = base64.b64decode(shot["data"])
        if screenshot:
            Path(screenshot).write_bytes(png)
        requests, errors = [], []
        for ev in dt.events:
            method, params = ev.get("method"), ev.get("params", {})
            if method == "Network.requestWillBeSent":
                requests.append(params.get("request", {}).get("url", ""))
            elif method == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                errors.append(details.get("exception", {}).get("description") or details.get("text", "exception"))
            elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
                errors.append(" ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", [])))
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                errors.append(params["entry"].get("text", ""))
            elif method == "Page.javascriptDialogOpening":
                errors.append(f"dialog opened: {params.get('type')} {params.get('message')!r}")
        return PageReport(url=url, stabilized=stabilized, node_count=info["nodes"], edge_count=info["edges"],
                          dataset=info["dataset"], legend_text=info["legend"], title=info["title"], png=png,
                          requests=requests, errors=errors)
    finally:
        dt.close()
        shutil.rmtree(profile, ignore_errors=True)


def image_stats(png: bytes, rgb: Optional[tuple[int, int, int]] = None, tolerance: int = 40) -> dict[str, Any]:
    """Size, distinct colours, share of non-white pixels and (optionally) pixels near `rgb`."""
    import numpy as np
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB")
    arr = np.asarray(img, dtype=np.int16).reshape(-1, 3)
    non_white = int((arr.min(axis=1) < 235).sum())
    near = None
    if rgb is not None:
        near = int((np.abs(arr - np.array(rgb, dtype=np.int16)) <= tolerance).all(axis=1).sum())
    packed = arr.astype(np.int32)
    colors = len(np.unique(packed[:, 0] * 65536 + packed[:, 1] * 256 + packed[:, 2]))
    return {"size": img.size, "distinct_colors": colors, "non_white_share": non_white / max(1, len(arr)),
            "near_color": near}


def visit(url: str, *steps: str, binary: Optional[str] = None, timeout: float = 120.0) -> tuple[list[Any], bytes]:
    """Open any URL and run each JS expression in turn until it is truthy (e.g. wait, fill and click, wait).

    Returns each step's value (falsy when it timed out; later steps are then not run) and a screenshot.
    """
    binary = binary or chromium_or_skip()
    profile = tempfile.mkdtemp(prefix="fulian-chromium-")
    dt = _DevTools(binary, profile)
    try:
        target = dt.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = dt.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        dt.call("Emulation.setDeviceMetricsOverride",
                {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False}, session=session)
        dt.call("Page.navigate", {"url": url}, session=session)
        values: list[Any] = []
        for step in steps:
            deadline = time.monotonic() + timeout
            value: Any = None
            while time.monotonic() < deadline and not value:
                try:
                    value = _evaluate(dt, session, step)
                except BrowserError:
                    value = None
                if not value:
                    time.sleep(0.5)
            values.append(value)
            if not value:
                break
        time.sleep(0.5)
        shot = dt.call("Page.captureScreenshot", {"format": "png"}, session=session, timeout=60)
        return values, base64.b64decode(shot["data"])
    finally:
        dt.close()
        shutil.rmtree(profile, ignore_errors=True)
