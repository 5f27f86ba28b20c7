# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A second thread that writes on the request's cursor while the request
prepares what comes next.

A province's rows cost about as much to prepare (Python) as to write
(PostgreSQL, mostly the foreign-key checks of each row). On the two cores the
suite is sized for, both can run at once: psycopg2 releases the GIL while
PostgreSQL works, so a COPY or an INSERT sent from a second thread runs
beside the Python that builds the next chunk. Same cursor, same transaction:
what the worker writes is rolled back with the rest.

The rule that keeps it safe: only the worker uses the cursor while a
statement runs. The caller ``wait``s before any query of its own (the ORM's
included: a search, a flush, a read of a field not in cache), and before
leaving the transaction. An error of the worker's statement is raised again
by ``wait``, in the caller's thread.

Statements sent by :meth:`CursorWorker.beside` are the exception: they go
through a psycopg2 cursor of their own on the same connection, so the caller
may query while they run (psycopg2 runs one statement at a time on a
connection, under its lock, and keeps each cursor's results apart: a query of
the caller waits at most for the statement under way). ``finish`` waits for
them too.
"""

import threading


class CursorWorker:
    """Runs ``submit``ted calls one at a time in a second thread."""

    def __init__(self, name="social_cursor_worker"):
        self.name = name
        self.thread = None
        self.beside_thread = None
        self.error = None

    def _run(self, function, args):
        try:
            function(*args)
        except Exception as error:  # raised again by wait(), in the caller's thread
            self.error = error

    def submit(self, function, *args):
        """Call ``function(*args)`` in the second thread once the call
        before it has ended (and raise that call's error, if any)."""
        self.wait()
        self.thread = threading.Thread(
            target=self._run, args=(function, args), name=self.name, daemon=True
        )
        self.thread.start()

    def beside(self, cr, statements):
        """Run the ``statements`` (``SQL``; no COPY, whose rows psycopg2
        sends outside the connection's lock) one after the other, once the
        call under way has ended, on a psycopg2 cursor of their own on
        ``cr``'s connection: same transaction, and the caller may send its
        own queries meanwhile. Several statements rather than one let a
        query of the caller in between."""
        before = self.thread
        connection = cr._cnx

        def run():
            if before is not None:
                before.join()
            if self.error is not None:
                return
            with connection.cursor() as own:
                for statement in statements:
                    own.execute(statement.code, statement.params)

        self.beside_thread = threading.Thread(
            target=self._run, args=(run, ()), name=f"{self.name}_beside", daemon=True
        )
        self.beside_thread.start()

    def finish(self):
        """Wait for every call, ``beside``'s too; raise their error here."""
        if self.beside_thread is not None:
            self.beside_thread.join()
            self.beside_thread = None
        self.wait()

    def wait(self):
        """Wait for the call under way; raise its error here."""
        if self.thread is not None:
            self.thread.join()
            self.thread = None
        if self.error is not None:
            error, self.error = self.error, None
            raise error

    def stop(self):
        """Wait for the calls under way, whatever their outcome: the caller is
        on its way out with an error of its own (a savepoint is rolled back
        only once no statement runs on the connection)."""
        for thread in (self.beside_thread, self.thread):
            if thread is not None:
                thread.join()
        self.thread = self.beside_thread = None
        self.error = None
