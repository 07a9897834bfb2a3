from flask import Blueprint

bp = Blueprint("accounts", __name__, template_folder="templates")


@bp.get("/account")
def dashboard():
    return "account"


@bp.route("/signin", methods=["GET", "POST"])
def signin():
    return "signin"


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    return "signup"


@bp.post("/signout")
def signout():
    return "signout"


@bp.route("/reauth", methods=["GET", "POST"])
def reauth():
    return "reauth"
