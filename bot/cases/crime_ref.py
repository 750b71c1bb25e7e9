"""Find and normalise crime references (SP/12345/26) in text typed by victims."""

from __future__ import annotations

import re

CANONICAL = re.compile(r"^SP/\d{5}/\d{2}$")
# "SP/12345/26", "sp 12345 26", "SP-12345-26", "sp1234526", "SP.12345.26", "SP / 12345 / 26"
_WITH_PREFIX = re.compile(r"(?<![A-Z0-9])SP\s*[/\\\-.]?\s*(\d{5})\s*[/\\\-.]?\s*(\d{2})(?![0-9])", re.IGNORECASE)
# "12345/26": the prefix is often left off; a slash is required so phone numbers and dates do not match.
_WITHOUT_PREFIX = re.compile(r"(?<![0-9/])(\d{5})\s*/\s*(\d{2})(?![0-9/])")


def find_reference(text: str | None) -> str | None:
    """The first crime reference in `text`, normalised to `SP/12345/26`, or None."""
    if not text:
        return None
    match = _WITH_PREFIX.search(text) or _WITHOUT_PREFIX.search(text)
    if not match:
        return None
    return f"SP/{match.group(1)}/{match.group(2)}"


def normalise_reference(text: str | None) -> str | None:
    """Alias of `find_reference`, for callers that hold something already meant to be a reference."""
    return find_reference(text)


def is_valid_reference(reference: str | None) -> bool:
    """True when `reference` is already in the canonical `SP/12345/26` form."""
    return bool(reference) and bool(CANONICAL.match(reference or ""))
