from django.contrib.auth import views as auth_views
from django.urls import include, path

from escalade.accounts import oidc, token_views, views

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", views.account, name="account"),
    path("account/password/", views.ChangePasswordView.as_view(), name="password_change"),
    path("account/two-factor/<str:action>/", views.two_factor_action, name="two_factor"),
    path("account/api-tokens/", token_views.create_token, name="api_token_create"),
    path("account/api-tokens/<int:token_id>/revoke/", token_views.revoke_token, name="api_token_revoke"),
    path("password-reset/", views.ResetRequestView.as_view(), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(
        template_name="accounts/password_reset_done.html"), name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", views.ResetConfirmView.as_view(), name="password_reset_confirm"),
    path("password-reset/done/", auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html"), name="password_reset_complete"),
    path("sso/", include(oidc.urlpatterns)),
]
