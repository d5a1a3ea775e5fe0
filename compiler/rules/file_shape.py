"""The file cannot be read as one YAML mapping: it is larger than 1 MiB, is not UTF-8,
holds NUL bytes, is empty, holds several YAML documents (`---`), has a top level that is
not a mapping (a list or a lone string), nests deeper than 200 levels, cannot be read, is
a directory where a file is expected, or is a symbolic link pointing outside the repo.
Each deployment and secret file describes exactly one object, as `bentoml deploy -f`
expects; sops decrypting to JSON silently keeps only the first document. The limits keep a
hostile pull request from exhausting the checker. Symlinks leaving the repo are refused
and never read, so a pull request cannot make the tool read files on the runner.

Fails:

    # deployments/all.yaml
    name: llm
    bento: llm:latest
    ---
    name: embed
    bento: embed:latest

Passes:

    # deployments/llm.yaml
    name: llm
    bento: llm:latest

    # deployments/embed.yaml
    name: embed
    bento: embed:latest

Fix: split several documents into one file each; save the file as UTF-8
(`iconv -f LATIN1 -t UTF-8`); delete or fill an empty file; make the top level a mapping
of keys. Replace a symlink leaving the repo with a copy of the file, and move large data
(model files, certificates) out of the GitOps repo.
"""

from compiler.diagnostics import Severity

CODE = "BG004"
TITLE = "file unreadable or not one YAML mapping"
DEFAULT = Severity.ERROR
