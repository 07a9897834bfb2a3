"""Forms of the board: a listing, a booking request, a message, a review, a report.

Views read only these declared fields, so posting ``user_id``, ``status`` or ``visibility``
into the listing form changes nothing.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, SelectField, StringField, TextAreaField
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
from webapp.p2p import service


def _after_start(form, field) -> None:  # noqa: ANN001 - WTForms validator
    start = getattr(form, "available_from", None) or getattr(form, "starts_on", None)
    if field.data and start is not None and start.data and field.data < start.data:
        raise ValidationError(_l("The last day comes before the first."))


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
    available_from = DateField(_l("Available from"), validators=[Optional()])
    available_to = DateField(_l("Available until"), validators=[Optional(), _after_start])
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


class PhotoForm(FlaskForm):
    """One photo added to a listing (its own form on the edit page: a refused photo loses nothing)."""

    photo = FileField(_l("Add a photo (JPEG, PNG or WebP)"))


class BookingForm(FlaskForm):
    starts_on = DateField(_l("First day"), validators=[InputRequired(_l("Choose the first day."))])
    ends_on = DateField(_l("Last day"), validators=[InputRequired(_l("Choose the last day.")), _after_start])
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
