"""The versioned API. Names are namespaced ``api:`` (e.g. ``api:person-detail``)."""

from rest_framework.routers import SimpleRouter

from people.api import FamilyViewSet, PersonViewSet

app_name = "api"

router = SimpleRouter()
router.register("people", PersonViewSet, basename="person")
router.register("families", FamilyViewSet, basename="family")

urlpatterns = router.urls
