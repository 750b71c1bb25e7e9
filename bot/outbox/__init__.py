"""The durable outbox: every outbound message is stored first, then delivered in order by a worker."""
