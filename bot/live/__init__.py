"""Live conversations: a summary of every conversation, with its risk over the last 24 hours, for staff."""
