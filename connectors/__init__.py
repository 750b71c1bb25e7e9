"""Haven's Rasa input channels: REST, SMS (Twilio), Telegram, web chat and the staff console."""
