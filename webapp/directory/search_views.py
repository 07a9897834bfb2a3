"""Directory search and browse routes (on the directory blueprint)."""

from webapp.directory.views import bp


@bp.get("/directory")
def index():
    return "directory"
