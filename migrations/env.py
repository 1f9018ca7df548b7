"""Alembic environment of the agenda (bookings are user data: migrated, never rebuilt).

Run by ``python -m secu.agenda.setup`` (``make db``), which passes its connection;
``alembic upgrade head`` from the project root works too (DATABASE_URL or SQLite file).
Only the ``ag_`` tables are Alembic's: the knowledge base's ``kb_`` tables are rebuilt
by their loader.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from secu.agenda.models import VERSION_TABLE, AgendaBase, include_object
from secu.knowledge.db import make_engine
from secu.settings import get_settings


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=AgendaBase.metadata,
        version_table=VERSION_TABLE,
        include_object=include_object,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    engine = make_engine(get_settings().database_url)
    with engine.begin() as opened:
        run(opened)
    engine.dispose()
