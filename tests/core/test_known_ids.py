"""KnownIds answers as a plain set of the same ids would, whatever order batches come in."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule

from mock_server.core.known_ids import KnownIds, admit
from mock_server.core.model import Batch, Txn
from mock_server.core.stored import Transactions


class Kept:
    """A batch as an account keeps it: it tells its ids again."""

    def __init__(self, ids: list[str]) -> None:
        self._ids = list(ids)

    def __len__(self) -> int:
        return len(self._ids)

    def ids(self) -> list[str]:
        return list(self._ids)


def _in_order_and_apart(ranges: list[tuple[str, str]]) -> bool:
    return all(low <= high for low, high in ranges) and all(
        high < low for (_, high), (low, _) in pairwise(ranges)
    )


# A small pool, so that ranges meet, nest and repeat: "a07" < "a10" < "b00" ...
_IDS = st.sampled_from([f"{letter}{n:02d}" for letter in "abc" for n in range(30)])
_BATCHES = st.lists(_IDS, min_size=1, max_size=12).flatmap(
    lambda ids: st.sampled_from([ids, sorted(ids), sorted(ids, reverse=True), sorted(set(ids))])
)


class SameAsASet(RuleBasedStateMachine):
    """Batches that meet no group start their own (these batches are small, so they would
    otherwise always join a neighbour: the other machine below)."""

    kept = Bundle("kept")
    smallest_group = 0

    def __init__(self) -> None:
        super().__init__()
        self.known = KnownIds(self.smallest_group)
        self.model: set[str] = set()
        self.held: list[Kept] = []

    @rule(target=kept, ids=_BATCHES)
    def push(self, ids: list[str]) -> Kept | None:
        new = self.known.admit(ids)
        is_new = len(set(ids)) == len(ids) and self.model.isdisjoint(ids)
        assert (new is not None) == is_new
        if new is None:
            return None
        batch = Kept(ids)
        self.known.add(batch, new)
        self.model |= set(ids)
        self.held.append(batch)
        return batch

    @rule(ids=_BATCHES)
    def push_judged_elsewhere(self, ids: list[str]) -> None:
        """The precise path (and a loaded scenario) add a batch it found new itself."""
        if len(set(ids)) != len(ids) or not self.model.isdisjoint(ids):
            return
        batch = Kept(ids)
        self.known.add(batch)
        self.model |= set(ids)
        self.held.append(batch)

    @rule(batch=kept)
    def fail(self, batch: Kept | None) -> None:
        """A push that did not complete: its ids are free again (once)."""
        if batch is None or all(batch is not b for b in self.held):
            return
        self.known.forget(batch)
        self.model -= set(batch.ids())
        self.held = [b for b in self.held if b is not batch]

    @rule(item=_IDS)
    def membership(self, item: str) -> None:
        assert (item in self.known) == (item in self.model)

    @invariant()
    def same_ids(self) -> None:
        assert len(self.known) == len(self.model)
        assert sorted(self.known) == sorted(self.model)

    @invariant()
    def ranges_in_order_and_apart(self) -> None:
        assert _in_order_and_apart(self.known.ranges())


class SameAsASetWithSmallBatchesJoined(SameAsASet):
    smallest_group = 16


for machine in (SameAsASet, SameAsASetWithSmallBatchesJoined):
    machine.TestCase.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)
TestKnownIdsIsASet = SameAsASet.TestCase
TestKnownIdsWithSmallBatchesJoinedIsASet = SameAsASetWithSmallBatchesJoined.TestCase


def test_one_transaction_pushes_in_no_order_share_groups() -> None:
    """A uuid per push: the groups stay few (no list grows by one per push), the answers exact."""
    known = KnownIds()
    pushed = [f"{(n * 7919) % 100003:06d}" for n in range(5000)]
    for txn_id in pushed:
        new = known.admit([txn_id])
        assert new is not None
        known.add(Kept([txn_id]), new)
    assert len(known) == 5000 and known.groups <= 5000 // 64 + 1
    assert all(known.admit([txn_id]) is None for txn_id in pushed[::97])
    assert known.admit(["000000x"]) is not None


def test_batches_numbered_in_order_make_one_group_each_and_no_set() -> None:
    known = KnownIds()
    for batch in (0, 2, 1, 3):  # out of order too, as pushes from several connections arrive
        ids = [f"{batch:08d}-{i:04d}" for i in range(1000)]
        new = known.admit(ids)
        assert new is not None and new.distinct is None  # nothing was hashed
        known.add(Kept(ids), new)
    assert known.groups == 4 and len(known) == 4000
    assert known.admit(["00000002-0999"]) is None
    assert known.admit(["00000002-0999x"]) is not None  # inside a group's range, yet new


def test_uuid_like_ids_end_in_one_group() -> None:
    known = KnownIds()
    for batch in range(5):
        ids = [f"{(batch * 7919 + i * 104729) % 1000003:07d}" for i in range(100)]
        new = known.admit(ids)
        assert new is not None
        known.add(Kept(ids), new)
    assert known.groups == 1 and len(known) == 500
    assert known.admit(["0000000", f"{104729 % 1000003:07d}"]) is None


def test_a_repeated_id_within_the_batch_is_refused() -> None:
    assert KnownIds().admit(["a", "b", "a"]) is None
    assert KnownIds().admit(["a", "a"]) is None
    assert KnownIds().admit([]) is None


@given(ids=_BATCHES, known=st.frozensets(_IDS))
def test_admit_on_a_plain_set_judges_the_same(ids: list[str], known: frozenset[str]) -> None:
    expected = len(set(ids)) == len(ids) and known.isdisjoint(ids)
    assert (admit(known, ids) is not None) == expected


def test_kept_transactions_are_what_an_account_holds() -> None:
    """The account keeps its batches as stored Transactions, and reads their ids from the body."""
    records = [Txn(f"t{i}", "2026-11-30", "d", 1.0) for i in range(3)]
    body = b'{"accountId":"a","transactions":[' + b",".join(
        b'{"id":"%s","date":"2026-11-30","description":"d","amount":1.0}' % r.id.encode() for r in records
    ) + b"]}"
    stored = Transactions.of_body(body, Batch("a", records))
    known = KnownIds()
    new = known.admit(stored.ids())
    assert new is not None
    known.add(stored, new)
    assert "t1" in known and "t3" not in known
    known.forget(stored)
    assert "t1" not in known and len(known) == 0


def test_a_small_batch_joins_a_neighbour_and_the_ranges_stay_apart() -> None:
    known = KnownIds(smallest_group=0)
    for prefix in "ace":
        ids = [f"{prefix}{i:02d}" for i in range(50)]
        known.add(Kept(ids), known.admit(ids))
    # Three groups of 50 are apart for it; with one more id they are small: a new batch joins one.
    joining = KnownIds(smallest_group=60)
    for prefix in "ace":
        ids = [f"{prefix}{i:02d}" for i in range(50)]
        joining.add(Kept(ids), joining.admit(ids))
    for ids in (["d50"], ["b07", "b08"], ["f00"]):
        for k in (known, joining):
            new = k.admit(ids)
            assert new is not None
            k.add(Kept(ids), new)
    assert known.groups == 6 and joining.groups == 3
    assert _in_order_and_apart(joining.ranges())
    for k in (known, joining):
        assert all(i in k for i in ["a00", "b07", "b08", "c49", "d50", "e00", "f00"])
        assert not any(i in k for i in ["b00", "d00", "d51", "f01"])
