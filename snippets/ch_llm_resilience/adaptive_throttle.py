"""Client-side adaptive throttling (Google SRE book, "Handling Overload")."""

import random
import time
from collections import deque
from collections.abc import Callable


# [start throttle]
class AdaptiveThrottle:
    """Reject locally with probability max(0, (requests - k*accepts) / (requests + 1)).

    ``requests`` counts every call the application attempted in the last
    ``window`` seconds, including those rejected here; ``accepts`` counts the
    ones the vendor accepted. While the vendor accepts everything, nothing is
    rejected; when it accepts little, about k x accepts calls still go out.
    """

    def __init__(
        self,
        k: float = 2.0,
        window: float = 120.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.k, self.window, self.clock, self.rand = k, window, clock, rand
        self.requests: deque[float] = deque()
        self.accepts: deque[float] = deque()

    def reject_probability(self) -> float:
        horizon = self.clock() - self.window
        for times in (self.requests, self.accepts):
            while times and times[0] <= horizon:
                times.popleft()
        requests, accepts = len(self.requests), len(self.accepts)
        return max(0.0, (requests - self.k * accepts) / (requests + 1))

    def allow(self) -> bool:
        """Count an attempt; False means: fail it locally, do not send it."""
        p = self.reject_probability()
        self.requests.append(self.clock())
        return self.rand() >= p

    def accepted(self) -> None:
        """The vendor accepted a call (anything but 429/503-style refusals)."""
        self.accepts.append(self.clock())


# [end throttle]


# [start throttle-sim]
def simulate(
    offered: int, capacity: int, seconds: int, *, k: float = 2.0, seed: int = 1
) -> list[int]:
    """Calls per second that reach a vendor accepting at most ``capacity``/s."""
    now = 0.0
    rng = random.Random(seed)
    throttle = AdaptiveThrottle(k, window=10.0, clock=lambda: now, rand=rng.random)
    sent_per_second = []
    for second in range(seconds):
        sent = 0
        for i in range(offered):
            now = second + i / offered
            if throttle.allow():
                sent += 1
                if sent <= capacity:
                    throttle.accepted()
        sent_per_second.append(sent)
    return sent_per_second


# [end throttle-sim]
