from . import social_payout_analysis
from . import social_payout_half_year_report
from . import social_reconciliation_xlsx
