"""The one base class of every error the project raises on purpose.

Each package's errors (StoreError, BuildError, QueryError, …) derive from `FulianError`, so a
caller such as the CLI catches one type and prints its message: the message says what went wrong
and what to do. Each error keeps its built-in base too (ValueError, RuntimeError), so code that
caught those before still does.
"""


class FulianError(Exception):
    """An expected failure whose message names the problem and the remedy (printed as is)."""

    exit_code = 1  # the CLI's exit status for it; subclasses may set another
