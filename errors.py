"""The one tree of errors a user is told about, in French (shaped like httpx's).

    CptsError                    root: pages and the command line catch this one, in one place each
    ├── NotSetUp                 no CPTS base configured, or a table missing: run ./cpts up / migrate
    │   └── BaseNotFound         the configured base (or one of its tables) is not in NocoDB
    ├── NocoDBError              NocoDB could not serve a request
    │   ├── Unreachable          no answer at all (refused connection, time-out, broken answer)
    │   └── HTTPStatusError      an answer with an error status (status, method, path, NocoDB's message)
    ├── Refused                  what a user asked breaks a rule: nothing was written (objection, input…)
    ├── CannotWrite              an output file (workbook, presentation) could not be written
    └── ServerError              a server of ours could not be started

Anything else that escapes is a programming error and is shown as one (traceback), never as a one-line
French message. Every message here is French and carries no secret.
"""

from __future__ import annotations


class CptsError(Exception):
    """Something the user is told in French, with what to do about it."""


class NotSetUp(CptsError):
    """No CPTS base is configured in this data folder (run ./cpts up first)."""


class BaseNotFound(NotSetUp):
    """The configured base, or one of its tables, is not in NocoDB (run ./cpts up or ./cpts migrate)."""


class NocoDBError(CptsError):
    """NocoDB could not serve a request."""


class Unreachable(NocoDBError):
    """NocoDB did not answer: refused connection, time-out or broken answer."""


class HTTPStatusError(NocoDBError):
    """NocoDB answered with an error status; carries the request and NocoDB's own message."""

    def __init__(self, status: int, message: str, method: str = "", path: str = "") -> None:
        self.status = status
        self.message = message
        self.method = method
        self.path = path
        super().__init__(f"NocoDB {status} sur {method} {path} : {message}")


class Refused(CptsError):
    """What a user asked breaks a rule of the CPTS (objection, invalid input, already done…): nothing was
    written. The message says which row and field, in French."""


class CannotWrite(CptsError):
    """An output file (workbook, presentation, PDF) could not be written: the path and the system's reason."""


class ServerError(CptsError):
    """A server of ours (NocoDB, the app) could not be started or did not answer in time."""
