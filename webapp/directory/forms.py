"""Forms for cards, publishing, the contact relay and abuse reports.

Views read only these declared fields (``service.*_values_from_form``), so posting extra
keys such as ``user_id`` or ``visibility`` into the edit form changes nothing.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from webapp.directory import relay, service
from webapp.directory.models import CARD_LANGUAGES, EXPERIENCE_LEVELS

_LINE_BREAK = re.compile(r"[\r\n\x00\u2028\u2029\x85]")


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _website(form: Any, field: Any) -> None:
    try:
        field.data = service.normalize_website(field.data)
    except service.CardError as exc:
        raise ValidationError(
            _l("Only web addresses starting with http:// or https:// are accepted.")
        ) from exc


def _skills(form: Any, field: Any) -> None:
    try:
        service.parse_skills(field.data)
    except service.CardError as exc:
        raise ValidationError(
            _l(
                "Up to %(n)d skills, each at most %(m)d characters.",
                n=service.SKILLS_MAX,
                m=service.SKILL_MAX,
            )
        ) from exc


def _single_line(form: Any, field: Any) -> None:
    if field.data and _LINE_BREAK.search(field.data):
        raise ValidationError(_l("The subject must be a single line."))


def choices(pairs: Any) -> list[SelectChoice]:
    """(value, label) pairs → SelectChoice (WTForms 3.3 deprecates tuples)."""
    return [SelectChoice(value, label) for value, label in pairs]


def card_language_choices() -> list[SelectChoice]:
    from webapp.core.i18n import LANGUAGE_NAMES

    return choices((code, LANGUAGE_NAMES.get(code, code)) for code in CARD_LANGUAGES)


class _CardForm(FlaskForm):
    sectors = SelectMultipleField(_l("Sectors"), choices=[], validate_choice=True)
    place = StringField(_l("Place"), filters=[_strip], validators=[Optional(), Length(max=120)])
    #: Set when the user picked one of several places with the same name.
    place_choice = StringField(validators=[Optional(), Length(max=20)])
    website = StringField(_l("Website"), filters=[_strip], validators=[Optional(), Length(max=300), _website])
    card_language = SelectField(_l("Language of this card"), choices=[], validators=[Optional()])
    accepts_contact = BooleanField(_l("Accept messages through the platform"), default=True)

    def setup_choices(self, lang: str) -> None:
        tax = service.taxonomy()
        self.sectors.choices = choices(tax.choices("sector", lang))
        self.card_language.choices = card_language_choices()

    def validate_sectors(self, field: Any) -> None:
        if len(field.data or []) > service.SECTORS_MAX:
            raise ValidationError(_l("Choose at most %(n)d sectors.", n=service.SECTORS_MAX))


class MemberCardForm(_CardForm):
    display_name = StringField(
        _l("Name shown on your card"),
        filters=[_strip],
        validators=[DataRequired(), Length(max=service.NAME_MAX)],
    )
    function_code = SelectField(_l("Function"), choices=[], validate_choice=True, default="")
    function_text = StringField(
        _l("In your own words"),
        filters=[_strip],
        validators=[Optional(), Length(max=service.FUNCTION_TEXT_MAX)],
    )
    experience_years = IntegerField(
        _l("Years of experience"),
        validators=[Optional(), NumberRange(min=0, max=service.EXPERIENCE_YEARS_MAX)],
    )
    experience_level = SelectField(_l("Experience level"), choices=[], validators=[Optional()], default="")
    headline = StringField(
        _l("Headline"), filters=[_strip], validators=[Optional(), Length(max=service.HEADLINE_MAX)]
    )
    bio = TextAreaField(_l("About you"), validators=[Optional(), Length(max=service.BIO_MAX)])
    skills = StringField(
        _l("Skills (separated by commas)"),
        filters=[_strip],
        validators=[Optional(), Length(max=1500), _skills],
    )
    languages = SelectMultipleField(_l("Languages you speak"), choices=[], validate_choice=True)
    email_public = BooleanField(_l("Show my e-mail address on my card"), default=False)
    availability = SelectMultipleField(_l("Open to"), choices=[], validate_choice=True)
    photo = FileField(_l("Photo (JPEG, PNG or WebP)"))

    def setup_choices(self, lang: str) -> None:
        super().setup_choices(lang)
        tax = service.taxonomy()
        self.function_code.choices = choices([("", "—"), *tax.choices("function", lang)])
        levels = {
            "starter": _l("Starting out"),
            "experienced": _l("Experienced"),
            "senior": _l("Senior"),
            "expert": _l("Expert"),
        }
        self.experience_level.choices = choices(
            [("", "—"), *((lvl, levels[lvl]) for lvl in EXPERIENCE_LEVELS)]
        )
        self.languages.choices = choices(
            (code, service.language_label(code, lang)) for code in service.SPOKEN_LANGUAGES
        )
        self.availability.choices = availability_choices()


def availability_choices() -> list[SelectChoice]:
    return choices(
        [
            ("assignments", _l("Assignments")),
            ("collaborations", _l("Collaborations with other members")),
            ("mentoring", _l("Mentoring")),
        ]
    )


class ClientCardForm(_CardForm):
    name = StringField(
        _l("Organisation name"),
        filters=[_strip],
        validators=[DataRequired(), Length(max=service.CLIENT_NAME_MAX)],
    )
    description = TextAreaField(
        _l("Description"), validators=[Optional(), Length(max=service.DESCRIPTION_MAX)]
    )
    contact_person = StringField(
        _l("Contact person"),
        filters=[_strip],
        validators=[Optional(), Length(max=service.CONTACT_PERSON_MAX)],
    )


class PublishForm(FlaskForm):
    visibility = RadioField(
        _l("Who may see your card?"),
        choices=[
            SelectChoice("community", _l("Signed-in members and clients of the platform")),
            SelectChoice(
                "public", _l("Everyone, including visitors who are not signed in and the public API")
            ),
        ],
        validators=[InputRequired(message=_l("Choose who may see your card."))],
    )


class ContactForm(FlaskForm):
    subject = StringField(
        _l("Subject"), validators=[DataRequired(), _single_line, Length(max=relay.SUBJECT_MAX)]
    )
    body = TextAreaField(
        _l("Message"), validators=[DataRequired(), Length(min=relay.BODY_MIN, max=relay.BODY_MAX)]
    )


class ReportForm(FlaskForm):
    reason = TextAreaField(
        _l("What is wrong with this message?"), validators=[DataRequired(), Length(max=relay.REASON_MAX)]
    )
    block = BooleanField(_l("Also block this sender"), default=True)


__all__ = [
    "ClientCardForm",
    "ContactForm",
    "MemberCardForm",
    "PublishForm",
    "ReportForm",
    "availability_choices",
]
