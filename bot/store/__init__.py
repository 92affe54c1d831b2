"""Our SQL store: calls, turns, scorecards, record cards, reviews, accounts (SQLAlchemy + Alembic)."""
