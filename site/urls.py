"""URL configuration: Russian pages unprefixed, English under /en/."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from search import views as search_views

from . import views
from .core.signin.views import LoginView as StaffLoginView
from .sitemaps import LocalizedSitemap

# Rendered without the database; a database failure becomes the 503 outage page.
handler500 = "safechildhood.core.views.server_error"

urlpatterns = [
    # In front of Wagtail's login view: the same page, throttled, then the second factor
    # (safechildhood.core.signin). `wagtailadmin_login` still names this address.
    path("admin/login/", StaffLoginView.as_view(), name="core_signin_login"),
    # In front of wagtail-localize's own view at this address (see views.py).
    path(
        "admin/localize/submit/page/<int:page_id>/",
        views.SubmitPageTranslationView.as_view(),
        name="submit_page_translation",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": LocalizedSitemap}}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("api/hsds/", include("safechildhood.registry.api.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(
    path("search/", search_views.search, name="search"),
    path("services/", include("safechildhood.registry.urls")),
    path("report/", include("safechildhood.requests.urls")),
    path("site-map/", views.site_map, name="site_map"),
    # Wagtail's page serving comes last: everything not caught above is a page.
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
