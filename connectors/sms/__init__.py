"""SMS through Twilio: signed webhooks in, numbered options and GSM-7 segments out."""
