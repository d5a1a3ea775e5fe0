"""The project file `bento-gitops.yaml` breaks the project schema: `version` is not 1,
`bentoml_home` is not an absolute path, an environment name is not lowercase letters,
digits and `-`, an environment has keys other than `cluster`, a `rules:` entry is not a
rule code (`BG302`) mapped to `error`, `warning` or `off`, `secrets_dir` or
`deployments_dir` leaves the repo (absolute, or climbing out with `..`), or the file has
unknown keys. The project file decides where secrets live, which environments exist and
how severe each finding is, so nothing else can be trusted: the run stops after reporting
it, with exit code 2.

Fails:

    # bento-gitops.yaml
    version: 2
    bentoml_home: bentoml
    secrets_dir: ../shared-secrets
    environments:
      Prod: {cluster: aws-us-east-1}
    rules:
      BG302: warn

Passes:

    # bento-gitops.yaml
    version: 1
    bentoml_home: /home/bentoml/bentoml
    secrets_dir: secrets
    environments:
      prod: {cluster: aws-us-east-1}
    rules:
      BG302: warning

Fix: correct the field at the reported position; delete the file to use the defaults
(`secrets/`, `deployments/`, one environment named "default", `bentoml_home`
/home/bentoml/bentoml). `bento-gitops schema project` prints the JSON Schema for editors.
"""

from compiler.diagnostics import Severity

CODE = "BG103"
TITLE = "project file schema violation"
DEFAULT = Severity.ERROR
