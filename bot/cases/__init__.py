"""The case store: crime references, victim verification, case status wording, summaries and notifications."""
