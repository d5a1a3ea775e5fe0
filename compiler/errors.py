"""One place that maps what goes wrong to exit codes: expected failures vs bugs."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable

from compiler import exitcodes
from compiler.redacted import scrub


class UsageError(Exception):
    """Bad arguments or input the user can fix: exit 2 with the message."""


class EnvironmentProblem(Exception):
    """The machine lacks something (sops, a key): exit 3 with the message."""


class Terminated(BaseException):
    """SIGTERM arrived: unwind like Ctrl-C (temp files removed), then exit 143."""


def raise_terminated(signum: int, frame: object) -> None:
    raise Terminated


def guarded(action: Callable[[], int]) -> int:
    try:
        return action()
    except UsageError as err:
        print(f"bento-gitops: error: {err}", file=sys.stderr)
        return exitcodes.USAGE
    except EnvironmentProblem as err:
        print(f"bento-gitops: error: {err}", file=sys.stderr)
        return exitcodes.ENVIRONMENT
    except KeyboardInterrupt:
        print("bento-gitops: interrupted", file=sys.stderr)
        return exitcodes.INTERRUPTED
    except Terminated:
        print("bento-gitops: terminated", file=sys.stderr)
        return exitcodes.TERMINATED
    except Exception:  # a bug: show it (without any value it may quote), exit distinctly
        sys.stderr.write(scrub(traceback.format_exc()))
        print(
            "bento-gitops: internal error (a bug): please report it with the traceback above", file=sys.stderr
        )
        return exitcodes.INTERNAL
