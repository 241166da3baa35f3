"""The quarterly neglect booklet: the archive, a draft, the issue and the issued files."""

from django.urls import path

from reporting import views_booklet

urlpatterns = [
    path("neglect-booklet/", views_booklet.booklets, name="booklets"),
    path("neglect-booklet/draft/", views_booklet.booklet_draft, name="booklet_draft"),
    path("neglect-booklet/issue/", views_booklet.booklet_issue, name="booklet_issue"),
    path("neglect-booklet/<int:booklet_id>/pdf/", views_booklet.booklet_pdf, name="booklet_pdf"),
    path("neglect-booklet/<int:booklet_id>/xlsx/", views_booklet.booklet_xlsx, name="booklet_xlsx"),
]
