from . import res_company
from . import res_config_settings
from . import social_payout_fee_rule
from . import social_payout_provider
from . import social_payout_batch
from . import social_payout_line
from . import social_payout_line_month
from . import social_payout_dropout
