import pytest
from django.core.exceptions import ValidationError

from students.services import student_create

pytestmark = pytest.mark.django_db

VALID = {"student_id": "S2026-001", "first_name": "Ελένη", "last_name": "Ιωάννου", "email": "eleni@school.example"}


def errors_for(**changes):
    with pytest.raises(ValidationError) as caught:
        student_create(**{**VALID, **changes})
    return caught.value.message_dict


def test_it_normalises_student_id_to_capitals_and_email_to_lower_case():
    student = student_create(**{**VALID, "student_id": " s2026-001 ", "email": "Eleni@School.Example"})
    assert (student.student_id, student.email) == ("S2026-001", "eleni@school.example")


def test_it_keeps_greek_names():
    assert student_create(**VALID).full_name == "Ελένη Ιωάννου"


@pytest.mark.parametrize("changes, field, words", [
    ({"student_id": "S 1"}, "student_id", "letters, digits"),
    ({"student_id": ""}, "student_id", "cannot be blank"),
    ({"first_name": ""}, "first_name", "cannot be blank"),
    ({"email": "not-an-email"}, "email", "valid email"),
    ({"study_year": 0}, "study_year", "greater than or equal to 1"),
    ({"study_year": 7}, "study_year", "less than or equal to 6"),
    ({"phone": "call me"}, "phone", "digits only"),
    ({"mobile_phone": "69x"}, "mobile_phone", "digits only"),
])
def test_it_rejects_bad_input_with_a_message_on_the_field(changes, field, words):
    assert words in " ".join(errors_for(**changes)[field])


def test_it_rejects_a_duplicate_student_id():
    student_create(**VALID)
    assert "student ID" in errors_for(email="other@school.example")["student_id"][0]


def test_search_matches_every_word_in_names_id_or_email():
    from conftest import make_student
    from students.models import Student

    make_student(first_name="Nikos", last_name="Papas", student_id="A1")
    make_student(first_name="Nikos", last_name="Georgiou", student_id="A2")
    assert [s.student_id for s in Student.objects.search("nikos pap")] == ["A1"]
    assert Student.objects.search("").count() == 2


def test_search_ignores_case_and_greek_accents():
    from conftest import make_student
    from students.models import Student

    make_student(first_name="Γιώργος", last_name="Παπαδόπουλος", student_id="G1")
    make_student(first_name="Ελένη", last_name="Ιωάννου", student_id="G2")
    assert [s.student_id for s in Student.objects.search("γιωργος ΠΑΠΑΔΟΠΟΥΛΟΣ")] == ["G1"]
    assert [s.student_id for s in Student.objects.search("g2")] == ["G2"]


def test_search_text_follows_edits():
    from students.models import Student
    from students.services import student_update

    student = student_create(**VALID)
    student_update(student=student, data={"last_name": "Νικολάου"})
    assert Student.objects.search("νικολαου").get() == student
