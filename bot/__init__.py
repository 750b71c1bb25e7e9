"""Haven's services: case store, agency directory, risk screen, hand-off, outbox and console."""
