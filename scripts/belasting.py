"""Throughput of real web processes: gunicorn workers under concurrent clients.

`benchmark_schaal` measures one request at a time in one process; this measures what
several users at once get from production-like processes (DEBUG off, gunicorn, the
database of DATABASE_URL). Usage, on a database built by `genereer_schaaldata`:

    DATABASE_URL=postgres://…/meetdb .venv/bin/python scripts/belasting.py \
        [--workers 2] [--clients 8] [--seconden 20] [--pad /risicos/] [--rol Risicofunctionaris]

Prints requests/s, p50/p95/max and errors per path, and writes var/bench/belasting.json.
"""

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

BASIS = Path(__file__).resolve().parent.parent


def _vrije_poort():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _omgeving():
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        SECRET_KEY=env.get("SECRET_KEY") or "belasting-niet-geheim",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        CELERY_BROKER_URL=env.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/8",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        STATIC_MANIFEST="0",
    )
    return env


def _sessie(rol):
    """A logged-in session cookie for the first active user with `rol`."""
    os.environ.update(_omgeving())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "douane_portfolio.settings")
    sys.path.insert(0, str(BASIS))
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    user = get_user_model().objects.filter(groups__name=rol, is_active=True).order_by("pk").first()
    if user is None:
        raise SystemExit(f"Geen actieve gebruiker met rol {rol}: genereer eerst de data.")
    client = Client()
    client.force_login(user)
    return settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value, user


def _ophalen(poort, pad, cookie, timeout):
    """One GET on a fresh connection (gunicorn's sync workers close it anyway)."""
    verbinding = http.client.HTTPConnection("127.0.0.1", poort, timeout=timeout)
    try:
        verbinding.request("GET", pad, headers=cookie)
        antwoord = verbinding.getresponse()
        antwoord.read()
        return antwoord.status
    finally:
        verbinding.close()


def _wacht_op(poort, pad, cookie, seconden=60):
    einde = time.monotonic() + seconden
    while time.monotonic() < einde:
        try:
            _ophalen(poort, pad, cookie, 5)
            return
        except (ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise SystemExit(f"gunicorn antwoordt niet op poort {poort}")


def _belasten(poort, pad, cookie, clients, seconden):
    tijden, fouten, slot = [], [], threading.Lock()
    einde = time.monotonic() + seconden

    def client():
        while time.monotonic() < einde:
            begin = time.perf_counter()
            try:
                status = _ophalen(poort, pad, cookie, 60)
            except (http.client.HTTPException, ConnectionError, TimeoutError) as fout:
                status = str(fout)
            duur = time.perf_counter() - begin
            with slot:
                (tijden if status == 200 else fouten).append(duur if status == 200 else status)

    draden = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for draad in draden:
        draad.start()
    for draad in draden:
        draad.join()
    verstreken = time.perf_counter() - start
    tijden.sort()
    return {
        "verzoeken": len(tijden),
        "per_seconde": round(len(tijden) / verstreken, 1),
        "p50_ms": round(statistics.median(tijden) * 1000) if tijden else None,
        "p95_ms": round(tijden[int(0.95 * (len(tijden) - 1))] * 1000) if tijden else None,
        "max_ms": round(tijden[-1] * 1000) if tijden else None,
        "fouten": len(fouten),
        "voorbeeld_fouten": sorted({str(f) for f in fouten})[:3],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconden", type=int, default=20)
    parser.add_argument("--pad", action="append", help="mag vaker; standaard /risicos/")
    parser.add_argument("--rol", default="Risicofunctionaris")
    parser.add_argument("--uitvoer", default=str(BASIS / "var" / "bench"))
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("belasting meet op PostgreSQL: zet DATABASE_URL=postgres://...")

    naam, waarde, user = _sessie(args.rol)
    cookie = {"Cookie": f"{naam}={waarde}"}
    poort = _vrije_poort()
    gunicorn = subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "douane_portfolio.wsgi",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{poort}",
            "--log-level",
            "warning",
        ],
        cwd=BASIS,
        env=_omgeving(),
    )
    uitslagen = []
    try:
        for pad in args.pad or ["/risicos/"]:
            _wacht_op(poort, pad, cookie)
            _belasten(poort, pad, cookie, args.clients, 2)  # warm up every worker
            uitslag = _belasten(poort, pad, cookie, args.clients, args.seconden)
            uitslag.update(pad=pad, workers=args.workers, clients=args.clients, rol=args.rol)
            uitslagen.append(uitslag)
            print(
                f"{pad} als {user.username} ({args.rol}), {args.workers} workers, "
                f"{args.clients} clients, {args.seconden} s: {uitslag['per_seconde']} verzoeken/s, "
                f"p50 {uitslag['p50_ms']} ms, p95 {uitslag['p95_ms']} ms, "
                f"max {uitslag['max_ms']} ms, fouten {uitslag['fouten']}"
                + (f" {uitslag['voorbeeld_fouten']}" if uitslag["fouten"] else "")
            )
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
    uit = Path(args.uitvoer)
    uit.mkdir(parents=True, exist_ok=True)
    (uit / "belasting.json").write_text(json.dumps(uitslagen, indent=2) + "\n")
    if any(u["fouten"] for u in uitslagen):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
