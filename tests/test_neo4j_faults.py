"""A connection lost in the middle of a load: a clear message, and a re-run completes without duplicates."""

import os
import socket
import subprocess
import sys
import threading
import time
from urllib.parse import urlparse

from conftest import ROOT
from graph.nx_store import NetworkxStore
from graph_samples import document_graph


class CuttableProxy:
    """A TCP relay on 127.0.0.1 in front of Neo4j's Bolt port that can drop every connection."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.socks: list[socket.socket] = []
        self.cut = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.cut:
                client.close()
                continue
            upstream = socket.create_connection(self.target, timeout=10)
            self.socks += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.close()
                except OSError:
                    pass

    def drop_everything(self):
        self.cut = True
        for s in self.socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass
        self.listener.close()


def test_connection_lost_mid_load_then_rerun(loaded_neo4j, tmp_path):
    src = NetworkxStore(tmp_path / "big.json")
    for i in range(300):
        src.write(document_graph(f"cut_{i:04d}", year=2015 + i % 10, campaign=f"活动{i % 29}"))
    src.save()
    loaded_neo4j.clear()
    target = urlparse(loaded_neo4j.uri)
    proxy = CuttableProxy(target.hostname, target.port)
    env = dict(os.environ, FULIAN_BATCH_ROWS="100", NEO4J_URI=f"bolt://127.0.0.1:{proxy.port}")
    cmd = [sys.executable, "-m", "fulian.cli", "load", "--graph", str(tmp_path / "big.json")]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and loaded_neo4j.counts()["nodes"].get("Document", 0) < 15:
        time.sleep(0.05)
    proxy.drop_everything()
    t0 = time.monotonic()
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, (out, err)
    assert "Neo4j" in err and "run the same command again" in err and "Traceback" not in err, err
    assert time.monotonic() - t0 < 60
    partial = loaded_neo4j.counts()["nodes"].get("Document", 0)
    assert 0 < partial < 300
    env["NEO4J_URI"] = loaded_neo4j.uri
    rerun = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert loaded_neo4j.counts() == src.counts()
    assert loaded_neo4j.relationships() == src.relationships()
    loaded_neo4j.clear()
