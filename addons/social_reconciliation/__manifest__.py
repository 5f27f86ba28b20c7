# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Social Allowance Payout Reconciliation",
    "summary": "Provider result import, reconciliation, settlement entries, "
    "carry-over, suspension and monthly reports for social allowance payouts",
    "version": "18.0.1.2.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/social-payout-suite/social-payout",
    "author": "Social Payout Suite Contributors",
    "license": "LGPL-3",
    "depends": ["social_payout"],
    "data": [
        "security/social_reconciliation_security.xml",
        "security/ir.model.access.csv",
        "report/social_reconciliation_reports.xml",
        "report/social_payout_analysis_views.xml",
        "report/social_payout_half_year_report_views.xml",
        "wizards/social_payout_result_import_views.xml",
        "wizards/social_reconciliation_report_wizard_views.xml",
        "views/social_payout_reconciliation_views.xml",
        "views/social_payout_batch_views.xml",
        "views/social_payout_line_views.xml",
        "views/social_reconciliation_menus.xml",
    ],
    "demo": [
        "demo/social_reconciliation_demo.xml",
    ],
    "assets": {
        "web.assets_tests": ["social_reconciliation/static/tests/tours/*.js"],
    },
    "installable": True,
    "application": False,
}
