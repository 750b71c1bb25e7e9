"""Measure the risk screen on the corpus: recall and false escalations with confidence intervals."""
