"""The transactional outbox: no message without its row, no row without its message."""

from __future__ import annotations

import sqlite3

import pytest

from ch_background_work.outbox import connect, place_order, relay


def test_an_order_whose_message_fails_is_rolled_back() -> None:
    db = connect()
    db.execute("DROP TABLE outbox")  # the second insert of the transaction fails
    with pytest.raises(sqlite3.OperationalError, match="no such table: outbox"):
        place_order(db, 100)
    assert db.execute("SELECT count(*) FROM orders").fetchone() == (0,)
    db.close()


def test_relay_delivers_at_least_once_and_the_consumer_dedupes() -> None:
    db = connect()
    order_id = place_order(db, 1500)
    seen: set[str] = set()
    effects: list[str] = []
    calls = 0

    def flaky_publish(message_id: str, topic: str, payload: str) -> None:
        nonlocal calls
        calls += 1
        if message_id not in seen:  # the consumer side: dedupe on the id
            seen.add(message_id)
            effects.append(payload)
        if calls == 1:
            raise ConnectionError("broker went away after accepting the message")

    with pytest.raises(ConnectionError):
        relay(db, flaky_publish)  # sent, but not marked: it will be sent again
    assert relay(db, flaky_publish) == 1
    assert relay(db, flaky_publish) == 0  # nothing left to send
    assert calls == 2
    assert len(effects) == 1
    assert order_id in effects[0]
    db.close()
