"""The worker process (`python -m bot worker`): outbox delivery, case-update notifications, retention."""
