"""Signals of the staff sign-in.

``password_verified`` is the place for work that needs the plaintext password of a
successful sign-in (for example, unlocking a key pair wrapped under a key derived from
the password). It is sent by the admin's login view right after Django's ``login()``,
before the second factor, with ``request`` (the new session), ``user`` and ``password``.
A receiver must not store or log the password; it lives only for this request.
"""

from django.dispatch import Signal

password_verified = Signal()
