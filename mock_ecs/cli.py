"""``mock-ecs serve`` and ``mock-ecs check-fixtures``.

Every field of :class:`~mock_ecs.settings.Settings` is a ``serve`` flag (``--stopping-seconds``,
``--no-check-nonce``); a flag given wins over its ``MOCK_ECS_*`` environment variable.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import gc
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import uvicorn
from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from mock_ecs import __version__
from mock_ecs.app import MockEcsApp, create_app
from mock_ecs.clock import system_wall_clock
from mock_ecs.runtime import Runtime
from mock_ecs.settings import Settings
from mock_ecs.store.database import IncompatibleDatabase
from mock_ecs.store.fixtures import FixtureDocument, FixtureError

# asyncio's own event loop, even where uvloop is installed. Each API call runs about a
# millisecond of synchronous work on the loop; uvloop serves as many calls per second, but
# under load it lets some connections wait ten times longer than others (at 32 connections,
# p99 of 220-320 ms against asyncio's 45 ms; README, "Performance").
EVENT_LOOP = "asyncio"


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "check-fixtures":
        return _check_fixtures(args.files)
    overrides = {
        name: value
        for name, value in vars(args).items()
        if name in Settings.model_fields and value is not None
    }
    try:
        settings = Settings(**overrides)
    except ValidationError as error:
        for problem in error.errors():
            # Name the setting both ways it can be given: the value may come from either.
            name = str(problem["loc"][0]) if problem["loc"] else ""
            where = f"--{name.replace('_', '-')} (MOCK_ECS_{name.upper()})"
            print(f"mock-ecs: {where}: {problem['msg']}", file=sys.stderr)
        return 2
    return serve(settings)


def serve(settings: Settings) -> int:
    try:
        app = create_app(settings)
    except (FixtureError, IncompatibleDatabase) as error:
        print(f"mock-ecs: {error}", file=sys.stderr)
        return 2
    except (SQLAlchemyError, OSError) as error:  # an unknown driver, an unreachable server, a bad path
        reason = str(error.orig if isinstance(error, DBAPIError) else error).splitlines()[0]
        where = make_url(settings.database_url).render_as_string(hide_password=True)
        print(f"mock-ecs: --db (MOCK_ECS_DB): {where}: {reason}", file=sys.stderr)
        return 2
    # What start-up made lives as long as the server: out of the garbage collector's way,
    # its full collections scan only what requests make (fewer, shorter pauses).
    gc.collect()
    gc.freeze()
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        log_config=_log_config(settings),
        # uvicorn's access line prints each query string, signatures and security tokens
        # included; the request log writes a redacted line per call instead.
        access_log=False,
        lifespan="on",
        loop=EVENT_LOOP,
    )
    server = uvicorn.Server(config)
    with asyncio.Runner(loop_factory=config.get_loop_factory()) as runner:
        runner.run(_serve(server, app))
    return 0 if server.started else 1


async def _serve(server: uvicorn.Server, app: MockEcsApp) -> None:
    task = asyncio.create_task(server.serve())
    while not server.started and not task.done():
        await asyncio.sleep(0.01)
    if server.started:
        port = server.servers[0].sockets[0].getsockname()[1]
        print(_banner(app, port), flush=True)
    await task


def _log_config(settings: Settings) -> dict[str, Any]:
    """uvicorn's logging, plus mock-ecs's own loggers (one line per API call on
    ``mock_ecs.requests``) through the same handler."""
    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    level = uvicorn.config.LOG_LEVELS[settings.log_level]
    config["loggers"]["mock_ecs"] = {"handlers": ["default"], "level": level, "propagate": False}
    return config


def _banner(app: MockEcsApp, port: int) -> str:
    settings = app.runtime.settings
    url = f"http://{settings.host}:{port}"
    with app.runtime.database.transaction() as store:
        key = store.default_access_key()
    lines = [
        f"mock-ecs {__version__} is serving the ECS API (2014-05-26) at {url}",
        f"  control plane: {url}/_mock/  (OpenAPI: {url}/_mock/docs)",
        f"  database:      {app.runtime.database.display_url}",
        f"  fixtures:      {settings.fixtures}",
    ]
    if key is None:
        lines.append("  access key:    none active: add one with POST /_mock/fixtures")
    else:
        lines.append(f"  access key:    {key.id}  secret: {key.secret}  (account {key.account_id})")
    if not settings.check_timestamp:
        lines.append("  relaxed:       request timestamps are not checked")
    if not settings.check_nonce:
        lines.append("  relaxed:       signature nonces may be reused")
    if settings.admin_token:
        lines.append(
            "  control plane: needs 'Authorization: Bearer <MOCK_ECS_ADMIN_TOKEN>' (not /_mock/health)"
        )
    if settings.rate_limit:
        lines.append(f"  rate limit:    {settings.rate_limit:g} requests/s per access key")
    if settings.seed is not None:
        lines.append(f"  seed:          {settings.seed} (instance ids and RequestIds repeat after a reset)")
    return "\n".join(lines)


def _check_fixtures(files: list[Path]) -> int:
    failed = False
    for path in files:
        try:
            document = _load_alone(path)
        except FixtureError as error:
            print(error, file=sys.stderr)
            failed = True
        else:
            print(
                f"{path}: ok ({len(document.regions)} regions, {len(document.accounts)} accounts, "
                f"{len(document.instances)} instances)"
            )
    return 1 if failed else 0


def _load_alone(path: Path) -> FixtureDocument:
    """Start a runtime on a throwaway in-memory database, as ``serve`` does: references
    (accounts, regions, zones) and duplicate ids are checked only on load."""
    runtime = Runtime(Settings(db=":memory:", fixtures=path), system_wall_clock)
    try:
        runtime.start()
    finally:
        runtime.close()
    return runtime.fixtures


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mock-ecs", description="A local Alibaba Cloud ECS API (2014-05-26)."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="run the server")
    for name, field in Settings.model_fields.items():
        flag = "--" + name.replace("_", "-")
        env = f"MOCK_ECS_{name.upper()}"
        options: dict[str, Any] = {"dest": name, "default": None, "help": f"{field.description} [{env}]"}
        if field.annotation is bool:
            options["action"] = argparse.BooleanOptionalAction
        serve_parser.add_argument(flag, **options)
    check = commands.add_parser("check-fixtures", help="validate fixtures files and exit")
    check.add_argument("files", nargs="+", type=Path, metavar="FILE")
    return parser
