# Copyright 2026 Social Payout Suite Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import csv
import io

from odoo import models
from odoo.tools import SQL

from odoo.addons.social_beneficiary.tools.spreadsheet import csv_safe_row

from .social_payout_batch import CHUNK_SIZE


class SocialPayoutBatch(models.Model):
    """The provider file: one row per line, in the contract's column order."""

    _inherit = "social.payout.batch"

    def _provider_file_headers(self):
        english = [
            "reference",
            "beneficiary_ref",
            "beneficiary",
            "citizen_id",
            "payee",
            "payee_citizen_id",
            "method",
            "bank_bin",
            "account_number",
            "amount",
            "commune",
        ]
        vietnamese = [
            self.env._("Payment reference"),
            self.env._("Beneficiary code"),
            self.env._("Beneficiary"),
            self.env._("Citizen ID"),
            self.env._("Payee"),
            self.env._("Payee citizen ID"),
            self.env._("Payment method"),
            self.env._("Bank BIN"),
            self.env._("Account number"),
            self.env._("Amount"),
            self.env._("Commune"),
        ]
        return english, vietnamese

    def _iter_provider_file_rows(self, chunk_size=CHUNK_SIZE):
        """Rows of the provider file, read in keyset pages so memory stays flat
        whatever the size of the batch. Amounts are whole đồng, printed as
        integers (numeric comes back as float from Odoo's cursor)."""
        self.ensure_one()
        self.check_access("read")
        self.env["social.payout.line"].flush_model()
        area_names = {}
        last_id = 0
        cr = self.env.cr
        while True:
            cr.execute(
                SQL(
                    """
                    WITH page AS MATERIALIZED (
                        SELECT id, reference, partner_id, payee_id, method,
                               bank_account_id, amount, area_id
                          FROM social_payout_line
                         WHERE batch_id = %s AND id > %s
                         ORDER BY id
                         LIMIT %s
                    )
                    SELECT l.id, l.reference, p.beneficiary_ref, p.name, p.citizen_id,
                           payee.name, payee.citizen_id, l.method, bank.napas_bin,
                           pb.acc_number, ROUND(l.amount)::bigint, l.area_id
                      FROM page l
                      JOIN res_partner p ON p.id = l.partner_id
                      LEFT JOIN res_partner payee ON payee.id = l.payee_id
                      LEFT JOIN res_partner_bank pb ON pb.id = l.bank_account_id
                      LEFT JOIN res_bank bank ON bank.id = pb.bank_id
                     ORDER BY l.id
                    """,
                    self.id,
                    last_id,
                    chunk_size,
                )
            )
            rows = cr.fetchall()
            if not rows:
                return
            missing = {r[11] for r in rows if r[11] and r[11] not in area_names}
            if missing:
                for area in self.env["social.area"].sudo().browse(missing):
                    area_names[area.id] = area.name
            for row in rows:
                yield (
                    row[1],
                    row[2] or "",
                    row[3] or "",
                    row[4] or "",
                    row[5] or "",
                    row[6] or "",
                    row[7],
                    row[8] or "",
                    row[9] or "",
                    row[10],
                    area_names.get(row[11], ""),
                )
            last_id = rows[-1][0]
            # Let the page go before the next one is fetched: two pages never
            # coexist, so the peak does not depend on the batch size.
            del rows

    def action_export_csv(self):
        self.ensure_one()
        attachment = self._make_provider_csv_attachment()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def _provider_file_basename(self):
        self.ensure_one()
        name = (self.name or "batch").replace("/", "-")
        return f"{name}_{self.provider_id.name or ''}".replace(" ", "_")

    def _make_provider_csv(self):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        english, _vietnamese = self._provider_file_headers()
        writer.writerow(english)
        for row in self._iter_provider_file_rows():
            # a cell beginning with = + - @ is text, never a formula
            writer.writerow(csv_safe_row(row))
        return "\ufeff".encode() + buffer.getvalue().encode("utf-8")

    def _make_provider_csv_attachment(self):
        self.ensure_one()
        return (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": self._provider_file_basename() + ".csv",
                    "raw": self._make_provider_csv(),
                    "mimetype": "text/csv",
                    "res_model": self._name,
                    "res_id": self.id,
                }
            )
        )
