"""Receipt codes: the only key a reporter holds to their report.

A code is 16 digits (GlobaLeaks' choice: easy to read out, write down and paste),
derived from the 128-bit random token that the "check your report" page carries
inside its encrypted state: an HMAC of the token under a key derived from
``SECRET_KEY`` (:func:`code_for`). So a double tap, or the same page sent again
after a lost answer, shows the same code without the code being kept anywhere:
only the page that sent the report can reproduce it. The token itself is never
stored either (the database keeps another keyed hash of it, ``submission_key``,
which does not give the code). The code is never stored: the database keeps

* a slow Argon2id hash of it, to verify a code; and
* a short *lookup prefix*: the first 8 hex digits of an HMAC of the code under a
  key derived from ``SECRET_KEY``. It finds the (usually single) candidate row
  with an index instead of hashing every stored code, and is too short to
  confirm a guess: about 2.3 million codes share each prefix, so even with the
  database *and* the key an attacker still pays one Argon2 hash per candidate.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from django.conf import settings

CODE_DIGITS = 16
LOOKUP_LENGTH = 8  # hex digits of the keyed hash kept for lookup

# OWASP's minimum for Argon2id (19 MiB, 2 passes): about 25 ms here, and it keeps a
# submission well under its 150 ms budget.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def new_code() -> str:
    """16 random digits, leading zeros allowed (demo reports; codes from before derivation)."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def code_for(token: str) -> str:
    """The code of the report sent from the page that carries `token` (16 digits).

    256 bits of HMAC reduced modulo 10**16: every code equally likely, to 1 part in 10**60.
    """
    key = hashlib.sha256(f"safechildhood.requests.receipt-code:{settings.SECRET_KEY}".encode())
    digest = hmac.new(key.digest(), token.encode(), hashlib.sha256).digest()
    return f"{int.from_bytes(digest, 'big') % 10**CODE_DIGITS:0{CODE_DIGITS}d}"


def normalise(raw: str) -> str | None:
    """What a person typed or pasted (spaces, dashes, dots) → the 16 digits, or None."""
    digits = re.sub(r"[\s\-\.\u00a0]", "", raw or "")
    if len(digits) != CODE_DIGITS or not digits.isascii() or not digits.isdigit():
        return None
    return digits


def grouped(code: str) -> str:
    """`1234567890123456` → `1234 5678 9012 3456`, easier to read out and copy."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


def lookup_prefix(code: str) -> str:
    key = hashlib.sha256(f"safechildhood.requests.receipt:{settings.SECRET_KEY}".encode())
    return hmac.new(key.digest(), code.encode(), hashlib.sha256).hexdigest()[:LOOKUP_LENGTH]


def hash_code(code: str) -> str:
    return _hasher.hash(code)


def verify_code(stored_hash: str, code: str) -> bool:
    if not stored_hash:
        return False
    try:
        return _hasher.verify(stored_hash, code)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
