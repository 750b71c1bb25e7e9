"""The case feed: police systems send case events over HTTP or CSV; each is checked, stored once and applied."""
