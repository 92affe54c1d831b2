"""Rasa input channels, guarded by bot.messages."""
