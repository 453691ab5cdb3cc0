"""Leaving a service alone for a while after it fails, so that readers do not each pay for a
timeout: the first wait is short and doubles up to a most, and the caller logs the first
failure and the recovery, not every request in between."""

import time


class Backoff:
    def __init__(self, first: float = 1.0, most: float = 30.0):
        self.first, self.most = first, most
        self.wait = self.until = 0.0

    def is_ready(self) -> bool:
        """Whether to try the service now."""
        return time.time() >= self.until

    def failed(self) -> bool:
        """A try failed: wait longer. True for the first failure since the service last worked."""
        first = not self.wait
        self.wait = min(self.most, self.wait * 2 or self.first)
        self.until = time.time() + self.wait
        return first

    def worked(self) -> bool:
        """A try worked: no more waiting. True if it had failed before."""
        recovered = bool(self.wait)
        self.wait = self.until = 0.0
        return recovered
