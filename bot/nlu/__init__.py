"""Haven's own Rasa NLU graph components (the sentence-encoder featurizer)."""
