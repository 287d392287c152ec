"""Each staff user's key pair, unlocked at sign-in and kept for the session only.

* At a successful password (`signals.password_verified`) the user's private key is
  unwrapped with a key derived from that password, or, for a user who may read
  reports and has none yet, a new pair is made (`keypair_created` is sent).
* It is then kept for the session in two halves (`core.keys.stash`): the session store
  holds it encrypted, the `KEYRING_COOKIE_NAME` cookie (HttpOnly, path /admin/) holds
  the key. `KeyringMiddleware` writes and clears the cookie.
* A password the user changes while signed in re-wraps the private key under the new
  password. A password set by anyone or anything else (an administrator's reset, the
  ``changepassword`` command, a reset by e-mail) deletes the pair: the old private key
  is lost, `keypair_lost` is sent and the next sign-in makes a new pair.

Core knows no app: who needs a pair is a setting (``KEY_PAIR_PERMISSIONS``), and what
is sealed to the keys is the business of the receivers of the two signals.
"""

from __future__ import annotations

import contextvars
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.signals import pre_save
from django.dispatch import Signal, receiver
from django.http import HttpRequest, HttpResponse

from .. import keys
from ..models import UserKeyPair
from . import policy, signals

logger = logging.getLogger(__name__)

SESSION_KEY = "core.keyring"

keypair_created = Signal()  # sender=UserKeyPair, user
keypair_lost = Signal()  # sender=UserKeyPair, user
keyring_available = Signal()  # sender=KeyringMiddleware, request, user, private_key


@dataclass(frozen=True)
class Identity:
    """Whose private key this request holds (for a password change made in it)."""

    user_id: int
    private_key: bytes


_identity: contextvars.ContextVar[Identity | None] = contextvars.ContextVar(
    "core_keyring_identity", default=None
)


def needs_key_pair(user) -> bool:
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    return any(user.has_perm(permission) for permission in settings.KEY_PAIR_PERMISSIONS)


def _wrap_for(pair: UserKeyPair, private: bytes, password: str) -> None:
    salt, at = keys.new_salt(), keys.cost("password")
    pair.salt, pair.kdf_cost = keys.b64(salt), at.label()
    pair.wrapped_private_key = keys.wrap(keys.derive(password, salt, at), private)


def create_pair(user, password: str) -> bytes:
    public, private = keys.new_keypair()
    pair = UserKeyPair(user=user, public_key=public)
    _wrap_for(pair, private, password)
    pair.save()
    keypair_created.send(sender=UserKeyPair, user=user)
    return private


def unlock(user, password: str) -> bytes | None:
    """The user's private key, made now if they need one and have none."""
    pair = UserKeyPair.objects.filter(user=user).first()
    if pair is None:
        return create_pair(user, password) if needs_key_pair(user) else None
    derived = keys.derive(password, keys.unb64(pair.salt), keys.Cost.parse(pair.kdf_cost))
    try:
        return keys.unwrap(derived, pair.wrapped_private_key)
    except keys.CryptoError:
        # Wrapped under another password (set where no hook saw it): the key is lost.
        logger.warning("Key pair of user %s did not open with the password; replaced", user.pk)
        forget(user)
        return create_pair(user, password) if needs_key_pair(user) else None


def forget(user) -> None:
    if UserKeyPair.objects.filter(user=user).delete()[0]:
        keypair_lost.send(sender=UserKeyPair, user=user)


@receiver(signals.password_verified, dispatch_uid="core.keyring.unlock")
def unlock_at_sign_in(sender, request: HttpRequest, user, password: str, **kwargs) -> None:
    private = unlock(user, password)
    if private is None:
        return
    stored, cookie = keys.stash(private)
    request.session[SESSION_KEY] = stored
    request._keyring_cookie = cookie  # written by KeyringMiddleware
    request._keyring_private = private


def private_key(request: HttpRequest) -> bytes | None:
    """The signed-in user's private key, if this session and its cookie hold it."""
    if not hasattr(request, "_keyring_private"):
        request._keyring_private = keys.unstash(
            request.session.get(SESSION_KEY), request.COOKIES.get(settings.KEYRING_COOKIE_NAME)
        )
    return request._keyring_private


@receiver(pre_save, sender=get_user_model(), dispatch_uid="core.keyring.password_set")
def password_set(sender, instance, **kwargs) -> None:
    """Re-wrap on one's own password change; any other new password loses the key."""
    raw = getattr(instance, "_password", None)
    if raw is None or instance.pk is None:
        return
    identity = _identity.get()
    pair = UserKeyPair.objects.filter(user_id=instance.pk).first()
    if pair is None:
        return
    if identity is not None and identity.user_id == instance.pk:
        _wrap_for(pair, identity.private_key, raw)
        pair.save(update_fields=["salt", "kdf_cost", "wrapped_private_key", "updated_at"])
        return
    forget(instance)


class KeyringMiddleware:
    """Writes and clears the keyring cookie; lets this request's code use the private key.

    After SecondFactorMiddleware: a user who has not passed the second factor yet gets
    no `keyring_available` signal (so no pending grants are processed for them).
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(settings.KEYRING_COOKIE_PATH):
            # Public pages: neither the user nor the session is touched (no Vary: Cookie).
            return self.get_response(request)
        user = getattr(request, "user", None)
        private = None
        if user is not None and user.is_authenticated:
            private = private_key(request)
        token = _identity.set(Identity(user.pk, private) if private else None)
        try:
            if private is not None and _ready(request, user):
                keyring_available.send(
                    sender=type(self), request=request, user=user, private_key=private
                )
            response = self.get_response(request)
        finally:
            _identity.reset(token)
        return self.write_cookie(request, response)

    def write_cookie(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        cookie = getattr(request, "_keyring_cookie", None)
        name = settings.KEYRING_COOKIE_NAME
        if cookie is not None and request.session.get(SESSION_KEY):
            response.set_cookie(
                name,
                cookie,
                max_age=settings.ADMIN_SESSION_MAX_HOURS * 3600,
                path=settings.KEYRING_COOKIE_PATH,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        elif name in request.COOKIES and not request.session.get(SESSION_KEY):
            response.delete_cookie(name, path=settings.KEYRING_COOKIE_PATH, samesite="Lax")
        return response


def _ready(request: HttpRequest, user) -> bool:
    return not policy.must_verify(user)


def current_private_key(user) -> bytes | None:
    """The private key of `user` if this request (or code run inside it) holds it."""
    identity = _identity.get()
    if identity is not None and identity.user_id == user.pk:
        return identity.private_key
    return None
