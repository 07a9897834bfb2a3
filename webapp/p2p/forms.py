"""Forms of the board: a listing, a booking request, a message, a review, a report.

Views read only these declared fields, so posting ``user_id``, ``status`` or ``visibility``
into the listing form changes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from webapp.core.forms import (
    PlaceFields,
    choices,
    content_language_choices,
    sector_choices,
    sectors_field,
    single_line,
    strip,
    validate_sector_count,
)
from webapp.core.text import InputError
from webapp.p2p import service
from webapp.p2p.models import SLOT_KINDS


def _after_start(form, field) -> None:  # noqa: ANN001 - WTForms validator
    start = getattr(form, "available_from", None) or getattr(form, "starts_on", None)
    if field.data and start is not None and start.data and field.data < start.data:
        raise ValidationError(_l("The last day comes before the first."))


def _in_calendar(form, field) -> None:  # noqa: ANN001 - WTForms validator
    if field.data and not service.FIRST_DAY <= field.data <= service.LAST_DAY:
        first, last = service.FIRST_DAY.year, service.LAST_DAY.year
        raise ValidationError(_l("Choose a date from %(first)d to %(last)d.", first=first, last=last))


_MONDAY = date(2024, 1, 1)  # a Monday: day names in the reader's language


def weekday_name(weekday: int, width: str = "EEEE") -> str:
    return format_date(_MONDAY + timedelta(days=weekday), width)


def weekday_choices() -> list[tuple[str, str]]:
    """The slot row's day: none, each day, or Monday to Friday at once."""
    return [
        ("", "—"),
        *((str(d), weekday_name(d)) for d in range(7)),
        ("0-4", str(_l("Monday to Friday"))),
    ]


#: Empty weekly-slot rows the listing form offers besides the listing's own (save to get more).
SLOT_ROWS_EMPTY = 3


class SlotForm(Form):
    """One weekly slot row: a day (or "Monday to Friday"), from, until; "remove" drops it."""

    weekday = SelectField(_l("Day"), choices=[], validate_choice=False, default="")
    starts_at = TimeField(_l("From"), validators=[Optional()])
    ends_at = TimeField(_l("Until"), validators=[Optional()])
    remove = BooleanField(_l("Remove this slot"))


class ListingForm(PlaceFields, FlaskForm):
    type = SelectField(_l("Offer or request"), validators=[InputRequired()])
    kind = SelectField(_l("Kind"), validators=[InputRequired()])
    title = StringField(
        _l("Title"),
        filters=[strip],
        validators=[
            DataRequired(_l("A title is needed.")),
            Length(max=service.TITLE_MAX),
            single_line(_l("One line only.")),
        ],
    )
    description = TextAreaField(
        _l("Description"), filters=[strip], validators=[Length(max=service.DESCRIPTION_MAX)]
    )
    language = SelectField(_l("Written in"), validators=[InputRequired()])
    sectors = sectors_field()
    conditions = TextAreaField(
        _l("Conditions"), filters=[strip], validators=[Optional(), Length(max=service.CONDITIONS_MAX)]
    )
    pickup_address = TextAreaField(
        _l("Pick-up address"), filters=[strip], validators=[Optional(), Length(max=service.ADDRESS_MAX)]
    )
    available_from = DateField(_l("Available from"), validators=[Optional(), _in_calendar])
    available_to = DateField(_l("Available until"), validators=[Optional(), _after_start, _in_calendar])
    slots = FieldList(FormField(SlotForm), min_entries=SLOT_ROWS_EMPTY, max_entries=service.SLOTS_MAX + 5)
    audience = SelectField(_l("Who sees it once active"), validators=[InputRequired()])

    def setup_choices(self, lang: str) -> None:
        from webapp.p2p.search import kind_label, type_label

        self.type.choices = choices((t, type_label(t)) for t in ("offer", "request"))
        self.kind.choices = choices(
            (k, kind_label(k)) for k in ("equipment", "workspace", "mentoring", "coaching", "service")
        )
        self.language.choices = content_language_choices()
        self.sectors.choices = sector_choices(lang)
        self.sectors.validators = [validate_sector_count]
        self.audience.choices = choices(
            (
                ("community", _l("Signed-in members and clients")),
                ("public", _l("Everyone, and the public API")),
            )
        )
        for row in self.slots:
            row.form.weekday.choices = weekday_choices()

    def validate_slots(self, field) -> None:  # noqa: ANN001 - WTForms inline validator
        """Each slot whole and in order, none overlapping another, only for the kinds that have
        them: said here in the reader's language (the service checks the same again)."""
        rows = self.slot_rows()
        for weekday, start, end in rows:
            filled = [bool(weekday), bool(start), bool(end)]
            if any(filled) and not all(filled):
                raise ValidationError(_l("A weekly slot needs a day, a start time and an end time."))
            if all(filled) and end <= start:
                raise ValidationError(_l("A weekly slot ends before it starts."))
        try:
            slots = service.parse_slots(rows)
        except InputError as exc:
            if "overlap" in str(exc):
                raise ValidationError(_l("Two weekly slots on the same day overlap.")) from None
            raise ValidationError(_l("At most %(n)d weekly slots.", n=service.SLOTS_MAX)) from None
        if slots and self.kind.data not in SLOT_KINDS:
            raise ValidationError(_l("Weekly slots are for workspace, mentoring and coaching."))

    def slot_rows(self) -> list[tuple[str, str, str]]:
        """The filled rows not marked "remove", as (weekday, from, until) for the service."""
        rows = []
        for row in self.slots:
            if row.form.remove.data:
                continue
            start, end = row.form.starts_at.data, row.form.ends_at.data
            rows.append((row.form.weekday.data or "", start or "", end or ""))
        return rows


class PhotoForm(FlaskForm):
    """One photo added to a listing (its own form on the edit page: a refused photo loses nothing)."""

    photo = FileField(_l("Add a photo (JPEG, PNG or WebP)"))


class BookingForm(FlaskForm):
    starts_on = DateField(_l("First day"), validators=[InputRequired(_l("Choose the first day."))])
    ends_on = DateField(_l("Last day"), validators=[InputRequired(_l("Choose the last day.")), _after_start])
    note = TextAreaField(
        _l("A word for the owner"), filters=[strip], validators=[Optional(), Length(max=service.NOTE_MAX)]
    )


class SessionForm(FlaskForm):
    """A session at a time: one day, a start and an end inside one of the listing's weekly slots."""

    day = DateField(_l("Day"), validators=[InputRequired(_l("Choose the day."))])
    start_time = TimeField(_l("From"), validators=[InputRequired(_l("Choose the start time."))])
    end_time = TimeField(_l("Until"), validators=[InputRequired(_l("Choose the end time."))])
    note = TextAreaField(
        _l("A word for the owner"), filters=[strip], validators=[Optional(), Length(max=service.NOTE_MAX)]
    )


class MessageForm(FlaskForm):
    body = TextAreaField(
        _l("Message"),
        filters=[strip],
        validators=[DataRequired(_l("Write a message first.")), Length(max=service.MESSAGE_MAX)],
    )


class ReviewForm(FlaskForm):
    rating = SelectField(
        _l("Rating"), choices=choices((str(n), str(n)) for n in range(5, 0, -1)), validators=[InputRequired()]
    )
    text = TextAreaField(
        _l("Review"), filters=[strip], validators=[Optional(), Length(max=service.REVIEW_MAX)]
    )


class ReportForm(FlaskForm):
    reason = TextAreaField(
        _l("What is wrong with this listing?"),
        filters=[strip],
        validators=[DataRequired(_l("Tell staff what is wrong.")), Length(max=1000)],
    )
