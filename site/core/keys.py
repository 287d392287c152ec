"""Key-wrapping primitives (libsodium through PyNaCl), not tied to any one kind of data.

* :func:`derive` turns a secret a person knows (a password, a receipt code) into a
  32-byte key with Argon2id and a per-owner salt, at a named cost (``KEYS_KDF_COSTS``).
* :func:`wrap` / :func:`unwrap`: XSalsa20-Poly1305 (``SecretBox``) under such a key.
* :func:`seal` / :func:`unseal`: anonymous public-key encryption (``SealedBox``,
  X25519) to a key pair's public half.
* :func:`encrypt_text` / :func:`decrypt_text`: XChaCha20-Poly1305 with associated data,
  so that a ciphertext moved to another field no longer opens.
* The **session keyring** (:func:`stash` / :func:`unstash`): a private key kept for one
  signed-in session, encrypted under a random key whose only copy is a cookie of the
  user's browser. The session store alone, or the cookie alone, opens nothing.

Everything stored is URL-safe base64 text, so backups and ``dumpdata`` carry it as is.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass

import nacl.exceptions
import nacl.pwhash.argon2id as argon2id
from django.conf import settings
from nacl.bindings import (
    crypto_aead_xchacha20poly1305_ietf_decrypt,
    crypto_aead_xchacha20poly1305_ietf_encrypt,
)
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.secret import SecretBox

KEY_BYTES = 32
SALT_BYTES = argon2id.SALTBYTES  # 16
NONCE_BYTES = 24
CryptoError = nacl.exceptions.CryptoError


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise CryptoError("not base64") from exc


def random_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def new_salt() -> bytes:
    return secrets.token_bytes(SALT_BYTES)


# --- Keys from what people know -------------------------------------------------------------


@dataclass(frozen=True)
class Cost:
    """Argon2id's passes and memory (bytes)."""

    ops: int
    mem: int

    def label(self) -> str:
        return f"{self.ops}:{self.mem}"

    @classmethod
    def parse(cls, label: str) -> Cost:
        ops, mem = label.split(":")
        return cls(int(ops), int(mem))


def cost(purpose: str) -> Cost:
    """The configured cost for "password" or "receipt" (tests lower it, see settings.test)."""
    ops, mem = settings.KEYS_KDF_COSTS[purpose]
    return Cost(ops, mem)


def derive(secret: str, salt: bytes, at: Cost) -> bytes:
    """A 32-byte key from a secret a person knows (Argon2id)."""
    return argon2id.kdf(KEY_BYTES, secret.encode(), salt, opslimit=at.ops, memlimit=at.mem)


# --- Symmetric wrapping --------------------------------------------------------------------


def wrap(key: bytes, data: bytes) -> str:
    return b64(bytes(SecretBox(key).encrypt(data)))


def unwrap(key: bytes, wrapped: str) -> bytes:
    """The data; :class:`CryptoError` if the key is wrong or the text was changed."""
    return SecretBox(key).decrypt(unb64(wrapped))


def encrypt_text(key: bytes, text: str, context: bytes) -> str:
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = crypto_aead_xchacha20poly1305_ietf_encrypt(text.encode(), context, nonce, key)
    return b64(nonce + sealed)


def decrypt_text(key: bytes, token: str, context: bytes) -> str:
    raw = unb64(token)
    nonce, sealed = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
    return crypto_aead_xchacha20poly1305_ietf_decrypt(sealed, context, nonce, key).decode()


# --- Key pairs ------------------------------------------------------------------------------


def new_keypair() -> tuple[str, bytes]:
    """(public key as text, private key bytes)."""
    private = PrivateKey.generate()
    return b64(bytes(private.public_key)), bytes(private)


def public_of(private: bytes) -> str:
    return b64(bytes(PrivateKey(private).public_key))


def seal(public: str, data: bytes) -> str:
    return b64(SealedBox(PublicKey(unb64(public))).encrypt(data))


def unseal(private: bytes, sealed: str) -> bytes:
    return SealedBox(PrivateKey(private)).decrypt(unb64(sealed))


def valid_public_key(text: str) -> bool:
    try:
        return len(unb64(text)) == KEY_BYTES
    except CryptoError:
        return False


# --- Session keyring ------------------------------------------------------------------------


def stash(secret: bytes) -> tuple[str, str]:
    """(what the session stores, what the cookie holds): each useless without the other."""
    cookie_key = random_key()
    return wrap(cookie_key, secret), b64(cookie_key)


def unstash(stored: str | None, cookie: str | None) -> bytes | None:
    if not stored or not cookie:
        return None
    try:
        return unwrap(unb64(cookie), stored)
    except (CryptoError, ValueError, TypeError):
        return None
