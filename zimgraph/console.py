"""What every command shares: the one-line user error, the stderr console, the evidence options.

Feature packages (``zimgraph.graph``, hunts, pivot, ...) define their click commands in their own
``cli.py`` and raise :class:`UserError` (or a library error listed in :data:`USER_ERRORS`) for
mistakes the analyst can fix; ``zimgraph.cli`` registers the commands and turns these errors into
one line on stderr with exit status 2.

>>> UserError("no such case: x (run 'zimgraph ingest' first)").exit_code
2
"""

from __future__ import annotations

import click
from rich.console import Console

from zimgraph.clock import TimeZoneError
from zimgraph.ingest import CaseError, DiscoveryError

err_console = Console(stderr=True)

#: library exceptions that mean "the analyst can fix this": shown as one line, exit status 2
USER_ERRORS: list[type[BaseException]] = [DiscoveryError, TimeZoneError, CaseError]


class UserError(click.ClickException):
    """A mistake in the command line or the case: one line, exit status 2."""
    exit_code = 2


def user_error(exc_type: type[BaseException]) -> type[BaseException]:
    """Class decorator: register a library exception as a user error."""
    USER_ERRORS.append(exc_type)
    return exc_type


def _node_zones(ctx, param, values: tuple[str, ...]) -> dict[str, str]:
    """``--node-tz NODE=ZONE`` values as ``{node: zone}``."""
    out = {}
    for value in values:
        node, sep, zone = value.partition("=")
        if not sep or not node or not zone:
            raise click.BadParameter(f"{value!r}: write NODE=ZONE, e.g. --node-tz mta01=Europe/Paris")
        out[node] = zone
    return out


def evidence_options(command):
    """The arguments of every command that reads evidence (``ingest``, ``investigate``): PATHS,
    ``--case``, ``--tz``, ``--node-tz``, ``--year``, ``--node``, ``--workers``."""
    for option in reversed((
        click.argument("paths", nargs=-1, required=True),
        click.option("--case", "case_dir", required=True, help="Case folder to create or add to."),
        click.option("--tz", "default_zone", help="IANA time zone of the nodes' clocks (default UTC, said so)."),
        click.option("--node-tz", "node_zones", multiple=True, callback=_node_zones,
                     help="Time zone of one node, NODE=ZONE (repeatable); overrides --tz."),
        click.option("--year", type=click.IntRange(1990, 2100),
                     help="Year of the first line of year-less syslog files."),
        click.option("--node", help="Node name for every file (default: first folder under each PATH)."),
        click.option("--workers", type=click.IntRange(1, 64), help="Worker processes (default: all cores)."),
    )):
        command = option(command)
    return command
