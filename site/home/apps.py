from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "safechildhood.home"
    label = "home"
    verbose_name = "Главная и информационные страницы"
