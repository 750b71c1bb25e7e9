"""Privacy at rest: verification answers redacted, conversation events encrypted, old conversations removed."""
