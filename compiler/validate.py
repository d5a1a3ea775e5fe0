"""The validate pipeline: load the repo, check every file, decrypt what must be, run the rules."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from compiler import exitcodes
from compiler.cache import ContentCache, default_dir, tool_digest
from compiler.decrypt import DecryptMode, Decryptor
from compiler.diagnostics import Diagnostic, Severity, sort_diagnostics
from compiler.discover import PROJECT_FILE, Kind
from compiler.errors import UsageError
from compiler.findings import Findings
from compiler.incremental import Memory, Session
from compiler.keys import find_key_sources
from compiler.model import SecretSpec, build_model, invalid_secret_names, secret_specs
from compiler.redacted import SecretValue
from compiler.repo import Repo, load_repo
from compiler.rules import checks, default_severity, rated
from compiler.rules.context import EnvContext, RepoContext
from compiler.tree import Tree, WorkTree

UNITS = "units"  # the cache's name for the deployment rules' records


@dataclass(frozen=True)
class ValidateOptions:
    repo: Path
    files: tuple[str, ...] = ()
    environment: str | None = None
    decrypt: DecryptMode = DecryptMode.AUTO
    strict: bool = False
    sops: str | None = None
    cache: bool = True  # the content cache under $XDG_CACHE_HOME/bento-gitops
    reuse_results: bool = False  # reuse a whole earlier run's findings (no repo in the outcome then)


@dataclass(frozen=True)
class Outcome:
    diagnostics: list[Diagnostic]
    files: int
    exit_code: int
    repo: Repo | None = field(default=None, repr=False)  # for commands that go on (render)
    decryptor: Decryptor | None = field(default=None, repr=False)


def _configured(diagnostics: list[Diagnostic], overrides: dict[str, str]) -> list[Diagnostic]:
    """Apply `rules:` from the project file: error, warning or off per code."""
    return [r for d in diagnostics if (r := rated(d, overrides)) is not None]


def _with_defaults(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Stage findings come out as errors; the catalogue says which are warnings by default."""
    return [
        d if d.code in ("BG206", "BG210") else d.with_severity(default_severity(d.code)) for d in diagnostics
    ]


def repo_relative(root: Path, given: str) -> str:
    path = Path(given)
    candidates = [path] if path.is_absolute() else [Path.cwd() / path, root / path]
    for candidate in candidates:
        try:
            return Path(os.path.abspath(candidate)).relative_to(root).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def _about(d: Diagnostic, files: set[str]) -> bool:
    return d.file in files or any(r.file in files for r in d.related)


def _decrypt(repo: Repo, decryptor: Decryptor, paths: set[str] | None) -> list[Diagnostic]:
    """Decrypt the named secret files (None: all), each once; report what failed."""
    secrets = [f for f in repo.of_kind(Kind.SECRET) if f.valid and f.document is not None]
    chosen = [f for f in secrets if paths is None or f.path in paths]
    decryptor.decrypt([(f.document, f.raw) for f in chosen if f.document and decryptor.can_try(f.document)])
    return decryptor.failures({f.path: f.document for f in secrets if f.document is not None})


def _once_per_environment(found: list[tuple[str, Diagnostic]], evaluated: int) -> list[Diagnostic]:
    """A finding that holds in every environment is reported once, without an environment."""
    envs: dict[Diagnostic, list[str]] = {}
    for env, d in found:
        envs.setdefault(d, []).append(env)
    result = []
    for d, names in envs.items():
        if len(set(names)) == evaluated:
            result.append(d)
        else:
            result += [d.with_environment(name) for name in sorted(set(names))]
    return result


def _model_findings(
    repo: Repo, decryptor: Decryptor, only: str | None, session: Session | None
) -> tuple[list[Diagnostic], bool]:
    """Findings of the model rules, and whether a rule wanted values to compare."""
    found: list[Diagnostic] = []
    every = list(build_model(repo))  # repo rules (e.g. "used anywhere?") see every environment
    if session is not None:
        every = session.known(every)
    models = [m for m in every if only is None or m.name == only]
    repo_ctx = RepoContext(repo, secret_specs(repo), every)
    for rule in checks("repo"):
        found += list(rule.check(repo_ctx))

    def values(spec: SecretSpec) -> dict[str, SecretValue] | None:
        return decryptor.values(spec.path)

    looked_at = [session.unknown(m) if session is not None else m for m in models]
    contexts = [EnvContext(repo, model, values) for model in looked_at]
    wanted: set[str] = set()
    for rule in checks("environment"):
        for ctx in contexts:
            wanted |= rule.wanted(ctx) if hasattr(rule, "wanted") else set()
    if wanted and decryptor.mode is DecryptMode.AUTO:
        found += _decrypt(repo, decryptor, wanted)
    per_env: list[tuple[str, Diagnostic]] = []
    for ctx in contexts:
        in_env = [d for rule in checks("environment") for d in rule.check(ctx)]
        per_env += [(ctx.model.name, d) for d in in_env]
        if session is not None:
            session.record(ctx.model, in_env)
    if session is not None:
        per_env += session.found({m.name for m in models})
    return found + _once_per_environment(per_env, len(contexts)), bool(wanted)


def _exit_code(findings: Findings, diagnostics: Sequence[Diagnostic], strict: bool) -> int:
    if findings.project_failed:
        return exitcodes.USAGE
    if findings.fatal:
        return exitcodes.ENVIRONMENT
    if any(d.severity is Severity.ERROR for d in diagnostics):
        return exitcodes.FINDINGS
    if strict and diagnostics:
        return exitcodes.FINDINGS
    return exitcodes.OK


def _collect(
    options: ValidateOptions, repo: Repo, decryptor: Decryptor, session: Session | None = None
) -> Findings:
    found = _with_defaults(list(repo.diagnostics))
    wanted = False
    if not repo.project_failed:
        if options.environment and options.environment not in repo.project.environment_names:
            known = ", ".join(repo.project.environment_names)
            raise UsageError(f"unknown environment {options.environment!r}; declared: {known}")
        if options.decrypt is DecryptMode.ALWAYS:
            found += _decrypt(repo, decryptor, None)
        model_found, wanted = _model_findings(repo, decryptor, options.environment, session)
        found += model_found
    files = len(repo.files) + (1 if repo.project.document else 0)
    configured = _configured(found, repo.project.rules)
    return Findings(tuple(configured), files, repo.project_failed, decryptor.fatal, wanted)


def _outcome(
    options: ValidateOptions, findings: Findings, repo: Repo | None = None, decryptor: Decryptor | None = None
) -> Outcome:
    found = list(findings.diagnostics)
    if options.files:
        root = options.repo.resolve()
        wanted = {repo_relative(root, f) for f in options.files}
        found = [d for d in found if _about(d, wanted)]
    diagnostics = sort_diagnostics(found)
    return Outcome(
        diagnostics, findings.files, _exit_code(findings, diagnostics, options.strict), repo, decryptor
    )


def _reusable(options: ValidateOptions, work_tree: bool) -> bool:
    return options.reuse_results and options.cache and work_tree and options.decrypt is not DecryptMode.ALWAYS


def _session(cache: ContentCache, tree: WorkTree, repo: Repo) -> Session:
    """The records of the last run over this work tree, for the deployment rules to reuse."""
    try:
        earlier = Memory.parse(cache.state(UNITS, tree.root) or b"")
    except (ValueError, EOFError, TypeError):
        earlier = Memory()  # none yet, or unreadable: every deployment is looked at
    digests = cache.vouched(tree)
    stamp = f"{tool_digest()}\0{digests.get(PROJECT_FILE, '')}"
    return Session(earlier, digests, stamp, invalid_secret_names(repo))


def validate(options: ValidateOptions, tree: Tree | None = None) -> Outcome:
    """Validate the work tree, or `tree` (a git revision) when given.

    With `reuse_results`, a run over exactly the same files (and options) as an earlier one that
    decrypted nothing reuses its findings: the `validate` command's warm path. With the cache, a
    deployment none of whose inputs changed since the last run keeps that run's findings.
    """
    root = options.repo.resolve()
    cache = ContentCache(default_dir()) if options.cache else None
    run_key = None
    work = tree is None
    tree = tree or WorkTree(root)
    if cache is not None and _reusable(options, work):
        run_key = cache.run_key(tree, (options.environment, options.decrypt.value))
        earlier = cache.get_run(run_key)
        if earlier is not None and not (earlier.wanted_values and find_key_sources().any()):
            return _outcome(options, earlier)
    repo = load_repo(root, tree, cache=cache)
    decryptor = Decryptor(root, options.decrypt, options.sops)
    session = _session(cache, tree, repo) if cache is not None and isinstance(tree, WorkTree) else None
    findings = _collect(options, repo, decryptor, session)
    if cache is not None and session is not None:
        cache.keep_state(UNITS, tree.root, session.memory().dump())
    if cache is not None and run_key is not None and not decryptor.outcomes:
        cache.put_run(run_key, findings)
    return _outcome(options, findings, repo, decryptor)
