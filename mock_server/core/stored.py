"""Accepted transactions as they are kept: the JSON they came in, decoded again when read.

A million stored transactions must fit in a few hundred megabytes. Kept as one record each, a
transaction costs some 290 bytes (the record, its id, date and description, a float, a list slot);
kept as the body its batch arrived in, it costs what it weighs, some 110 bytes in a typical batch,
and that body is there anyway: the echo answers with it. So :class:`Transactions` holds each
accepted batch as its bytes, its count and its last transaction, which is all the rules and the
account read once a batch is in (the latest date, where a failed push leaves the account). The few
readers that want every transaction (QBO's feed, exports, the UI) decode the bytes again into the
same records; those that want only the ids (a push's ``changes``, a failed push's release, the
account's ``known_ids`` when a batch's ids must be compared one by one,
:mod:`mock_server.core.known_ids`) decode only those.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate, chain
from typing import Any, cast, final, overload

import msgspec
from msgspec import UNSET, Struct

from mock_server.core.model import Batch, DetailedBatch, Txn

__all__ = ["Transactions", "records_of"]


def records_of(items: Iterable[Mapping[str, Any]]) -> list[Txn]:
    """Records of transactions given as JSON objects: the fields a Txn holds, a field left out
    UNSET (the others the document names are only echoed, never read back)."""
    return [
        Txn(
            i["id"],
            i["date"],
            i["description"],
            i["amount"],
            i.get("balance", UNSET),
            i.get("transactionType", UNSET),
        )
        for i in items
    ]


# ---------------------------------------------------------------------------------------------
# What a kept batch is kept as, and how it reads back


@dataclass(frozen=True, slots=True)
class _Format:
    """How one kept batch reads back: into its records, or only its ids (half the cost)."""

    records: Callable[[Any], list[Txn]]
    ids: Callable[[Any], list[str]]


class _Id(Struct, gc=False):
    id: str


class _BodyIds(Struct):
    transactions: list[_Id]


def _body(struct: type[Batch] | type[DetailedBatch]) -> _Format:
    """A create-bank-transactions body, decoded into ``struct`` as the hot path decoded it."""
    records, ids = msgspec.json.Decoder(struct).decode, msgspec.json.Decoder(_BodyIds).decode
    # A list of DetailedTxn is a list of Txn that is only read from here on.
    return _Format(
        lambda data: cast(list[Txn], records(data).transactions),
        lambda data: [item.id for item in ids(data).transactions],
    )


_PLAIN, _DETAILED = _body(Batch), _body(DetailedBatch)

_array_ids, _any_json = msgspec.json.Decoder(list[_Id]).decode, msgspec.json.Decoder().decode


def _ids_of_array(data: bytes) -> list[str]:
    return [item.id for item in _array_ids(data)]


def _records_of_any(data: bytes) -> list[Txn]:
    return records_of(_any_json(data))


#: Records encoded as a JSON array (the precise path, scenarios), read back by the hot path's
#: type; or as any JSON, for those that type refuses (an amount past 2**63, say).
_ENCODED = _Format(msgspec.json.Decoder(list[Txn]).decode, _ids_of_array)
_ENCODED_ANY = _Format(_records_of_any, _ids_of_array)
#: Records kept as they are, a tuple: the rare ones JSON would not give back equal.
_KEPT = _Format(list, lambda data: [record.id for record in data])

#: A kept batch: what it is kept as (its JSON, or rarely its records), how it reads, its count.
_Part = tuple[Any, _Format, int]


@final
class Transactions(Sequence[Txn]):
    """Transactions of one or more accepted batches, in order; each read decodes its batches.

    Length, truth and the last transaction cost nothing; iterating, indexing elsewhere and slicing
    decode (a read of every transaction costs about what the batch's first decode did). Immutable:
    a push operation, the feed chunk QBO pulled it into and a webhook's snapshot share one.
    """

    __slots__ = ("_parts", "_ends", "_last")

    def __init__(self, parts: Sequence[_Part] = (), last: Txn | None = None) -> None:
        self._parts = tuple(part for part in parts if part[2])
        self._ends = tuple(accumulate(part[2] for part in self._parts))
        self._last = last if self._parts else None

    @classmethod
    def of_body(cls, data: bytes, batch: Batch | DetailedBatch) -> Transactions:
        """``batch``, kept as the body ``data`` it was decoded from (by msgspec, into that type)."""
        if not batch.transactions:
            return cls()
        kind = _DETAILED if isinstance(batch, DetailedBatch) else _PLAIN
        return cls([(bytes(data), kind, len(batch.transactions))], batch.transactions[-1])

    @classmethod
    def of_records(cls, records: Sequence[Txn]) -> Transactions:
        """Records built otherwise (the precise path, a loaded scenario), encoded once to be kept.

        JSON holds every value a request can carry exactly (ints of any size, floats, a field left
        out apart from one set to null); records it would not give back equal (an infinite float
        or a lone surrogate from a scenario file) are kept as they are.
        """
        if not records:
            return cls()
        kept = list(records)
        try:
            data = msgspec.json.encode(kept)
        except (msgspec.EncodeError, UnicodeEncodeError, OverflowError):
            data = None
        for kind in (_ENCODED, _ENCODED_ANY) if data is not None else ():
            try:
                if kind.records(data) == kept:
                    return cls([(data, kind, len(kept))], kept[-1])
            except msgspec.DecodeError:
                continue
        return cls([(tuple(kept), _KEPT, len(kept))], kept[-1])

    @classmethod
    def joined(cls, many: Iterable[Transactions]) -> Transactions:
        """One sequence of the transactions of ``many``, in order; nothing is decoded or copied."""
        pieces = [t for t in many if t]
        return cls([part for t in pieces for part in t._parts], pieces[-1]._last if pieces else None)

    def __len__(self) -> int:
        return self._ends[-1] if self._ends else 0

    def __bool__(self) -> bool:
        return bool(self._parts)

    def __iter__(self) -> Iterator[Txn]:
        return chain.from_iterable(kind.records(data) for data, kind, _ in self._parts)

    def __reversed__(self) -> Iterator[Txn]:
        return chain.from_iterable(reversed(kind.records(data)) for data, kind, _ in reversed(self._parts))

    def ids(self) -> list[str]:
        """The transactions' ids, in order: what a push's ``changes`` and a failed push's release
        read, at about half the cost of reading the records."""
        return [i for data, kind, _ in self._parts for i in kind.ids(data)]

    @overload
    def __getitem__(self, index: int) -> Txn: ...

    @overload
    def __getitem__(self, index: slice) -> list[Txn]: ...

    def __getitem__(self, index: int | slice) -> Txn | list[Txn]:
        if isinstance(index, slice):
            return list(self)[index]
        count = len(self)
        position = index + count if index < 0 else index
        if not 0 <= position < count:
            raise IndexError("transaction index out of range")
        if position == count - 1 and self._last is not None:
            return self._last
        part = bisect_right(self._ends, position)
        data, kind, _ = self._parts[part]
        return kind.records(data)[position - (self._ends[part - 1] if part else 0)]

    def __repr__(self) -> str:
        return f"<Transactions: {len(self)} in {len(self._parts)} batches>"
