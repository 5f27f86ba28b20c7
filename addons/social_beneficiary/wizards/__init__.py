from . import social_area_import
from . import social_beneficiary_import
from . import social_beneficiary_import_job
