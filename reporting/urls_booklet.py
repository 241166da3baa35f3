"""The quarterly neglect booklet: the archive, a draft, the issue and the issued files; and each
background run that builds a draft or an issue (its page, its status for the page's script, and
a draft's file). A run's id is a random UUID: nothing personal in the path."""

from django.urls import path

from reporting import views_booklet

urlpatterns = [
    path("neglect-booklet/", views_booklet.booklets, name="booklets"),
    path("neglect-booklet/draft/", views_booklet.booklet_draft, name="booklet_draft"),
    path("neglect-booklet/issue/", views_booklet.booklet_issue, name="booklet_issue"),
    path("neglect-booklet/<int:booklet_id>/pdf/", views_booklet.booklet_pdf, name="booklet_pdf"),
    path("neglect-booklet/<int:booklet_id>/xlsx/", views_booklet.booklet_xlsx, name="booklet_xlsx"),
    path("neglect-booklet/runs/<uuid:run_id>/", views_booklet.booklet_run, name="booklet_run"),
    path(
        "neglect-booklet/runs/<uuid:run_id>/status.json",
        views_booklet.booklet_run_status,
        name="booklet_run_status",
    ),
    path(
        "neglect-booklet/runs/<uuid:run_id>/file/",
        views_booklet.booklet_run_file,
        name="booklet_run_file",
    ),
]
