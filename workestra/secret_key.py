"""The service's SECRET_KEY: from the settings, or in development a generated one kept in a local file."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from workestra.db import create_private_directory
from workestra.settings import Settings, SettingsError

log = logging.getLogger("workestra.secret_key")


def resolve_secret_key(settings: Settings) -> str:
    """SECRET_KEY, or outside production the development key of ``settings.secret_key_file`` (made once).

    Several processes started together agree on one key: the file is published with a hard link,
    which fails for everyone but the first.
    """
    if settings.secret_key:
        return settings.secret_key
    settings.check_secret_key()
    path = Path(settings.secret_key_file)
    if not path.exists():
        _publish_new_key(path)
    if path.stat().st_mode & 0o077:
        log.warning("the development key file %s is readable by other users; chmod 600 it", path)
    key = path.read_text(encoding="ascii").strip()
    if not key:
        raise SettingsError(f"the development key file {path} is empty; delete it to make a new one")
    log.warning(
        "SECRET_KEY is not set: using the development key in %s. Set SECRET_KEY in production; "
        "changing the key makes stored two-factor secrets unreadable.",
        path,
    )
    return key


def _publish_new_key(path: Path) -> None:
    create_private_directory(path.parent)
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(48) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another process published first; everyone uses its key
    finally:
        draft.unlink(missing_ok=True)
