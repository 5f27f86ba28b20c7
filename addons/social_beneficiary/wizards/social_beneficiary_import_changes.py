"""The decision on a row of a beneficiary list: increase, decrease, adjustment.

A row names a decision by program, category, rate, dates and decision number,
and the ``change`` column says what it does: empty or ``new`` records it (an
increase), ``end`` ends the one running decision it names (a decrease, with its
reason), ``adjust`` records it and ends the running decision of the program the
month before. This file owns those rules from the cell to the write: the checks
of the decision's columns and of the rate a category is paid by, what a row
changes in the person's decisions, and ending and creating them in one pass.
"""

from datetime import timedelta

from odoo import models

from ..models.social_allowance import first_of_month
from ..tools.tabular_file import normalize_header

CHANGES = {
    "": None,
    "new": "new",
    "tang": "new",
    "tang moi": "new",
    "end": "end",
    "giam": "end",
    "thoi huong": "end",
    "adjust": "adjust",
    "dieu chinh": "adjust",
}
END_REASONS = {
    "death": "death",
    "chet": "death",
    "tu tran": "death",
    "qua doi": "death",
    "tu tuat": "death",
    "moved": "moved",
    "chuyen di": "moved",
    "chuyen di noi khac": "moved",
    "ineligible": "ineligible",
    "khong con du dieu kien": "ineligible",
}
RUNNING = ("active", "suspended")


class SocialBeneficiaryImport(models.TransientModel):
    _inherit = "social.beneficiary.import"

    def _check_ends_once(self, rows):
        """A running decision is ended or adjusted by one row of the file."""
        ended = {}
        for row in rows:
            ending = row.data.get("allowance_end")
            if not ending or row.problems:
                continue
            if ending[0] in ended:
                row.refuse(
                    "change",
                    self.env._(
                        "Row %(first)s already ends or adjusts the same decision.",
                        first=ended[ending[0]],
                    ),
                )
                row.status = None
            ended.setdefault(ending[0], row.number)

    def _check_allowance(self, row, ctx):
        values = row.values
        data = row.data
        change = data["change"]
        program_code = (values.get("program") or "").strip().upper()
        program_id = None
        if program_code:
            program_id = ctx["programs"].get(program_code)
            if not program_id:
                row.refuse(
                    "program",
                    self.env._(
                        "The program %(code)s is unknown (BTXH, NCC or HTXH).",
                        code=values.get("program"),
                    ),
                )
        elif ctx["default_program"]:
            program_id = ctx["default_program"].id
        category_code = (values.get("category") or "").strip()
        category_id = None
        if category_code and program_id:
            category_id = ctx["categories"].get((program_id, category_code.casefold()))
            if not category_id:
                row.refuse(
                    "category",
                    self.env._(
                        "The category %(code)s is unknown in the program %(program)s.",
                        code=category_code,
                        program=program_code or ctx["default_program"].code,
                    ),
                )
        rate = self._rate(row, ctx, category_id)
        date_start = self._date(row, "date_start")
        date_end = self._date(row, "date_end")
        decision_date = self._date(row, "decision_date")
        decision_ref = " ".join((values.get("decision_ref") or "").split())
        data.update(
            program_id=program_id,
            category_id=category_id,
            rate=rate,
            date_start=date_start,
            date_end=date_end,
            decision_date=decision_date,
            decision_ref=decision_ref,
        )
        if change == "end":
            if not date_end and "date_end" not in {f for f, __ in row.problems}:
                row.refuse(
                    "date_end",
                    self.env._("date_end: a decrease (end) needs the end date."),
                )
            return
        has_decision = any((category_code, date_start, decision_ref))
        if not has_decision and change is None:
            return  # a row about the person and the payment only
        for key, value in (
            ("program", program_id or program_code),
            ("category", category_code),
            ("date_start", date_start or values.get("date_start")),
            ("decision_ref", decision_ref),
            ("decision_date", decision_date or values.get("decision_date")),
        ):
            if not value:
                self._missing(row, key)
        if date_start:
            message = ctx["allowance_model"]._plausibility_problem(
                decision_ref, date_start, date_end, None
            )
            if message:
                row.refuse("date_start", message)
            birth = data.get("birth")
            if birth and first_of_month(date_start) < first_of_month(birth):
                row.refuse(
                    "date_start",
                    self.env._(
                        "date_start: the allowance starts before the birth date."
                    ),
                )
        if decision_date and decision_date > ctx["today"]:
            row.refuse(
                "decision_date",
                self.env._("decision_date: the decision date is in the future."),
            )

    def _rate(self, row, ctx, category_id):
        """The rate column (whole percent) as the category needs it: required
        and within its table's bands for war invalids, sick soldiers and
        people affected by toxic chemicals, empty for the other categories."""
        text = (row.values.get("rate") or "").strip().rstrip("%").strip()
        if not text:
            rate = None
        elif text.isdigit() and int(text) <= 100:
            rate = int(text)
        else:
            row.refuse(
                "rate",
                self.env._(
                    "rate: %(value)s is not a whole percentage from 0 to 100.",
                    value=text[:20],
                ),
            )
            return None
        if not category_id:
            return rate
        # read once per category, not once per row of a province's list
        rules = ctx.setdefault("rate_rules", {})
        if category_id not in rules:
            category = self.env["social.category"].browse(category_id)
            rules[category_id] = (
                category.code,
                category.rate_required,
                category._rate_bounds() if category.rate_required else None,
            )
        code, rate_required, bounds = rules[category_id]
        if rate_required:
            if rate is None:
                row.refuse(
                    "rate",
                    self.env._(
                        "rate: the category %(category)s is paid by the rate of "
                        "injury or disability: give it.",
                        category=code,
                    ),
                )
            elif bounds and not bounds[0] <= rate <= bounds[1]:
                row.refuse(
                    "rate",
                    self.env._(
                        "rate: %(rate)s%% is outside the rates of %(category)s "
                        "(%(low)s%% to %(high)s%%).",
                        rate=rate,
                        category=code,
                        low=bounds[0],
                        high=bounds[1],
                    ),
                )
        elif rate is not None:
            row.refuse(
                "rate",
                self.env._(
                    "rate: the category %(category)s is not paid by a rate: leave "
                    "the column empty.",
                    category=code,
                ),
            )
        return rate

    def _plan_allowance(self, row, ctx, partner):
        data = row.data
        change = data["change"]
        allowances = ctx["allowances"].get(row.partner_id, []) if partner else []
        data["allowance_create"] = None
        data["allowance_end"] = None
        ref_key = data["decision_ref"].casefold()
        if change == "end":
            candidates = [
                a
                for a in allowances
                if (not data["category_id"] or a["category_id"] == data["category_id"])
                and (not data["program_id"] or a["program_id"] == data["program_id"])
            ]
            ended = [
                a
                for a in candidates
                if a["state"] == "ended" and a["date_end"] == data["date_end"]
            ]
            running = [a for a in candidates if a["state"] in RUNNING]
            if ended and not running:
                return False
            if len(running) > 1:
                running = [
                    a for a in running if a["decision_ref"].casefold() == ref_key
                ] or running
            if len(running) != 1:
                row.refuse(
                    "change",
                    self.env._(
                        "No single running allowance decision to end: give the "
                        "category (or the decision number) of the decision to end."
                    )
                    if running
                    else self.env._(
                        "The beneficiary has no running allowance decision to end."
                    ),
                )
                return False
            allowance = running[0]
            if data["date_end"] < allowance["date_start"]:
                row.refuse(
                    "date_end",
                    self.env._(
                        "date_end: the decision %(ref)s starts after this end date.",
                        ref=allowance["decision_ref"],
                    ),
                )
                return False
            data["allowance_end"] = (allowance["id"], data["date_end"])
            return True
        if not data["category_id"]:
            return False
        same = [a for a in allowances if a["decision_ref"].casefold() == ref_key]
        if same:
            allowance = same[0]
            if (
                allowance["category_id"] != data["category_id"]
                or (allowance["rate"] or None) != data["rate"]
                or allowance["date_start"] != data["date_start"]
                or allowance["decision_date"] != data["decision_date"]
                or (data["date_end"] and allowance["date_end"] != data["date_end"])
            ):
                row.refuse(
                    "decision_ref",
                    self.env._(
                        "The decision %(ref)s is already recorded with other values: "
                        "record a change as an adjustment with its own decision.",
                        ref=data["decision_ref"],
                    ),
                )
            return False
        if change == "adjust":
            running = [
                a
                for a in allowances
                if a["state"] in RUNNING and a["program_id"] == data["program_id"]
            ]
            if len(running) > 1:
                running = [
                    a for a in running if a["category_id"] == data["category_id"]
                ] or running
            if len(running) > 1:
                row.refuse(
                    "change",
                    self.env._(
                        "Several running decisions of this program: adjust them in "
                        "the form."
                    ),
                )
                return False
            if running:
                previous = running[0]
                end = first_of_month(data["date_start"]) - timedelta(days=1)
                if end < previous["date_start"]:
                    row.refuse(
                        "date_start",
                        self.env._(
                            "date_start: the adjustment must start in a month after "
                            "the start of the decision %(ref)s.",
                            ref=previous["decision_ref"],
                        ),
                    )
                    return False
                if not previous["date_end"] or previous["date_end"] > end:
                    data["allowance_end"] = (previous["id"], end)
        data["allowance_create"] = {
            "category_id": data["category_id"],
            "rate": data["rate"] or False,
            "date_start": data["date_start"],
            "date_end": data["date_end"] or False,
            "decision_ref": data["decision_ref"],
            "decision_date": data["decision_date"],
        }
        return True

    def _apply_allowances(self, rows):
        Allowance = self.env["social.allowance"]
        end_reasons = {}
        for row in rows:
            ending = row.data.get("allowance_end")
            if not ending:
                continue
            allowance_id, date_end = ending
            if row.data["change"] == "end":
                reason = END_REASONS.get(
                    normalize_header(row.values.get("reason")), "other"
                )
            else:
                reason = "other"
            end_reasons.setdefault((date_end, reason), []).append(allowance_id)
        ended = Allowance
        for (date_end, reason), allowance_ids in end_reasons.items():
            allowances = Allowance.browse(allowance_ids)
            allowances.write({"date_end": date_end, "end_reason": reason})
            ended |= allowances
        ended.action_end()
        for row in rows:
            if row.data.get("allowance_end") and row.values.get("reason"):
                Allowance.browse(row.data["allowance_end"][0])._message_log(
                    body=self.env._(
                        "Ended by import of %(file)s: %(reason)s",
                        file=self.filename or "-",
                        reason=row.values["reason"],
                    )
                )
        create_rows = [row for row in rows if row.data.get("allowance_create")]
        allowances = self._create_quietly(
            "social.allowance",
            [
                dict(row.data["allowance_create"], partner_id=row.partner_id)
                for row in create_rows
            ],
        )
        # decisions with arrears beyond the limit wait in draft for an approver
        payable = allowances.filtered(lambda a: a._arrears_payable())
        payable.with_context(mail_notrack=True).action_activate()
        self._log_created(allowances)
