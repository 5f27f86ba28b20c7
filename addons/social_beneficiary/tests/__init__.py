from . import test_citizen_id
from . import test_monthly_amounts
from . import test_registry
from . import test_resolve_payees
from . import test_security
from . import test_tour
from . import test_integrity
from . import test_area_isolation
