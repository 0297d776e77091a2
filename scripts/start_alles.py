"""Start web server, Celery worker and beat for `make run`; Ctrl-C stops them all.

Children run in their own session, so Ctrl-C reaches only this script, which then
asks each child to stop (SIGTERM) and waits for a warm shutdown before it kills.
"""

import os
import signal
import subprocess
import sys
import time

GRACE_SECONDS = 30


def main():
    python = sys.executable
    host, port = os.environ.get("HOST", "127.0.0.1"), os.environ.get("PORT", "8000")
    commands = {
        "web": [python, "manage.py", "runserver", "--noreload", f"{host}:{port}"],
        "worker+beat": [
            python, "-m", "celery", "-A", "douane_portfolio", "worker", "--beat",
            "--loglevel", "INFO", "--concurrency", "2",
        ],
    }  # fmt: skip
    children = {
        name: subprocess.Popen(cmd, start_new_session=True) for name, cmd in commands.items()
    }

    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        if stopping:
            return
        stopping = True
        print("\nStoppen …", flush=True)
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    # Run until one child ends or we are asked to stop; then stop the rest.
    while not stopping and all(c.poll() is None for c in children.values()):
        time.sleep(0.2)
    stop(None, None)
    deadline = time.monotonic() + GRACE_SECONDS
    for name, child in children.items():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            print(f"{name} reageert niet; wordt beëindigd.", flush=True)
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
    print("Alles gestopt.", flush=True)


if __name__ == "__main__":
    main()
