#!/usr/bin/env bash
# Start or stop the local Neo4j server for CI and scripted test runs (no Docker).
#
#   bash scripts/neo4j-ci.sh start   # install Java 17 + Maven if missing, build the launcher,
#                                    # start Neo4j and wait until Bolt accepts the password
#   bash scripts/neo4j-ci.sh stop    # stop the server that `start` started
#
# Uses fulian/neo4j_server.py (the same code as `fulian neo4j up|down`). Settings come from the
# environment: FULIAN_NEO4J_HOME, FULIAN_NEO4J_BOLT_PORT, FULIAN_NEO4J_HTTP_PORT, NEO4J_PASSWORD
# (default: a generated password stored in the server home), NEO4J_CI_WAIT (seconds, default 300).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${PYTHON:-}" ]; then
  py="$PYTHON"
elif [ -x .venv/bin/python ]; then
  py=.venv/bin/python
else
  py=python3
fi

java_ok() {
  command -v java >/dev/null 2>&1 || return 1
  local v
  v=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)
  [ -n "$v" ] && [ "$v" -ge 17 ]
}

install_prerequisites() {
  local pkgs=()
  java_ok || pkgs+=(openjdk-17-jdk-headless)
  command -v mvn >/dev/null 2>&1 || pkgs+=(maven)
  [ ${#pkgs[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "neo4j-ci: need ${pkgs[*]} (Java 17 and Maven) and cannot apt-get install them without root" >&2
      exit 1
    fi
  fi
  echo "neo4j-ci: installing ${pkgs[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >/dev/null
  $sudo apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
}

case "${1:-}" in
  start)
    install_prerequisites
    "$py" -m fulian.neo4j_server build >/dev/null
    "$py" -m fulian.neo4j_server up --wait "${NEO4J_CI_WAIT:-300}"
    ;;
  stop)
    "$py" -m fulian.neo4j_server down
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
