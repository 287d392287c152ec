# A family's own request for help (issue 13, point 6): the kind of a report, the family's
# topic, when it is safe to call back (sealed), and the record of call backs.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import safechildhood.requests.sealed_fields


class Migration(migrations.Migration):
    dependencies = [
        ("requests", "0005_sealed_reports"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="report",
            name="kind",
            field=models.CharField(
                choices=[("report", "Сообщение о ребёнке"), ("family", "Просьба семьи о помощи")],
                db_index=True,
                default="report",
                max_length=16,
                verbose_name="Вид обращения",
            ),
        ),
        migrations.AddField(
            model_name="report",
            name="family_topic",
            field=models.CharField(
                blank=True,
                choices=[
                    ("relations", "Отношения с детьми"),
                    ("upbringing", "Развитие и воспитание ребёнка"),
                    ("money", "Деньги, трудное материальное положение"),
                    ("legal", "Юридические вопросы"),
                    ("violence", "Насилие дома"),
                    ("other", "Другое"),
                ],
                max_length=16,
                verbose_name="Что происходит в семье",
            ),
        ),
        migrations.AddField(
            model_name="report",
            name="callback_time",
            field=safechildhood.requests.sealed_fields.SealedTextField(
                blank=True, verbose_name="Когда можно позвонить"
            ),
        ),
        migrations.CreateModel(
            name="CallBack",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "called_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="Когда звонили"
                    ),
                ),
                (
                    "result",
                    models.CharField(
                        choices=[
                            ("reached", "Поговорили"),
                            ("no_answer", "Не ответили"),
                            ("not_safe", "Говорить было неудобно или небезопасно"),
                            ("wrong_number", "Номер не тот или не работает"),
                        ],
                        max_length=16,
                        verbose_name="Результат звонка",
                    ),
                ),
                (
                    "agreed",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("consulted", "Проконсультировали по телефону"),
                            ("visit", "Договорились о встрече или выезде"),
                            ("support", "Семью взяли на сопровождение"),
                            ("referred", "Направили в другую службу"),
                            ("call_again", "Договорились созвониться ещё раз"),
                        ],
                        max_length=16,
                        verbose_name="О чём договорились",
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "author",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "report",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="call_backs",
                        to="requests.report",
                    ),
                ),
            ],
            options={
                "verbose_name": "Звонок семье",
                "verbose_name_plural": "Звонки семьям",
                "ordering": ["called_at", "pk"],
            },
        ),
    ]
