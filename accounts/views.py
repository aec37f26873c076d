from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.forms import EmailAuthenticationForm
from audit.access import PUBLIC, access_rule

login = access_rule(PUBLIC)(
    auth_views.LoginView.as_view(
        template_name="accounts/login.html",
        authentication_form=EmailAuthenticationForm,
        redirect_authenticated_user=True,
    )
)
logout = access_rule(PUBLIC)(auth_views.LogoutView.as_view())


@access_rule(PUBLIC)
def locked_out(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/locked_out.html", status=429)
