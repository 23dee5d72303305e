"""What every command shares: the one-line user error and the stderr console.

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
