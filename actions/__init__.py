"""rasa-sdk action server: thin glue from Rasa trackers to bot.customer."""
