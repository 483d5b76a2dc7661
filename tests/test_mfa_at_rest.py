"""Second-factor secrets are encrypted at rest (issue 17): the database holds no TOTP secret or
recovery-code seed in the clear, the keys rotate without anyone enrolling again, a value no
key opens refuses the sign-in with a message (never a 500), and rows written before are
encrypted by the migration and decrypted again by its way back."""

from __future__ import annotations

import ast
from io import StringIO
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from members import secrets_at_rest
from members.secrets_at_rest import UnreadableSecret
from tests.conftest import PASSWORD, TOTP_SECRET, totp_code
from tests.test_deploy_settings import finish_all, production_env, start

OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()
STRANGER = Fernet.generate_key().decode()


def raw_rows(user) -> list[str]:
    """The authenticators' data as the database holds it, read past the ORM."""
    table = connection.ops.quote_name(Authenticator._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT CAST(data AS TEXT) FROM {table} WHERE user_id = %s ORDER BY id",  # noqa: S608
            [user.pk],
        )
        return [row[0] for row in cursor.fetchall()]


def sign_in(user, code: str) -> tuple[Client, Any]:
    """The password, then the code: the client, and the answer to the code."""
    client = Client()
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    return client, client.post("/accounts/2fa/authenticate/", {"code": code})


def signs_in(user, code: str) -> bool:
    client, response = sign_in(user, code)
    return response.status_code == 302 and client.session.get("_auth_user_id") == str(user.pk)


def enrol_totp(client: Client) -> str:
    """Enrol an authenticator app through allauth's pages; the secret it showed."""
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = page.context["form"].secret
    assert (
        client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)}).status_code == 302
    )
    return secret


def test_a_totp_secret_enrolled_through_allauth_is_not_in_the_database(frank):
    client = Client()
    client.force_login(frank)
    secret = enrol_totp(client)

    rows = raw_rows(frank)
    assert rows and all(secret not in row and secret.lower() not in row for row in rows)
    totp_row = Authenticator.objects.get(user=frank, type="totp").data["secret"]
    assert totp_row.startswith("fernet:")
    # And the code from that secret still signs in.
    client, response = sign_in(frank, totp_code(secret))
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(frank.pk)
    assert client.get("/staff/audit/").status_code == 200


def test_the_casts_enrolled_secret_is_stored_encrypted_too(erin):
    assert all(TOTP_SECRET not in row for row in raw_rows(erin))
    assert signs_in(erin, totp_code())


def test_recovery_codes_shown_to_the_member_work_but_neither_they_nor_the_seed_are_stored(frank):
    client = Client()
    client.force_login(frank)
    enrol_totp(client)
    codes = client.get("/accounts/2fa/recovery-codes/").context["unused_codes"]
    assert len(codes) == 10 and "****" not in codes

    stored = Authenticator.objects.get(user=frank, type="recovery_codes").data["seed"]
    seed = secrets_at_rest.decrypt(stored)
    assert stored.startswith("fernet:") and seed != stored
    for row in raw_rows(frank):
        assert seed not in row
        assert not any(code in row for code in codes)
    assert signs_in(frank, codes[0])
    # Spent: the same code does not sign in twice.
    assert not signs_in(frank, codes[0])


def test_rotating_rewrites_every_row_after_which_the_new_key_alone_signs_in(settings, make_member):
    settings.SCRUBROOM_MFA_KEYS = [OLD]
    mia = make_member("Mia Member", mfa=True)
    noor = make_member("Noor Member", mfa=True)
    codes = {user.pk: RecoveryCodes.activate(user).generate_codes() for user in (mia, noor)}
    before = raw_rows(mia) + raw_rows(noor)

    settings.SCRUBROOM_MFA_KEYS = [NEW, OLD]
    out = StringIO()
    call_command("rotate_mfa_keys", stdout=out)
    assert "Re-encrypted 4 authenticator(s)" in out.getvalue()
    after = raw_rows(mia) + raw_rows(noor)
    assert len(after) == 4 and all(old != new for old, new in zip(before, after, strict=True))

    # Twice is safe: nothing left to rewrite, and nothing changes.
    out = StringIO()
    call_command("rotate_mfa_keys", stdout=out)
    assert "Re-encrypted 0 authenticator(s) with the first key; 4 already used it." in (
        out.getvalue()
    )
    assert raw_rows(mia) + raw_rows(noor) == after

    settings.SCRUBROOM_MFA_KEYS = [NEW]  # the old key dropped
    assert signs_in(mia, totp_code())
    assert signs_in(noor, codes[noor.pk][0])
    # Under the new key indeed, not merely rewritten under the old one.
    settings.SCRUBROOM_MFA_KEYS = [OLD]
    with pytest.raises(UnreadableSecret):
        secrets_at_rest.decrypt(Authenticator.objects.get(user=mia, type="totp").data["secret"])


def test_rotating_encrypts_a_row_still_plain_and_names_one_no_key_opens(settings, make_member):
    mia = make_member("Mia Member")
    noor = make_member("Noor Member")
    # Plain, as allauth wrote it before, or an old process during a rolling deploy.
    Authenticator.objects.create(user=mia, type="totp", data={"secret": TOTP_SECRET})
    settings.SCRUBROOM_MFA_KEYS = [STRANGER]
    lost = Authenticator.objects.create(
        user=noor, type="totp", data={"secret": secrets_at_rest.encrypt(TOTP_SECRET)}
    )
    settings.SCRUBROOM_MFA_KEYS = [NEW, OLD]
    out = StringIO()
    with pytest.raises(CommandError, match=f"ids {lost.pk}\\)"):
        call_command("rotate_mfa_keys", stdout=out)
    assert "Re-encrypted 1 authenticator(s)" in out.getvalue()
    assert all(TOTP_SECRET not in row for row in raw_rows(mia))
    assert signs_in(mia, totp_code())


def test_a_secret_no_key_opens_refuses_the_sign_in_with_a_message_not_a_500(
    settings, make_member, caplog
):
    settings.SCRUBROOM_MFA_KEYS = [STRANGER]
    mia = make_member("Mia Member", mfa=True)
    stored = Authenticator.objects.get(user=mia, type="totp").data["secret"]
    settings.SCRUBROOM_MFA_KEYS = [NEW, OLD]

    # Loudly, not with a wrong secret: neither for an unknown key nor for a changed token.
    with pytest.raises(UnreadableSecret):
        secrets_at_rest.decrypt(stored)
    with pytest.raises(UnreadableSecret):
        secrets_at_rest.decrypt(secrets_at_rest.encrypt(TOTP_SECRET)[:-4] + "AAAA")
    # The member, with the right code, is refused and told why (the test client would raise
    # on a 500).
    client, response = sign_in(mia, totp_code())
    assert response.status_code == 200
    assert "cannot be checked at the moment" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert "none of the keys in SCRUBROOM_MFA_KEYS" in caplog.text


def test_a_value_from_before_encryption_is_read_as_it_is():
    assert secrets_at_rest.decrypt(TOTP_SECRET) == TOTP_SECRET
    assert secrets_at_rest.encrypt(TOTP_SECRET) != secrets_at_rest.encrypt(TOTP_SECRET)


BEFORE = [("members", "0002_moderatorscope")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    # allauth's mfa app stays migrated; its model is read as it is at that point.
    return executor.loader.project_state([*targets, ("mfa", "0003_authenticator_type_uniq")]).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_encrypts_plain_rows_and_the_way_back_restores_them(make_member):
    mia = make_member("Mia Member")
    noor = make_member("Noor Member")
    seed = "5eed" * 20
    plain = {
        "totp": {"secret": TOTP_SECRET},
        "codes": {"seed": seed, "used_mask": 0},
        "migrated": {"seed": seed, "used_mask": 0, "migrated_codes": ["31415926", "27182818"]},
        "key": {"name": "Master key", "credential": {"id": "c3Rvcnk"}},
    }
    try:
        old = migrate(BEFORE)
        written = old.get_model("mfa", "Authenticator").objects
        ids = {
            "totp": written.create(user_id=mia.pk, type="totp", data=plain["totp"]).pk,
            "codes": written.create(user_id=mia.pk, type="recovery_codes", data=plain["codes"]).pk,
            "migrated": written.create(
                user_id=noor.pk, type="recovery_codes", data=plain["migrated"]
            ).pk,
            "key": written.create(user_id=mia.pk, type="webauthn", data=plain["key"]).pk,
        }
        migrate(latest())
        rows = raw_rows(mia) + raw_rows(noor)
        for secret in (TOTP_SECRET, seed, "31415926", "27182818"):
            assert not any(secret in row for row in rows), secret
        stored = {name: Authenticator.objects.get(pk=pk).data for name, pk in ids.items()}
        assert stored["key"] == plain["key"]  # a security key's data holds no secret
        assert stored["migrated"]["used_mask"] == 0
        assert signs_in(mia, totp_code())
        codes = RecoveryCodes(Authenticator.objects.get(pk=ids["migrated"])).get_unused_codes()
        assert codes == ["31415926", "27182818"]

        back = migrate(BEFORE).get_model("mfa", "Authenticator").objects
        restored = {name: back.get(pk=pk).data for name, pk in ids.items()}
        assert restored["totp"] == plain["totp"]
        assert restored["codes"] == plain["codes"]
        assert restored["migrated"] == plain["migrated"]
        assert restored["key"] == plain["key"]
    finally:
        migrate(latest())


@pytest.fixture(scope="module")
def started(tmp_path_factory):
    """The settings imported the way a deployment imports them, each in its own process."""
    keys_file = tmp_path_factory.mktemp("secrets") / "mfa_keys"
    keys_file.write_text(f"{NEW}\n{OLD}\n")
    show = ["-c", "from django.conf import settings; print(settings.SCRUBROOM_MFA_KEYS)"]

    def settings_env(**overrides):
        # Whatever keys a production environment is given, these scenarios set their own.
        without_keys = production_env(SCRUBROOM_MFA_KEYS=None, **overrides)
        return {**without_keys, "DJANGO_SETTINGS_MODULE": "scrubroom.settings"}

    processes = {
        "debug": start(show, settings_env(SCRUBROOM_DEBUG="1")),
        "file": start(show, settings_env(SCRUBROOM_MFA_KEYS_FILE=str(keys_file))),
        "production check": start(["manage.py", "check"], settings_env()),
    }
    return finish_all(processes)


def test_while_debugging_a_key_derived_from_the_secret_key_stands_in(started):
    result = started["debug"]
    assert result.returncode == 0, result.stderr
    (derived,) = ast.literal_eval(result.stdout)
    Fernet(derived)  # a well-formed key


def test_the_keys_can_come_from_a_file_one_a_line(started):
    result = started["file"]
    assert result.returncode == 0, result.stderr
    assert ast.literal_eval(result.stdout) == [NEW, OLD]


def test_production_without_keys_fails_the_system_check(started):
    result = started["production check"]
    assert result.returncode != 0
    assert "members.E002" in result.stderr, result.stdout + result.stderr
