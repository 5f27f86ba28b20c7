from . import spreadsheet
from . import locks
