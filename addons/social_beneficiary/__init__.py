from . import controllers
from . import models
from . import wizards
from . import tools


def post_init_hook(env):
    """Load the official administrative areas from the installed packages."""
    env["social.area"]._load_official_areas()
