"""Local development: `make run`. Debug on unless DJANGO_DEBUG says otherwise."""

from .base import *
from .base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-never-use-in-production"

# Report-only under `make run`: Django's debug pages use inline styles and scripts. Violations still
# show in the browser console; tests and production enforce the policy.
CONTENT_SECURITY_POLICY_REPORT_ONLY = CONTENT_SECURITY_POLICY
CONTENT_SECURITY_POLICY = None
