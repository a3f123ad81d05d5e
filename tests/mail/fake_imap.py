"""A tiny IMAP4rev1 server on loopback, enough for imaplib and the poller: LOGIN, SELECT,
UID SEARCH UNSEEN, UID FETCH BODY.PEEK[], UID STORE +FLAGS (\\Seen), LOGOUT."""

from __future__ import annotations

import re
import socketserver
import threading


class Mailstore:
    def __init__(self, user: str = "support", password: str = "secret"):
        self.user, self.password = user, password
        self.messages: dict[int, bytes] = {}
        self.seen: set[int] = set()
        self.fail_fetch = False

    def add(self, raw: bytes) -> int:
        uid = max(self.messages, default=0) + 1
        self.messages[uid] = raw
        return uid


class _Handler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        store: Mailstore = self.server.store
        self.send(b"* OK fake IMAP ready")
        while line := self.rfile.readline():
            tag, _, rest = line.decode().rstrip("\r\n").partition(" ")
            command, _, arg = rest.partition(" ")
            command = command.upper()
            if command == "CAPABILITY":
                self.send(b"* CAPABILITY IMAP4rev1")
            elif command == "LOGIN":
                user, password = arg.replace('"', "").split(" ", 1)
                if (user, password) != (store.user, store.password):
                    self.send(f"{tag} NO [AUTHENTICATIONFAILED] Invalid credentials".encode())
                    continue
            elif command == "SELECT":
                self.send(f"* {len(store.messages)} EXISTS".encode())
                self.send(f"{tag} OK [READ-WRITE] SELECT completed".encode())
                continue
            elif command == "UID":
                self.uid(tag, arg, store)
                continue
            elif command == "LOGOUT":
                self.send(b"* BYE logging out")
                self.send(f"{tag} OK LOGOUT completed".encode())
                return
            elif command != "NOOP":
                self.send(f"{tag} BAD unknown command".encode())
                continue
            self.send(f"{tag} OK {command} completed".encode())

    def uid(self, tag: str, arg: str, store: Mailstore) -> None:
        sub, _, rest = arg.partition(" ")
        sub = sub.upper()
        if sub == "SEARCH":
            unseen = [str(u) for u in sorted(store.messages) if u not in store.seen]
            self.send(("* SEARCH " + " ".join(unseen)).strip().encode())
        elif sub == "FETCH":
            uid = int(rest.split(" ", 1)[0])
            if store.fail_fetch:
                self.send(f"{tag} NO fetch failed".encode())
                return
            raw = store.messages[uid]
            self.wfile.write(f"* {uid} FETCH (UID {uid} BODY[] {{{len(raw)}}}\r\n".encode() + raw + b")\r\n")
        elif sub == "STORE":
            uid = int(rest.split(" ", 1)[0])
            if re.search(r"\\Seen", rest):
                store.seen.add(uid)
            self.send(f"* {uid} FETCH (UID {uid} FLAGS (\\Seen))".encode())
        self.send(f"{tag} OK UID {sub} completed".encode())

    def send(self, line: bytes) -> None:
        self.wfile.write(line + b"\r\n")


class FakeImapServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, store: Mailstore):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.store = store
        self.port = self.server_address[1]
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()
