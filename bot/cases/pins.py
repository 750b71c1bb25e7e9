"""Verification PINs: issued at random with at least 6 digits (every 4-digit PIN can be tried in an hour)."""

from __future__ import annotations

import secrets

MIN_PIN_DIGITS = 6


def new_pin(digits: int = MIN_PIN_DIGITS) -> str:
    """A uniformly random PIN of `digits` digits (leading zeros kept), from the OS's secure generator."""
    if digits < MIN_PIN_DIGITS:
        raise ValueError(f"a PIN needs at least {MIN_PIN_DIGITS} digits")
    return f"{secrets.randbelow(10**digits):0{digits}d}"


def is_acceptable_pin(pin: str) -> bool:
    """True for a PIN of at least 6 digits, not one digit repeated."""
    return pin.isdigit() and len(pin) >= MIN_PIN_DIGITS and len(set(pin)) > 1
