"""A render template uses a name the context does not have. Templates render with Jinja2's
`StrictUndefined`, so a typo fails the render instead of writing an empty string into a
manifest. The README lists the context (`env`, `project`, `deployments`, `secrets`,
`deployment`, `secret`, `secrets_mode`).

Fails:

    {# templates/summary/{deployment}.txt.j2 #}
    {{ deployment.clustr }}

Passes:

    {# templates/summary/{deployment}.txt.j2 #}
    {{ deployment.cluster }}

Fix: use a name from the context, or guard optional ones: `{{ x | default("") }}`.
"""

from compiler.diagnostics import Severity

CODE = "BG602"
TITLE = "a render template uses an undefined name"
DEFAULT = Severity.ERROR
