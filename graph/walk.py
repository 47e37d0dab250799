"""Walks over the federation hierarchy that both the build and the questions need."""

from __future__ import annotations

from typing import Iterable, Mapping


def ancestor_distances(parents: Mapping[str, Iterable[str]], start: Iterable[str]) -> dict[str, dict[str, int]]:
    """For each id in `start`: {itself: 0, each ancestor: its distance}, breadth first over `parents`
    (child id → its parents' ids)."""
    out: dict[str, dict[str, int]] = {}
    for f in start:
        dist = {f: 0}
        frontier = [f]
        while frontier:
            nxt = []
            for x in frontier:
                for p in parents.get(x, ()):
                    if p not in dist:
                        dist[p] = dist[x] + 1
                        nxt.append(p)
            frontier = nxt
        out[f] = dist
    return out
