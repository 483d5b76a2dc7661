"""TOTP secrets and recovery-code seeds written in plain text before they were encrypted at
rest (members/secrets_at_rest.py) are encrypted with the newest of SCRUBROOM_MFA_KEYS; the way
back decrypts them again."""

from django.db import migrations

from members import secrets_at_rest


def _change_every_secret(apps, change):
    Authenticator = apps.get_model("mfa", "Authenticator")
    rows = Authenticator.objects.filter(type__in=["totp", "recovery_codes"])
    for authenticator in rows.select_for_update():
        data = secrets_at_rest.map_secrets(authenticator.type, authenticator.data, change)
        if data != authenticator.data:
            authenticator.data = data
            authenticator.save(update_fields=["data"])


def encrypt_plain_secrets(apps, schema_editor):
    _change_every_secret(apps, secrets_at_rest.encrypt_if_plain)


def decrypt_secrets(apps, schema_editor):
    _change_every_secret(apps, secrets_at_rest.decrypt)


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0002_moderatorscope'),
        ('mfa', '0003_authenticator_type_uniq'),
    ]

    operations = [
        migrations.RunPython(encrypt_plain_secrets, decrypt_secrets),
    ]
