from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

phone_validator = RegexValidator(
    r"^\+?[0-9 ()\-]{5,20}$",
    _("Enter a phone number with digits only (spaces, dashes and a leading + are allowed)."),
)

code_validator = RegexValidator(
    r"^[A-Za-z0-9_\-]+$",
    _("Use only letters, digits, dashes and underscores (no spaces)."),
)
