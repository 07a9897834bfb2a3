"""Shared pieces: model mixins, mail and search outboxes, security helpers, i18n."""
