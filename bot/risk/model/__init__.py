"""The learned risk model: a classification head over the sentence encoder, trained on Haven's own corpus."""
