from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "safechildhood.registry"
    label = "registry"
    verbose_name = "Реестр служб помощи"
