"""Rasa's distributed topology, started for real: nginx, two Rasa servers, PostgreSQL and Redis."""
