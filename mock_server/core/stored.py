"""Accepted transactions as they are kept: the JSON they came in, decoded again when read.

A million stored transactions must fit in a few hundred megabytes. Kept as one record each, a
transaction costs some 290 bytes (the record, its id, date and description, a float, a list slot);
kept as the body its batch arrived in, it costs what it weighs, some 110 bytes in a typical batch,
and that body is there anyway: the echo answers with it. So :class:`Transactions` holds each
accepted batch as its bytes, its count and its last transaction, which is all the rules and the
account read once a batch is in (the latest date, where a failed push leaves the account). The few
readers that want every transaction (QBO's polls and feed, a push's ``changes``, exports, the UI)
decode the bytes again into the same records. The ids a batch adds to its account live in the
account's ``known_ids``, which the rules probe on every push.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import accumulate, chain
from typing import Any, cast, final, overload

import msgspec
from msgspec import UNSET

from mock_server.core.model import Batch, DetailedBatch, Txn

__all__ = ["Transactions", "records_of"]

#: Reads one kept batch back into its records.
_Reader = Callable[[Any], list[Txn]]
#: A kept batch: what it is kept as (its JSON, or rarely its records), how to read it, its count.
_Part = tuple[Any, _Reader, int]


def _body_reader(struct: type[Batch] | type[DetailedBatch]) -> _Reader:
    decode = msgspec.json.Decoder(struct).decode

    def read(data: bytes) -> list[Txn]:
        # A list of DetailedTxn is a list of Txn that is only read from here on.
        return cast(list[Txn], decode(data).transactions)

    return read


_PLAIN, _DETAILED = _body_reader(Batch), _body_reader(DetailedBatch)
_decode_any = msgspec.json.Decoder().decode


def _read_records(data: bytes) -> list[Txn]:
    return records_of(_decode_any(data))


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
        reader = _DETAILED if isinstance(batch, DetailedBatch) else _PLAIN
        return cls([(bytes(data), reader, len(batch.transactions))], batch.transactions[-1])

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
        if data is not None and _read_records(data) == kept:
            return cls([(data, _read_records, len(kept))], kept[-1])
        return cls([(tuple(kept), list, len(kept))], kept[-1])

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
        return chain.from_iterable(reader(data) for data, reader, _ in self._parts)

    def __reversed__(self) -> Iterator[Txn]:
        return chain.from_iterable(reversed(reader(data)) for data, reader, _ in reversed(self._parts))

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
        data, reader, _ = self._parts[part]
        return reader(data)[position - (self._ends[part - 1] if part else 0)]

    def __repr__(self) -> str:
        return f"<Transactions: {len(self)} in {len(self._parts)} batches>"
