from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "safechildhood.home"
    label = "home"
    verbose_name = "Главная и информационные страницы"

    def ready(self) -> None:
        from .signals import connect_page_cache

        connect_page_cache()
