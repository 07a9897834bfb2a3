"""Form pieces every module's forms share: places, sectors, web addresses, single lines, choices.

Card forms use them today; listing, event and group forms reuse them, so a place typed in any
form resolves the same way (with a choice when several places share the name) and a website
field accepts the same addresses everywhere.
"""

from __future__ import annotations

from typing import Any, Iterable

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from webapp.core.i18n import LANGUAGE_NAMES
from webapp.core.mail import has_control
from webapp.core.places import PLACE_TEXT_MAX, PlaceResolution
from webapp.core.text import WEBSITE_MAX, InputError, normalize_website
from webapp.core.vocabulary import CONTENT_LANGUAGES, SECTORS_MAX
from webapp.taxonomy import get_taxonomy


def strip(value: Any) -> Any:
    """A WTForms filter: surrounding white space off."""
    return value.strip() if isinstance(value, str) else value


def choices(pairs: Iterable[tuple[str, Any]]) -> list[SelectChoice]:
    """(value, label) pairs → SelectChoice (WTForms 3.3 deprecates tuples)."""
    return [SelectChoice(value, label) for value, label in pairs]


def content_language_choices() -> list[SelectChoice]:
    """The four languages a row can be written in, each named in itself."""
    return choices((code, LANGUAGE_NAMES.get(code, code)) for code in CONTENT_LANGUAGES)


def sector_choices(lang: str) -> list[SelectChoice]:
    return choices(get_taxonomy().choices("sector", lang))


def website(form: Any, field: Any) -> None:
    """A validator that normalises the field to an http(s) address or refuses it (CHECKLIST 17)."""
    try:
        field.data = normalize_website(field.data)
    except InputError as exc:
        raise ValidationError(
            _l("Only web addresses starting with http:// or https:// are accepted.")
        ) from exc


def single_line(message: Any) -> Any:
    """A validator refusing line breaks and other control characters (subjects, titles that end up
    in mail headers, where VT or FS would break a line too)."""

    def check(form: Any, field: Any) -> None:
        if field.data and has_control(field.data):
            raise ValidationError(message)

    return check


def text_length(text: str | None) -> int:
    """Characters as the reader counts them: a line break is one (browsers send CR LF)."""
    return len((text or "").replace("\r\n", "\n"))


class MaxChars:
    """A validator refusing a text longer than ``max`` characters with a message that says by how much.

    Use it instead of ``Length(max=...)`` on long texts: it sets the same ``maxlength`` flag, which the
    shared field macro turns into a live counter (never a silent cut by the browser), and the text
    stays in the form when refused.
    """

    def __init__(self, max: int) -> None:  # noqa: A002 - WTForms' own name for it
        self.max = max
        self.field_flags = {"maxlength": max}

    def __call__(self, form: Any, field: Any) -> None:
        count = text_length(field.data)
        if count > self.max:
            raise ValidationError(
                _(
                    "This text has %(count)s characters; at most %(max)s are allowed: "
                    "please shorten it by %(over)s.",
                    count=format_decimal(count),
                    max=format_decimal(self.max),
                    over=format_decimal(count - self.max),
                )
            )


def website_field() -> StringField:
    return StringField(
        _l("Website"), filters=[strip], validators=[Optional(), Length(max=WEBSITE_MAX), website]
    )


def sectors_field(label: Any = None) -> SelectMultipleField:
    return SelectMultipleField(label or _l("Sectors"), choices=[], validate_choice=True)


def validate_sector_count(form: Any, field: Any) -> None:
    if len(field.data or []) > SECTORS_MAX:
        raise ValidationError(_l("Choose at most %(n)d sectors.", n=SECTORS_MAX))


class PlaceFields:
    """Mixed into a FlaskForm: the place a user types, and the one they picked among namesakes.

    The view resolves it with ``webapp.core.places.resolve_place`` and reports problems with
    ``place_error``; the template shows ``place_choices`` as radio buttons.
    """

    place = StringField(_l("Place"), filters=[strip], validators=[Optional(), Length(max=PLACE_TEXT_MAX)])
    #: Set when the user picked one of several places with the same name.
    place_choice = StringField(validators=[Optional(), Length(max=20)])


def place_error(form: Any, resolution: PlaceResolution) -> bool:
    """Attach a message to the place field when it did not resolve; True when the form must be shown again."""
    if resolution.status == "unknown":
        form.place.errors = list(form.place.errors) + [
            _(
                'We do not know a place called "%(name)s". Check the spelling, or try a nearby town.',
                name=resolution.text,
            )
        ]
        return True
    if resolution.status == "ambiguous":
        form.place.errors = list(form.place.errors) + [_("Several places have this name: please choose one.")]
        return True
    return False


__all__ = [
    "MaxChars",
    "PlaceFields",
    "choices",
    "content_language_choices",
    "place_error",
    "sector_choices",
    "sectors_field",
    "single_line",
    "strip",
    "text_length",
    "validate_sector_count",
    "website",
    "website_field",
]
