"""Account pages: sign-up/in/out, verification, password reset, settings, export, deletion.

Thin views: validate a form, call one service function, commit, flash, redirect. Every
page here is ``Cache-Control: no-store`` (webapp.core.security.NO_STORE_BLUEPRINTS).
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import zipfile
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.exc import IntegrityError

from webapp.accounts import service
from webapp.accounts.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    ConfirmForm,
    ConsentForm,
    DeleteForm,
    ExportForm,
    LanguageForm,
    ReauthForm,
    ResendVerificationForm,
    ResetForm,
    ResetRequestForm,
    SigninForm,
    SignupForm,
)
from webapp.core.i18n import current_language
from webapp.core.legal import accepted_policy, current_policy_version
from webapp.core.models import audit, utcnow
from webapp.core.privacy import erase_user, export_user_data, export_user_files
from webapp.core.ratelimit import Verdict, client_ip, wait_text
from webapp.core.security import fresh_login_required, mark_fresh_login, safe_next
from webapp.core.site import dashboard_sections
from webapp.extensions import db, limiter

bp = Blueprint("accounts", __name__, template_folder="templates")


# ---------------------------------------------------------------- helpers


def _rule(name: str, default: str) -> str:
    return current_app.config.get(name) or default


def _account_key(email_or_id: str) -> str:
    """Rate-limit key for an account: a keyed hash, so counters never store the address."""
    secret = current_app.config["SECRET_KEY"].encode()
    value = service.canonical_email(email_or_id) if "@" in email_or_id else email_or_id
    return hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()[:40]


def _wait_text(seconds: int) -> str:
    return wait_text(seconds)


def _throttled(template: str, verdict: Verdict, message: str, **context: Any) -> Response:
    """429 with Retry-After and a page that says how long to wait; the form keeps what was typed."""
    body = render_template(template, throttle=message % {"wait": _wait_text(verdict.retry_after)}, **context)
    response = current_app.make_response((body, 429))
    response.headers["Retry-After"] = str(verdict.retry_after)
    return response


#: Remembers, signed, which accounts signed in from this browser (their keyed hashes, never an
#: address): failed passwords typed here do not count against those accounts' limits, so a
#: stranger guessing from elsewhere cannot lock the owner out of their own device.
DEVICE_COOKIE = "kring_device"
DEVICE_ACCOUNTS_MAX = 5
DEVICE_DAYS = 365


def _device_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="kring.accounts.device")


def _device_accounts() -> list[str]:
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return []
    try:
        keys = _device_serializer().loads(raw)
    except BadSignature:
        return []
    return [k for k in keys if isinstance(k, str)][:DEVICE_ACCOUNTS_MAX] if isinstance(keys, list) else []


def _remember_device(response: Response, user: Any) -> Response:
    key = _account_key(user.email_canonical)
    keys = [key] + [k for k in _device_accounts() if k != key]
    response.set_cookie(
        DEVICE_COOKIE,
        _device_serializer().dumps(keys[:DEVICE_ACCOUNTS_MAX]),
        max_age=DEVICE_DAYS * 86400,
        httponly=True,
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        samesite="Lax",
    )
    return response


def _keep_language() -> str | None:
    return session.get("lang")


def _start_session(user: Any, *, remember: bool) -> None:
    """A fresh session for the signed-in user: nothing from the anonymous session survives but its
    language. A language picked with the switcher just before signing in wins over the account's
    and is saved on it (the person chose it now; the account remembered an older choice)."""
    lang = _keep_language()
    chosen = bool(session.get("lang_chosen"))
    session.clear()
    if lang:
        session["lang"] = lang
    if chosen and lang and user.locale != lang:
        service.set_locale(user, lang)
        db.session.commit()
    login_user(user, remember=remember)
    mark_fresh_login()


def _end_session() -> None:
    lang = _keep_language()
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang


def _password_attempt_allowed(user: Any) -> Verdict:
    """Re-typing the password when already signed in (reauth, change, delete) is throttled too."""
    verdict = limiter.hit("signin-ip", client_ip(), _rule("RATELIMIT_SIGNIN_IP", "10/60"))
    if verdict.allowed:
        verdict = limiter.hit(
            "signin-account", _account_key(user.email_canonical), _rule("RATELIMIT_SIGNIN_ACCOUNT", "25/3600")
        )
    return verdict


THROTTLE_SIGNIN = _l("Too many sign-in attempts. Please wait %(wait)s and try again.")


# ---------------------------------------------------------------- sign-up


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(url_for(".dashboard"))
    form = SignupForm()
    if request.method == "GET":
        form.locale.data = current_language()
        form.account_type.data = (
            request.args.get("type") if request.args.get("type") in ("member", "client") else None
        )
    if form.validate_on_submit():
        verdict = limiter.hit("signup-ip", client_ip(), _rule("RATELIMIT_SIGNUP_IP", "20/86400"))
        if not verdict.allowed:
            return _throttled(
                "accounts/signup.html",
                verdict,
                _("Too many accounts were created from your network today. Please try again in %(wait)s."),
                form=form,
                policy_version=current_policy_version(),
            )
        try:
            service.signup(
                form.email.data,
                form.password.data,
                account_type=form.account_type.data,
                locale=form.locale.data,
                policy_version=current_policy_version(),
            )
            db.session.commit()
        except IntegrityError:  # the same address signed up a moment ago
            db.session.rollback()
        # Same answer whether the address was new or known: sign-up reveals nothing.
        return redirect(url_for(".signup_sent"))
    return render_template("accounts/signup.html", form=form, policy_version=current_policy_version())


@bp.get("/signup/sent")
def signup_sent():
    return render_template("accounts/signup_sent.html")


@bp.route("/verify/<token>", methods=["GET", "POST"])
def verify(token: str):
    """The mailed link shows a button; the POST verifies (mail scanners that open links change nothing)."""
    form = ConfirmForm()
    valid = service.read_token("verify", token, service.VERIFY_MAX_AGE) is not None
    if request.method == "POST" and form.validate_on_submit():
        user = service.confirm_verification(token)
        if user is None:
            return render_template("accounts/verify.html", form=form, state="invalid"), 400
        db.session.commit()
        return render_template("accounts/verify.html", form=form, state="done", user=user)
    return render_template("accounts/verify.html", form=form, state="ask" if valid else "invalid"), (
        200 if valid else 400
    )


@bp.post("/account/verify/resend")
@login_required
def resend_verification():
    form = ResendVerificationForm()
    if form.validate_on_submit():
        if current_user.is_verified:
            flash(_("Your e-mail address is already confirmed."), "info")
        else:
            verdict = limiter.hit("verify-resend", str(current_user.id), _rule("RATELIMIT_RESET", "5/3600"))
            if not verdict.allowed:
                flash(
                    _(
                        "We sent several mails already. Please wait %(wait)s.",
                        wait=_wait_text(verdict.retry_after),
                    ),
                    "error",
                )
            else:
                service.send_verification(current_user)
                db.session.commit()
                flash(_("We sent a new confirmation link to %(email)s.", email=current_user.email), "success")
    return redirect(url_for(".dashboard"))


# ---------------------------------------------------------------- sign-in / out


@bp.route("/signin", methods=["GET", "POST"])
def signin():
    form = SigninForm()
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(safe_next(request.args.get("next"), url_for(".dashboard")))
        form.next.data = request.args.get("next", "")
        return render_template("accounts/signin.html", form=form)

    verdict = limiter.hit("signin-ip", client_ip(), _rule("RATELIMIT_SIGNIN_IP", "10/60"))
    account = _account_key(form.email.data) if form.email.data else None
    if verdict.allowed and account and account not in _device_accounts():
        verdict = limiter.hit("signin-account", account, _rule("RATELIMIT_SIGNIN_ACCOUNT", "25/3600"))
        if not verdict.allowed:
            service.mail_signin_link(form.email.data)
            db.session.commit()
    if not verdict.allowed:
        return _throttled("accounts/signin.html", verdict, str(THROTTLE_SIGNIN), form=form)

    error = None
    if form.validate_on_submit():
        user = service.authenticate(form.email.data, form.password.data)
        db.session.commit()  # an upgraded hash, last sign-in or a failure count
        if user is not None:
            _start_session(user, remember=bool(form.remember.data))
            if not user.is_verified:
                flash(_("Please confirm your e-mail address: we sent you a link when you signed up."), "info")
            return _remember_device(redirect(safe_next(form.next.data, url_for(".dashboard"))), user)
        # One message for unknown address and wrong password alike.
        error = _("This e-mail address and password do not match an account.")
    return render_template("accounts/signin.html", form=form, error=error)


@bp.route("/signin/link/<token>", methods=["GET", "POST"])
def signin_link(token: str):
    """The one-time link mailed when the account's sign-in limit tripped: a button, then signed in
    (a POST, so mail scanners that open links spend nothing)."""
    form = ConfirmForm()
    user = service.user_for_signin_link(token)
    if user is None:
        return render_template("accounts/signin_link.html", form=form, valid=False), 400
    if request.method == "POST" and form.validate_on_submit():
        service.signed_in_by_link(user)
        db.session.commit()
        _start_session(user, remember=False)
        return _remember_device(redirect(url_for(".dashboard")), user)
    return render_template("accounts/signin_link.html", form=form, valid=True)


@bp.post("/signout")
def signout():
    """Signing out ends every session of the account (all devices, remember-me included)."""
    if current_user.is_authenticated:
        service.rotate_sessions(current_user)
        db.session.commit()
    _end_session()
    flash(_("You are signed out."), "info")
    return redirect(url_for("core.home"))


@bp.route("/reauth", methods=["GET", "POST"])
@login_required
def reauth():
    form = ReauthForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    error = None
    if form.validate_on_submit():
        verdict = _password_attempt_allowed(current_user)
        if not verdict.allowed:
            return _throttled("accounts/reauth.html", verdict, str(THROTTLE_SIGNIN), form=form)
        if service.verify_password(current_user, form.password.data):
            db.session.commit()
            mark_fresh_login()
            return redirect(safe_next(form.next.data, url_for(".dashboard")))
        error = _("This password is not correct.")
    return render_template("accounts/reauth.html", form=form, error=error)


# ---------------------------------------------------------------- password reset


@bp.route("/reset", methods=["GET", "POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        verdict = limiter.hit("reset-ip", client_ip(), _rule("RATELIMIT_RESET_IP", "20/3600"))
        if not verdict.allowed:
            return _throttled(
                "accounts/reset_request.html",
                verdict,
                _("Too many requests from your network. Please wait %(wait)s and try again."),
                form=form,
            )
        # Per address, quietly: over the limit simply sends nothing (the page looks the same).
        if limiter.hit(
            "reset-account", _account_key(form.email.data), _rule("RATELIMIT_RESET", "5/3600")
        ).allowed:
            service.request_password_reset(form.email.data)
            db.session.commit()
        return redirect(url_for(".reset_request", sent=1))
    return render_template("accounts/reset_request.html", form=form, sent=request.args.get("sent") == "1")


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    user = service.user_for_reset_token(token)
    if user is None:
        return render_template("accounts/reset.html", form=None, invalid=True), 400
    form = ResetForm()
    if form.validate_on_submit():
        service.reset_password(user, form.password.data)
        db.session.commit()
        if current_user.is_authenticated:
            _end_session()
        flash(_("Your new password is saved. You can sign in with it now."), "success")
        return redirect(url_for(".signin"))
    return render_template("accounts/reset.html", form=form, invalid=False)


# ---------------------------------------------------------------- the account


@bp.get("/account")
@login_required
def dashboard():
    return render_template(
        "accounts/dashboard.html",
        sections=dashboard_sections(current_user),
        resend_form=ResendVerificationForm(),
        accepted=accepted_policy(current_user.id),
        policy_version=current_policy_version(),
        consent_form=ConsentForm(),
    )


@bp.post("/account/consent")
@login_required
def consent():
    """Accept the terms and privacy notice in force (after they changed): recorded with their version."""
    form = ConsentForm()
    if not form.validate_on_submit():
        abort(400)
    version = current_policy_version()
    audit(
        "account.consent", actor_id=current_user.id, subject_user_id=current_user.id, policy_version=version
    )
    db.session.commit()
    flash(
        _("Thank you: you accepted version %(version)s of the terms and privacy notice.", version=version),
        "success",
    )
    return redirect(url_for(".dashboard"))


def _render_settings(
    language_form: LanguageForm | None = None,
    password_form: ChangePasswordForm | None = None,
    status: int = 200,
):
    if language_form is None:
        language_form = LanguageForm(formdata=None, locale=current_user.locale or "")
    return (
        render_template(
            "accounts/settings.html",
            language_form=language_form,
            password_form=password_form or ChangePasswordForm(formdata=None),
        ),
        status,
    )


@bp.route("/account/settings", methods=["GET", "POST"])
@login_required
def settings():
    if request.method == "GET":
        return _render_settings()
    form = LanguageForm()
    if form.validate_on_submit():
        service.set_locale(current_user, form.locale.data or None)
        if current_user.locale:
            session["lang"] = current_user.locale
        else:
            session.pop("lang", None)
        db.session.commit()
        flash(_("Your language is saved."), "success")
        return redirect(url_for(".settings"))
    return _render_settings(language_form=form, status=400)


@bp.post("/account/password")
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        verdict = _password_attempt_allowed(current_user)
        if not verdict.allowed:
            flash(str(THROTTLE_SIGNIN) % {"wait": _wait_text(verdict.retry_after)}, "error")
            response = current_app.make_response(_render_settings(password_form=form, status=429))
            response.headers["Retry-After"] = str(verdict.retry_after)
            return response
        if service.verify_password(current_user, form.current_password.data):
            user = current_user._get_current_object()
            service.change_password(user, form.new_password.data)
            db.session.commit()
            # Every other device is signed out by the new token; this one continues with it.
            remember = bool(
                request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token"))
            )
            _start_session(user, remember=remember)
            flash(_("Your password is changed. Other devices have been signed out."), "success")
            return redirect(url_for(".settings"))
        form.current_password.errors.append(_("This password is not correct."))
    return _render_settings(password_form=form, status=400)


@bp.route("/account/email", methods=["GET", "POST"])
@login_required
@fresh_login_required
def change_email():
    form = ChangeEmailForm()
    if form.validate_on_submit():
        if service.canonical_email(form.email.data) == current_user.email_canonical:
            form.email.errors.append(_("This is already your address."))
        else:
            verdict = limiter.hit("email-change", str(current_user.id), _rule("RATELIMIT_RESET", "5/3600"))
            if not verdict.allowed:
                return _throttled(
                    "accounts/change_email.html",
                    verdict,
                    _("Too many requests. Please wait %(wait)s and try again."),
                    form=form,
                )
            service.request_email_change(current_user, form.email.data)
            db.session.commit()
            flash(
                _(
                    "We sent a confirmation link to %(email)s. Your address changes when you open it.",
                    email=form.email.data,
                ),
                "success",
            )
            return redirect(url_for(".settings"))
    return render_template("accounts/change_email.html", form=form)


@bp.route("/account/email/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    form = ConfirmForm()
    data = service.read_token("email", token, service.EMAIL_CHANGE_MAX_AGE)
    if data is None:
        return render_template("accounts/confirm_email.html", form=form, state="invalid"), 400
    if request.method == "POST" and form.validate_on_submit():
        user = service.confirm_email_change(token)
        if user is None:
            db.session.rollback()
            return render_template("accounts/confirm_email.html", form=form, state="invalid"), 400
        db.session.commit()
        flash(_("Your e-mail address is now %(email)s.", email=user.email), "success")
        return redirect(url_for(".dashboard" if current_user.is_authenticated else ".signin"))
    return render_template("accounts/confirm_email.html", form=form, state="ask", new_email=data.get("new"))


# ---------------------------------------------------------------- GDPR: export and deletion


def _export_zip(document: str, files: list[tuple[str, Any]]) -> bytes:
    """The JSON export and the user's files (their photo) in one archive, built in memory (a
    photo is at most a few hundred kB once re-encoded)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("kring-export.json", document)
        for name, path in files:
            archive.write(path, arcname=name)
    return buffer.getvalue()


@bp.route("/account/export", methods=["GET", "POST"])
@login_required
@fresh_login_required
def export():
    form = ExportForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        as_zip = bool(form.submit_zip.data)
        data = export_user_data(current_user)
        audit(
            "account.exported",
            actor_id=current_user.id,
            subject_user_id=current_user.id,
            format="zip" if as_zip else "json",
        )
        db.session.commit()
        stem = f"kring-export-{utcnow():%Y%m%d}"
        document = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True)
        if as_zip:
            body = _export_zip(document, export_user_files(current_user))
            return Response(
                body,
                mimetype="application/zip",
                headers={"Content-Disposition": f'attachment; filename="{stem}.zip"'},
            )
        return Response(
            document,
            mimetype="application/json",
            headers={"Content-Disposition": f'attachment; filename="{stem}.json"'},
        )
    return render_template("accounts/export.html", form=form)


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
@fresh_login_required
def delete():
    form = DeleteForm()
    if form.validate_on_submit():
        verdict = _password_attempt_allowed(current_user)
        if not verdict.allowed:
            return _throttled("accounts/delete.html", verdict, str(THROTTLE_SIGNIN), form=form)
        user = current_user._get_current_object()
        if service.verify_password(user, form.password.data):
            erase_user(user, reason="self")
            _end_session()
            flash(
                _("Your account and its data are deleted. Thank you for having been part of Kring."),
                "success",
            )
            return redirect(url_for("core.home"))
        form.password.errors.append(_("This password is not correct."))
    return render_template("accounts/delete.html", form=form)
