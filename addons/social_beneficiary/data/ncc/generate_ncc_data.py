"""Generate the NCC categories and amount tables from the domain reference.

Run from the repository root when ``shared/domain/ncc_benefits.csv`` changes::

    python3 addons/social_beneficiary/data/ncc/generate_ncc_data.py \
        /work/shared/domain/ncc_benefits.csv

It writes ``social.category.csv`` and ``social.category.amount.csv`` next to
itself (loaded as module data) and appends the Vietnamese names of new
categories to ``i18n/vi.po``. The amounts are the decrees' own tables, never
computed: each decree's column becomes rows from the date its standard level
takes effect (see ``data/social.base.level.csv``).
"""

import csv
import re
import sys
from pathlib import Path

DASH = "\u2013"  # the en dash of the reference's names
HERE = Path(__file__).resolve().parent
ADDON = HERE.parent.parent
# (CSV column, date the table applies from, decree)
TABLES = [
    ("amount_vnd_1624000", "2021-12-15", "Nghị định 75/2021"),
    ("amount_vnd_2055000", "2023-07-01", "Nghị định 55/2023"),
    ("amount_vnd_2789000", "2024-07-01", None),  # the row's own legal basis
]
# rows of one rate table or rate band: one category per group, the
# allowance's rate selects the amount
GROUPED = re.compile(r"^(tb|tbb|bb|cdhh)_\d+(_\d+)?$")
# only the highest allowance of each group is paid to one person
EXCLUSIVE = [
    (re.compile(r"_nguoi_phuc_vu"), "caregiver"),  # PL 02/2020 Điều 6
    (re.compile(r"_tuat_nuoi_duong$"), "tuat_nuoi_duong"),  # Điều 6.6
    (re.compile(r"^tnls_(1|2|3plus)$"), "tnls"),  # one row by martyr count
    (re.compile(r"^(tb|bb|cdhh)_phu_cap(_dac_biet)?_81$"), None),  # Điều 24.1.d
    (re.compile(r"^cdhh_con_de_"), "cdhh_con_de"),
    (re.compile(r"^hoc_tap_"), "hoc_tap"),
]
# monthly survivor allowances limited by Pháp lệnh 02/2020 Điều 6.5 (first
# match wins; the nurture allowance is not one of them, Điều 6.6)
SURVIVOR_RULES = [
    (re.compile(r"_tuat_nuoi_duong$"), ""),
    (re.compile(r"^tnls_(2|3plus)$"), "martyrs"),  # Điều 16.3.a levels
    (re.compile(r"^tnls_"), "martyr"),
    (re.compile(r"_than_nhan_tuat$"), "ncc"),
]
PER_UNIT = {"hdcm_truoc1945_phu_cap_tham_nien"}
KINDS = {
    "monthly_allowance": "monthly_allowance",
    "monthly_allowance_by_rate": "monthly_allowance",
    "add_on": "add_on",
    "survivor": "survivor",
    "caregiver": "caregiver",
}


def exclusive_group(code):
    for pattern, group in EXCLUSIVE:
        if pattern.search(code):
            return group or code.split("_phu_cap")[0] + "_phu_cap"
    return ""


def survivor_rule(code, kind):
    if kind != "survivor":
        return ""
    for pattern, rule in SURVIVOR_RULES:
        if pattern.search(code):
            return rule
    return ""


def group_name(text, separators):
    for separator in separators:
        if separator in text:
            return text.split(separator)[0].strip()
    return text


def po_quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main(source):
    with open(source, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    categories = {}
    amounts = []
    for row in rows:
        if not row["amount_vnd_2789000"]:
            continue  # "not found" rows (addon_over80): nothing to pay
        grouped = GROUPED.match(row["code"])
        code = grouped.group(1) if grouped else row["code"]
        if code not in categories:
            name_en, name_vi = row["group_en"], row["group_vi"]
            if grouped:
                name_en = group_name(
                    name_en, [f" {DASH} body-injury rate", f" {DASH} rate"]
                )
                name_vi = group_name(name_vi, [f" {DASH} tỷ lệ"])
            categories[code] = {
                "id": f"category_ncc_{code}",
                "program_id:id": "program_ncc",
                "code": code,
                "name": name_en,
                "name_vi": name_vi,
                "coefficient": "1.0",
                "cumulative": "False",
                "legal_basis": row["legal_basis"],
                "use_amount_table": "True",
                "rate_required": str(bool(grouped)),
                "per_unit": str(code in PER_UNIT),
                "exclusive_group": exclusive_group(code),
                "ncc_kind": KINDS[row["kind"]],
                "survivor_rule": survivor_rule(code, row["kind"]),
            }
        for column, date_from, decree in TABLES:
            rate_from = row["rate_from"] or ""
            amounts.append(
                {
                    "id": "category_amount_{}_{}_{}".format(
                        row["code"], rate_from or "0", date_from.replace("-", "")
                    ),
                    "category_id:id": f"category_ncc_{code}",
                    "rate_from": rate_from,
                    "rate_to": row["rate_to"] or "",
                    "amount": row[column],
                    "date_from": date_from,
                    "legal_basis": (
                        f"{decree}; {row['legal_basis']}"
                        if decree
                        else row["legal_basis"]
                    )[:250],
                    "confidence": row["confidence"],
                }
            )
    fields = [key for key in next(iter(categories.values())) if key != "name_vi"]
    with open(HERE / "social.category.csv", "w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fields, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(categories.values())
    with open(
        HERE / "social.category.amount.csv", "w", encoding="utf-8", newline=""
    ) as out:
        writer = csv.DictWriter(out, list(amounts[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(amounts)
    po_path = ADDON / "i18n" / "vi.po"
    po_text = po_path.read_text(encoding="utf-8")
    known = set(re.findall(r'^msgid (".*")$', po_text, re.MULTILINE))
    entries = []
    for category in categories.values():
        msgid = po_quote(category["name"])
        if msgid in known:
            continue
        known.add(msgid)
        entries.append(
            "#. module: social_beneficiary\n"
            f"#: model:social.category,name:social_beneficiary.{category['id']}\n"
            f"msgid {msgid}\nmsgstr {po_quote(category['name_vi'])}\n"
        )
    if entries:
        with open(po_path, "a", encoding="utf-8") as out:
            out.write("\n" + "\n".join(entries))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/domain/ncc_benefits.csv")
