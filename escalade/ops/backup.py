"""`escalade backup` and `escalade restore`: one archive (tar.gz) holding the database, the
uploaded files and the data directory's keys.

    manifest.json        format, engine (sqlite or postgresql), when, Escalade's version
    database.sqlite3     SQLite: a copy made with SQLite's online backup API (consistent while running)
    database.dump        PostgreSQL: `pg_dump --format=custom` (the client must match the server's version)
    media/…              the uploaded files (MEDIA_ROOT)
    keys/secret_key, keys/audit_signing_key   when present in the data directory

The database is copied first and the files after it, so every attachment the database names is in
the archive (a file uploaded meanwhile is in it too, unreferenced and harmless)."""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

import escalade
from escalade import clock

FORMAT = 1
KEY_FILES = ("secret_key", "audit_signing_key")


class BackupError(Exception):
    """Backing up or restoring failed; the message says why, in one line."""


@dataclass(frozen=True)
class Summary:
    engine: str
    media_files: int
    keys: tuple[str, ...]


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"cannot back up a {vendor} database")
    return vendor


def _pg_command(program: str, *args: str) -> tuple[list[str], dict[str, str]]:
    """A pg_dump or pg_restore command line for the configured database, and its environment."""
    db = settings.DATABASES["default"]
    command = [program, "--no-password", "--dbname", db["NAME"]]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            command += [flag, str(db[key])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return command + list(args), env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed (the PostgreSQL client, same major version as the "
                          "server)") from None
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or [f"exit status {done.returncode}"]
        raise BackupError(f"{command[0]} failed: {lines[0]}")


def _dump_database(engine: str, folder: Path) -> str:
    if engine == "sqlite":
        target = folder / "database.sqlite3"
        source = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        return target.name
    command, env = _pg_command("pg_dump", "--format=custom", "--no-owner", "--file", str(folder / "database.dump"))
    _run(command, env)
    return "database.dump"


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def create(path: Path) -> Summary:
    """Write a backup archive to `path` (written aside, then renamed into place)."""
    engine = _engine()
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="escalade-backup-") as work:
        folder = Path(work)
        database = _dump_database(engine, folder)
        keys = tuple(name for name in KEY_FILES if (settings.DATA_DIR / name).is_file())
        manifest = {"format": FORMAT, "engine": engine, "created_at": clock.now().isoformat(),
                    "escalade": escalade.__version__, "database": database, "keys": list(keys)}
        partial = path.with_name(path.name + ".partial")
        media_files = 0
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            archive.add(folder / database, arcname=database)
            media = _media_root()
            if media.is_dir():
                for file in sorted(p for p in media.rglob("*") if p.is_file()):
                    archive.add(file, arcname=f"media/{file.relative_to(media).as_posix()}")
                    media_files += 1
            for name in keys:
                archive.add(settings.DATA_DIR / name, arcname=f"keys/{name}")
        partial.replace(path)
    return Summary(engine, media_files, keys)


def _database_has_tables() -> bool:
    return bool(connection.introspection.table_names())


def _restore_database(engine: str, extracted: Path, database: str) -> None:
    connection.close()
    if engine == "sqlite":
        archived = sqlite3.connect(extracted / database)
        target = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        try:
            archived.backup(target)
        finally:
            target.close()
            archived.close()
        return
    command, env = _pg_command("pg_restore", "--clean", "--if-exists", "--no-owner", "--exit-on-error",
                               str(extracted / database))
    _run(command, env)


def restore(path: Path, *, replace: bool = False) -> Summary:
    """Restore the archive at `path` into the configured database, MEDIA_ROOT and data directory.
    The database must be empty unless `replace`; its engine must be the archive's."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    engine = _engine()
    with tempfile.TemporaryDirectory(prefix="escalade-restore-") as work:
        extracted = Path(work)
        try:
            with tarfile.open(path, "r:gz") as archive:
                archive.extractall(extracted, filter="data")  # refuses absolute paths, links out, "..".
        except (tarfile.TarError, OSError) as exc:
            raise BackupError(f"{path} is not an Escalade backup archive: {exc}") from None
        try:
            manifest = json.loads((extracted / "manifest.json").read_text())
        except (OSError, ValueError):
            raise BackupError(f"{path} is not an Escalade backup archive: no manifest.json") from None
        if manifest.get("format") != FORMAT:
            raise BackupError(f"{path}: backup format {manifest.get('format')!r} is not one this version reads")
        if manifest["engine"] != engine:
            raise BackupError(f"{path} holds a {manifest['engine']} database; the configured database is {engine}")
        if not replace and _database_has_tables():
            raise BackupError("the database already has tables: restore into an empty database, "
                              "or pass --replace to overwrite it")
        _restore_database(engine, extracted, manifest["database"])
        media_files = 0
        if (extracted / "media").is_dir():
            media = _media_root()
            for file in sorted(p for p in (extracted / "media").rglob("*") if p.is_file()):
                target = media / file.relative_to(extracted / "media")
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(file, target)
                media_files += 1
        keys = tuple(manifest.get("keys", ()))
        for name in keys:
            settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(extracted / "keys" / name, settings.DATA_DIR / name)
            (settings.DATA_DIR / name).chmod(0o600)
    return Summary(engine, media_files, keys)
