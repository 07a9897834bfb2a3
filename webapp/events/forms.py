"""Forms for events, RSVPs, occurrences, mailing attendees.

Views read only these declared fields (``event_data``), so posting ``user_id``, ``going_count``
or ``capacity`` into another form changes nothing. Times are typed in the event's own zone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from webapp.core.forms import (
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
from webapp.core.vocabulary import CONTENT_LANGUAGES
from webapp.events.documents import category_label
from webapp.events.models import CATEGORIES
from webapp.events.recurrence import check_rrule, valid_zone, zone

TITLE_MAX = 200
DESCRIPTION_MAX = 6000
#: Language slots on the form: an event can be described in up to this many languages.
TEXT_SLOTS = 3
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
TIMEZONES = (
    "Europe/Brussels",
    "Europe/Amsterdam",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Luxembourg",
    "Europe/Vienna",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Stockholm",
    "Europe/London",
    "UTC",
)


def parse_local(value: str | None, tz_name: str) -> datetime | None:
    """ "2027-03-18T19:00" in the event's zone → an aware datetime (None for empty / bad)."""
    if not value:
        return None
    try:
        naive = datetime.strptime(value.strip()[:16], DATETIME_FORMAT)
    except ValueError:
        return None
    return naive.replace(tzinfo=zone(tz_name))


def _datetime(form: Any, field: Any) -> None:
    if field.data and parse_local(field.data, "UTC") is None:
        raise ValidationError(_l("Use a date and time such as 2027-03-18T19:00."))


def _rrule(form: Any, field: Any) -> None:
    if not field.data:
        return
    try:
        field.data = check_rrule(field.data)
    except (ValueError, TypeError) as exc:
        raise ValidationError(
            _l("This repetition rule is not valid (example: FREQ=MONTHLY;BYDAY=1TH;COUNT=10).")
        ) from exc


def _zone(form: Any, field: Any) -> None:
    if not valid_zone(field.data or ""):
        raise ValidationError(_l("Unknown time zone."))


class EventForm(PlaceFields, FlaskForm):
    lang_1 = SelectField(_l("Language"), choices=[], default="en")
    title_1 = StringField(
        _l("Title"),
        filters=[strip],
        validators=[DataRequired(), Length(max=TITLE_MAX), single_line(_l("One line, please."))],
    )
    description_1 = TextAreaField(
        _l("Description"), filters=[strip], validators=[Optional(), Length(max=DESCRIPTION_MAX)]
    )
    lang_2 = SelectField(_l("Language"), choices=[], validators=[Optional()])
    title_2 = StringField(
        _l("Title"),
        filters=[strip],
        validators=[Optional(), Length(max=TITLE_MAX), single_line(_l("One line, please."))],
    )
    description_2 = TextAreaField(
        _l("Description"), filters=[strip], validators=[Optional(), Length(max=DESCRIPTION_MAX)]
    )
    lang_3 = SelectField(_l("Language"), choices=[], validators=[Optional()])
    title_3 = StringField(
        _l("Title"),
        filters=[strip],
        validators=[Optional(), Length(max=TITLE_MAX), single_line(_l("One line, please."))],
    )
    description_3 = TextAreaField(
        _l("Description"), filters=[strip], validators=[Optional(), Length(max=DESCRIPTION_MAX)]
    )
    category = SelectField(_l("Category"), choices=[], validators=[DataRequired()])
    organiser = SelectField(_l("Organiser"), choices=[], validators=[DataRequired()])
    languages = SelectMultipleField(_l("Spoken languages"), choices=[], validate_choice=True)
    sectors = sectors_field()
    timezone = SelectField(_l("Time zone"), choices=[], default="Europe/Brussels", validators=[_zone])
    start = StringField(_l("Starts"), filters=[strip], validators=[DataRequired(), _datetime])
    end = StringField(_l("Ends"), filters=[strip], validators=[DataRequired(), _datetime])
    rrule = StringField(
        _l("Repeats (RRULE)"), filters=[strip], validators=[Optional(), Length(max=300), _rrule]
    )
    venue = StringField(_l("Venue and address"), filters=[strip], validators=[Optional(), Length(max=300)])
    online_url = website_field()
    capacity = IntegerField(_l("Capacity"), validators=[Optional(), NumberRange(min=1, max=100000)])
    registration_deadline = StringField(
        _l("Registration deadline"), filters=[strip], validators=[Optional(), _datetime]
    )
    status = SelectField(_l("Status"), choices=[], default="draft")
    visibility = SelectField(_l("Who may see it"), choices=[], default="community")

    def setup(self, lang: str, organisers: list[tuple[str, str]]) -> EventForm:
        languages = content_language_choices()
        self.lang_1.choices = languages
        self.lang_2.choices = choices([("", "—")]) + languages
        self.lang_3.choices = choices([("", "—")]) + languages
        self.category.choices = choices((c, category_label(c, lang)) for c in CATEGORIES)
        self.organiser.choices = choices(organisers)
        self.languages.choices = languages
        self.sectors.choices = sector_choices(lang)
        self.timezone.choices = choices((z, z) for z in TIMEZONES)
        self.status.choices = choices(
            [
                ("draft", _l("Draft (only organisers see it)")),
                ("published", _l("Published")),
                ("cancelled", _l("Cancelled")),
            ]
        )
        self.visibility.choices = choices(
            [("community", _l("Members and clients (signed in)")), ("public", _l("Everyone"))]
        )
        self.online_url.label.text = _l("Online link")
        return self

    def validate_sectors(self, field: Any) -> None:
        validate_sector_count(self, field)

    def validate_end(self, field: Any) -> None:
        start = parse_local(self.start.data, "UTC")
        end = parse_local(field.data, "UTC")
        if start and end and end <= start:
            raise ValidationError(_l("The end must come after the start."))

    def texts(self) -> list[tuple[str, str, str]]:
        out: list[tuple[str, str, str]] = []
        for n in range(1, TEXT_SLOTS + 1):
            lang = getattr(self, f"lang_{n}").data
            title = getattr(self, f"title_{n}").data
            if lang in CONTENT_LANGUAGES and title and lang not in [t[0] for t in out]:
                out.append((lang, title, getattr(self, f"description_{n}").data or ""))
        return out

    def validate_title_2(self, field: Any) -> None:
        if field.data and not self.lang_2.data:
            raise ValidationError(_l("Choose the language of this title."))

    def validate_title_3(self, field: Any) -> None:
        if field.data and not self.lang_3.data:
            raise ValidationError(_l("Choose the language of this title."))


class RsvpForm(FlaskForm):
    going = SelectField(choices=choices([("yes", "yes"), ("no", "no")]))
    public = BooleanField(_l("Show my name on the public list of attendees"))


class OccurrenceForm(FlaskForm):
    original = StringField(validators=[DataRequired(), Length(max=40)])
    action = SelectField(choices=choices([("cancel", "cancel"), ("move", "move"), ("restore", "restore")]))
    start = StringField(_l("New start"), filters=[strip], validators=[Optional(), _datetime])
    end = StringField(_l("New end"), filters=[strip], validators=[Optional(), _datetime])


class MailAttendeesForm(FlaskForm):
    subject = StringField(
        _l("Subject"),
        filters=[strip],
        validators=[DataRequired(), Length(max=150), single_line(_l("One line, please."))],
    )
    body = TextAreaField(_l("Message"), filters=[strip], validators=[DataRequired(), Length(max=5000)])


class DigestForm(FlaskForm):
    weekly = BooleanField(_l("Mail me once a week the new events that fit my sectors and place"))


GROUP_NAME_MAX = 160
GROUP_DESCRIPTION_MAX = 4000


class GroupForm(PlaceFields, FlaskForm):
    """A sector group: name, sectors, region (a gazetteer place), description, who sees it."""

    name = StringField(
        _l("Name"),
        filters=[strip],
        validators=[DataRequired(), Length(max=GROUP_NAME_MAX), single_line(_l("One line, please."))],
    )
    sectors = sectors_field()
    description = TextAreaField(
        _l("Description"), filters=[strip], validators=[Optional(), Length(max=GROUP_DESCRIPTION_MAX)]
    )
    visibility = SelectField(_l("Who may see it"), choices=[], default="public")

    def setup(self, lang: str) -> GroupForm:
        self.sectors.choices = sector_choices(lang)
        self.visibility.choices = choices(
            [
                ("public", _l("Everyone")),
                ("community", _l("Members and clients (signed in)")),
                ("draft", _l("Draft (only organisers see it)")),
            ]
        )
        self.place.label.text = _l("Region or place")
        return self

    def validate_sectors(self, field: Any) -> None:
        validate_sector_count(self, field)


class GroupRoleForm(FlaskForm):
    """Appoint a member organiser, or make an organiser a plain member again."""

    member = IntegerField(validators=[DataRequired(), NumberRange(min=1)])
    role = SelectField(choices=choices([("organiser", "organiser"), ("member", "member")]))


class EmptyForm(FlaskForm):
    """A POST with nothing but its CSRF token (join, leave, reset, promote)."""


__all__ = [
    "DigestForm",
    "EmptyForm",
    "EventForm",
    "GroupForm",
    "GroupRoleForm",
    "MailAttendeesForm",
    "OccurrenceForm",
    "RsvpForm",
    "parse_local",
]
