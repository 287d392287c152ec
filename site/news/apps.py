from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "safechildhood.news"
    label = "news"
    verbose_name = "Новости"
