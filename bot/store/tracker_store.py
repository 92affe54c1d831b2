"""Rasa's SQL tracker store on our DATABASE_URL, so Rasa, the web app and the action server share
one database setting. endpoints.yml names this class."""

from __future__ import annotations

from typing import Any, Optional

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy.engine import make_url

from bot.settings import Settings
from bot.store.database import make_engine


class DatabaseUrlTrackerStore(SQLTrackerStore):
    engine: Any  # set by SQLTrackerStore; replaced by a pooled one for SQLite

    def __init__(
        self,
        domain: Any = None,
        host: Optional[str] = None,
        event_broker: Any = None,
        url: Optional[str] = None,
        **kwargs: Any,
    ) -> None:
        parsed = make_url(url or Settings.from_env().database_url)
        if parsed.get_backend_name() == "sqlite":
            make_engine(str(parsed)).dispose()  # creates var/ before Rasa opens the file
        super().__init__(
            domain=domain,
            dialect=parsed.drivername,
            host=parsed.host,
            port=parsed.port,
            db=parsed.database or "",
            username=parsed.username,
            password=parsed.password,
            event_broker=event_broker,
            query=dict(parsed.query) or None,
            **kwargs,
        )
        if parsed.get_backend_name() == "sqlite":
            # Rasa opens a new SQLite connection per query (SQLAlchemy 1.4's default for files): two a
            # turn, each with its pragmas. Our pooled engine serves the same file with the same settings.
            self.engine.dispose()
            self.engine = make_engine(str(parsed))
            self.sessionmaker = sa.orm.sessionmaker(bind=self.engine)
