"""Forms for cards, publishing, the contact relay and abuse reports.

Views read only these declared fields (``service.*_values_from_form``), so posting extra
keys such as ``user_id`` or ``visibility`` into the edit form changes nothing.
"""

from __future__ import annotations

from typing import Any, Iterable

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

from webapp.core.forms import (
    MaxChars,
    PlaceFields,
    choices,
    content_language_choices,
    sector_choices,
    sectors_field,
    single_line,
    strip,
    validate_sector_count,
    website_field,
)
from webapp.core.text import InputError
from webapp.core.vocabulary import FUNCTION_TEXT_MAX, SPOKEN_LANGUAGES
from webapp.directory import relay, service
from webapp.directory.models import EXPERIENCE_LEVELS
from webapp.taxonomy import get_taxonomy
from webapp.taxonomy.labels import country_label, language_label

#: Spoken-language choices offered in the search filter (the facet lists whatever cards carry).
LANGUAGE_CHOICES = ("nl", "fr", "de", "en", "es", "it", "pt", "pl", "ro", "tr", "ar", "sv", "da")


def _skills(form: Any, field: Any) -> None:
    try:
        service.parse_skills(field.data)
    except InputError as exc:
        raise ValidationError(
            _l(
                "Up to %(n)d skills, each at most %(m)d characters.",
                n=service.SKILLS_MAX,
                m=service.SKILL_MAX,
            )
        ) from exc


class _CardForm(PlaceFields, FlaskForm):
    sectors = sectors_field()
    website = website_field()
    card_language = SelectField(_l("Language of this card"), choices=[], validators=[Optional()])
    accepts_contact = BooleanField(_l("Accept messages through the platform"), default=True)

    def setup_choices(self, lang: str) -> None:
        self.sectors.choices = sector_choices(lang)
        self.card_language.choices = content_language_choices()

    def validate_sectors(self, field: Any) -> None:
        validate_sector_count(self, field)


class MemberCardForm(_CardForm):
    display_name = StringField(
        _l("Name shown on your card"),
        filters=[strip],
        validators=[DataRequired(), Length(max=service.NAME_MAX)],
    )
    function_code = SelectField(_l("Function"), choices=[], validate_choice=True, default="")
    function_text = StringField(
        _l("In your own words"),
        filters=[strip],
        validators=[Optional(), Length(max=FUNCTION_TEXT_MAX)],
    )
    experience_years = IntegerField(
        _l("Years of experience"),
        validators=[Optional(), NumberRange(min=0, max=service.EXPERIENCE_YEARS_MAX)],
    )
    experience_level = SelectField(_l("Experience level"), choices=[], validators=[Optional()], default="")
    headline = StringField(
        _l("Headline"), filters=[strip], validators=[Optional(), MaxChars(service.HEADLINE_MAX)]
    )
    bio = TextAreaField(_l("About you"), validators=[Optional(), MaxChars(service.BIO_MAX)])
    skills = StringField(
        _l("Skills (separated by commas)"),
        filters=[strip],
        validators=[Optional(), Length(max=1500), _skills],
    )
    languages = SelectMultipleField(_l("Languages you speak"), choices=[], validate_choice=True)
    email_public = BooleanField(_l("Show my e-mail address on my card"), default=False)
    availability = SelectMultipleField(_l("Open to"), choices=[], validate_choice=True)
    photo = FileField(_l("Photo (JPEG, PNG or WebP)"))

    def setup_choices(self, lang: str) -> None:
        super().setup_choices(lang)
        self.function_code.choices = choices([("", "—"), *get_taxonomy().choices("function", lang)])
        levels = {
            "starter": _l("Starting out"),
            "experienced": _l("Experienced"),
            "senior": _l("Senior"),
            "expert": _l("Expert"),
        }
        self.experience_level.choices = choices(
            [("", "—"), *((lvl, levels[lvl]) for lvl in EXPERIENCE_LEVELS)]
        )
        self.languages.choices = choices((code, language_label(code, lang)) for code in SPOKEN_LANGUAGES)
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
        filters=[strip],
        validators=[DataRequired(), Length(max=service.CLIENT_NAME_MAX)],
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), MaxChars(service.DESCRIPTION_MAX)])
    contact_person = StringField(
        _l("Contact person"),
        filters=[strip],
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
        _l("Subject"),
        validators=[
            DataRequired(),
            single_line(_l("The subject must be a single line.")),
            Length(max=relay.SUBJECT_MAX),
        ],
    )
    body = TextAreaField(
        _l("Message"),
        validators=[DataRequired(), Length(min=relay.BODY_MIN), MaxChars(relay.BODY_MAX)],
    )


class ReportForm(FlaskForm):
    reason = TextAreaField(
        _l("What is wrong with this message?"), validators=[DataRequired(), MaxChars(relay.REASON_MAX)]
    )
    block = BooleanField(_l("Also block this sender"), default=True)


def filter_choices(lang: str, countries: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
    """Options of the search page's filter selects, labelled in the reader's language."""
    taxonomy = get_taxonomy()
    return {
        "sector": list(taxonomy.choices("sector", lang)),
        "function": list(taxonomy.choices("function", lang)),
        "country": sorted(((c, country_label(c, lang)) for c in countries), key=lambda kv: kv[1]),
        "language": sorted(((c, language_label(c, lang)) for c in LANGUAGE_CHOICES), key=lambda kv: kv[1]),
    }


__all__ = [
    "LANGUAGE_CHOICES",
    "ClientCardForm",
    "ContactForm",
    "MemberCardForm",
    "PublishForm",
    "ReportForm",
    "availability_choices",
    "filter_choices",
]
