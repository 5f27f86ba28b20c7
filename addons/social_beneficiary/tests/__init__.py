from . import test_monthly_amounts
from . import test_resolve_payees
