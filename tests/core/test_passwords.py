"""Password rules: 12 characters, not common, not only digits, not like the name; in Russian."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation

from tests.signin import STAFF_PASSWORD, staff_password

User = get_user_model()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        (
            "Vologda2026",
            "Введённый пароль слишком короткий. Он должен состоять из как минимум 12 символов.",
        ),
        ("password1234", "Введённый пароль слишком широко распространён."),
        ("202620262026", "Введённый пароль состоит только из цифр."),
        ("ivanova20261", "Введённый пароль слишком похож на имя пользователя."),
    ],
)
def test_weak_passwords_are_refused_in_russian(password, message):
    user = User(username="ivanova", email="ivanova@example.org")
    with translation.override("ru"), pytest.raises(ValidationError) as error:
        validate_password(password, user=user)
    assert message in error.value.messages


def test_the_issues_example_is_refused_and_a_good_passphrase_accepted():
    with pytest.raises(ValidationError):
        validate_password("Vologda2026")
    validate_password("ёлка-в-сугробе-у-реки")
    validate_password(STAFF_PASSWORD, user=User(username="spec"))
    validate_password(staff_password("spec"), user=User(username="spec"))


@pytest.mark.django_db
def test_wagtails_password_change_shows_the_rules_in_russian(client, editor):
    client.force_login(editor)
    response = client.post(
        "/admin/account/",
        {
            "password-old_password": staff_password("redaktor"),
            "password-new_password1": "Vologda2026",
            "password-new_password2": "Vologda2026",
        },
    )
    assert "слишком короткий" in response.content.decode()


@pytest.mark.django_db
def test_demo_admins_generated_password_satisfies_the_rules(demo_site, monkeypatch, capsys):
    monkeypatch.delenv("DEMO_ADMIN_PASSWORD", raising=False)
    call_command("load_demo", "--admin")
    out = capsys.readouterr().out
    password = out.split("shown only this once): ")[1].split()[0]
    admin = User.objects.get(username="admin")
    validate_password(password, user=admin)
    assert "connect an authenticator app" in out


@pytest.mark.django_db
def test_a_weak_demo_admin_password_is_refused(demo_site, monkeypatch):
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "admin12345")
    with pytest.raises(CommandError, match="DEMO_ADMIN_PASSWORD is too weak"):
        call_command("load_demo", "--admin")
    assert not User.objects.filter(username="admin").exists()
