"""The admin's login form (throttled) and the second-factor code forms."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from . import audit, throttle
from .devices import RECOVERY_CODE_LENGTH, normalise_recovery_code


def find_account(username: str):
    """The account a name signs in to, exactly as Django's ModelBackend looks it up."""
    User = get_user_model()
    return User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()


class LoginForm(WagtailLoginForm):
    """Wagtail's login form behind the throttle (`WAGTAILADMIN_USER_LOGIN_FORM`).

    A refused attempt is answered before the password is hashed, with the time to try
    again; the answers are the same whether the account exists or not.
    """

    error_messages = {
        **WagtailLoginForm.error_messages,
        "invalid_login": _("Неверное имя пользователя или пароль."),
    }

    def __init__(self, request=None, *args, **kwargs) -> None:
        super().__init__(request, *args, **kwargs)
        # Wagtail's password field has no translatable label ("Password" in every language).
        self.fields["password"].label = _("Пароль")
        self.fields["username"].widget.attrs.update(
            autocomplete="username", autocapitalize="none", spellcheck="false"
        )
        self.fields["password"].widget.attrs.update(autocomplete="current-password")

    def get_invalid_login_error(self) -> ValidationError:
        return ValidationError(self.error_messages["invalid_login"], code="invalid_login")

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or not password:
            return self.cleaned_data  # the fields' own "required" errors say it
        with throttle.Attempt(self.request, username) as attempt:
            if attempt.refusal is not None:
                raise ValidationError(attempt.refusal.message(), code="throttled")
            try:
                return super().clean()
            except ValidationError as error:
                raise self._failed(username, error) from None

    def _failed(self, username: str, error: ValidationError) -> ValidationError:
        failure = throttle.record_failure(self.request, username)
        hold_until = failure.refusal.until if failure.hold_began else None
        audit.log_failure(find_account(username), audit.PASSWORD, hold_until)
        if failure.refusal is None:
            return error
        return ValidationError([*error.error_list, failure.refusal.message()])


class OneTimeCodeInput(forms.TextInput):
    """A code field phones fill from an SMS-less app: numeric keypad, paste allowed."""

    def __init__(self, numeric: bool = True) -> None:
        attrs = {
            "autocomplete": "one-time-code",
            "autocapitalize": "none",
            "spellcheck": "false",
            "class": "core-signin-code",
        }
        if numeric:
            attrs["inputmode"] = "numeric"
        super().__init__(attrs=attrs)


class AppCodeForm(forms.Form):
    """Six digits from the authenticator app (spaces and dashes from pasting are ignored)."""

    code = forms.CharField(
        label=_("Код из приложения"),
        help_text=_("6 цифр. Код меняется каждые 30 секунд."),
        max_length=20,
        widget=OneTimeCodeInput(),
        error_messages={"required": _("Введите код из приложения")},
    )

    def clean_code(self) -> str:
        code = "".join(ch for ch in self.cleaned_data["code"] if ch not in " -\u00a0")
        if not (code.isascii() and code.isdigit() and len(code) == 6):
            raise ValidationError(
                _("Код состоит из 6 цифр. Введите его так, как он показан в приложении"),
                code="format",
            )
        return code


class RecoveryCodeForm(forms.Form):
    """One of the printed recovery codes, with or without its dashes."""

    code = forms.CharField(
        label=_("Код восстановления"),
        help_text=_("12 букв и цифр, например abcd-efgh-2345. Каждый код действует один раз."),
        max_length=40,
        widget=OneTimeCodeInput(numeric=False),
        error_messages={"required": _("Введите код восстановления")},
    )

    def clean_code(self) -> str:
        code = normalise_recovery_code(self.cleaned_data["code"])
        if len(code) != RECOVERY_CODE_LENGTH:
            raise ValidationError(
                _(
                    "Код восстановления состоит из 12 букв и цифр. "
                    "Проверьте, что он введён полностью"
                ),
                code="format",
            )
        return code
