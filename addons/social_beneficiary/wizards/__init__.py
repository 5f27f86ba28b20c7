from . import social_area_import
from . import social_beneficiary_import
from . import social_beneficiary_import_job
from . import social_allowance_decision
from . import social_beneficiary_move
