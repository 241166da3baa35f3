"""The versioned API. Names are namespaced ``api:`` (e.g. ``api:person-detail``)."""

import assessments.api
import casework.api
import children_centres.api
import consent.api
import consultancy.api
import neglect.api
import offer.api
import outcomes.api
import oversight.api
import panel.api
import patterns.api
import radar.api
import risk_factors.api
import support_requests.api
from core.api import Router
from people.api import FamilyViewSet, PersonViewSet

app_name = "api"

router = Router()
router.register("people", PersonViewSet, basename="person")
router.register("families", FamilyViewSet, basename="family")
assessments.api.register(router)
casework.api.register(router)
children_centres.api.register(router)
consent.api.register(router)
consultancy.api.register(router)
neglect.api.register(router)
offer.api.register(router)
oversight.api.register(router)
outcomes.api.register(router)
panel.api.register(router)
patterns.api.register(router)
radar.api.register(router)
risk_factors.api.register(router)
support_requests.api.register(router)

urlpatterns = router.urls
