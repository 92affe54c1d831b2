"""The database: one URL (DATABASE_URL; default the SQLite file var/peilian.db) for the web app,
the action server, the CLI and Rasa's tracker store alike. Schema changes go through Alembic."""

from __future__ import annotations

import logging
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Iterator, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.settings import Settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
log = logging.getLogger(__name__)


def sqlite_pragmas(connection, _record) -> None:
    # WAL lets the web app read while the action server writes; foreign keys are off by default.
    # In WAL mode synchronous=NORMAL survives any process crash (only a power cut may lose the last
    # commits) and saves an fsync per commit: one per trainee turn in Rasa's tracker store.
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        in_memory = not parsed.database or parsed.database == ":memory:"
        if not in_memory:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # A pool (SQLAlchemy 1.4 opens a new SQLite connection per session, pragmas and all); the
        # pooled connections move between the action server's threads, one at a time.
        engine = sa.create_engine(
            url,
            future=True,
            poolclass=sa.pool.SingletonThreadPool if in_memory else sa.pool.QueuePool,
            connect_args={"timeout": 10, "check_same_thread": False},
        )
        sa.event.listen(engine, "connect", sqlite_pragmas)
        return engine
    return sa.create_engine(url, future=True, pool_pre_ping=True)


class Database:
    """An engine and its sessions. `with db.session() as s:` commits on success."""

    def __init__(self, url: Optional[str] = None) -> None:
        self.url = url or Settings.from_env().database_url
        self.engine = make_engine(self.url)
        self._sessions = sessionmaker(self.engine, future=True, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session

    def alembic_config(self):
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["engine"] = self.engine
        return config

    def upgrade(self, revision: str = "head") -> None:
        from alembic import command

        command.upgrade(self.alembic_config(), revision)

    def downgrade(self, revision: str) -> None:
        from alembic import command

        command.downgrade(self.alembic_config(), revision)

    def revision(self) -> Optional[str]:
        from alembic.migration import MigrationContext

        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def head(self) -> Optional[str]:
        from alembic.script import ScriptDirectory

        return ScriptDirectory.from_config(self.alembic_config()).get_current_head()

    def check_current(self) -> None:
        """Refuse to run on a database whose schema is behind the code (run `bot setup`)."""
        current, head = self.revision(), self.head()
        if current != head:
            raise RuntimeError(
                f"the database at {self.safe_url} is at schema {current or 'empty'}, "
                f"the code needs {head}: run `.venv/bin/python -m bot setup` (make run does)"
            )

    @property
    def safe_url(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)


@cache
def database(url: Optional[str] = None) -> Database:
    """One Database per URL and process."""
    return Database(url or Settings.from_env().database_url)
