"""Hand-offs from the bot to gateway staff: the row (the only truth), the policy following it, queue, wording."""
