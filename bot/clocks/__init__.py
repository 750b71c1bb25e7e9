"""Victims' Code clocks: a deadline for each duty to inform a victim, stopped when they are told."""
