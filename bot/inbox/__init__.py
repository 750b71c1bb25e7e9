"""The durable inbox: store every inbound message before acknowledging it, then handle it once, in order."""
