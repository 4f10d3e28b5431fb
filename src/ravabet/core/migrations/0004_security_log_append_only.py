"""Make the security log append-only in the database itself on PostgreSQL.

The model refuses updates and deletes; this trigger also refuses them from raw SQL, a database
console or another program. One update is allowed: setting the user link to NULL when an
account is deleted (the username given stays in the row). SQLite relies on the model guard.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION core_securityevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND OLD.user_id IS NOT NULL AND NEW.user_id IS NULL
       AND (to_jsonb(NEW) - 'user_id') = (to_jsonb(OLD) - 'user_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'The security event log is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS core_securityevent_append_only ON core_securityevent;
CREATE TRIGGER core_securityevent_append_only
    BEFORE UPDATE OR DELETE ON core_securityevent
    FOR EACH ROW EXECUTE FUNCTION core_securityevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS core_securityevent_append_only ON core_securityevent;
DROP FUNCTION IF EXISTS core_securityevent_append_only();
"""


def _on_postgresql(sql: str) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0003_jobs")]

    operations = [
        migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP), elidable=False),
    ]
