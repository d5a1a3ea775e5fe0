"""The file is not valid YAML: the parser stopped at the line and column reported, so
nothing else in the file can be checked. `bentoml deploy -f` would fail on it before it
reached BentoCloud, and sops refuses to encrypt, decrypt or edit it
(`Error unmarshalling input yaml`). The usual causes are an indentation slip, a tab used
for indentation, an unclosed quote or bracket, or a value starting with a character YAML
reserves (`@`, `%`, `` ` ``, `*`, `&`, `!`) left unquoted. The position is where the
parser noticed the problem, which may be a line or two after the real mistake.

Fails:

    # deployments/llm.yaml
    name: llm
    bento: llm:latest
    envs:
      - name: MODEL
       value: mistral

Passes:

    # deployments/llm.yaml
    name: llm
    bento: llm:latest
    envs:
      - name: MODEL
        value: mistral

Fix: open the file at the reported line:column and correct the indentation (spaces only)
or quoting; an editor with a YAML language server shows the same error as you type. If the
file is an encrypted secret, a hand edit broke it: restore it with `git checkout -- FILE`
and make the change through `sops edit FILE` or `bento-gitops secret edit`.
"""

from compiler.diagnostics import Severity

CODE = "BG001"
TITLE = "YAML syntax error"
DEFAULT = Severity.ERROR
