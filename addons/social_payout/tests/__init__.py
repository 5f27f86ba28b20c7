from . import test_generation
from . import test_fee
from . import test_workflow
from . import test_transfer
from . import test_documents
from . import test_tour
from . import test_i18n
