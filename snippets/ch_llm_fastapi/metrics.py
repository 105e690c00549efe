"""The reference service's metrics, in a registry of its own."""

from __future__ import annotations

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


# [start metrics]
@dataclass
class Metrics:
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        r = self.registry
        self.latency = Histogram(
            "llm_request_seconds",
            "Time to answer a client request, by route.",
            ["route"],
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25),
            registry=r,
        )
        self.in_flight = Gauge(
            "llm_vendor_in_flight", "Vendor attempts running now.", registry=r
        )
        self.retries = Counter(
            "llm_vendor_retries", "Retries of vendor calls, by reason.", ["reason"],
            registry=r,
        )  # fmt: skip
        self.outcomes = Counter(
            "llm_outcomes", "Answers to clients, by HTTP status.", ["status"],
            registry=r,
        )  # fmt: skip
        self.stream_chunks = Counter(
            "llm_stream_chunks", "Chunks relayed to streaming clients.", registry=r
        )
        self.stream_ends = Counter(
            "llm_stream_ends", "Streams ended, by how they ended.", ["how"],
            registry=r,
        )  # fmt: skip


# [end metrics]
