from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

# BTXH categories whose coefficient or eligibility changes at an age
# (Nghị định 20/2021 Điều 5, 6): category code -> (age, category proposed or
# None when eligibility ends and the officer reviews the file)
AGE_THRESHOLDS = {
    "k1_u4": (4, "k1_4p"),
    "k3_u4": (4, "k3_4p"),
    "k1_4p": (16, "k2"),
    "k3_4p": (16, None),
    "k7": (3, None),
    "k2": (22, None),
    "k5a_60": (80, "k5a_80"),
    "k6_dbn": (60, "k6_dbn_tecc"),
    "k6_n": (60, "k6_n_tecc"),
}
# children with a disability leave the child coefficient at 16
CHILD_THRESHOLDS = {"k6_dbn_tecc": (16, "k6_dbn"), "k6_n_tecc": (16, "k6_n")}
NOTICE_DAYS = 45


class SocialAllowance(models.Model):
    _inherit = "social.allowance"

    @api.model
    def _cron_age_threshold_proposals(self, today=None):
        """An activity for the commune officer when a beneficiary reaches an age
        that changes the category (a child turning 4 or 16, an elderly person
        turning 80, a person with a disability turning 60) within the next 45
        days: the officer prepares the new decision; nothing changes by
        itself. One activity per decision and threshold."""
        today = fields.Date.to_date(today) or fields.Date.context_today(self)
        horizon = today + timedelta(days=NOTICE_DAYS)
        Allowance = self.sudo()
        allowances = Allowance.search(
            [
                ("state", "=", "active"),
                ("program_id.code", "=", "BTXH"),
                ("partner_id.birth_date", "!=", False),
                (
                    "category_id.code",
                    "in",
                    list(AGE_THRESHOLDS) + list(CHILD_THRESHOLDS),
                ),
            ]
        )
        todo = self.env.ref("mail.mail_activity_data_todo")
        created = 0
        for allowance in allowances:
            code = allowance.category_id.code
            birth = allowance.partner_id.birth_date
            age, proposed = AGE_THRESHOLDS.get(code) or CHILD_THRESHOLDS[code]
            when = birth + relativedelta(years=age)
            if not today <= when <= horizon:
                continue
            summary = self.env._(
                "%(name)s turns %(age)s on %(date)s",
                name=allowance.partner_id.name,
                age=age,
                date=when.strftime("%d/%m/%Y"),
            )
            if allowance.activity_ids.filtered(lambda a, s=summary: a.summary == s):
                continue
            category = self.env["social.category"].search(
                [("program_id", "=", allowance.program_id.id), ("code", "=", proposed)],
                limit=1,
            )
            if category:
                note = self.env._(
                    "The decision %(ref)s (%(current)s) changes with age: prepare a "
                    "decision for %(proposed)s from %(date)s.",
                    ref=allowance.decision_ref,
                    current=allowance.category_id.display_name,
                    proposed=category.display_name,
                    date=when.strftime("%d/%m/%Y"),
                )
            else:
                note = self.env._(
                    "The decision %(ref)s (%(current)s) depends on the age: review "
                    "the eligibility from %(date)s and end or change the decision.",
                    ref=allowance.decision_ref,
                    current=allowance.category_id.display_name,
                    date=when.strftime("%d/%m/%Y"),
                )
            officer = self._age_notice_officer(allowance)
            allowance.activity_schedule(
                activity_type_id=todo.id,
                date_deadline=when,
                summary=summary,
                note=note,
                user_id=officer.id,
            )
            created += 1
        return created

    def _age_notice_officer(self, allowance):
        """A commune officer serving the beneficiary's commune, else whoever
        recorded the decision."""
        officer = (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("share", "=", False),
                    ("social_area_ids", "parent_of", allowance.area_id.id),
                    (
                        "groups_id",
                        "in",
                        self.env.ref(
                            "social_beneficiary.group_social_commune_officer"
                        ).ids,
                    ),
                ],
                order="id",
                limit=1,
            )
            if allowance.area_id
            else self.env["res.users"]
        )
        return officer or allowance.create_uid
