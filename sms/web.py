"""What every staff web page shares: role checks, pagination and service errors on forms.

Views stay thin: they check access here, validate with a form, call the app's service and put a
service's ValidationError back on the form, so the page comes back filled with the error beside
the field to fix.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator

from sms import roles

PAGE_SIZE = 25


def role_required(check):
    """Signed-in users pass when check(user) is true; others get the friendly 403 page."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


reader_required = role_required(roles.can_read)
writer_required = role_required(roles.can_write)
admin_required = role_required(roles.is_admin)


def require(allowed):
    """Object-level check inside a view: refuse with 403 unless allowed."""
    if not allowed:
        raise PermissionDenied


def paginate(request, queryset, per_page=PAGE_SIZE):
    """(page, query string without page) so pagination links keep the filters and sort."""
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def apply_errors(form, error):
    """Put a service's ValidationError on the form: beside its field, or on top of the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def form_data(request):
    """request.POST for a POST (even an empty one, so the form reports missing fields), else None."""
    return request.POST if request.method == "POST" else None
