# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Social Allowance Payout Batches",
    "summary": "Monthly payout batches for social allowances: approval, "
    "treasury transfer entry, provider files and printed lists",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/social-payout-suite/social-payout",
    "author": "Social Payout Suite Contributors",
    "license": "LGPL-3",
    "depends": ["social_beneficiary", "account", "report_xlsx", "mail", "queue_job"],
    "data": [
        "security/social_payout_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "data/social_program_data.xml",
        "data/queue_job_data.xml",
        "report/social_payout_reports.xml",
        "report/social_payout_cash_list_templates.xml",
        "report/social_payout_transfer_request_templates.xml",
        "report/social_payout_change_list_templates.xml",
        "wizards/social_payout_cancel_wizard_views.xml",
        "wizards/social_payout_submit_wizard_views.xml",
        "views/social_payout_provider_views.xml",
        "views/social_payout_line_views.xml",
        "views/social_payout_dropout_views.xml",
        "views/social_payout_batch_views.xml",
        "views/res_config_settings_views.xml",
        "views/social_payout_menus.xml",
        "views/social_one_off_payment_views.xml",
    ],
    "demo": [
        "demo/social_payout_demo.xml",
    ],
    "assets": {
        "web.assets_tests": ["social_payout/static/tests/tours/*.js"],
    },
    "installable": True,
    "application": False,
}
