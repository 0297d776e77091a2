"""A real SMTP server for the fault tests (aiosmtpd, in a thread of the test process):
it can refuse connections, answer slowly, or hold one message until told what to do."""

import asyncio
import email
import socket
import threading
from collections import Counter
from email import policy

from aiosmtpd.controller import Controller


def vrije_poort():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpPut:
    """Accepted messages land in `berichten`; `wachten_op(n)` waits for them (no sleeps)."""

    def __init__(self):
        self.poort = vrije_poort()
        self.berichten = []
        self.vertraging = 0.0  # seconds before each message is accepted
        self.vasthouden_bij = None  # hold the n-th message received, once
        self.vastgehouden = threading.Event()
        self._loslaten = threading.Event()
        self._ontvangen = 0
        self._conditie = threading.Condition()
        self._controller = None

    # --- The server's side ---

    async def handle_DATA(self, server, session, envelope):
        with self._conditie:
            self._ontvangen += 1
            nummer = self._ontvangen
        if self.vertraging:
            await asyncio.sleep(self.vertraging)
        if nummer == self.vasthouden_bij:
            self.vastgehouden.set()
            while not self._loslaten.is_set():
                await asyncio.sleep(0.02)
            # The sender was killed while we held its message: it never heard "250",
            # so, as any mail server would, we never deliver it.
            return "451 4.3.0 Verbinding verbroken voor de bevestiging"
        bericht = email.message_from_bytes(envelope.content, policy=policy.default)
        with self._conditie:
            self.berichten.append(bericht)
            self._conditie.notify_all()
        return "250 2.0.0 Aangenomen"

    # --- The test's side ---

    def start(self):
        self._controller = Controller(self, hostname="127.0.0.1", port=self.poort)
        self._controller.start()

    def stop(self):
        """From now on connections are refused."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def vastgehouden_laten_vallen(self):
        self._loslaten.set()

    def wachten_op(self, aantal, seconden=60):
        with self._conditie:
            gelukt = self._conditie.wait_for(lambda: len(self.berichten) >= aantal, seconden)
        assert gelukt, f"{len(self.berichten)} van {aantal} berichten na {seconden} s"

    def per_ontvanger(self):
        with self._conditie:
            return Counter(str(b["To"]) for b in self.berichten)

    def instellingen(self, settings):
        """Point Django's SMTP backend at this server."""
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", self.poort
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 10
