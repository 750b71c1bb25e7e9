"""Hand-offs of conversations from the bot to gateway staff: the queue, the rota and the wording."""
