"""The staff console: a Rasa input channel serving pages and a JSON API at /console."""
