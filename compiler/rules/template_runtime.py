"""A render template failed while rendering: Jinja2's sandbox refused an operation (reaching
Python internals such as `__class__` or `__subclasses__`), a filter was given the wrong
kind of value, or a division by zero. Templates come from the repo, possibly from a pull
request, so they run sandboxed and may only read the documented context.

Fails:

    {# templates/summary/all.txt.j2 #}
    {{ ''.__class__.__mro__ }}

Passes:

    {# templates/summary/all.txt.j2 #}
    {{ deployments | length }} deployments

Fix: use only the documented context and the filters Jinja2 and bento-gitops provide
(`to_yaml`, `to_json`).
"""

from compiler.diagnostics import Severity

CODE = "BG603"
TITLE = "a render template failed while rendering (sandbox, filter)"
DEFAULT = Severity.ERROR
