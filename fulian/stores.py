"""Stores as the commands open them: the defaults of a Neo4j connection are worked out here
(NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD, else the local server of `fulian neo4j up`: its Bolt
port and password file), so the library's stores are given their settings."""

from __future__ import annotations

import os
from typing import Any, Optional


def connection_settings(uri: Optional[str] = None) -> tuple[str, str, str]:
    """(uri, user, password) from the argument, NEO4J_* variables, or the local server."""
    from fulian import neo4j_server

    uri = uri or os.environ.get("NEO4J_URI") or f"bolt://127.0.0.1:{neo4j_server.bolt_port()}"
    user = os.environ.get("NEO4J_USER", "neo4j")
    password = os.environ.get("NEO4J_PASSWORD") or neo4j_server.password()
    return uri, user, password


def neo4j_store(uri: Optional[str] = None, **options: Any) -> Any:
    """A Neo4jStore on `uri` (default: NEO4J_URI or the local server), logged in as configured."""
    from graph.neo4j_store import Neo4jStore

    return Neo4jStore(*connection_settings(uri), **options)


def open_store(backend: str = "embedded", path: Optional[str] = None, *, read_only: bool = False,
               uri: Optional[str] = None) -> Any:
    """graph.store.open_store with the Neo4j connection's defaults filled in."""
    from graph.store import open_store as open_any

    if backend != "neo4j":
        return open_any(backend, path, read_only=read_only)
    uri, user, password = connection_settings(uri)
    return open_any(backend, path, read_only=read_only, uri=uri, user=user, password=password)
