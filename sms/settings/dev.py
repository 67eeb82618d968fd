"""Local development: `make run`. Debug on unless DJANGO_DEBUG says otherwise."""

from .base import *
from .base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-never-use-in-production"
