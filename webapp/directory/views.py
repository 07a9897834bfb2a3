from flask import Blueprint

bp = Blueprint("directory", __name__, template_folder="templates")


@bp.get("/directory")
def index():
    return "directory"
