"""Retry timing for the outbox: exponential back-off with jitter, capped, then give up."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    """Delays of base, 2*base, 4*base ... (capped), each shortened by up to `jitter` of itself."""

    base_seconds: float = 2.0
    cap_seconds: float = 300.0
    max_attempts: int = 10
    jitter: float = 0.2
    lease_seconds: float = 120.0  # a claimed message whose worker died is retried after this

    def delay_after(self, attempts: int) -> float:
        """Seconds to wait after the `attempts`-th failed attempt (1-based)."""
        exponent = max(attempts - 1, 0)
        raw = min(self.cap_seconds, self.base_seconds * (2 ** min(exponent, 30)))
        return raw * (1.0 - random.uniform(0.0, self.jitter))

    def gives_up_after(self, attempts: int) -> bool:
        """True when `attempts` failed attempts are enough to mark the message failed."""
        return attempts >= self.max_attempts


DEFAULT_POLICY = RetryPolicy()
