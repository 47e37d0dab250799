#!/usr/bin/env bash
# Set up everything the test suite needs and run it:
#   Python venv + packages, headless Chromium, the Neo4j launcher (Maven), a local Neo4j server.
# Extra arguments go to pytest (e.g. `bash scripts/test.sh -k store`).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install -q --disable-pip-version-check -e '.[test]'

bash scripts/install-chromium.sh

started_neo4j=0
if ! .venv/bin/python -m fulian.neo4j_server status >/dev/null 2>&1; then
  bash scripts/neo4j-ci.sh start
  started_neo4j=1
fi
cleanup() {
  if [ "$started_neo4j" = 1 ]; then bash scripts/neo4j-ci.sh stop || true; fi
}
trap cleanup EXIT

.venv/bin/python -m pytest "$@"
