"""Fast bulk writes for the demo generator: PostgreSQL's COPY."""

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from io import StringIO

from django.db import connection

COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_value(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(COPY_ESCAPES)
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def insert_rows(table: str, columns: Sequence[str], rows: Iterable[tuple]) -> int:
    """Insert rows (tuples in ``columns`` order) into ``table``; returns how many."""
    rows = list(rows)
    if not rows:
        return 0
    with connection.cursor() as cursor:
        buffer = StringIO("".join("\t".join(map(copy_value, row)) + "\n" for row in rows))
        cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)
    return len(rows)


def next_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
        return cursor.fetchone()[0]


def reset_sequences(tables: Sequence[str]) -> None:
    """After inserting explicit ids, move the sequences past them."""
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM {table}"
            )


@contextmanager
def foreign_keys_validated_in_bulk(tables: Sequence[str]) -> Iterator[None]:
    """Drop the tables' foreign keys for a bulk load and add them back afterwards.

    Django's foreign keys are deferred, so a load of millions of rows would otherwise queue one
    check per row and run them all at COMMIT (minutes at national scale). Adding a constraint back
    validates every row in one set-based scan instead. Must run inside a transaction, which holds
    the tables locked until the constraints are back: nobody ever sees the tables without them.
    """
    with connection.cursor() as cursor:
        # Checks already queued by this transaction must run before their constraints can go.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])",
            [list(tables)],
        )
        foreign_keys = cursor.fetchall()
        for table, name, _ in foreign_keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    yield
    with connection.cursor() as cursor:
        for table, name, definition in foreign_keys:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
