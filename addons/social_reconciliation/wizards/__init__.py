from . import social_payout_result_import
from . import social_reconciliation_report_wizard
