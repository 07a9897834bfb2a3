from flask.cli import AppGroup

directory_cli = AppGroup("directory", help="The member directory.")
