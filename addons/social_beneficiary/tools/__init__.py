from . import spreadsheet
from . import locks
from . import money
from . import copy
from . import settings
from . import cursor_worker
