"""Alembic environment: the engine comes from bot.store.database (one DATABASE_URL). Only our
tables are managed; Rasa's tracker store keeps its own `events` table in the same database."""

from alembic import context

from bot.store.schema import metadata

config = context.config
engine = config.attributes["engine"]


def include_object(obj, name, type_, reflected, compare_to):
    return not (type_ == "table" and reflected and name not in metadata.tables)


with engine.connect() as connection:
    context.configure(
        connection=connection, target_metadata=metadata, include_object=include_object, render_as_batch=True
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
