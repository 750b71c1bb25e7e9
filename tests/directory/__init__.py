"""Tests of the agency directory (bot.directory)."""
