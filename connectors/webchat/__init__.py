"""The website chat: rasa-webchat's socket.io protocol, Haven's own chat page and signed sessions."""
