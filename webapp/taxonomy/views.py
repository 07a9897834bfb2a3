from flask import Blueprint

bp = Blueprint("taxonomy", __name__)
