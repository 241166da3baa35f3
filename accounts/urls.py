from django.urls import path

from accounts import views, views_staff, views_tokens

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="login"),
    path("sign-in/security-code/", views.verify, name="verify"),
    path("sign-in/set-up-authenticator/", views.setup_mfa, name="setup_mfa"),
    path("resume/", views.resume, name="resume"),
    path("resume/discard/", views.resume_discard, name="resume_discard"),
    path("sign-out/", views.sign_out, name="logout"),
    path("api-tokens/", views_tokens.api_tokens, name="api_tokens"),
    path("api-tokens/new/", views_tokens.api_token_create, name="api_token_create"),
    path(
        "api-tokens/<int:token_id>/revoke/", views_tokens.api_token_revoke, name="api_token_revoke"
    ),
    path("api-tokens/all/", views_tokens.api_tokens_all, name="api_tokens_all"),
    path("staff/", views_staff.staff_list, name="staff_list"),
    path("staff/new/", views_staff.staff_create, name="staff_create"),
    path("staff/<int:user_id>/", views_staff.staff_detail, name="staff_detail"),
    path("staff/<int:user_id>/change/", views_staff.staff_change, name="staff_change"),
    path("staff/<int:user_id>/disable/", views_staff.staff_disable, name="staff_disable"),
    path("staff/<int:user_id>/enable/", views_staff.staff_enable, name="staff_enable"),
    path(
        "staff/<int:user_id>/reset-authenticator/",
        views_staff.staff_authenticator_reset,
        name="staff_authenticator_reset",
    ),
]
