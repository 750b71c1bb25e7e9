"""Command implementations behind `python -m bot`."""
