"""Private files: the storage no public URL reaches (credential documents, scrubbed images),
and deleting files only once the rows that name them are gone for good."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.files.storage import Storage, storages
from django.db import transaction


def private_storage() -> Storage:
    """The "private" storage (settings.STORAGES): a local folder, or a private S3 bucket.

    A callable, so each FileField resolves it when used and tests can swap the storage."""
    return storages["private"]


def delete_after_commit(names: Iterable[str]) -> None:
    """Delete these files from private storage once the transaction commits.

    A rolled-back deletion keeps its files, and a file is never gone while a row still names it.
    """
    names = [name for name in names if name]
    if not names:
        return

    def delete() -> None:
        storage = private_storage()
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete)
