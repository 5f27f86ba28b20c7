from datetime import date

from odoo.tests import tagged

from .common import SocialBeneficiaryCommon

TODAY = date(2026, 3, 1)


@tagged("post_install", "-at_install")
class TestAgeThresholds(SocialBeneficiaryCommon):
    """Nghị định 20/2021 Điều 6: the coefficient changes at 4 (children), 16
    and 80 (elderly); the officer gets an activity to prepare the decision,
    never a silent change."""

    def test_activity_for_the_officer_once(self):
        elder = self._beneficiary("Cụ sắp tám mươi", birth_date=date(1946, 3, 20))
        allowance = self._allowance(elder, "k5a_60", date(2024, 1, 1))
        child = self._beneficiary("Bé sắp bốn tuổi", birth_date=date(2022, 4, 5))
        child_allowance = self._allowance(child, "k1_u4", date(2024, 1, 1))
        later = self._beneficiary("Cụ còn lâu", birth_date=date(1946, 9, 1))
        later_allowance = self._allowance(later, "k5a_60", date(2024, 1, 1))
        Allowance = self.env["social.allowance"]
        # (demo beneficiaries may reach a threshold too)
        self.assertGreaterEqual(Allowance._cron_age_threshold_proposals(TODAY), 2)
        activity = allowance.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.date_deadline, date(2026, 3, 20))
        # a commune officer serving the commune (the demo's or the test's)
        officer = activity.user_id
        self.assertTrue(
            officer.has_group("social_beneficiary.group_social_commune_officer")
        )
        self.assertTrue(
            self.env["social.area"].search_count(
                [
                    ("id", "=", self.commune_a.id),
                    ("id", "child_of", officer.social_area_ids.ids),
                ]
            )
        )
        self.assertIn("turns 80", activity.summary)
        self.assertIn("k5a_80", activity.note)
        self.assertEqual(child_allowance.activity_ids.date_deadline, date(2026, 4, 5))
        self.assertFalse(later_allowance.activity_ids)
        # nothing changed by itself, and a second run adds nothing
        self.assertEqual(allowance.category_id.code, "k5a_60")
        self.assertEqual(Allowance._cron_age_threshold_proposals(TODAY), 0)
        self.assertEqual(len(allowance.activity_ids), 1)
