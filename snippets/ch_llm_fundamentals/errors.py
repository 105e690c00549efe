"""What the book's vendor client raises, and what each means to a caller."""


# [start errors]
class VendorError(Exception):
    """Base class of everything ``VendorClient.complete`` raises."""


class AdmissionRejected(VendorError):
    """No concurrency slot or rate token within the admission timeout.

    We are out of capacity: the service answers 503 with Retry-After.
    """

    def __init__(self, reason: str, waited: float) -> None:
        super().__init__(f"not admitted ({reason}) after {waited:.3f} s")
        self.reason, self.waited = reason, waited


class DeadlineExceeded(VendorError):
    """The overall deadline passed, or a wait would pass it (504)."""


class RetriesExhausted(VendorError):
    """Every attempt failed with a retryable failure (503, or 502)."""

    def __init__(self, attempts: int, reason: str) -> None:
        super().__init__(f"{attempts} attempt(s) failed, last: {reason}")
        self.attempts, self.reason = attempts, reason


class VendorRejected(VendorError):
    """The vendor refused this request (400, 401, 404, 422...): do not retry."""

    def __init__(self, status: int, body: str) -> None:
        super().__init__(f"vendor answered {status}")
        self.status, self.body = status, body


class BadVendorResponse(VendorError):
    """A 200 answer that is not a completion (502)."""


# [end errors]
