"""Directory blueprint: card pages, editing, publishing, contact relay.

The search and browse routes live in search_views.py on the same blueprint.
"""

from flask import Blueprint

bp = Blueprint("directory", __name__, template_folder="templates")

from webapp.directory import search_views  # noqa: E402,F401 - registers the search routes on bp
