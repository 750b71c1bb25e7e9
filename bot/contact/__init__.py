"""Safe contact: each victim's contact preferences, and nudges sent only when and where they allow."""
