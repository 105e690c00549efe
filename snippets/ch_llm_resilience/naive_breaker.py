"""A popular breaker that never opens when half the calls fail (do not copy)."""


# [start naive-breaker]
class ConsecutiveFailureBreaker:
    """Opens after ``threshold`` failures in a row; any success resets the count."""

    def __init__(self, threshold: int = 5) -> None:
        self.threshold = threshold
        self.failures = 0
        self.open = False

    def record(self, failed: bool) -> None:
        if not failed:
            self.failures = 0  # one lucky success wipes out the evidence
            return
        self.failures += 1
        if self.failures >= self.threshold:
            self.open = True


# [end naive-breaker]

if __name__ == "__main__":
    from ch_llm_resilience.breaker import CircuitBreaker, Verdict

    naive, rate_based = ConsecutiveFailureBreaker(5), CircuitBreaker(min_calls=10)
    for i in range(1000):  # the vendor fails every other call: 50 % errors
        naive.record(failed=i % 2 == 0)
        if rate_based.state.value == "closed":
            rate_based.record(
                rate_based.acquire(), Verdict(("failure", "success")[i % 2])
            )
    assert not naive.open
    assert rate_based.state.value == "open"
