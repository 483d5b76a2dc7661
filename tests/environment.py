"""Loaded with `-p tests.environment` before Django starts: the suite's environment.

Tests run on the production defaults (DEBUG off, secure cookies, CSP, HSTS), with only what a
test client needs changed. Anything already set in the environment wins, which is how the
scaled suite points the same tests at PostgreSQL and Redis.
"""

import atexit
import os
import shutil
import tempfile

_private = tempfile.mkdtemp(prefix="scrubroom-test-private-")
atexit.register(shutil.rmtree, _private, ignore_errors=True)

os.environ.setdefault("SCRUBROOM_SECRET_KEY", "test-only-secret-key-" + "x" * 40)
os.environ.setdefault("SCRUBROOM_REGION", "test-region")
for _store in ("DATABASE", "MEDIA", "REDIS", "EMAIL", "BACKUP"):
    os.environ.setdefault(f"SCRUBROOM_{_store}_REGION", os.environ["SCRUBROOM_REGION"])
os.environ.setdefault("SCRUBROOM_BACKUP_TARGET", os.path.join(_private, "backups"))
os.environ.setdefault("SCRUBROOM_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
# The test client speaks plain HTTP; TLS redirection is tested on its own.
os.environ.setdefault("SCRUBROOM_SSL_REDIRECT", "0")
# Required in production; the test runner swaps in its in-memory mailer, so nothing is sent.
os.environ.setdefault("SCRUBROOM_EMAIL_HOST", "smtp.invalid")
os.environ.setdefault("SCRUBROOM_PRIVATE_MEDIA_ROOT", _private)
# Required in production (members.E002): the cast's TOTP secrets are encrypted as a
# deployment's are; servers the tests start inherit it. A test-only key.
os.environ.setdefault("SCRUBROOM_MFA_KEYS", "ipDoB-gUzC8bi7E--_QkWYfjc1rZudXPblaGlHqGpB8=")
# A file, not memory: real server processes started by tests read what the tests commit.
os.environ.setdefault("SCRUBROOM_TEST_DATABASE_NAME", os.path.join(_private, "test.sqlite3"))
os.environ.setdefault("SCRUBROOM_STATIC_ROOT", os.path.join(_private, "static"))
