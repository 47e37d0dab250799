"""Breadth-first walks over the federation hierarchy, for the build and the questions alike."""

from __future__ import annotations

from typing import Callable, Iterable, Mapping, Optional


def distances(start: str, neighbours: Callable[[str], Iterable[str]],
              max_depth: Optional[int] = None) -> dict[str, int]:
    """{start: 0, each node reached: its fewest steps}, following `neighbours` breadth first and
    never further than `max_depth` steps."""
    dist = {start: 0}
    frontier = [start]
    depth = 0
    while frontier and (max_depth is None or depth < max_depth):
        depth += 1
        nxt = []
        for x in frontier:
            for y in neighbours(x):
                if y not in dist:
                    dist[y] = depth
                    nxt.append(y)
        frontier = nxt
    return dist


def ancestor_distances(parents: Mapping[str, Iterable[str]], start: Iterable[str]) -> dict[str, dict[str, int]]:
    """For each id in `start`: {itself: 0, each ancestor: its distance}, over `parents`
    (child id → its parents' ids)."""
    return {f: distances(f, lambda x: parents.get(x, ())) for f in start}
