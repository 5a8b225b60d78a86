"""The demo as `demo_load()` leaves the database, taken once per test database and put back in
30 ms.

`demo_load()` costs 2.5 s with the fast hasher (it finds every row by its natural key and
checks the books), and the suite needs the demo some fifty times. On PostgreSQL the image is
every table's rows in COPY's binary format, taken inside a transaction that is rolled back;
putting it back deletes every table's rows (DELETE, not TRUNCATE: 3 ms against 400 ms for 64
small tables; the foreign keys are deferred to the commit) and copies the rows in, with the
same keys: 30 ms. A sequence behind the image's largest key (a flush that restarted it) is
moved past it; one ahead is left alone, never moved back (it would hand out keys that rows
made since the image already hold). It works inside a test's transaction (rolled back with it)
and in a transactional test (the live server sees it). On SQLite, the smoke run, it loads the
demo.

What a test proves about the loader itself (idempotency, its summary, its errors) still calls
`demo_load()` or `manage.py load_demo`: this is only a faster way to the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test import override_settings

from funds.demo.loader import demo_load
from funds.models import Organisation

# The demo users' passwords are hashed with this: PBKDF2 costs a second a load.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Written by migrate, never by the demo, and left as they are.
UNTOUCHED = {"django_migrations"}


@dataclass(frozen=True)
class DemoImage:
    tables: dict[str, bytes]  # table → COPY … TO STDOUT (FORMAT BINARY); every table
    sequences: str = ""  # moves each key sequence forward to the image's largest key

    def restore(self) -> None:
        """Make the database hold exactly the demo's rows."""
        if not self.tables:
            with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
                demo_load()
            return
        quote = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(";".join(f"DELETE FROM {quote(table)}" for table in self.tables))
            for table, rows in self.tables.items():
                if rows:
                    with cursor.copy(f"COPY {quote(table)} FROM STDIN (FORMAT BINARY)") as copy:
                        copy.write(rows)
            if self.sequences:
                cursor.execute(self.sequences)
        # The content types keep their keys from the image; a cached one may be older.
        ContentType.objects.clear_cache()


_IMAGES: dict[str, DemoImage] = {}  # test database's name → its image


def demo_restore() -> None:
    """Put the demo's rows in the test database, and nothing else. The first call for a test
    database loads the demo and takes its image: it must come before the test writes rows."""
    name = connection.settings_dict["NAME"]
    if name not in _IMAGES:
        _IMAGES[name] = demo_image_take()
    _IMAGES[name].restore()


def demo_image_take() -> DemoImage:
    """Load the demo in a transaction, copy every table out, and roll back."""
    if connection.vendor != "postgresql":
        return DemoImage(tables={})
    if Organisation.objects.exists():
        raise AssertionError(
            "demo_restore() before the test writes rows: the image would carry them."
        )
    quote = connection.ops.quote_name
    names = sorted(set(connection.introspection.table_names()) - UNTOUCHED)
    sequences = _sequences_forward(names)
    tables: dict[str, bytes] = {}
    with transaction.atomic(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        demo_load()
        with connection.cursor() as cursor:
            for table in names:
                with cursor.copy(f"COPY {quote(table)} TO STDOUT (FORMAT BINARY)") as copy:
                    tables[table] = b"".join(bytes(block) for block in copy)
                cursor.execute(f"SELECT EXISTS (SELECT FROM {quote(table)})")
                if not cursor.fetchone()[0]:
                    tables[table] = b""
        transaction.set_rollback(True)
    return DemoImage(tables=tables, sequences=sequences)


def _sequences_forward(tables: list[str]) -> str:
    """One statement per table keyed by a sequence: setval to the table's largest key when the
    sequence is behind it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, pg_get_serial_sequence(quote_ident(table_name), 'id') "
            "FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND column_name = 'id' "
            "AND table_name = ANY(%s)",
            [tables],
        )
        found = [(table, sequence) for table, sequence in cursor.fetchall() if sequence]
    quote = connection.ops.quote_name
    return ";".join(
        f"SELECT setval('{sequence}', top) FROM (SELECT max(id) AS top FROM {quote(table)}) AS t, "
        f"{sequence} AS s WHERE top > s.last_value"
        for table, sequence in found
    )
