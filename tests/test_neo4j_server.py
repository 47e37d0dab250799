"""Tests against the real local Neo4j server (started by `fulian neo4j up` / scripts/neo4j-ci.sh).

They never start or stop the server. Without a reachable server they are skipped, or fail
when CI=true (see tests/neo4j_fixture.py).
"""

from __future__ import annotations

import json
import os
import secrets
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

try:
    from neo4j_fixture import in_ci, require_neo4j
except ImportError:  # tests/ imported as a package
    from tests.neo4j_fixture import in_ci, require_neo4j

from fulian import neo4j_server

pytestmark = pytest.mark.neo4j

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


@pytest.fixture(scope="module")
def auth() -> tuple[str, str, str]:
    return require_neo4j()


@pytest.fixture(scope="module")
def driver(auth):
    from neo4j import GraphDatabase

    uri, user, pw = auth
    with GraphDatabase.driver(uri, auth=(user, pw)) as drv:
        yield drv


def _bolt_host_port(uri: str) -> tuple[str, int]:
    parsed = urlparse(uri)
    return parsed.hostname or "127.0.0.1", parsed.port or 7687


def _http_base(uri: str) -> str:
    host, _ = _bolt_host_port(uri)
    return f"http://{host}:{neo4j_server.http_port()}"


def _get(url: str, timeout: float = 15) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status, resp.headers.get("Content-Type", ""), resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("Content-Type", ""), err.read().decode("utf-8", "replace")


def _scalar(driver, query: str, **params):
    records, _, _ = driver.execute_query(query, params, database_="neo4j")
    return records[0][0]


def test_status_reports_running_server(auth):
    uri, _, _ = auth
    info = neo4j_server.status()
    if os.environ.get("NEO4J_URI", info["bolt_uri"]) != info["bolt_uri"]:
        pytest.skip("NEO4J_URI points at an external server; status() describes the local one")
    if not info["running"]:
        msg = (f"a Neo4j answers at {uri} but it is not the server `fulian neo4j up` started for "
               f"{info['home']} (docker compose or another Neo4j?)")
        if in_ci():
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg)
    assert isinstance(info["pid"], int) and info["pid"] > 0
    assert info["bolt_listening"] and info["http_listening"]
    assert info["bolt_uri"] == f"bolt://127.0.0.1:{neo4j_server.bolt_port()}"
    assert info["browser_url"] == f"http://127.0.0.1:{neo4j_server.http_port()}/browser/"
    cmdline = Path(f"/proc/{info['pid']}/cmdline")
    if cmdline.exists():
        assert neo4j_server.MAIN_CLASS in cmdline.read_bytes().decode("utf-8", "replace")


def test_browser_is_served(auth):
    uri, _, _ = auth
    code, ctype, body = _get(_http_base(uri) + "/browser/")
    assert code == 200
    assert "text/html" in ctype
    assert "<title>Neo4j Browser</title>" in body


def test_discovery_document_reports_community_5_26(auth):
    uri, _, _ = auth
    code, _, body = _get(_http_base(uri) + "/")
    assert code == 200
    doc = json.loads(body)
    assert doc["neo4j_edition"] == "community"
    assert doc["neo4j_version"].startswith("5.26.")


def test_http_api_requires_authentication(auth):
    uri, _, _ = auth
    req = urllib.request.Request(
        _http_base(uri) + "/db/neo4j/tx/commit", method="POST",
        data=json.dumps({"statements": [{"statement": "RETURN 1"}]}).encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=15)
    assert err.value.code == 401


def test_bolt_rejects_wrong_password(auth):
    from neo4j import GraphDatabase
    from neo4j.exceptions import AuthError

    uri, user, _ = auth
    wrong = "wrong-" + secrets.token_urlsafe(12)
    with GraphDatabase.driver(uri, auth=(user, wrong), connection_timeout=10) as drv:
        with pytest.raises(AuthError):
            drv.verify_connectivity()


def test_bolt_accepts_password(driver):
    assert _scalar(driver, "RETURN 1 + 1") == 2


def test_apoc_core_is_loaded(driver):
    version = _scalar(driver, "RETURN apoc.version()")
    assert version.startswith("5.26.")
    # A procedure from apoc-core, not only a function.
    records, _, _ = driver.execute_query("CALL apoc.help('apoc.text.join') YIELD name RETURN name",
                                         database_="neo4j")
    assert "apoc.text.join" in [r["name"] for r in records]
    assert _scalar(driver, "RETURN apoc.text.join(['妇联', '知识'], '-')") == "妇联-知识"


def test_cjk_fulltext_analyzer(driver):
    analyzers = [r["analyzer"] for r in driver.execute_query(
        "CALL db.index.fulltext.listAvailableAnalyzers() YIELD analyzer RETURN analyzer",
        database_="neo4j").records]
    assert "cjk" in analyzers

    suffix = secrets.token_hex(4)
    label, index = f"FulianTestCjk{suffix}", f"fulian_test_cjk_{suffix}"
    try:
        driver.execute_query(
            f"CREATE FULLTEXT INDEX {index} FOR (n:{label}) ON EACH [n.name] "
            "OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}", database_="neo4j")
        driver.execute_query(f"CREATE (:{label} {{name: '全国妇联知识图谱'}}), (:{label} {{name: '天气预报'}})",
                             database_="neo4j")
        driver.execute_query("CALL db.awaitIndexes(60)", database_="neo4j")
        records, _, _ = driver.execute_query(
            "CALL db.index.fulltext.queryNodes($index, $q) YIELD node RETURN node.name AS name",
            {"index": index, "q": "知识"}, database_="neo4j")
        assert [r["name"] for r in records] == ["全国妇联知识图谱"]
    finally:
        driver.execute_query(f"DROP INDEX {index} IF EXISTS", database_="neo4j")
        driver.execute_query(f"MATCH (n:{label}) DETACH DELETE n", database_="neo4j")


def _listening_addresses(port: int) -> list[str]:
    """Local addresses of LISTEN sockets on ``port`` from /proc/net/tcp{,6} (hex form)."""
    found = []
    for name in ("tcp", "tcp6"):
        path = Path("/proc/net") / name
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            local, state = fields[1], fields[3]
            addr, hexport = local.rsplit(":", 1)
            if state == "0A" and int(hexport, 16) == port:
                found.append(addr)
    return found


def _is_loopback_hex(addr: str) -> bool:
    if len(addr) == 8:  # IPv4, little-endian per 32-bit word: 127.x.x.x ends with 7F
        return addr.upper().endswith("7F")
    if len(addr) == 32:
        words = [addr[i:i + 8].upper() for i in range(0, 32, 8)]
        if words == ["00000000", "00000000", "00000000", "01000000"]:  # ::1
            return True
        # ::ffff:127.x.x.x (IPv4-mapped)
        return words[:2] == ["00000000", "00000000"] and words[2] == "FFFF0000" and words[3].endswith("7F")
    return False


def test_listens_only_on_loopback(auth):
    uri, _, _ = auth
    host, bport = _bolt_host_port(uri)
    if host not in LOOPBACK_HOSTS:
        pytest.skip(f"server at {host} is not on this machine")
    if not Path("/proc/net/tcp").exists():
        pytest.skip("needs /proc/net/tcp (Linux)")
    for port in (bport, neo4j_server.http_port()):
        addrs = _listening_addresses(port)
        assert addrs, f"nothing listens on port {port} in this network namespace"
        bad = [a for a in addrs if not _is_loopback_hex(a)]
        assert not bad, f"port {port} is bound to non-loopback addresses (hex): {bad}"
