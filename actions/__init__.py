"""Haven's Rasa custom actions, one module per topic; each is thin and calls bot.* services."""
