#!/usr/bin/env bash
# Set up everything the test suite needs and run it:
#   Python venv + packages, headless Chromium, the Neo4j launcher (Maven), and a Neo4j server of
#   the suite's own: a fresh home in a temp folder and free ports, whatever NEO4J_* and
#   FULIAN_NEO4J_* say, so a server of yours (`fulian neo4j up`) is never used, let alone wiped.
#   The server is marked as a test database (tests refuse any other) and removed on exit.
# Extra arguments go to pytest (e.g. `bash scripts/test.sh -k store`).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/venv.sh
bash scripts/install-chromium.sh

home=$(mktemp -d "${TMPDIR:-/tmp}/fulian-test-neo4j.XXXXXX")
read -r bolt http < <(.venv/bin/python -c '
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))')
unset NEO4J_PASSWORD NEO4J_USER NEO4J_DATABASE FULIAN_NEO4J_GUIDE_PORT  # password generated in the new home; guide on a free port
export FULIAN_NEO4J_HOME="$home" FULIAN_NEO4J_BOLT_PORT="$bolt" FULIAN_NEO4J_HTTP_PORT="$http"
export NEO4J_URI="bolt://127.0.0.1:$bolt"
cleanup() {
  bash scripts/neo4j-ci.sh stop >/dev/null || true
  rm -rf "$home"
}
trap cleanup EXIT
echo "test.sh: the suite's own Neo4j: $NEO4J_URI (home $home)" >&2
bash scripts/neo4j-ci.sh start >/dev/null
.venv/bin/python tests/neo4j_fixture.py mark >/dev/null

.venv/bin/python -m pytest "$@"
