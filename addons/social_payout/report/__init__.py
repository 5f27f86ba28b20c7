from . import social_payout_provider_file_xlsx
