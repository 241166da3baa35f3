from csp.decorators import csp_update
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core import views as core_views

# The API documentation is Swagger UI from drf-spectacular-sidecar (our own static files). The
# split view serves its start-up script as a separate file, so it runs under the site-wide
# Content-Security-Policy with no inline script or style (Redoc would need 'unsafe-inline' styles
# and blob: workers). The one widening: Swagger UI's stylesheet draws its icons as data: images.
api_docs = csp_update({"img-src": ["data:"]})(
    SpectacularSwaggerSplitView.as_view(
        url_name="api-schema", template_name="api_docs/swagger_ui.html"
    )
)

FAVICON = "govuk/assets/images/favicon.ico"


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico whatever the page says: send them GOV.UK Frontend's icon.

    Not permanent, and looked up per request, because production's file name carries a hash
    of its contents that changes when GOV.UK Frontend does."""

    permanent = False
    http_method_names = ["get", "head"]

    def get_redirect_url(self, *args, **kwargs):
        return static(FAVICON)


urlpatterns = [
    path("", core_views.root),
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    path("healthz", core_views.healthz, name="healthz"),
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    path("people/", include("people.urls")),
    path("", include("support_requests.urls")),
    path("assessments/", include("assessments.urls")),
    path("consent/", include("consent.urls")),
    path("panels/", include("panel.urls")),
    path("casework/", include("casework.urls")),
    path("neglect/", include("neglect.urls")),
    path("risk-factors/", include("risk_factors.urls")),
    path("patterns/", include("patterns.urls")),
    path("radar/", include("radar.urls")),
    path("supervision/", include("oversight.urls")),
    path("outcomes/", include("outcomes.urls")),
    path("data-protection/", include("dataprotection.urls")),
    path("reports/", include("reporting.urls")),
    path("offer/", include("offer.urls")),
    path("consultancy/", include("consultancy.urls")),
    path("children-centres/", include("children_centres.urls")),
    # The directory: its ORUK read API (/oruk/), staff pages (/directory/) and the public
    # "find support" pages (/find-support/).
    path("", include("directory.urls")),
    path("api/v1/", include("earlyhelp.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", api_docs, name="api-docs"),
    path("django-admin/", admin.site.urls),
]

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
