from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

from core import views as core_views

urlpatterns = [
    path("", core_views.root),
    path("healthz", core_views.healthz, name="healthz"),
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    path("people/", include("people.urls")),
    path("", include("support_requests.urls")),
    path("assessments/", include("assessments.urls")),
    path("consent/", include("consent.urls")),
    path("panels/", include("panel.urls")),
    path("casework/", include("casework.urls")),
    path("api/v1/", include("earlyhelp.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-docs"),
    path("django-admin/", admin.site.urls),
]

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
