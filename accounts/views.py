import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from accounts import kept_answers, oidc, selectors, services
from accounts.forms import SecurityCodeForm, SignInForm
from accounts.mfa import DEMO_SKIP_KEY, demo_skip_allowed, is_mfa_satisfied
from core.audit import Action, audit_record


def _signed_in_redirect(request: HttpRequest, default: str) -> HttpResponse:
    """Where sign-in ends: answers kept from an expired session come first."""
    if kept_answers.pending_for(request) is not None:
        return redirect("accounts:resume")
    return redirect(default)


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return "/"


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and is_mfa_satisfied(request):
        return _signed_in_redirect(request, _next_url(request))
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if getattr(request, "axes_locked_out", False):
            return render(request, "accounts/locked_out.html", status=429)
        if user is None or not user.is_active:
            form.add_error(None, "Enter a correct username and password")
        else:
            login(request, user)
            kept_answers.claim_for(request, user)
            audit_record(actor=user, action=Action.SIGN_IN, target=user)
            if demo_skip_allowed(user):
                request.session[DEMO_SKIP_KEY] = True
                return _signed_in_redirect(request, _next_url(request))
            has_device = selectors.has_mfa_device(user)
            target = "accounts:verify" if has_device else "accounts:setup_mfa"
            response = redirect(target)
            next_url = _next_url(request)
            if next_url != "/":
                request.session["after_mfa"] = next_url
            return response
    context = {
        "form": form,
        "next": request.GET.get("next", ""),
        "council_sign_in": oidc.enabled(),
    }
    return render(request, "accounts/sign_in.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    if is_mfa_satisfied(request):
        return _signed_in_redirect(request, "/")
    devices = list(selectors.mfa_devices_of(request.user))
    if not devices:
        return redirect("accounts:setup_mfa")
    form = SecurityCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in devices:
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                return _signed_in_redirect(request, request.session.pop("after_mfa", "/"))
        form.add_error("token", "The security code is wrong or has expired. Enter the current code")
    return render(request, "accounts/verify.html", {"form": form})


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return base64.b64encode(buffer.getvalue()).decode()


@login_required
@require_http_methods(["GET", "POST"])
def setup_mfa(request: HttpRequest) -> HttpResponse:
    if selectors.has_mfa_device(request.user):
        return redirect("accounts:verify")
    device = services.mfa_device_pending(user=request.user)
    form = SecurityCodeForm(request.POST or None, submit_label="Set up and continue")
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            services.mfa_device_confirm(user=request.user, device=device)
            otp_login(request, device)
            messages.success(request, "Your authenticator app is set up")
            return _signed_in_redirect(request, request.session.pop("after_mfa", "/"))
        form.add_error("token", "The security code is wrong or has expired. Enter the current code")
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    context = {
        "form": form,
        "qr_svg_base64": _qr_svg(device.config_url),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }
    return render(request, "accounts/setup_mfa.html", context)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit_record(actor=request.user, action=Action.SIGN_OUT, target=request.user)
    logout(request)
    messages.info(request, "You have signed out")
    return redirect("accounts:login")


@login_required
@require_http_methods(["GET"])
def resume(request: HttpRequest) -> HttpResponse:
    """Offer back what was typed before the session ran out, to post to where it was going."""
    if not is_mfa_satisfied(request):
        return redirect("accounts:verify")
    kept = kept_answers.pending_for(request)
    if kept is None:
        return redirect("/")
    hidden = [(name, value) for name, values in kept["fields"] for value in values]
    context = {
        "path": kept["path"],
        "hidden": hidden,
        "answer_count": sum(1 for _, values in kept["fields"] if any(v.strip() for v in values)),
        "had_files": kept.get("had_files", False),
    }
    return render(request, "accounts/resume.html", context)


@login_required
@require_POST
def resume_discard(request: HttpRequest) -> HttpResponse:
    kept_answers.discard(request)
    messages.info(request, "The answers you typed before you were signed out have been deleted")
    return redirect("/")
