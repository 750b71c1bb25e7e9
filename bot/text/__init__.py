"""Text clean-up shared by every channel and the risk screen (`bot.text.normalise.normalise_text`)."""
