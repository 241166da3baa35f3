"""The offer's pages, under /offer/. No names in any path: ids only."""

from django.urls import path

from offer import views

app_name = "offer"

urlpatterns = [
    path("", views.index, name="index"),
    path("programmes/new/", views.programme_new, name="programme_new"),
    path("programmes/<int:programme_id>/", views.programme, name="programme"),
    path(
        "programmes/<int:programme_id>/places/",
        views.programme_capacity,
        name="programme_capacity",
    ),
    path(
        "programmes/<int:programme_id>/running/",
        views.programme_running,
        name="programme_running",
    ),
    path("programmes/<int:programme_id>/groups/new/", views.group_new, name="group_new"),
    path("programmes/<int:programme_id>/refer/", views.refer_programme, name="refer_programme"),
    path("groups/<int:group_id>/", views.group, name="group"),
    path("groups/<int:group_id>/change/", views.group_change, name="group_change"),
    path("groups/<int:group_id>/sessions/new/", views.session_new, name="session_new"),
    path(
        "groups/<int:group_id>/sessions/<int:session_id>/attendance/",
        views.attendance,
        name="attendance",
    ),
    path(
        "groups/<int:group_id>/participants/<int:enrolment_id>/finish/",
        views.enrolment_finish,
        name="enrolment_finish",
    ),
    path(
        "groups/<int:group_id>/participants/<int:enrolment_id>/impact/",
        views.impact_new,
        name="impact_new",
    ),
    path("families/<uuid:family_id>/refer/", views.refer_family, name="refer_family"),
    path("referrals/", views.mine, name="mine"),
    path("referrals/<int:referral_id>/", views.referral, name="referral"),
    path("referrals/<int:referral_id>/uptake/", views.referral_uptake, name="referral_uptake"),
    path(
        "referrals/<int:referral_id>/withdraw/", views.referral_withdraw, name="referral_withdraw"
    ),
    path("referrals/<int:referral_id>/enrol/", views.referral_enrol, name="referral_enrol"),
    path(
        "referrals/<int:referral_id>/offer-place/",
        views.referral_offer_place,
        name="referral_offer_place",
    ),
    path("referrals/<int:referral_id>/finish/", views.referral_finish, name="referral_finish"),
]
