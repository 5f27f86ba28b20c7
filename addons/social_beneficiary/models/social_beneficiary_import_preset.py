from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..wizards.beneficiary_import_file import (
    default_header_map,
    normalize_header,
)

IMPORT_KEYS = [
    ("citizen_id", "Citizen ID"),
    ("old_id_number", "Old ID card number"),
    ("name", "Name"),
    ("birth_date", "Birth date"),
    ("gender", "Gender"),
    ("commune_code", "Commune code"),
    ("program", "Program"),
    ("category", "Category code"),
    ("date_start", "Start"),
    ("date_end", "End"),
    ("decision_ref", "Decision number"),
    ("decision_date", "Decision date"),
    ("method", "Payment method"),
    ("bank_bin", "Bank BIN"),
    ("account_number", "Account number"),
    ("representative_name", "Representative name"),
    ("representative_citizen_id", "Representative citizen ID"),
    ("representative_role", "Representative role"),
    ("change", "Change"),
    ("reason", "Reason"),
]


class SocialBeneficiaryImportPreset(models.Model):
    """How the columns of a list kept elsewhere read as the template's columns."""

    _name = "social.beneficiary.import.preset"
    _description = "Beneficiary List Format"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    program_id = fields.Many2one(
        "social.program",
        string="Default Program",
        help="The program of the rows that have no program column.",
    )
    line_ids = fields.One2many(
        "social.beneficiary.import.preset.line",
        "preset_id",
        string="Columns",
        copy=True,
    )
    note = fields.Text()

    def _header_map(self):
        """Normalised header -> key: the template's own headers, then the preset's."""
        mapping = default_header_map()
        for line in self.line_ids:
            mapping[normalize_header(line.header)] = line.key
        return mapping


class SocialBeneficiaryImportPresetLine(models.Model):
    _name = "social.beneficiary.import.preset.line"
    _description = "Beneficiary List Column"
    _order = "preset_id, sequence, id"

    preset_id = fields.Many2one(
        "social.beneficiary.import.preset",
        required=True,
        ondelete="cascade",
        index=True,
    )
    sequence = fields.Integer(default=10)
    header = fields.Char(
        string="Column Header",
        required=True,
        help="As written in the list; accents, case and spaces do not matter.",
    )
    key = fields.Selection(IMPORT_KEYS, string="Reads As", required=True)

    @api.constrains("header", "preset_id")
    def _check_header(self):
        for line in self:
            if not normalize_header(line.header):
                raise ValidationError(
                    self.env._("A column header must contain letters or digits.")
                )
            twins = line.preset_id.line_ids.filtered(
                lambda other, line=line: other != line
                and normalize_header(other.header) == normalize_header(line.header)
            )
            if twins:
                raise ValidationError(
                    self.env._(
                        "The column %(header)s is listed twice in %(preset)s.",
                        header=line.header,
                        preset=line.preset_id.name,
                    )
                )
