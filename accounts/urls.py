from django.urls import path

from accounts import views, views_tokens

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
]
