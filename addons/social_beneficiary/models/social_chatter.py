"""Chatter notes of a province-sized operation, written in one statement per model.

``_message_log_batch`` creates its notes through the ORM, about a millisecond
each; an import of 100,000 beneficiaries logs several notes per person (the
beneficiary, the account, the payment registration, the decision), and some
of them come from code of other addons (``account`` logs every new bank
account on its holder). Inside :func:`chatter_buffer` every
``_message_log_batch`` of any model is kept in a :class:`ChatterBuffer`
instead, and written at the end by :meth:`ChatterBuffer.flush`: one ``INSERT``
per model with the same values ``_message_log_batch`` gives its notes (the
test ``test_buffered_notes_equal_logged_notes`` compares both). Notes that
carry tracking values, attachments or recipients are not buffered. That
``INSERT`` is :class:`NoteStatement`, which the bulk path of the list import
also sends itself, beside the checks of the new people.

The buffer travels in the context as an instance of :class:`ChatterBuffer`,
which no JSON-RPC or XML-RPC payload can carry: a client cannot make notes
disappear by sending a context key.
"""

from contextlib import contextmanager

from markupsafe import escape

from odoo import fields, models
from odoo.tools import SQL
from odoo.tools.mail import generate_tracking_message_id

BUFFER_KEY = "social_chatter_buffer"


class NoteStatement:
    """The ``INSERT`` of notes of one model and author, as
    ``_message_log_batch`` makes them: what it needs is read when this is
    made, so that :meth:`sql` sends no query (the bulk import builds it while
    its rows are inserted)."""

    def __init__(self, env, model, author_id, email_from):
        self.model = model
        self.author_id = author_id or None
        self.email_from = email_from or None
        self.reply_to = (
            env["mail.thread"]._notify_get_reply_to(default=email_from)[False] or None
        )
        self.subtype_id = env["ir.model.data"]._xmlid_to_res_id("mail.mt_note")
        self.messages = env["mail.message"]
        self.uid = env.uid
        self.now = fields.Datetime.now()
        # one for all the notes, as _message_log_batch gives one call's notes
        self.message_id = generate_tracking_message_id("message-notify")

    def column(self, body):
        """What the ORM stores of an escaped body: plain text gets its
        paragraph at once; a note with tags goes through the field's
        sanitizer."""
        text = str(body)
        if not text or "<" in text:
            return str(
                self.messages._fields["body"].convert_to_column(body, self.messages)
                or ""
            )
        return f"<p>{text}</p>"

    def sql(self, res_ids, columns):
        """The notes ``columns`` (stored bodies, :meth:`column`) on the records
        ``res_ids``, one each, by one statement."""
        return SQL(
            """
            INSERT INTO mail_message (
                model, res_id, body, author_id, email_from, reply_to,
                message_type, is_internal, subtype_id, email_add_signature,
                message_id, date, create_uid, create_date, write_uid,
                write_date)
            SELECT %(model)s, note.res_id, note.body, %(author)s, %(email)s,
                   %(reply_to)s, 'notification', TRUE, %(subtype)s, FALSE,
                   %(message_id)s, %(now)s, %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM unnest(%(res_ids)s::int[], %(bodies)s::text[])
                   AS note(res_id, body)
            """,
            model=self.model,
            author=self.author_id,
            email=self.email_from,
            reply_to=self.reply_to,
            subtype=self.subtype_id,
            message_id=self.message_id,
            now=self.now,
            uid=self.uid,
            res_ids=res_ids,
            bodies=columns,
        )


def invalidate_notes(env, model):
    """Forget what the cache holds of the notes of ``model``'s records."""
    env[model].invalidate_model(
        [
            name
            for name in ("message_ids", "website_message_ids")
            if name in env[model]._fields
        ]
    )
    env["mail.message"].invalidate_model()


class ChatterBuffer:
    """Notes waiting to be written: ``{(model, author, email_from): {id: [body]}}``."""

    def __init__(self):
        self.notes = {}

    def add(self, records, bodies, author_id, email_from):
        notes = self.notes.setdefault((records._name, author_id, email_from), {})
        for record in records:
            notes.setdefault(record.id, []).append(escape(bodies.get(record.id, "")))

    def flush(self, env):
        """Write the notes kept so far, one statement per model and author."""
        notes, self.notes = self.notes, {}
        for (model, author_id, email_from), bodies in notes.items():
            statement = NoteStatement(env, model, author_id, email_from)
            res_ids = []
            columns = []
            for res_id, parts in bodies.items():
                for body in parts:
                    res_ids.append(res_id)
                    columns.append(statement.column(body))
            env["mail.message"].flush_model()
            env.cr.execute(statement.sql(res_ids, columns))
            invalidate_notes(env, model)


@contextmanager
def chatter_buffer(env):
    """Keep the chatter notes logged inside the block; write them at its end.

    Yields the environment to work in. Nothing is written when the block fails.
    """
    buffer = ChatterBuffer()
    yield env(context=dict(env.context, **{BUFFER_KEY: buffer}))
    buffer.flush(env)


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _message_log_batch(
        self,
        bodies,
        subject=False,
        author_id=None,
        email_from=None,
        message_type="notification",
        partner_ids=False,
        attachment_ids=False,
        tracking_value_ids=False,
    ):
        buffer = self.env.context.get(BUFFER_KEY)
        if (
            not isinstance(buffer, ChatterBuffer)
            or subject
            or message_type != "notification"
            or partner_ids
            or attachment_ids
            or tracking_value_ids
        ):
            return super()._message_log_batch(
                bodies,
                subject=subject,
                author_id=author_id,
                email_from=email_from,
                message_type=message_type,
                partner_ids=partner_ids,
                attachment_ids=attachment_ids,
                tracking_value_ids=tracking_value_ids,
            )
        author_id, email_from = self._message_compute_author(
            author_id, email_from, raise_on_email=False
        )
        buffer.add(self, bodies, author_id, email_from)
        return self.env["mail.message"].sudo()
