"""Tests of the worker process (`python -m bot worker`)."""
