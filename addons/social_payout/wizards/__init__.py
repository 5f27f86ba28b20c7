from . import social_payout_cancel_wizard
from . import social_payout_submit_wizard
