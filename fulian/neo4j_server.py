"""Manage a local Neo4j 5.26 Community server built from Maven Central artifacts (no Docker).

The server is the small Java launcher in ``tools/neo4j-server`` (class
``org.fuliankg.server.FulianNeo4j``): Neo4j Community with Bolt, HTTP, Neo4j Browser and
APOC core, listening on 127.0.0.1 only, with authentication always enabled.

Public API (all functions return values and never print):

- :func:`server_home` -- the directory holding the server's data, logs, plugins, pid and password.
- :func:`password` -- the ``neo4j`` user's password (``NEO4J_PASSWORD`` or the stored one).
- :func:`build_launcher` -- ``mvn package`` the launcher when its sources changed.
- :func:`up` -- start the server (or find it already running) and wait until Bolt accepts the password.
- :func:`status` -- whether our server runs, with its pid, URLs and files.
- :func:`down` -- stop the server this module started (by its recorded pid only).
- :func:`serves` -- whether a Bolt URI reaches the server this module runs (bulk import needs its files).
- :func:`import_full` -- ``neo4j-admin database import full`` into the stopped server's database.
- :class:`LocalServer` -- these operations as the server a bulk import drives (graph.bulk.LocalServer).
- :class:`Neo4jServerError` -- every failure, phrased with its remedy.

Environment:

- ``FULIAN_NEO4J_HOME``: server home (default ``~/.local/share/fulian/neo4j``).
- ``FULIAN_NEO4J_BOLT_PORT`` / ``FULIAN_NEO4J_HTTP_PORT``: ports (default 7687 / 7474).
- ``FULIAN_NEO4J_GUIDE_PORT``: port of the Browser guide (default: a free port chosen at start). The
  launcher serves ``<home>/guide`` (fulian.browser_guide: starter queries and style) there, and
  Browser applies the style and plays the guide when it connects.
- ``FULIAN_NEO4J_HEAP``: JVM maximum heap (default ``2g``).
- ``FULIAN_NEO4J_PAGECACHE``: page cache for the store files (default ``1g``; a graph of
  10,000 documents takes about 1 GB on disk, and queries slow down when it does not fit).
- ``FULIAN_NEO4J_IMPORT_MEMORY``: off-heap memory of the offline importer (default ``2g``).
- ``NEO4J_PASSWORD``: the password to use instead of the stored one.

For scripts: ``python -m fulian.neo4j_server {build,up,down,status}``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Optional

from graph.errors import FulianError

__all__ = [
    "Neo4jServerError",
    "server_home",
    "password",
    "password_file",
    "bolt_port",
    "http_port",
    "guide_port",
    "guide_url",
    "build_launcher",
    "up",
    "status",
    "down",
    "serves",
    "import_full",
    "LocalServer",
    "MAIN_CLASS",
    "NEO4J_VERSION",
]

MAIN_CLASS = "org.fuliankg.server.FulianNeo4j"
ADMIN_CLASS = "org.neo4j.cli.AdminTool"  # neo4j-admin's entry point (neo4j-command-line; import: neo4j-import-tool)
DATABASE = "neo4j"  # Community's one user database
#: Neo4j / APOC version the launcher's pom.xml pins (newest 5.26.x with a matching APOC).
NEO4J_VERSION = "5.26.19"
READY_MARKER = "FULIAN_NEO4J_READY"
USER = "neo4j"
HOST = "127.0.0.1"
DEFAULT_BOLT_PORT = 7687
DEFAULT_HTTP_PORT = 7474
DEFAULT_HEAP = "2g"
DEFAULT_PAGECACHE = "1g"
DEFAULT_IMPORT_MEMORY = "2g"
MIN_PASSWORD_LENGTH = 8  # Neo4j's dbms.security.auth_minimum_password_length
LOG_ROTATE_BYTES = 20 * 1024 * 1024

LAUNCHER_DIR = Path(__file__).resolve().parents[1] / "tools" / "neo4j-server"

_PID_FILE = "fulian-neo4j.pid"
_STATE_FILE = "fulian-neo4j.json"
_PASSWORD_FILE = "password"
_BUILD_STAMP = "fulian-build.sha256"

Progress = Optional[Callable[[str], Any]]

# Servers started by this Python process: reaped here so they never linger as zombies.
_children: dict[int, subprocess.Popen] = {}


class Neo4jServerError(FulianError):
    """Starting, stopping or building the local Neo4j failed; the message says what to do."""


# -- locations and settings ---------------------------------------------------------------

def server_home() -> Path:
    """The server's home: ``$FULIAN_NEO4J_HOME`` or ``~/.local/share/fulian/neo4j``.

    It holds ``data/`` (databases), ``logs/neo4j.log`` (server output), ``plugins/`` (APOC
    jars), ``conf/``, the pid file and the password file. It is not created here.
    """
    env = os.environ.get("FULIAN_NEO4J_HOME", "").strip()
    if env:
        return Path(env).expanduser().resolve()
    return (Path.home() / ".local" / "share" / "fulian" / "neo4j").resolve()


def password_file() -> Path:
    """Where the generated password is stored (``<server_home()>/password``, mode 0600)."""
    return server_home() / _PASSWORD_FILE


def password() -> str:
    """The ``neo4j`` user's password.

    ``$NEO4J_PASSWORD`` when set; otherwise the content of :func:`password_file`; otherwise a
    new random password (``secrets.token_urlsafe``) is generated and stored in that file with
    mode 0600 (created atomically, so concurrent callers agree on one password).
    """
    env = os.environ.get("NEO4J_PASSWORD")
    if env:
        return env
    path = password_file()
    try:
        text = path.read_text(encoding="utf-8").strip()
        if text:
            return text
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    new = secrets.token_urlsafe(24)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        text = path.read_text(encoding="utf-8").strip()
        if text:
            return text
        fd = os.open(path, os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(new + "\n")
    os.chmod(path, 0o600)
    return new


def _port_from_env(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        port = int(raw)
    except ValueError:
        raise Neo4jServerError(f"{name}={raw!r} is not a port number") from None
    if not 0 < port < 65536:
        raise Neo4jServerError(f"{name}={raw!r} is not a port number (1-65535)")
    return port


def bolt_port() -> int:
    """Bolt port: ``$FULIAN_NEO4J_BOLT_PORT`` or 7687."""
    return _port_from_env("FULIAN_NEO4J_BOLT_PORT", DEFAULT_BOLT_PORT)


def http_port() -> int:
    """HTTP (Browser) port: ``$FULIAN_NEO4J_HTTP_PORT`` or 7474."""
    return _port_from_env("FULIAN_NEO4J_HTTP_PORT", DEFAULT_HTTP_PORT)


def _log_file(home: Path) -> Path:
    return home / "logs" / "neo4j.log"


def guide_port() -> int:
    """Guide port: ``$FULIAN_NEO4J_GUIDE_PORT``, else a port free right now on 127.0.0.1."""
    port = _port_from_env("FULIAN_NEO4J_GUIDE_PORT", 0)
    if port:
        return port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def guide_url(port: int) -> str:
    from fulian.browser_guide import GUIDE_FILE

    return f"http://{HOST}:{port}/{GUIDE_FILE}"


def _urls(bport: int, hport: int) -> tuple[str, str]:
    return f"bolt://{HOST}:{bport}", f"http://{HOST}:{hport}/browser/"


def _launcher_dir() -> Path:
    env = os.environ.get("FULIAN_NEO4J_LAUNCHER_DIR", "").strip()
    return Path(env).resolve() if env else LAUNCHER_DIR


# -- building the launcher ----------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _java_major(java: str) -> Optional[int]:
    """The major version of `java` (asked once per process: each `java -version` starts a JVM)."""
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not m:
        return None
    major = int(m.group(1))
    return int(m.group(2) or 0) if major == 1 else major


def _require_java() -> str:
    java = shutil.which("java")
    if not java:
        raise Neo4jServerError(
            "Java 17 is required to run Neo4j 5.26 but `java` is not on PATH: "
            "install openjdk-17-jre-headless (Debian/Ubuntu: apt-get install openjdk-17-jdk-headless), "
            "or use docker-compose.yml")
    major = _java_major(java)
    if major is not None and major < 17:
        raise Neo4jServerError(
            f"Java 17 is required to run Neo4j 5.26 but `{java}` is Java {major}: "
            "install openjdk-17-jre-headless and put it first on PATH")
    return java


def _sources_digest(launcher: Path) -> str:
    h = hashlib.sha256()
    files = [launcher / "pom.xml"] + sorted((launcher / "src").rglob("*"))
    for f in files:
        if f.is_file():
            h.update(str(f.relative_to(launcher)).encode())
            h.update(b"\0")
            h.update(f.read_bytes())
            h.update(b"\0")
    return h.hexdigest()


def _build_outputs_present(launcher: Path) -> bool:
    target = launcher / "target"
    cls = target / "classes" / Path(*MAIN_CLASS.split(".")).with_suffix(".class")
    lib = target / "lib"
    plugins = target / "plugins"
    return (cls.is_file() and lib.is_dir() and any(lib.glob("neo4j-*.jar"))
            and plugins.is_dir() and any(plugins.glob("apoc-core-*.jar")))


def build_launcher(progress: Progress = None) -> dict:
    """Build the Java launcher (``mvn -q -B package`` in ``tools/neo4j-server``) if needed.

    Skipped when ``target/`` holds the compiled class, the copied jars and the APOC plugins
    and the pom/sources have not changed since the last successful build (content hash in
    ``target/fulian-build.sha256``). The first build downloads about 190 MB from Maven
    Central into ``~/.m2`` and takes a minute or more.

    ``progress``, if given, is called with short status strings.
    Returns ``{"built": bool, "seconds": float, "launcher_dir": str}``.
    Raises :class:`Neo4jServerError` when ``java`` (17+) or ``mvn`` is missing or the build
    fails (with the last lines of Maven's output).
    """
    launcher = _launcher_dir()
    if not (launcher / "pom.xml").is_file():
        raise Neo4jServerError(
            f"the Neo4j launcher sources are missing ({launcher / 'pom.xml'}): run from a checkout "
            "of the repository (or set FULIAN_NEO4J_LAUNCHER_DIR to its tools/neo4j-server)")
    _require_java()
    digest = _sources_digest(launcher)
    stamp = launcher / "target" / _BUILD_STAMP
    if _build_outputs_present(launcher) and stamp.is_file() \
            and stamp.read_text(encoding="utf-8").strip() == digest:
        return {"built": False, "seconds": 0.0, "launcher_dir": str(launcher)}
    mvn = shutil.which("mvn")
    if not mvn:
        raise Neo4jServerError(
            "Maven is required to build the Neo4j launcher but `mvn` is not on PATH: "
            "install it (Debian/Ubuntu: apt-get install maven), or use docker-compose.yml")
    if progress:
        progress("building the Neo4j launcher with Maven (first time: downloads ~190 MB)...")
    t0 = time.monotonic()
    try:
        proc = subprocess.run([mvn, "-q", "-B", "package"], cwd=launcher, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              timeout=3600)
    except subprocess.TimeoutExpired:
        raise Neo4jServerError("`mvn package` in tools/neo4j-server did not finish within an hour; "
                               "check the network connection to Maven Central") from None
    seconds = time.monotonic() - t0
    if proc.returncode != 0 or not _build_outputs_present(launcher):
        tail = "\n".join(_strip_ansi(proc.stdout or "").splitlines()[-25:])
        raise Neo4jServerError(
            f"building the Neo4j launcher failed (`mvn -q -B package` in {launcher}, exit "
            f"{proc.returncode}); last lines:\n{tail}")
    stamp.write_text(digest + "\n", encoding="utf-8")
    if progress:
        progress(f"built the Neo4j launcher in {seconds:.0f} s")
    return {"built": True, "seconds": round(seconds, 1), "launcher_dir": str(launcher)}


def _strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


# -- processes ----------------------------------------------------------------------------

def _home_marker(home: Path) -> str:
    return f"-Dfulian.neo4j.home={home}"


def _cmdline(pid: int) -> Optional[list[str]]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
        return [a.decode("utf-8", "replace") for a in raw.split(b"\0") if a]
    except FileNotFoundError:
        return None
    except OSError:
        pass
    try:  # no /proc (macOS): ask ps
        out = subprocess.run(["ps", "-o", "command=", "-p", str(pid)], capture_output=True,
                             text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.split() if out.returncode == 0 and out.stdout.strip() else None


def _alive(pid: int) -> bool:
    child = _children.get(pid)
    if child is not None:
        if child.poll() is not None:
            _children.pop(pid, None)
            return False
        return True
    from graph.lock import pid_alive

    return pid_alive(pid)


def _is_our_server(pid: int, home: Path) -> bool:
    """True when ``pid`` is a live JVM running our launcher for this ``home``."""
    if not _alive(pid):
        return False
    args = _cmdline(pid)
    if not args:  # a zombie has an empty command line
        return False
    return MAIN_CLASS in args and _home_marker(home) in args


def _read_pid(home: Path) -> Optional[int]:
    try:
        return int((home / _PID_FILE).read_text(encoding="utf-8").strip())
    except (FileNotFoundError, ValueError):
        return None


def _read_state(home: Path) -> dict:
    try:
        return json.loads((home / _STATE_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}


def _clear_pid(home: Path) -> None:
    for name in (_PID_FILE, _STATE_FILE):
        try:
            (home / name).unlink()
        except FileNotFoundError:
            pass


def _running_pid(home: Path) -> Optional[int]:
    """The recorded pid if it still is our server; removes a stale pid file."""
    pid = _read_pid(home)
    if pid is None:
        return None
    if _is_our_server(pid, home):
        return pid
    _clear_pid(home)
    return None


def _port_open(port: int, host: str = HOST, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _port_owner(port: int) -> str:
    """Best-effort description of who listens on ``port`` (via ``ss``), or ''."""
    ss = shutil.which("ss")
    if not ss:
        return ""
    try:
        out = subprocess.run([ss, "-H", "-ltnp", f"sport = :{port}"], capture_output=True,
                             text=True, timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ""
    m = re.search(r'users:\(\("([^"]+)",pid=(\d+)', out)
    return f"{m.group(1)} (pid {m.group(2)})" if m else ""


def _log_tail(log: Path, start: int = 0, lines: int = 20) -> str:
    try:
        with open(log, "rb") as fh:
            fh.seek(start)
            data = fh.read()
    except FileNotFoundError:
        return "(no log written)"
    text = data.decode("utf-8", "replace").rstrip("\n")
    return "\n".join(text.splitlines()[-lines:]) or "(log is empty)"


def _jvm(java: str, launcher: Path) -> list[str]:
    """The JVM and its flags, shared by the server and the offline importer (heap: FULIAN_NEO4J_HEAP)."""
    heap = os.environ.get("FULIAN_NEO4J_HEAP", "").strip() or DEFAULT_HEAP
    target = launcher / "target"
    classpath = os.pathsep.join([str(target / "classes"), str(target / "lib" / "*")])
    return [
        java,
        f"-Xmx{heap}",
        "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "--add-opens=java.base/java.io=ALL-UNNAMED",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
        "-XX:+UseG1GC",
        "-XX:-OmitStackTraceInFastThrow",
        "-XX:+ExitOnOutOfMemoryError",
        "-Djdk.nio.maxCachedBufferSize=1024",
        "-Dio.netty.tryReflectionSetAccessible=true",
        "-Dlog4j2.disable.jmx=true",
        "-Dfile.encoding=UTF-8",
        "-cp", classpath,
    ]


def _java_command(java: str, launcher: Path, home: Path, bport: int, hport: int, gport: int) -> list[str]:
    pagecache = os.environ.get("FULIAN_NEO4J_PAGECACHE", "").strip() or DEFAULT_PAGECACHE
    return _jvm(java, launcher) + [
        _home_marker(home),
        MAIN_CLASS,
        "--home", str(home),
        "--bolt-port", str(bport),
        "--http-port", str(hport),
        "--plugins-dir", str(home / "plugins"),
        "--guide-dir", str(home / "guide"),
        "--guide-port", str(gport),
        "--conf", f"server.memory.pagecache.size={pagecache}",
        # Neo4j keeps two days of transaction logs by default: reloads of a 10,000-document graph
        # piled up 10 GB of them. Keep 1 GB (pruned at checkpoints).
        "--conf", "db.tx_log.rotation.retention_policy=1G size",
    ]


def _sync_plugins(launcher: Path, home: Path) -> None:
    """Copy the built APOC jars into ``home/plugins``; drop APOC jars of other versions."""
    src = launcher / "target" / "plugins"
    dst = home / "plugins"
    dst.mkdir(parents=True, exist_ok=True)
    wanted = {p.name: p for p in src.glob("*.jar")}
    for old in dst.glob("apoc-*.jar"):
        if old.name not in wanted:
            old.unlink()
    for name, jar in wanted.items():
        target = dst / name
        if not target.is_file() or target.stat().st_size != jar.stat().st_size:
            shutil.copy2(jar, target)


def _rotate_log(log: Path) -> None:
    try:
        if log.stat().st_size > LOG_ROTATE_BYTES:
            log.replace(log.with_name(log.name + ".1"))
    except FileNotFoundError:
        pass


def _check_bolt(uri: str, pw: str) -> None:
    """Raises the driver's exception when Bolt does not accept ``neo4j``/``pw``."""
    try:
        from neo4j import GraphDatabase
    except ImportError:
        raise Neo4jServerError("the `neo4j` Python driver is not installed: pip install 'neo4j>=5.26'") from None
    with GraphDatabase.driver(uri, auth=(USER, pw), connection_timeout=5) as driver:
        driver.verify_connectivity()


def _info(home: Path, pid: int, bport: int, hport: int, **extra: Any) -> dict:
    bolt_uri, browser_url = _urls(bport, hport)
    info = {
        "browser_url": browser_url,
        "bolt_uri": bolt_uri,
        "user": USER,
        "password_file": str(password_file()),
        "password_from_env": bool(os.environ.get("NEO4J_PASSWORD")),
        "pid": pid,
        "log": str(_log_file(home)),
        "home": str(home),
    }
    info.update(extra)
    return info


# -- public operations --------------------------------------------------------------------

def up(wait_seconds: float = 180, progress: Progress = None) -> dict:
    """Start the local Neo4j server (building the launcher first if needed) and wait for it.

    If our server is already running for this home, nothing is started and its info is
    returned (``already_running`` True). Refuses to start when the Bolt or HTTP port is
    taken by another process. Otherwise the JVM is started detached (own session; stdout and
    stderr appended to ``logs/neo4j.log``), its pid recorded in the home, and this call
    waits until Bolt accepts ``neo4j`` with :func:`password` (the launcher sets that password
    on every start, so the stored/env password is always the server's password).

    Returns ``dict(browser_url, bolt_uri, user, password_file, password_from_env, pid, log,
    home, already_running, startup_seconds, guide_url)``.
    Raises :class:`Neo4jServerError` on any failure or after ``wait_seconds`` (the server is
    then stopped), with the last lines of the log.
    """
    home = server_home()
    bport, hport = bolt_port(), http_port()
    if bport == hport:
        raise Neo4jServerError("FULIAN_NEO4J_BOLT_PORT and FULIAN_NEO4J_HTTP_PORT must differ")
    pw = password()
    if len(pw) < MIN_PASSWORD_LENGTH:
        raise Neo4jServerError(
            f"the Neo4j password must have at least {MIN_PASSWORD_LENGTH} characters "
            "(NEO4J_PASSWORD is shorter): choose a longer one or unset it to use a generated one")
    log = _log_file(home)
    deadline = time.monotonic() + wait_seconds

    pid = _running_pid(home)
    if pid is not None:
        state = _read_state(home)
        bport, hport = state.get("bolt_port", bport), state.get("http_port", hport)
        _wait_ready(pid, home, bport, pw, log, 0, deadline, wait_seconds, started_here=False)
        return _info(home, pid, bport, hport, already_running=True,
                     startup_seconds=state.get("startup_seconds"), guide_url=state.get("guide_url"))

    for port, what, env in ((bport, "Bolt", "FULIAN_NEO4J_BOLT_PORT"),
                            (hport, "HTTP", "FULIAN_NEO4J_HTTP_PORT")):
        if _port_open(port):
            owner = _port_owner(port)
            raise Neo4jServerError(
                f"port {port} ({what}) on {HOST} is already in use"
                + (f" by {owner}" if owner else " by another process")
                + f", which is not the Neo4j started by `fulian neo4j up` for {home}: stop it "
                f"(e.g. `docker compose down` or another Neo4j), or set {env} to a free port")

    java = _require_java()
    build_launcher(progress)
    launcher = _launcher_dir()
    for sub in ("data", "logs", "plugins", "conf"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    _sync_plugins(launcher, home)
    _rotate_log(log)

    gport = guide_port()
    if gport in (bport, hport) or _port_open(gport):
        raise Neo4jServerError(f"port {gport} (Browser guide) on {HOST} is already in use: set "
                               "FULIAN_NEO4J_GUIDE_PORT to a free port, or unset it to pick one")
    from fulian.browser_guide import write_guide

    write_guide(home / "guide", f"http://{HOST}:{gport}")
    env = dict(os.environ)
    env["NEO4J_PASSWORD"] = pw  # read by the launcher; environment is private to the user
    env.pop("FULIAN_NEO4J_PASSWORD_FILE", None)
    cmd = _java_command(java, launcher, home, bport, hport, gport)
    if progress:
        progress(f"starting Neo4j {NEO4J_VERSION} (log: {log})...")
    with open(log, "ab") as fh:
        fh.write(f"\n===== fulian neo4j up {time.strftime('%Y-%m-%d %H:%M:%S %z')} "
                 f"bolt={bport} http={hport} =====\n".encode())
        fh.flush()
        start_offset = fh.tell()
        t0 = time.monotonic()
        try:
            proc = subprocess.Popen(cmd, cwd=home, env=env, stdin=subprocess.DEVNULL, stdout=fh,
                                    stderr=subprocess.STDOUT, start_new_session=True, close_fds=True)
        except OSError as exc:
            raise Neo4jServerError(f"could not start Java ({java}): {exc}") from exc
    _children[proc.pid] = proc
    (home / _PID_FILE).write_text(f"{proc.pid}\n", encoding="utf-8")
    state = {"pid": proc.pid, "bolt_port": bport, "http_port": hport, "guide_url": guide_url(gport),
             "started_at": time.time(), "neo4j_version": NEO4J_VERSION}
    (home / _STATE_FILE).write_text(json.dumps(state), encoding="utf-8")

    try:
        _wait_ready(proc.pid, home, bport, pw, log, start_offset, deadline, wait_seconds,
                    started_here=True)
    except Neo4jServerError:
        if _alive(proc.pid):
            _terminate(proc.pid, home, timeout=30)
        _clear_pid(home)
        raise
    seconds = round(time.monotonic() - t0, 1)
    state["startup_seconds"] = seconds
    (home / _STATE_FILE).write_text(json.dumps(state), encoding="utf-8")
    if progress:
        progress(f"Neo4j is up after {seconds:.0f} s")
    return _info(home, proc.pid, bport, hport, already_running=False, startup_seconds=seconds,
                 guide_url=state["guide_url"])


def _wait_ready(pid: int, home: Path, bport: int, pw: str, log: Path, start_offset: int,
                deadline: float, wait_seconds: float, started_here: bool) -> None:
    """Wait for the launcher's ready line (when we started it), then for a Bolt login."""
    uri = _urls(bport, 0)[0]
    ready = not started_here
    last_err: Optional[BaseException] = None
    while True:
        if not _alive(pid):
            raise Neo4jServerError(
                f"Neo4j exited during start-up (pid {pid}); last lines of {log}:\n"
                f"{_log_tail(log, start_offset)}")
        if not ready:
            ready = READY_MARKER in _log_tail(log, start_offset, lines=1_000_000)
        if ready:
            try:
                _check_bolt(uri, pw)
                return
            except Neo4jServerError:
                raise
            except Exception as exc:  # noqa: BLE001 - the driver raises many kinds
                last_err = exc
                if type(exc).__name__ == "AuthError":
                    raise Neo4jServerError(
                        f"Neo4j at {uri} rejected the password for user '{USER}' ({exc}). The "
                        f"launcher sets it on every start; restart with `fulian neo4j down` and "
                        f"`fulian neo4j up`, and check NEO4J_PASSWORD / {password_file()}") from exc
        if time.monotonic() >= deadline:
            detail = f" (last Bolt error: {last_err})" if last_err else ""
            raise Neo4jServerError(
                f"Neo4j did not accept Bolt logins at {uri} within {wait_seconds:.0f} s{detail}; "
                f"it was stopped. Retry with a longer wait, or read {log}. Last lines:\n"
                f"{_log_tail(log, start_offset)}")
        time.sleep(0.5 if not ready else 1.0)


def status() -> dict:
    """State of the local server, without starting anything.

    Returns ``dict(running, pid, bolt_uri, browser_url, bolt_port, http_port, bolt_listening,
    http_listening, home, log, password_file, neo4j_version, startup_seconds, guide_url)``;
    ``running`` is True only when the recorded pid is alive and is our launcher for this home
    (a stale pid file is removed). ``*_listening`` tell whether something answers on the
    ports (possibly another server when ``running`` is False).
    """
    home = server_home()
    pid = _running_pid(home)
    state = _read_state(home) if pid is not None else {}
    bport = state.get("bolt_port") or bolt_port()
    hport = state.get("http_port") or http_port()
    bolt_uri, browser_url = _urls(bport, hport)
    return {
        "running": pid is not None,
        "pid": pid,
        "bolt_uri": bolt_uri,
        "browser_url": browser_url,
        "bolt_port": bport,
        "http_port": hport,
        "bolt_listening": _port_open(bport),
        "http_listening": _port_open(hport),
        "home": str(home),
        "log": str(_log_file(home)),
        "password_file": str(password_file()),
        "neo4j_version": NEO4J_VERSION,
        "startup_seconds": state.get("startup_seconds"),
        "guide_url": state.get("guide_url"),
    }


def _terminate(pid: int, home: Path, timeout: float) -> bool:
    """SIGTERM ``pid`` (re-checked to be our server), wait, SIGKILL. True if it was forced."""
    if not _is_our_server(pid, home):
        return False
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    except PermissionError:
        raise Neo4jServerError(f"not allowed to stop Neo4j (pid {pid}): it runs as another user") from None
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if not _alive(pid) or not _is_our_server(pid, home):
            _children.pop(pid, None)
            return False
        time.sleep(0.2)
    if _is_our_server(pid, home):
        os.kill(pid, signal.SIGKILL)
        end = time.monotonic() + 10
        while time.monotonic() < end and _alive(pid):
            time.sleep(0.1)
    _children.pop(pid, None)
    return True


def down(timeout: float = 60) -> str:
    """Stop the server that :func:`up` started, and only that one.

    Uses the recorded pid, checked against ``/proc/PID/cmdline`` (our launcher class and this
    home), sends SIGTERM (Neo4j shuts down cleanly: checkpoint, close stores), waits up to
    ``timeout`` seconds, then SIGKILLs. Removes the pid file. Returns a one-line message,
    also when nothing was running (never raises for that).
    """
    home = server_home()
    pid = _read_pid(home)
    if pid is None:
        return f"Neo4j is not running (no pid file in {home})"
    if not _is_our_server(pid, home):
        _clear_pid(home)
        return f"Neo4j is not running (pid {pid} from the pid file is gone; removed the stale pid file)"
    t0 = time.monotonic()
    forced = _terminate(pid, home, timeout)
    _clear_pid(home)
    seconds = time.monotonic() - t0
    if forced:
        return f"Neo4j (pid {pid}) did not stop within {timeout:.0f} s and was killed (SIGKILL)"
    return f"Neo4j stopped (pid {pid}, {seconds:.1f} s)"


# -- bulk import --------------------------------------------------------------------------

_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def serves(uri: str) -> bool:
    """True when ``uri`` reaches the server :func:`up` runs for this home (loopback, its Bolt port).

    Only then are the database files at hand for :func:`import_full`; a remote server (Aura, a
    cluster, another machine's Neo4j) is loaded through Bolt transactions instead.
    """
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(uri)
        port = parts.port or DEFAULT_BOLT_PORT
    except ValueError:
        return False
    if parts.hostname not in _LOOPBACK:
        return False
    info = status()
    return bool(info["running"]) and port == info["bolt_port"]


def database_dirs(home: Path) -> list[Path]:
    """The folders of the database under HOME: its store files, then its transaction logs."""
    return [home / "data" / "databases" / DATABASE, home / "data" / "transactions" / DATABASE]


def import_full(nodes: list[Path], relationships: list[Path], *, multiline: list[Path] = (),
                array_delimiter: str = "U+001F", progress: Progress = None) -> dict:
    """Replace the local server's database with the CSV files given (``neo4j-admin database import full``).

    The server must be stopped (:func:`down`); start it again with :func:`up`. Each file carries its
    own header line (``:ID``/``:LABEL`` or ``:START_ID``/``:END_ID``/``:TYPE`` and typed columns);
    ``multiline`` names the files whose quoted values hold line breaks. The importer runs from the
    launcher's jars (``org.neo4j:neo4j-import-tool``), output in ``logs/import.log``. When it fails
    the database is reset to empty (the server creates a new one on start) and
    :class:`Neo4jServerError` says why. Returns ``{"seconds", "output"}``.
    """
    home = server_home()
    if _running_pid(home) is not None:
        raise Neo4jServerError("the offline importer needs the server stopped: run `fulian neo4j down` first")
    java = _require_java()
    build_launcher(progress)
    conf_dir = home / "conf"
    conf_dir.mkdir(parents=True, exist_ok=True)
    extra = conf_dir / "fulian-import.conf"  # the launcher's directories, whatever conf/neo4j.conf says
    extra.write_text("".join(f"server.directories.{k}={home / k}\n" for k in ("data", "logs", "run")),
                     encoding="utf-8")
    memory = os.environ.get("FULIAN_NEO4J_IMPORT_MEMORY", "").strip() or DEFAULT_IMPORT_MEMORY
    log = home / "logs" / "import.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    cmd = _jvm(java, _launcher_dir()) + [
        ADMIN_CLASS, "database", "import", "full", DATABASE,  # first: a file list would take it for a file
        f"--additional-config={extra}", "--overwrite-destination=true",
        f"--array-delimiter={array_delimiter}", f"--max-off-heap-memory={memory}",
        f"--report-file={home / 'logs' / 'import.report'}",
    ]
    cmd += [f"--nodes={p}" for p in nodes] + [f"--relationships={p}" for p in relationships]
    if multiline:
        cmd += ["--multiline-fields-format=v2", "--multiline-fields=" + ",".join(str(p) for p in multiline)]
    env = dict(os.environ, NEO4J_HOME=str(home), NEO4J_CONF=str(conf_dir))
    if progress:
        progress(f"running neo4j-admin database import full ({len(nodes)} node and "
                 f"{len(relationships)} relationship files)...")
    t0 = time.monotonic()
    with open(log, "w", encoding="utf-8") as fh:
        proc = subprocess.run(cmd, cwd=home, env=env, stdin=subprocess.DEVNULL, stdout=fh,
                              stderr=subprocess.STDOUT)
    seconds = time.monotonic() - t0
    output = log.read_text(encoding="utf-8", errors="replace")
    if proc.returncode != 0 or "IMPORT DONE" not in output:
        for d in database_dirs(home):
            shutil.rmtree(d, ignore_errors=True)
        tail = "\n".join(_strip_ansi(output).splitlines()[-15:])
        raise Neo4jServerError(
            f"neo4j-admin database import full failed (exit {proc.returncode}); the database was reset to "
            f"empty. Load with `fulian load` (transactions) instead; details in {log}:\n{tail}")
    return {"seconds": round(seconds, 1), "output": output}


class LocalServer:
    """The server of this home as `graph.bulk.LocalServer`: what a bulk import asks of it."""

    database = DATABASE

    def serves(self, uri: str) -> bool:
        return serves(uri)

    def stop(self) -> str:
        return down()

    def start(self, progress: Progress = None) -> dict:
        return up(progress=progress)

    def import_full(self, nodes: list[Path], relationships: list[Path], *, multiline: list[Path] = (),
                    array_delimiter: str = "U+001F", progress: Progress = None) -> dict:
        return import_full(nodes, relationships, multiline=multiline, array_delimiter=array_delimiter,
                           progress=progress)


# -- script entry point -------------------------------------------------------------------

def _main(argv: Optional[list[str]] = None) -> int:
    import argparse

    p = argparse.ArgumentParser(prog="python -m fulian.neo4j_server",
                                description="Manage the local Neo4j server (no Docker).")
    sub = p.add_subparsers(dest="action", required=True)
    sub.add_parser("build", help="build the Java launcher with Maven if needed")
    u = sub.add_parser("up", help="start the server and wait for Bolt")
    u.add_argument("--wait", type=float, default=180, help="seconds to wait (default 180)")
    d = sub.add_parser("down", help="stop the server started by `up`")
    d.add_argument("--timeout", type=float, default=60)
    sub.add_parser("status", help="show the server's state (exit 0 running, 3 not)")
    args = p.parse_args(argv)

    def say(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    try:
        if args.action == "build":
            print(json.dumps(build_launcher(say)))
        elif args.action == "up":
            print(json.dumps(up(args.wait, progress=say), indent=2))
        elif args.action == "down":
            print(down(args.timeout))
        else:
            info = status()
            print(json.dumps(info, indent=2))
            return 0 if info["running"] else 3
    except Neo4jServerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(_main())
