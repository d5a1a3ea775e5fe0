"""A render template (`templates/<target>/**/*.j2`) is not valid Jinja2: an unclosed tag, an
unknown block, a stray `{% endfor %}`. Reported at the template's line; nothing is
rendered.

Fails:

    {# templates/summary/{deployment}.txt.j2 #}
    {% for s in deployment.secrets %}
    - {{ s }}

Passes:

    {# templates/summary/{deployment}.txt.j2 #}
    {% for s in deployment.secrets %}
    - {{ s }}
    {% endfor %}

Fix: correct the template at the reported line.
"""

from compiler.diagnostics import Severity

CODE = "BG601"
TITLE = "a render template's syntax error"
DEFAULT = Severity.ERROR
