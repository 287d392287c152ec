"""Signal receivers of the staff sign-in (connected in `CoreConfig.ready`)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from . import keyring, session  # noqa: F401 (keyring connects its receivers)


@receiver(user_logged_in, dispatch_uid="core.signin.session_start")
def start_session_clocks(sender, request, user, **kwargs) -> None:
    """Every sign-in starts the idle and absolute clocks of its session."""
    if request is not None and hasattr(request, "session"):
        session.start(request)
