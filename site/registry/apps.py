from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class RegistryConfig(AppConfig):
    name = "safechildhood.registry"
    label = "registry"
    verbose_name = "Реестр служб помощи"

    def ready(self) -> None:
        from .listing import options_changed
        from .models import District, ServiceKind, TargetGroup

        # The list page's cached filter options (listing.FilterOptions.load).
        for model in (District, ServiceKind, TargetGroup):
            post_save.connect(options_changed, sender=model)
            post_delete.connect(options_changed, sender=model)
