from django.urls import path

from support_requests import practitioner_views as pv
from support_requests import public_views, views

app_name = "support_requests"

urlpatterns = [
    # Public: ask for help (no sign-in).
    path("ask-for-help/", public_views.ask_start, name="ask_start"),
    path("ask-for-help/area/", public_views.ask_area, name="ask_area"),
    path("ask-for-help/town-or-postcode/", public_views.ask_location, name="ask_location"),
    path("ask-for-help/who-is-asking/", public_views.ask_who, name="ask_who"),
    path("ask-for-help/children/", public_views.ask_children, name="ask_children"),
    path("ask-for-help/children/add/", public_views.ask_child_add, name="ask_child_add"),
    path(
        "ask-for-help/children/<int:number>/",
        public_views.ask_child_change,
        name="ask_child_change",
    ),
    path(
        "ask-for-help/children/<int:number>/remove/",
        public_views.ask_child_remove,
        name="ask_child_remove",
    ),
    path("ask-for-help/what-is-happening/", public_views.ask_happening, name="ask_happening"),
    path("ask-for-help/help-you-would-like/", public_views.ask_help, name="ask_help"),
    path("ask-for-help/your-name/", public_views.ask_name, name="ask_name"),
    path("ask-for-help/contact-you-safely/", public_views.ask_contact, name="ask_contact"),
    path("ask-for-help/other-services/", public_views.ask_consent, name="ask_consent"),
    path("ask-for-help/check-your-answers/", public_views.ask_check, name="ask_check"),
    path("ask-for-help/request-sent/", public_views.ask_sent, name="ask_sent"),
    # Staff: a practitioner's request for support.
    path("requests/new/", pv.new_start, name="new_start"),
    path("requests/new/family/", pv.new_family, name="new_family"),
    path("requests/new/children/", pv.new_children, name="new_children"),
    path("requests/new/area/", pv.new_area, name="new_area"),
    path("requests/new/how-to-send/", pv.new_route, name="new_route"),
    path("requests/new/what-is-happening/", pv.new_happening, name="new_happening"),
    path("requests/new/concerns/", pv.new_concern, name="new_concern"),
    path("requests/new/contact-the-duty-team/", pv.new_duty_team, name="new_duty_team"),
    path("requests/new/family-agreement/", pv.new_consent, name="new_consent"),
    path(
        "requests/new/family-agreement-needed/",
        pv.new_consent_needed,
        name="new_consent_needed",
    ),
    path("requests/new/check-your-answers/", pv.new_check, name="new_check"),
    path("requests/new/request-sent/", pv.new_sent, name="new_sent"),
    path("requests/mine/", pv.my_requests, name="my_requests"),
    path("requests/mine/<uuid:request_id>/", pv.my_request, name="my_request"),
    path(
        "requests/mine/<uuid:request_id>/safeguarding-stop/",
        pv.my_request_stop,
        name="my_request_stop",
    ),
    # Staff: a step-down from MASH.
    path("requests/step-down/new/", pv.step_down_new, name="step_down_new"),
    # Staff: the triage queue.
    path("requests/", views.queue, name="queue"),
    path("requests/<uuid:request_id>/", views.detail, name="detail"),
    path("requests/<uuid:request_id>/start-triage/", views.start_triage, name="start_triage"),
    path("requests/<uuid:request_id>/triage/", views.triage, name="triage"),
    path("requests/<uuid:request_id>/area/", views.set_area, name="set_area"),
    path(
        "requests/<uuid:request_id>/safeguarding-stop/",
        views.safeguarding_stop,
        name="safeguarding_stop",
    ),
]
