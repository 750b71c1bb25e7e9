"""The SafeLives Dash risk checklist, completed by staff with the victim in the console (never by the bot)."""
