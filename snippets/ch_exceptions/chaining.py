"""Implicit chaining, and notes that say where a failure happened."""

from __future__ import annotations

from dataclasses import dataclass

from ch_exceptions.reraise import VendorError, parse_reply


# [start implicit]
def wrap_implicit() -> str:
    try:
        return parse_reply({})
    except KeyError:
        raise VendorError("malformed reply")  # noqa: B904 - the mistake shown


# [end implicit]


@dataclass(frozen=True)
class Document:
    id: str
    text: str


def embed(doc: Document) -> list[float]:
    if not doc.text:
        raise VendorError("input must not be empty")
    return [float(len(doc.text))]


# [start add-note]
def embed_batch(docs: list[Document]) -> list[list[float]]:
    vectors = []
    for index, doc in enumerate(docs):
        try:
            vectors.append(embed(doc))
        except VendorError as exc:
            exc.add_note(
                f"while embedding document {doc.id!r} ({index + 1}/{len(docs)})"
            )
            raise
    return vectors


# [end add-note]


def nightly_job() -> list[list[float]]:
    """The batch the session in the chapter runs: the second document is empty."""
    return embed_batch([Document("doc-1", "hello"), Document("doc-2", "")])


if __name__ == "__main__":
    assert embed_batch([Document("a", "hi")]) == [[2.0]]
