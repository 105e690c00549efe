"""A transactional outbox with sqlite3: the order and its message commit together."""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable

SCHEMA = """
CREATE TABLE IF NOT EXISTS orders (id TEXT PRIMARY KEY, total_cents INTEGER);
CREATE TABLE IF NOT EXISTS outbox (
    id TEXT PRIMARY KEY,
    topic TEXT NOT NULL,
    payload TEXT NOT NULL,
    published_at TEXT
);
"""


# [start write]
def place_order(db: sqlite3.Connection, total_cents: int) -> str:
    """Write the business row and the message in ONE transaction."""
    order_id = str(uuid.uuid4())
    with db:  # commits both inserts, or neither
        db.execute("INSERT INTO orders VALUES (?, ?)", (order_id, total_cents))
        db.execute(
            "INSERT INTO outbox (id, topic, payload) VALUES (?, ?, ?)",
            (str(uuid.uuid4()), "order.placed", json.dumps({"order_id": order_id})),
        )
    return order_id


# [end write]


# [start relay]
def relay(db: sqlite3.Connection, publish: Callable[[str, str, str], None]) -> int:
    """Publish unsent messages, oldest first; mark each one after it is sent.

    A crash between publish() and the UPDATE sends that message again on the
    next pass: at-least-once, so the consumer dedupes on the message id.
    """
    rows = db.execute(
        "SELECT id, topic, payload FROM outbox"
        " WHERE published_at IS NULL ORDER BY rowid"
    ).fetchall()
    for message_id, topic, payload in rows:
        publish(message_id, topic, payload)  # e.g. task.apply_async(..., task_id=id)
        with db:
            db.execute(
                "UPDATE outbox SET published_at = datetime('now') WHERE id = ?",
                (message_id,),
            )
    return len(rows)


# [end relay]


def connect(path: str = ":memory:") -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.executescript(SCHEMA)
    return db
