"""Exit codes, one table (README documents the same)."""

OK = 0
FINDINGS = 1  # errors found (or warnings under --strict)
USAGE = 2  # bad arguments, bad project file, unknown rule code
ENVIRONMENT = 3  # sops missing, no decryption key when one is required
INTERNAL = 4  # a bug: the traceback is shown
INTERRUPTED = 130
TERMINATED = 143
