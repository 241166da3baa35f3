from django.urls import path

from accounts import oidc, views, views_password, views_staff, views_teams, views_tokens

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="login"),
    path("sign-in/security-code/", views.verify, name="verify"),
    path("sign-in/set-up-authenticator/", views.setup_mfa, name="setup_mfa"),
    # Single sign-on with the council's account (ADR 0021): 404 unless it is configured.
    path("sign-in/council-account/", oidc.CouncilSignInStart.as_view(), name="oidc_start"),
    path(
        "sign-in/council-account/callback/",
        oidc.CouncilSignInCallback.as_view(),
        name="oidc_callback",
    ),
    path("sign-in/council-account/refused/", oidc.council_sign_in_refused, name="oidc_refused"),
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
    path(
        "staff/<int:user_id>/temporary-password/",
        views_staff.staff_temporary_password,
        name="staff_temporary_password",
    ),
    path("teams/", views_teams.team_list, name="team_list"),
    path("teams/new/", views_teams.team_create, name="team_create"),
    path("teams/<int:team_id>/", views_teams.team_detail, name="team_detail"),
    path("teams/<int:team_id>/change/", views_teams.team_change, name="team_change"),
    path("teams/<int:team_id>/managers/", views_teams.team_managers, name="team_managers"),
    path("password/", views_password.password_change, name="password_change"),
]
