"""Cluster: duplicate pairs joined into clusters, without chaining records that conflict.

Union-find over the pairs, a person's ``same`` first, then the algorithm's in order of score. Two
clusters are joined only when no record of one conflicts with a record of the other (a person said
"different", or :func:`~cartsle_cli.dedup.compare.hard_conflict`), so A~B and B~C never pull
together an A and C with different DOIs. A refused join is returned for a person to look at.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


@dataclass
class Clustering:
    clusters: list[list[int]]  # record ids, clusters of two or more only
    refused: list[tuple[int, int]] = field(default_factory=list)  # pairs whose join would conflict


def cluster(
    person_same: Iterable[tuple[int, int]],
    algorithm_same: Iterable[tuple[int, int]],
    person_different: set[tuple[int, int]],
    conflict: Callable[[int, int], bool],
) -> Clustering:
    """Clusters of record ids; pairs are ``(smaller id, larger id)``, ``algorithm_same`` best first.

    A person's ``same`` overrides the algorithm's conflicts but never a person's ``different``.
    """
    parent: dict[int, int] = {}
    members: dict[int, list[int]] = {}

    def root(record: int) -> int:
        parent.setdefault(record, record)
        while parent[record] != record:
            parent[record] = parent[parent[record]]
            record = parent[record]
        return record

    def join(a: int, b: int, check: Callable[[int, int], bool]) -> bool:
        ra, rb = root(a), root(b)
        if ra == rb:
            return True
        group_a, group_b = members.get(ra, [ra]), members.get(rb, [rb])
        if any(check(min(x, y), max(x, y)) for x in group_a for y in group_b):
            return False
        if len(group_a) < len(group_b):
            ra, rb, group_a, group_b = rb, ra, group_b, group_a
        parent[rb] = ra
        members[ra] = group_a + group_b
        members.pop(rb, None)
        return True

    def person_check(a: int, b: int) -> bool:
        return (a, b) in person_different

    def full_check(a: int, b: int) -> bool:
        return (a, b) in person_different or conflict(a, b)

    refused = []
    for a, b in person_same:
        if not join(a, b, person_check):
            refused.append((a, b))
    for a, b in algorithm_same:
        if not join(a, b, full_check):
            refused.append((a, b))
    return Clustering(clusters=[sorted(group) for group in members.values()], refused=refused)
