"""Account forms. WTForms binds only the fields declared here: posting role=admin or user_id does nothing."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, RadioField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, ValidationError

from webapp.accounts.service import PASSWORD_MAX, password_problems
from webapp.core.i18n import LANGUAGE_NAMES

EMAIL_MAX = 254


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def language_choices(with_browser: bool = True) -> list[SelectChoice]:
    choices = [SelectChoice("", str(_l("Same as my browser")))] if with_browser else []
    return choices + [SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()]


class NewPasswordMixin:
    """A new password: length and blocklist only (no composition rules), never stripped."""

    def check_new_password(self, field, email: str | None = None) -> None:  # noqa: ANN001
        problems = password_problems(field.data or "", email=email)
        if problems:
            raise ValidationError(problems[0])


def email_field(label=None) -> EmailField:  # noqa: ANN001
    return EmailField(
        label or _l("E-mail address"),
        filters=[_strip],
        validators=[
            InputRequired(message=_l("Please enter your e-mail address.")),
            Length(max=EMAIL_MAX, message=_l("This address is too long.")),
            Email(message=_l("This does not look like an e-mail address."), granular_message=False),
        ],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )


class SignupForm(FlaskForm, NewPasswordMixin):
    email = email_field()
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(message=_l("Please choose a password."))],
        render_kw={"autocomplete": "new-password"},
        description=_l("At least 8 characters. A few unrelated words make a strong, memorable password."),
    )
    account_type = RadioField(
        _l("I join as"),
        choices=[
            SelectChoice("member", _l("a member: a freelancer of the cooperative")),
            SelectChoice("client", _l("a client: an organisation that hires freelancers")),
        ],
        validators=[InputRequired(message=_l("Please choose member or client."))],
    )
    locale = SelectField(_l("Language"), choices=[], validate_choice=True)
    #: The label links the terms and the privacy notice (signup.html); the version is recorded.
    accept_terms = BooleanField(
        _l("I accept the terms of use and the privacy notice."),
        validators=[InputRequired(message=_l("Please accept the terms of use and the privacy notice."))],
    )
    submit = SubmitField(_l("Create my account"))

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.locale.choices = language_choices(with_browser=False)

    def validate_password(self, field) -> None:  # noqa: ANN001
        self.check_new_password(field, email=self.email.data)


class SigninForm(FlaskForm):
    email = email_field()
    # No length rules here: a failed sign-in must look the same whatever was typed.
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(message=_l("Please enter your password.")), Length(max=PASSWORD_MAX)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()
    submit = SubmitField(_l("Sign in"))


class ReauthForm(FlaskForm):
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(message=_l("Please enter your password.")), Length(max=PASSWORD_MAX)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()
    submit = SubmitField(_l("Continue"))


class ResendVerificationForm(FlaskForm):
    submit = SubmitField(_l("Send the confirmation mail again"))


class ConfirmForm(FlaskForm):
    """One button: turns a mailed GET link into a POST, so link scanners change nothing."""

    submit = SubmitField(_l("Confirm"))


class ResetRequestForm(FlaskForm):
    email = email_field()
    submit = SubmitField(_l("Send me a link"))


class ResetForm(FlaskForm, NewPasswordMixin):
    password = PasswordField(
        _l("New password"),
        validators=[InputRequired(message=_l("Please choose a password."))],
        render_kw={"autocomplete": "new-password"},
        description=_l("At least 8 characters. A few unrelated words make a strong, memorable password."),
    )
    submit = SubmitField(_l("Save my new password"))

    def validate_password(self, field) -> None:  # noqa: ANN001
        self.check_new_password(field)


class LanguageForm(FlaskForm):
    locale = SelectField(_l("Language of the site and of our mails"), choices=[], validate_choice=True)
    submit_language = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.locale.choices = language_choices()


class ChangePasswordForm(FlaskForm, NewPasswordMixin):
    current_password = PasswordField(
        _l("Current password"),
        validators=[
            InputRequired(message=_l("Please enter your current password.")),
            Length(max=PASSWORD_MAX),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[InputRequired(message=_l("Please choose a password."))],
        render_kw={"autocomplete": "new-password"},
        description=_l("At least 8 characters. Changing it signs you out on every other device."),
    )
    submit_password = SubmitField(_l("Change password"))

    def validate_new_password(self, field) -> None:  # noqa: ANN001
        self.check_new_password(field)


class ChangeEmailForm(FlaskForm):
    email = email_field(_l("New e-mail address"))
    submit = SubmitField(_l("Send a confirmation link"))


class ExportForm(FlaskForm):
    """One form, two buttons: the JSON file alone, or a ZIP with the JSON and the files (photo)."""

    submit = SubmitField(_l("Download my data (JSON)"))
    submit_zip = SubmitField(_l("Download my data and photo (ZIP)"))


class ConsentForm(FlaskForm):
    """Accepting a newer version of the terms and privacy notice from the account page."""

    submit = SubmitField(_l("I accept this version"))


class DeleteForm(FlaskForm):
    password = PasswordField(
        _l("Your password, to confirm"),
        validators=[InputRequired(message=_l("Please enter your password.")), Length(max=PASSWORD_MAX)],
        render_kw={"autocomplete": "current-password"},
    )
    confirm = BooleanField(
        _l("I understand that my account and everything attached to it are deleted for good."),
        validators=[InputRequired(message=_l("Please tick the box to confirm."))],
    )
    submit = SubmitField(_l("Delete my account"))
