from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="login"),
    path("sign-in/security-code/", views.verify, name="verify"),
    path("sign-in/set-up-authenticator/", views.setup_mfa, name="setup_mfa"),
    path("resume/", views.resume, name="resume"),
    path("resume/discard/", views.resume_discard, name="resume_discard"),
    path("sign-out/", views.sign_out, name="logout"),
]
