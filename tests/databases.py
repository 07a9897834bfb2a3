"""Test databases: migrated once per session into a template, cloned for every data directory.

About 1,500 tests each start an app on a fresh database. Running the migrations for each would
cost minutes, so the session migrates one template (which tests the migrations every run) and
each data directory gets a copy: SQLite copies the file, PostgreSQL runs
``CREATE DATABASE … TEMPLATE``. The same data directory always maps to the same database, so
two apps on one DATA_DIR (two "worker processes") share it, as in production.

PostgreSQL runs in a throwaway cluster: ``initdb`` into a temporary folder, a free loopback
port, unix sockets in that folder, fsync off; stopped and removed when the session ends.
initdb and postgres refuse to run as root, so as root they run as the ``postgres`` user.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import queue
import shutil
import socket
import subprocess
import tempfile
import threading
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

BACKENDS = ("sqlite", "postgresql")


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries here (scripts/setup-test installs Debian's package)."""


def postgres_bindir() -> Path | None:
    """The newest installed server's bin directory (Debian keeps them off PATH)."""
    if os.environ.get("PG_BINDIR"):
        return Path(os.environ["PG_BINDIR"])
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresCluster:
    """A private PostgreSQL server for one test session."""

    user = "kring"
    PREFIX = "kring-pg-"

    def __init__(self) -> None:
        bindir = postgres_bindir()
        if bindir is None or not (bindir / "postgres").exists():
            raise PostgresUnavailable(
                "PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin or PATH); "
                "scripts/setup-test installs Debian's postgresql package"
            )
        self.bindir = bindir
        self.as_user: list[str] = []
        owner = None
        if os.geteuid() == 0:  # initdb/postgres refuse root: run them as the postgres user
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError as exc:
                raise PostgresUnavailable("running as root and no 'postgres' system user") from exc
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self._remove_abandoned()
        self.root = Path(tempfile.mkdtemp(prefix=self.PREFIX))
        (self.root / "owner.pid").write_text(str(os.getpid()))
        if owner is not None:
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
        self.data = self.root / "data"
        self.port = 0
        self._started = False

    def _remove_abandoned(self) -> None:
        """Stop and remove clusters of test sessions that were killed before they could clean up."""
        for folder in Path(tempfile.gettempdir()).glob(self.PREFIX + "*"):
            try:
                pid = int((folder / "owner.pid").read_text())
                os.kill(pid, 0)
                continue  # its session is still running
            except (OSError, ValueError):
                pass
            if (folder / "data" / "postmaster.pid").exists():
                pg_ctl = [str(self.bindir / "pg_ctl"), "-D", str(folder / "data"), "-m", "immediate", "stop"]
                subprocess.run([*self.as_user, *pg_ctl], capture_output=True, timeout=60)
            shutil.rmtree(folder, ignore_errors=True)

    def _run(self, *args: str) -> None:
        result = subprocess.run([*self.as_user, *args], capture_output=True, text=True, timeout=120)
        if result.returncode:
            raise PostgresUnavailable(
                f"{' '.join(args[:2])} failed: {result.stderr.strip() or result.stdout}"
            )

    def version(self) -> int:
        """The server's major version ("initdb (PostgreSQL) 15.18" → 15)."""
        initdb = subprocess.run([str(self.bindir / "initdb"), "--version"], capture_output=True, text=True)
        return int(initdb.stdout.split()[-1].split(".")[0])

    def start(self) -> PostgresCluster:
        # Linguistic ordering, as a production server's nl_BE/en_US locale sorts (not byte order
        # like SQLite): tests that lean on SQLite's ORDER BY show up here (ICU from PostgreSQL 15).
        icu = ["--locale-provider=icu", "--icu-locale=und"] if self.version() >= 15 else []
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            self.user,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            *icu,
            "--no-sync",
        )
        for attempt in range(3):  # a free port can be taken between choosing and binding
            self.port = _free_port()
            options = " ".join(
                [
                    f"-p {self.port}",
                    "-c listen_addresses=127.0.0.1",
                    f"-c unix_socket_directories={self.root}",
                    "-c fsync=off",
                    "-c synchronous_commit=off",
                    "-c full_page_writes=off",
                    "-c max_connections=300",
                    "-c shared_buffers=64MB",
                ]
            )
            log = self.root / "server.log"
            try:
                self._run(
                    str(self.bindir / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-l",
                    str(log),
                    "-o",
                    options,
                    "-w",
                    "start",
                )
            except PostgresUnavailable:
                if attempt == 2:
                    raise
                continue
            self._started = True
            return self
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def admin(self, *statements: str) -> None:
        """Run statements that cannot run in a transaction (CREATE/DROP DATABASE)."""
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=self.user, dbname="postgres", autocommit=True
        ) as conn:
            for statement in statements:
                conn.execute(statement)

    def stop(self) -> None:
        if self._started:
            subprocess.run(
                [
                    *self.as_user,
                    str(self.bindir / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-m",
                    "immediate",
                    "-w",
                    "stop",
                ],
                capture_output=True,
                timeout=60,
            )
            self._started = False
        shutil.rmtree(self.root, ignore_errors=True)


class SQLiteDatabases:
    """A migrated template file, copied into each data directory."""

    backend = "sqlite"

    def __init__(self, workdir: Path) -> None:
        from webapp.core.schema import upgrade_database

        self.template = workdir / "template.db"
        engine = create_engine(f"sqlite:///{self.template}")
        upgrade_database(engine)
        engine.dispose()

    def url_for(self, data_dir: str | Path) -> str:
        target = Path(data_dir).resolve() / "app.db"
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.template, target)
        return f"sqlite:///{target}"

    def empty_url(self, data_dir: str | Path) -> str:
        """A database that does not exist yet (migration tests build it themselves)."""
        target = Path(data_dir).resolve() / "empty.db"
        target.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{target}"

    def save(self, data_dir: str | Path) -> None:
        """Keep a copy of the data directory's database (its engines disposed) for ``restore``."""
        target = Path(data_dir).resolve() / "app.db"
        shutil.copyfile(target, target.with_name("app.db.saved"))

    def restore(self, data_dir: str | Path) -> None:
        target = Path(data_dir).resolve() / "app.db"
        for leftover in (target.with_name("app.db-wal"), target.with_name("app.db-shm")):
            leftover.unlink(missing_ok=True)
        shutil.copyfile(target.with_name("app.db.saved"), target)

    def mark(self) -> int:
        return 0

    def drop_since(self, mark: int, within: Path) -> None:
        """Files go with the test's tmp_path."""

    def close(self) -> None:
        pass


class PostgresDatabases:
    """A migrated template database in a private cluster, cloned for each data directory.

    A clone costs ~0.15 s of server time, the first connection to it ~0.1 s more (the server
    builds its catalog cache), and a drop ~0.1 s. A helper thread does that work ahead and
    behind: it keeps a few warmed clones ready and drops what tests are done with, so the server
    works on the second core while a test keeps the first one busy.
    """

    backend = "postgresql"
    template_name = "kring_template"
    READY = 4

    def __init__(self) -> None:
        from webapp.core.schema import upgrade_database

        self.cluster = PostgresCluster().start()
        self.cluster.admin(f"CREATE DATABASE {self.template_name}")
        engine = create_engine(self.cluster.url(self.template_name))
        upgrade_database(engine)
        engine.dispose()
        self._by_dir: dict[str, str] = {}
        self._created: list[tuple[str, Path]] = []
        self._serial = itertools.count(1)
        self._ready: queue.Queue[str] = queue.Queue()
        self._doomed: queue.Queue[str] = queue.Queue()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._helper = threading.Thread(target=self._help, name="pg-clone-helper", daemon=True)
        self._helper.start()

    def _new_name(self) -> str:
        return f"kring_t{next(self._serial)}"

    def _clone(self, template: str) -> str:
        import psycopg

        name = self._new_name()
        self.cluster.admin(f"CREATE DATABASE {name} TEMPLATE {template}")
        with psycopg.connect(host="127.0.0.1", port=self.cluster.port, user=self.cluster.user, dbname=name):
            pass  # the first connection builds the catalog cache file the app's connections reuse
        return name

    def _help(self) -> None:
        while not self._stopping.is_set():
            try:
                try:
                    name = self._doomed.get_nowait()
                except queue.Empty:
                    pass
                else:
                    self.cluster.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                    continue
                if self._ready.qsize() < self.READY:
                    self._ready.put(self._clone(self.template_name))
                    continue
            except Exception:  # noqa: BLE001 - the cluster is going away; callers clone themselves
                return
            self._wake.wait(0.5)
            self._wake.clear()

    def _create(self, template: str, data_dir: str | Path) -> str:
        try:
            name = self._ready.get_nowait() if template == self.template_name else self._clone(template)
        except queue.Empty:
            name = self._clone(template)
        self._wake.set()
        self._created.append((name, Path(data_dir).resolve()))
        return name

    def url_for(self, data_dir: str | Path) -> str:
        key = str(Path(data_dir).resolve())
        if key not in self._by_dir:
            self._by_dir[key] = self._create(self.template_name, data_dir)
        return self.cluster.url(self._by_dir[key])

    def empty_url(self, data_dir: str | Path) -> str:
        return self.cluster.url(self._create("template0", data_dir))

    def save(self, data_dir: str | Path) -> None:
        """Keep a copy of the data directory's database (no connections open) for ``restore``."""
        name = self._by_dir[str(Path(data_dir).resolve())]
        self.cluster.admin(f"CREATE DATABASE {name}_saved TEMPLATE {name}")
        self._created.append((f"{name}_saved", Path(data_dir).resolve()))

    def restore(self, data_dir: str | Path) -> None:
        name = self._by_dir[str(Path(data_dir).resolve())]
        self.cluster.admin(
            f"DROP DATABASE {name} WITH (FORCE)", f"CREATE DATABASE {name} TEMPLATE {name}_saved"
        )

    def mark(self) -> int:
        return len(self._created)

    def drop_since(self, mark: int, within: Path) -> None:
        """Drop the databases made after ``mark`` for data directories under ``within`` (one test's
        tmp_path), so 1,500 clones never pile up; module-wide worlds built lazily elsewhere live on."""
        within = within.resolve()
        gone = {name for name, data_dir in self._created[mark:] if data_dir.is_relative_to(within)}
        for name in gone:
            self._doomed.put(name)
        for key in [k for k, v in self._by_dir.items() if v in gone]:
            del self._by_dir[key]
        self._wake.set()

    def close(self) -> None:
        self._stopping.set()
        self._wake.set()
        self._helper.join(timeout=30)
        self.cluster.stop()


def open_databases(backend: str, workdir: Path) -> SQLiteDatabases | PostgresDatabases:
    if backend not in BACKENDS:
        raise ValueError(f"TEST_DATABASE must be one of {BACKENDS}, not {backend!r}")
    return PostgresDatabases() if backend == "postgresql" else SQLiteDatabases(workdir)


def dump_database(url: str) -> str:
    """Every row of the database as SQL text, what a grep of a dump sees (sqlite3 .dump, pg_dump)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        import sqlite3

        conn = sqlite3.connect(parsed.database)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return "\n".join(conn.iterdump())
        finally:
            conn.close()
    bindir = postgres_bindir()
    assert bindir is not None
    result = subprocess.run(
        [str(bindir / "pg_dump"), "--data-only"],
        env={
            **os.environ,
            "PGHOST": parsed.host,
            "PGPORT": str(parsed.port),
            "PGUSER": parsed.username,
            "PGDATABASE": parsed.database,
        },
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout
