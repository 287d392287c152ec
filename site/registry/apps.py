from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class RegistryConfig(AppConfig):
    name = "safechildhood.registry"
    label = "registry"
    verbose_name = "Реестр служб помощи"

    def ready(self) -> None:
        # Imported here, not at the top: models may be imported only once apps are ready.
        from safechildhood.core import pagecache

        from . import corrections
        from .gazetteer import GAZETTEER
        from .hours import CALENDAR
        from .listing import FILTER_OPTIONS
        from .models import (
            CalendarDay,
            District,
            EverydayPhrase,
            ServiceKind,
            Settlement,
            TargetGroup,
        )
        from .vocabulary import VOCABULARY

        # The list page's cached filter options (listing.FilterOptions.load).
        for model in (District, ServiceKind, TargetGroup):
            post_save.connect(FILTER_OPTIONS.changed, sender=model)
            post_delete.connect(FILTER_OPTIONS.changed, sender=model)
        # The gazetteer's names (gazetteer.names): settlements and districts.
        for model in (District, Settlement):
            post_save.connect(GAZETTEER.changed, sender=model)
            post_delete.connect(GAZETTEER.changed, sender=model)
        # The official calendar of holidays (hours.calendar).
        post_save.connect(CALENDAR.changed, sender=CalendarDay)
        post_delete.connect(CALENDAR.changed, sender=CalendarDay)
        # The words that name kinds and groups (vocabulary.strengths): keywords, phrases.
        for model in (ServiceKind, TargetGroup, EverydayPhrase):
            post_save.connect(VOCABULARY.changed, sender=model)
            post_delete.connect(VOCABULARY.changed, sender=model)
        for through in (EverydayPhrase.kinds.through, EverydayPhrase.target_groups.through):
            m2m_changed.connect(VOCABULARY.changed, sender=through)
        # Cached pages: any change of a public registry record (a service, its phones,
        # places, hours, areas, the organisation, districts, kinds, groups) forgets them.
        # Visitors' notes about errors change nothing that is shown.
        pagecache.watch_models(
            model
            for model in self.get_models(include_auto_created=True)
            if model is not corrections.ServiceCorrection
        )
        # The corrections form on a cached service page gets a new token in every copy.
        pagecache.register_fresh_value(corrections.FRESH_FORM_VALUE, corrections.new_form_token)
