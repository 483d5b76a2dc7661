"""The app's database role may read and append to the audit log, never rewrite or empty it.

On PostgreSQL, UPDATE, DELETE and TRUNCATE on the log's table are revoked from PUBLIC and
from the role named by SCRUBROOM_DATABASE_APP_ROLE (the role the web processes connect as;
deploy/postgres-init.sh grants it row privileges on every table through the owner's default
privileges, this table included when moderation/migrations/0001 made it). The triggers of
moderation/migrations/0002 refuse the same statements, but whoever owns the table can drop
a trigger; the app role owns nothing, and without these privileges it cannot even try.

A no-op on SQLite, which has no roles. The migration runs as the owner (the migrate
service), once: a role created later must be given SELECT and INSERT only on this table.
"""

import os
import re

from django.db import migrations

TABLE = "moderation_auditentry"
# A plain identifier: the name is put into SQL, and a quote in it could end the identifier.
ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def revoke(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    grantees = ["PUBLIC"]
    role = os.environ.get("SCRUBROOM_DATABASE_APP_ROLE", "")
    if role:
        if not ROLE_NAME.fullmatch(role):
            raise ValueError(
                f"SCRUBROOM_DATABASE_APP_ROLE must be a lower-case SQL identifier, not {role!r}"
            )
        grantees.append(schema_editor.quote_name(role))
    schema_editor.execute(
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {schema_editor.quote_name(TABLE)} "
        f"FROM {', '.join(grantees)}"
    )


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_hash_chain")]

    operations = [
        # The reverse gives nothing back: an older schema needs no more rights on the log
        # than this one, and handing the app role UPDATE or DELETE on it would undo the point.
        migrations.RunPython(revoke, migrations.RunPython.noop),
    ]
