from . import test_result_file
from . import test_import
from . import test_settlement
from . import test_carry_over
from . import test_reports
from . import test_tour
