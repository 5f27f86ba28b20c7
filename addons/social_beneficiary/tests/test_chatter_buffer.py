"""The buffered chatter of province-sized work writes the notes that
``_message_log_batch`` writes (its SQL twin), and nothing when the work fails."""

from markupsafe import Markup

from odoo.tests import tagged

from ..models.social_chatter import BUFFER_KEY, chatter_buffer
from .common import SocialBeneficiaryCommon

NOTE_FIELDS = (
    "model",
    "res_id",
    "body",
    "author_id",
    "email_from",
    "reply_to",
    "message_type",
    "is_internal",
    "subtype_id",
    "email_add_signature",
    "subject",
    "record_name",
    "parent_id",
    "partner_ids",
    "attachment_ids",
    "tracking_value_ids",
    "create_uid",
)


@tagged("post_install", "-at_install")
class TestChatterBuffer(SocialBeneficiaryCommon):
    def _notes(self, partners, after_id):
        messages = self.env["mail.message"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "in", partners.ids),
                ("id", ">", after_id),
            ],
            order="res_id, id",
        )
        return [
            {
                name: value.ids if hasattr(value, "ids") else value
                for name, value in ((name, message[name]) for name in NOTE_FIELDS)
            }
            for message in messages
        ]

    def _last_id(self):
        return self.env["mail.message"].search([], order="id desc", limit=1).id

    def test_buffered_notes_equal_logged_notes(self):
        partners = (self.ben_a | self.ben_b).with_user(self.officer_a).sudo()
        bodies = {
            self.ben_a.id: "Account added: 12 <34> & Co (Agribank).",
            self.ben_b.id: "Payment from 07/2024: Bank account.",
        }
        start = self._last_id()
        partners._message_log_batch(bodies)
        logged = self._notes(partners, start)
        start = self._last_id()
        count = len(self.ben_b.message_ids)  # in the cache now
        with chatter_buffer(partners.env) as env:
            partners.with_env(env)._message_log_batch(bodies)
            # nothing written before the end of the block
            self.assertFalse(self._notes(partners, start))
        buffered = self._notes(partners, start)
        # the records read their new notes at once
        self.assertEqual(len(self.ben_b.message_ids), count + 1)
        self.assertIn("Payment from 07/2024", self.ben_b.message_ids[0].body)
        self.assertEqual(len(logged), 2)
        self.assertEqual(buffered, logged)
        self.assertIn("12 &lt;34&gt; &amp; Co", buffered[0]["body"])
        # notes with tags (account logs a link to the new account) and empty ones
        bodies = {
            self.ben_a.id: Markup('Bank Account <a href="#" data-oe-id="7">#7</a> ok'),
            self.ben_b.id: "",
        }
        start = self._last_id()
        partners._message_log_batch(bodies)
        logged = self._notes(partners, start)
        start = self._last_id()
        with chatter_buffer(partners.env) as env:
            partners.with_env(env)._message_log_batch(bodies)
        self.assertEqual(self._notes(partners, start), logged)

    def test_nothing_written_when_the_work_fails(self):
        start = self._last_id()
        with self.assertRaises(ZeroDivisionError):
            with chatter_buffer(self.env) as env:
                self.ben_a.with_env(env)._message_log(body="never written")
                raise ZeroDivisionError
        self.assertFalse(self._notes(self.ben_a, start))

    def test_a_context_key_sent_by_a_client_buffers_nothing(self):
        # JSON-RPC can send a dict or a list, never a ChatterBuffer
        start = self._last_id()
        for fake in ({}, [], "buffer", True):
            self.ben_a.with_context(**{BUFFER_KEY: fake})._message_log(body="kept")
        self.assertEqual(len(self._notes(self.ben_a, start)), 4)
