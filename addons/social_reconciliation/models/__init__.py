from . import social_payout_line
from . import social_payout_result
from . import social_payout_reconciliation
from . import social_payout_reconciliation_summary
from . import social_payout_batch
from . import social_payout_reconciliation_job
from . import account_move
from . import res_users
