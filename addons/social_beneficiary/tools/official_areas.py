"""Read the official administrative units from the installed packages.

Nothing of the packages is copied into this addon: they are Python dependencies
(``requirements.txt``, the manifest's ``external_dependencies``) read when the
areas are loaded.

- ``vietnam-provinces`` (GSO codes after the 1 July 2025 reorganisation:
  34 provinces and 3,321 communes, wards and special zones),
- ``vietnamadminunits`` (the 63 provinces, 696 districts and 10,035 communes
  in force until 30 June 2025, and which 2025 commune each old one went to).

The functions return plain tuples; ``social.area`` writes them.
"""

import importlib.util
import json
import re
import sqlite3
import unicodedata
from datetime import date
from pathlib import Path

REFORM_DATE = date(2025, 7, 1)
LEGACY_END = date(2025, 6, 30)


def _key(name):
    """Name without accents, case, spaces or punctuation, to match two lists."""
    text = unicodedata.normalize("NFD", (name or "").casefold())
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return re.sub(r"[^a-z0-9]", "", text.replace("đ", "d"))


def _package_dir(name):
    """The folder of an installed package, without importing it."""
    spec = importlib.util.find_spec(name)
    if not spec or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def packages_available():
    return bool(_package_dir("vietnam_provinces") and _package_dir("vietnamadminunits"))


def read_2025():
    """Units of 1 July 2025: [(code, name)], [(code, name, province code)]."""
    folder = _package_dir("vietnam_provinces")
    with open(folder / "data" / "nested-divisions.json", encoding="utf-8") as file:
        data = json.load(file)
    provinces, communes = [], []
    for province in data:
        pcode = f"{province['code']:02d}"
        provinces.append((pcode, province["name"]))
        for ward in province["wards"]:
            communes.append((f"{ward['code']:05d}", ward["name"], pcode))
    return provinces, communes


def read_legacy(communes_2025):
    """The units in force until 30 June 2025 and where each commune went.

    Returns (provinces, districts, communes, province_successors,
    commune_successors): [(code, name)], [(code, name, province)],
    [(code, name, district)], {old province: {new provinces}},
    {old commune: {new communes}}. ``communes_2025`` (from ``read_2025``)
    gives the 2025 codes: the successors are matched by province and name,
    as ``vietnamadminunits`` keys its mapping by names.
    """
    folder = _package_dir("vietnamadminunits") / "data"
    connection = sqlite3.connect(f"file:{folder / 'dataset.db'}?mode=ro", uri=True)
    try:
        legacy = connection.execute(
            "SELECT provinceCode, province, provinceKey, districtCode, district, "
            "districtKey, wardCode, ward, wardKey FROM admin_units_legacy"
        ).fetchall()
        new_units = connection.execute(
            "SELECT provinceKey, wardKey, provinceCode, ward FROM admin_units"
        ).fetchall()
    finally:
        connection.close()
    with open(folder / "converter_2025.json", encoding="utf-8") as file:
        converter = json.load(file)

    provinces, districts, communes = {}, {}, {}
    province_codes, ward_codes = {}, {}
    for pcode, pname, pkey, dcode, dname, dkey, wcode, wname, wkey in legacy:
        provinces[pcode] = pname
        province_codes[pkey] = pcode
        districts[dcode] = (dname, pcode)
        if wcode:  # a few island districts have no commune
            communes[wcode] = (wname, dcode)
            ward_codes[f"{pkey}_{dkey}_{wkey}"] = wcode

    by_name = {(pcode, _key(name)): code for code, name, pcode in communes_2025}
    new_code = {}
    for pkey, wkey, pcode, name in new_units:
        code = by_name.get((pcode, _key(name)))
        if code:
            new_code[(pkey, wkey)] = code
    new_province = {pkey: pcode for pkey, __, pcode, __ in new_units}

    commune_successors = {}
    for pkey, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for wkey, old_keys in wards.items():
            code = new_code.get((pkey, wkey))
            for old_key in old_keys:
                if code and old_key in ward_codes:
                    commune_successors.setdefault(ward_codes[old_key], set()).add(code)
    for pkey, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, parts in olds.items():
            for part in parts:
                code = new_code.get((pkey, part["newWardKey"]))
                if code and old_key in ward_codes:
                    commune_successors.setdefault(ward_codes[old_key], set()).add(code)
    province_successors = {}
    for pkey, old_keys in converter["DICT_PROVINCE"].items():
        for old_key in old_keys:
            if pkey in new_province and old_key in province_codes:
                province_successors.setdefault(province_codes[old_key], set()).add(
                    new_province[pkey]
                )
    return (
        sorted(provinces.items()),
        sorted((code, name, pcode) for code, (name, pcode) in districts.items()),
        sorted((code, name, dcode) for code, (name, dcode) in communes.items()),
        province_successors,
        commune_successors,
    )
