"""Test helpers for sealed reports: the test escrow key, staff key pairs, reading as escrow.

* `ESCROW_PRIVATE_KEY` is the private half of the fixed, public test escrow key in
  `settings.test` (never use either anywhere else).
* `sign_in_keys(client, user)` does what a real sign-in does with the password: makes or
  unlocks the user's key pair and keeps it for the session (session half + cookie half).
  With ``recover=True`` (what `client.force_login` does in tests) it then gives the user
  every report key they may read, the way `manage.py recover_reports` does with the
  escrow key, so that tests of other features start from a signed-in reader who holds
  their keys. Tests of grants and locks use ``recover=False``.
* `read_as_escrow` (autouse in tests/conftest.py): test code that reads a report field
  *outside a request* reads it with the escrow key, as before sealing it read it with the
  server's Fernet key. Inside a request (the test client) nothing changes: views open
  keys only as production does. The success-criterion tests turn it off.
"""

from __future__ import annotations

from django.conf import settings

from safechildhood.core import keys
from safechildhood.core.signin import keyring
from safechildhood.requests import sealed_fields
from safechildhood.requests.models import ReportKeyGrant

ESCROW_PRIVATE_KEY = keys.unb64("wcIwWsZqdo2c6k5lnjTnptxDddUAwsosdd8pgLXyaiM=")


def escrow_key_of(report_id: int | None) -> bytes | None:
    if report_id is None:
        return None
    sealed = (
        ReportKeyGrant.objects.filter(report_id=report_id, user__isnull=True)
        .values_list("sealed_key", flat=True)
        .first()
    )
    return keys.unseal(ESCROW_PRIVATE_KEY, sealed) if sealed else None


def install_escrow_reading(monkeypatch) -> None:
    original = sealed_fields.SealedTextField.key_of

    def key_of(field, instance):
        key = original(field, instance)
        if key is None and not sealed_fields.in_request():
            key = escrow_key_of(getattr(instance, field.report_attr))
        return key

    monkeypatch.setattr(sealed_fields.SealedTextField, "key_of", key_of)


def sign_in_keys(client, user, password: str | None = None, recover: bool = True) -> bytes | None:
    """Key pair unlocked for the client's session, as at a real sign-in."""
    from tests.signin import staff_password

    private = keyring.unlock(user, password or staff_password(user.get_username()))
    if private is None:
        return None
    stored, cookie = keys.stash(private)
    session = client.session
    session[keyring.SESSION_KEY] = stored
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    client.cookies[settings.KEYRING_COOKIE_NAME] = cookie
    if recover:
        recover_for(user)
    return private


def recover_for(user) -> int:
    """Grant `user` every report key they may read, with the escrow key."""
    from safechildhood.requests import recovery

    return recovery.grant_pending_with_escrow(ESCROW_PRIVATE_KEY, user=user)
