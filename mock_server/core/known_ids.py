"""The ids accepted on one source account: what DuplicateTransactionId compares a new batch with.

An account may hold millions of ids, and every push asks whether any of its thousand is among
them. A set answers with one probe per id into a table far larger than any cache, grows by
copying itself whole, and keeps every id alive as a string of its own: past a few million ids
that was most of what a push cost. Yet integrations mostly number their transactions in some
order (a sequence, a date and a counter), so that a batch's ids, sorted, span a range holding no
id of any earlier batch.

:class:`KnownIds` keeps the accepted batches in *groups*: batches whose id ranges meet share a
group, the groups' ranges are disjoint and kept in order, and each batch keeps its own ids
(:class:`~mock_server.core.stored.Transactions` decodes them from its body). A batch whose range
meets no group's is new with two binary searches and no id hashed. One that meets groups is
compared id by id with theirs, through a set of each group's ids built from its batches the
first time it is asked for and kept up to date from then on, and it joins them into one group.
Ids sent in no order at all (uuids) soon make one group of everything: a set, as before.
"""

from __future__ import annotations

import operator
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence, Set
from dataclasses import dataclass
from itertools import chain, islice
from typing import Protocol

__all__ = ["HoldsIds", "KnownIds", "NewIds", "admit"]


class HoldsIds(Protocol):
    """An accepted batch, as the account keeps it: it can tell its ids (and their count) again."""

    def __len__(self) -> int: ...

    def ids(self) -> list[str]: ...


@dataclass(frozen=True, slots=True)
class NewIds:
    """A batch's ids, found new and distinct by :func:`admit`: where the batch goes.

    ``low`` and ``high`` are its lowest and highest id; ``first`` and ``stop`` the groups its range
    meets (``first == stop``: none, it goes in at ``first``), valid only until the account's ids
    change. ``first`` is -1 when they were not looked for (judged against a plain set).
    ``distinct`` is the set of its ids when one was built (never on the common path).
    """

    low: str = ""
    high: str = ""
    first: int = -1
    stop: int = -1
    distinct: frozenset[str] | set[str] | None = None


class _Group:
    """Batches whose id ranges meet (the range itself is :class:`KnownIds`'), how many ids they
    hold, and (once asked for) the set of all their ids."""

    __slots__ = ("batches", "count", "_ids")

    def __init__(self, batch: HoldsIds) -> None:
        self.batches = [batch]
        self.count = len(batch)
        self._ids: set[str] | None = None

    def ids(self) -> set[str]:
        if self._ids is None:
            self._ids = set(chain.from_iterable(batch.ids() for batch in self.batches))
        return self._ids

    @property
    def has_set(self) -> bool:
        return self._ids is not None


#: Ids a group holds on average, at the least: a batch that meets no group joins its neighbour
#: rather than start its own while the groups are smaller than that.
SMALLEST_GROUP = 64


class KnownIds(Set[str]):
    """The ids of an account's accepted batches, as a read-only set that batches are added to.

    Membership costs a binary search (and, inside a group's range, a probe of its set); the
    common push (:func:`admit`, then :meth:`add`) hashes no id when its range meets no group's.
    """

    __slots__ = ("_lows", "_highs", "_groups", "_count", "_smallest")

    def __init__(self, smallest_group: int = SMALLEST_GROUP) -> None:
        # Parallel lists, in the order of the ranges: the groups are disjoint, so both are sorted.
        self._lows: list[str] = []
        self._highs: list[str] = []
        self._groups: list[_Group] = []
        self._count = 0
        self._smallest = smallest_group

    # -- the set, read-only ----------------------------------------------------------------------

    def __contains__(self, item: object) -> bool:
        if not isinstance(item, str):
            return False
        at = bisect_right(self._lows, item) - 1
        return at >= 0 and item <= self._highs[at] and item in self._groups[at].ids()

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[str]:
        return chain.from_iterable(batch.ids() for group in self._groups for batch in group.batches)

    def __repr__(self) -> str:
        return f"<KnownIds: {self._count} in {len(self._groups)} groups>"

    @property
    def groups(self) -> int:
        """How many groups of meeting ranges the batches make (one per batch when none meet)."""
        return len(self._groups)

    def ranges(self) -> list[tuple[str, str]]:
        """Each group's lowest and highest id, in order: disjoint, or the binary searches fail."""
        return list(zip(self._lows, self._highs, strict=True))

    # -- a new batch ------------------------------------------------------------------------------

    def admit(self, ids: Sequence[str]) -> NewIds | None:
        """``ids`` as a new batch, or None when one repeats in it or is known already."""
        if not ids:
            return None
        distinct: set[str] | None = None
        if all(map(operator.lt, ids, islice(ids, 1, None))):  # ascending: distinct, no hash needed
            low, high = ids[0], ids[-1]
        else:
            distinct = set(ids)
            if len(distinct) != len(ids):
                return None
            low, high = min(distinct), max(distinct)
        first, stop = self._meeting(low, high)
        if first < stop:
            if distinct is None:
                distinct = set(ids)
            for group in self._groups[first:stop]:
                if not group.ids().isdisjoint(distinct):
                    return None
        return NewIds(low, high, first, stop, distinct)

    def add(self, batch: HoldsIds, new: NewIds | None = None) -> None:
        """Keep ``batch``, whose ids ``new`` (from :func:`admit` just now, with nothing added since)
        found new; without ``new``, its ids are read from it and taken as they are."""
        if not len(batch):
            return
        if new is None or new.first < 0:
            distinct = new.distinct if new is not None else None
            ids = distinct if distinct is not None else batch.ids()
            new = NewIds(min(ids), max(ids), distinct=distinct)
            first, stop = self._meeting(new.low, new.high)
        else:
            first, stop = new.first, new.stop
        self._count += len(batch)
        if first == stop and self._groups and len(self._groups) * self._smallest > self._count:
            # Small batches (one transaction each, say) would make a group apiece, and each
            # insertion into these lists would move the rest: one joins its neighbour instead
            # (no group lies between them, so the groups stay disjoint).
            first, stop = (first - 1, first) if first else (0, 1)
        if first == stop:
            self._lows.insert(first, new.low)
            self._highs.insert(first, new.high)
            self._groups.insert(first, _Group(batch))
            return
        self._join(first, stop, batch, new)

    def forget(self, batch: HoldsIds) -> None:
        """``batch``'s ids are free again (its push did not complete). The ranges stay as wide as
        they were: a wider range only sends more batches to the id-by-id comparison."""
        ids = batch.ids()
        if not ids:
            return
        first, stop = self._meeting(min(ids), max(ids))
        for at in range(first, stop):
            group = self._groups[at]
            kept = [b for b in group.batches if b is not batch]
            if len(kept) == len(group.batches):
                continue
            self._count -= len(batch)
            if not kept:
                del self._lows[at], self._highs[at], self._groups[at]
                return
            group.batches = kept
            group.count -= len(batch)
            if group.has_set:
                group.ids().difference_update(ids)
            return

    def _meeting(self, low: str, high: str) -> tuple[int, int]:
        """The groups whose ranges meet [low, high]: ``range(first, stop)``."""
        return bisect_left(self._highs, low), bisect_right(self._lows, high)

    def _join(self, first: int, stop: int, batch: HoldsIds, new: NewIds) -> None:
        """One group of the groups ``first`` to ``stop`` and ``batch``, over all their ranges."""
        joined = self._groups[first:stop]
        low, high = min(new.low, self._lows[first]), max(new.high, self._highs[stop - 1])
        # The largest group carries on, the others' batches (and ids, once it has a set) go into
        # it: a uuid account's one group grows by a batch at a time, never rebuilt.
        carrier = max(joined, key=lambda g: (g.has_set, g.count))
        for group in joined:
            if group is not carrier:
                carrier.batches.extend(group.batches)
                carrier.count += group.count
                if carrier.has_set:
                    carrier.ids().update(group.ids())
        carrier.batches.append(batch)
        carrier.count += len(batch)
        if carrier.has_set:
            carrier.ids().update(new.distinct if new.distinct is not None else batch.ids())
        self._lows[first:stop] = [low]
        self._highs[first:stop] = [high]
        self._groups[first:stop] = [carrier]


def admit(known: Set[str], ids: Sequence[str]) -> NewIds | None:
    """``ids`` as a new batch on an account that knows ``known`` (any set; :class:`KnownIds`
    answers without hashing them when it can), or None when one repeats or is known."""
    if isinstance(known, KnownIds):
        return known.admit(ids)
    distinct = set(ids)
    if not ids or len(distinct) != len(ids) or not known.isdisjoint(distinct):
        return None
    return NewIds(distinct=distinct)  # placed by KnownIds.add, should it be added to one
