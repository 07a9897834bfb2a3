"""Imports every model so the metadata knows all tables (schema creation, export meta-test)."""

from webapp.accounts.models import User  # noqa: F401
from webapp.core.models import AuditEvent, MailMessage, RateLimitCounter, SearchOutboxEntry  # noqa: F401
from webapp.directory.models import *  # noqa: F401,F403
