from django.urls import path

from panel import views, views_membership

app_name = "panel"

urlpatterns = [
    path("", views.panel_list, name="panel_list"),
    path("recording-sheet/", views.recording_sheet, name="recording_sheet"),
    path("recording-sheet.xlsx", views.recording_sheet_xlsx, name="recording_sheet_xlsx"),
    path("recording-sheet.csv", views.recording_sheet_csv, name="recording_sheet_csv"),
    path("add/", views_membership.panel_add, name="panel_add"),
    path("<int:panel_id>/", views.panel_detail, name="panel_detail"),
    path("<int:panel_id>/settings/", views_membership.panel_settings, name="panel_settings"),
    path("<int:panel_id>/seats/", views_membership.panel_seats, name="panel_seats"),
    path("<int:panel_id>/seats/add/", views_membership.panel_seat_add, name="panel_seat_add"),
    path(
        "<int:panel_id>/seats/<int:seat_id>/remove/",
        views_membership.panel_seat_remove,
        name="panel_seat_remove",
    ),
    path(
        "<int:panel_id>/seats/<int:seat_id>/members/add/",
        views_membership.panel_seat_member_add,
        name="panel_seat_member_add",
    ),
    path(
        "<int:panel_id>/seats/<int:seat_id>/members/<int:member_id>/remove/",
        views_membership.panel_seat_member_remove,
        name="panel_seat_member_remove",
    ),
    path(
        "<int:panel_id>/seats/<int:seat_id>/members/<int:member_id>/move/",
        views_membership.panel_seat_member_move,
        name="panel_seat_member_move",
    ),
    path("<int:panel_id>/chair/", views_membership.panel_chair, name="panel_chair"),
    path("<int:panel_id>/schedule/<int:year>/", views.panel_schedule, name="panel_schedule"),
    path(
        "<int:panel_id>/calendar/<int:year>.ics",
        views.panel_calendar_ics,
        name="panel_calendar_ics",
    ),
    path(
        "<int:panel_id>/calendar/<int:year>.csv",
        views.panel_calendar_csv,
        name="panel_calendar_csv",
    ),
    path(
        "<int:panel_id>/meetings/<int:meeting_id>/cancel/",
        views.meeting_cancel,
        name="meeting_cancel",
    ),
    path("<int:panel_id>/meetings/<int:meeting_id>/move/", views.meeting_move, name="meeting_move"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<uuid:referral_id>/log/", views.inbox_log, name="inbox_log"),
    path("<int:panel_id>/meetings/<int:meeting_id>/", views.meeting_detail, name="meeting_detail"),
    path(
        "<int:panel_id>/meetings/<int:meeting_id>/publish/",
        views.meeting_publish,
        name="meeting_publish",
    ),
    path("<int:panel_id>/meetings/<int:meeting_id>/pack/", views.meeting_pack, name="meeting_pack"),
    path(
        "<int:panel_id>/meetings/<int:meeting_id>/cases/<int:case_id>/response/",
        views.case_response,
        name="case_response",
    ),
    path(
        "<int:panel_id>/meetings/<int:meeting_id>/attendance/",
        views.meeting_attendance,
        name="meeting_attendance",
    ),
    path(
        "<int:panel_id>/meetings/<int:meeting_id>/cases/<int:case_id>/decision/",
        views.case_decision,
        name="case_decision",
    ),
    path(
        "<int:panel_id>/meetings/<int:meeting_id>/closures/<int:closure_id>/",
        views.closure_decide,
        name="closure_decide",
    ),
    path(
        "<int:panel_id>/meetings/<int:meeting_id>/minutes/",
        views.meeting_minutes,
        name="meeting_minutes",
    ),
    path("cases/<int:case_id>/", views.case_overview, name="case_overview"),
    path("cases/<int:case_id>/allocate/", views.case_allocate, name="case_allocate"),
    path("cases/<int:case_id>/closure/", views.case_closure, name="case_closure"),
    path("cases/<int:case_id>/extraordinary/", views.case_extraordinary, name="case_extraordinary"),
]
