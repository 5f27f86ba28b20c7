import importlib.util
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from odoo import fields
from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, new_test_user


def load_migration(addon, version, name="post-migrate.py"):
    """The migration script ``name`` of ``addon``'s ``version``, as a module
    (a migration's folder name is not a Python package name)."""
    path = Path(get_module_path(addon)) / "migrations" / version / name
    spec = importlib.util.spec_from_file_location(
        f"{addon}_migration_{version.replace('.', '_')}", path
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class SocialBeneficiaryCommon(TransactionCase):
    """Areas from the module data, users of each group, a few beneficiaries."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        ref = cls.env.ref
        cls.btxh = ref("social_beneficiary.program_btxh")
        cls.ncc = ref("social_beneficiary.program_ncc")
        cls.province_qn = ref("social_beneficiary.area_51")
        cls.district_duc_pho = ref("social_beneficiary.area_534")
        cls.commune_a = ref("social_beneficiary.area_21445")  # Phổ Phong
        cls.commune_b = ref("social_beneficiary.area_21448")  # Phổ Thuận
        cls.commune_bmt = ref("social_beneficiary.area_24148")  # Tự An, Đắk Lắk
        cls.bank_agribank = ref("social_beneficiary.bank_vba")
        cls.wallet_viettel = ref("social_beneficiary.bank_vtlmoney")
        cls.officer_a = new_test_user(
            cls.env,
            login="officer_a",
            groups="social_beneficiary.group_social_commune_officer",
            social_area_ids=[(6, 0, cls.commune_a.ids)],
        )
        cls.officer_b = new_test_user(
            cls.env,
            login="officer_b",
            groups="social_beneficiary.group_social_commune_officer",
            social_area_ids=[(6, 0, cls.commune_b.ids)],
        )
        cls.approver = new_test_user(
            cls.env,
            login="approver_duc_pho",
            groups="social_beneficiary.group_social_approver",
            social_area_ids=[(6, 0, cls.district_duc_pho.ids)],
        )
        cls.auditor = new_test_user(
            cls.env,
            login="auditor_duc_pho",
            groups="social_beneficiary.group_social_auditor",
            social_area_ids=[(6, 0, cls.district_duc_pho.ids)],
        )
        Partner = cls.env["res.partner"]
        cls.ben_a = Partner.create(
            {
                "name": "Nguyễn Văn An",
                "is_beneficiary": True,
                "area_id": cls.commune_a.id,
                "citizen_id": "051050001234",
                "birth_date": date(1950, 3, 2),
                "gender": "male",
                "phone": "0912345678",
            }
        )
        cls.ben_b = Partner.create(
            {
                "name": "Trần Thị Bình",
                "is_beneficiary": True,
                "area_id": cls.commune_b.id,
                "citizen_id": "051155000111",
                "birth_date": date(1955, 7, 9),
                "gender": "female",
            }
        )
        cls.guardian = Partner.create(
            {"name": "Lê Văn Giám", "citizen_id": "051080004321", "phone": "0905111222"}
        )

    @contextmanager
    def assertRefusal(self, exception, pattern):
        """assertRaises (which rolls back to a savepoint) plus the message."""
        with self.assertRaises(exception) as cm:
            yield cm
        self.assertRegex(str(cm.exception), pattern)

    @classmethod
    def _category(cls, code, program="btxh"):
        return cls.env.ref(f"social_beneficiary.category_{program}_{code}")

    @classmethod
    def _beneficiary(cls, name, area=None, **vals):
        return cls.env["res.partner"].create(
            dict(
                {
                    "name": name,
                    "is_beneficiary": True,
                    "area_id": (area or cls.commune_a).id,
                },
                **vals,
            )
        )

    @classmethod
    def _allowance(
        cls, partner, code, date_start, date_end=None, state="active", **vals
    ):
        category = cls._category(code, vals.pop("program", "btxh"))
        allowance = cls.env["social.allowance"].create(
            dict(
                {
                    "partner_id": partner.id,
                    "category_id": category.id,
                    "date_start": date_start,
                    "date_end": date_end,
                    "decision_ref": f"{partner.id}-{code}/QĐ-UBND",
                    "decision_date": date_start,
                },
                **vals,
            )
        )
        # states are reached through the actions, as a user would
        if state in ("active", "suspended", "ended"):
            allowance.action_activate()
        if state == "suspended":
            # suspended from the start by the chairman's decision
            allowance._suspend_by_decision(
                {
                    "decision_ref": f"{partner.id}-{code}/QĐ-TD",
                    "decision_date": fields.Date.today(),
                    "decision_signer": "Chủ tịch UBND xã",
                    "reason": "review",
                    "month_from": date_start,
                }
            )
        if state == "ended":
            allowance.action_end()
        return allowance

    @classmethod
    def _account(cls, partner, number, bank=None):
        return cls.env["res.partner.bank"].create(
            {
                "partner_id": partner.id,
                "acc_number": number,
                "bank_id": (bank or cls.bank_agribank).id,
            }
        )
