"""bento-gitops: a GitOps config compiler for BentoCloud deployments."""

__version__ = "0.1.0"
