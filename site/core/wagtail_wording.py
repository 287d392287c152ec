"""Wagtail's own admin messages, reworded in this project's catalogue (``LOCALE_PATHS``
takes precedence over Wagtail's): its Russian gives every model one gender («Служба …
обновлен»), so ours names the model and then says what happened to the record
(«Служба «…»: изменения сохранены»), right whatever the model's gender.

Listed with ``gettext_noop`` so that ``makemessages`` keeps them in the catalogues.
"""

from django.utils.translation import gettext_noop

WAGTAIL_MESSAGES = (
    gettext_noop("%(model_name)s '%(object)s' created."),
    gettext_noop("%(model_name)s '%(object)s' created and published."),
    gettext_noop("%(model_name)s '%(object)s' created and scheduled for publishing."),
    gettext_noop("%(model_name)s '%(object)s' created and submitted for moderation."),
    gettext_noop("%(model_name)s '%(object)s' updated."),
    gettext_noop("%(model_name)s '%(object)s' updated and published."),
    gettext_noop("%(model_name)s '%(object)s' deleted."),
    gettext_noop("%(model_name)s '%(object)s' has been scheduled for publishing."),
    gettext_noop("%(model_name)s '%(object)s' has been submitted for moderation."),
    gettext_noop("%(model_name)s '%(title)s' is now unlocked."),
)
