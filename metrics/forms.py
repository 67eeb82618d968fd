from django import forms
from django.utils.translation import gettext_lazy as _

from courses import semesters


class MetricsFilterForm(forms.Form):
    semester = forms.CharField(label=_("Semester"), required=False, max_length=20,
                               help_text=_('e.g. "2026 Fall"; leave blank for every semester.'))
    # The upper bound keeps ids no column can hold out of the query (SQLite raises OverflowError).
    course = forms.IntegerField(label=_("Course id"), required=False, min_value=1, max_value=2**63 - 1)

    def clean_semester(self):
        value = semesters.normalise(self.cleaned_data["semester"])
        if value:
            semesters.validate_semester(value)
        return value


class AdminMetricsFilterForm(MetricsFilterForm):
    """The API's filters, picked from the school's semesters and courses instead of typed.

    The fields and their checks stay the API's: a link with a semester or course id that is not in
    the lists (a semester without courses, a deleted course) still filters, and is shown as chosen.
    """

    def __init__(self, data=None, *, courses):
        super().__init__(data)
        terms = sorted({course["semester"] for course in courses}, key=semesters.sort_key, reverse=True)
        chosen_term = semesters.normalise((data or {}).get("semester", ""))
        if chosen_term and chosen_term not in terms:
            terms.insert(0, chosen_term)
        self.fields["semester"].help_text = ""
        self.fields["semester"].widget = forms.Select(choices=[("", _("Every semester")), *((t, t) for t in terms)])
        self.fields["course"].label = _("Course")
        self.fields["course"].widget = forms.Select(choices=[("", _("Every course")), *self._course_groups(
            courses, terms, (data or {}).get("course", ""))])

    @staticmethod
    def _course_groups(courses, terms, chosen):
        groups = {term: [] for term in terms}
        for course in courses:
            groups[course["semester"]].append((str(course["id"]), f"{course['course_code']} — {course['course_name']}"))
        choices = [(term, options) for term, options in groups.items() if options]
        if chosen and chosen.isdigit() and all(str(course["id"]) != chosen for course in courses):
            choices.insert(0, (chosen, _("Course %(id)s (not found)") % {"id": chosen}))
        return choices
