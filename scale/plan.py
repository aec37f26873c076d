"""The data-set scales: inhabitants, years of history and areas; the rest follows from rates."""

from __future__ import annotations

from dataclasses import dataclass

# Contacts to the coordinating numbers per inhabitant and year: the county's 400,000 inhabitants
# over 10 years give about 100,000 contacts (issue #10).
CONTACTS_PER_INHABITANT_YEAR = 0.025
# LP discussions professionals record in their own work, per contact.
DISCUSSIONS_PER_CONTACT = 0.8
CHILD_SHARE = 0.2  # children under 18 of the inhabitants
INHABITANTS_PER_PROFESSIONAL = 500


@dataclass(frozen=True)
class Scale:
    name: str
    inhabitants: int
    years: int
    areas: int
    municipalities: int
    leadership_areas: int

    @property
    def contacts(self) -> int:
        return round(self.inhabitants * self.years * CONTACTS_PER_INHABITANT_YEAR)

    @property
    def discussions(self) -> int:
        return round(self.contacts * DISCUSSIONS_PER_CONTACT)

    @property
    def children(self) -> int:
        return round(self.inhabitants * CHILD_SHARE)


SCALES = {
    # tiny: for the test suite only (hidden from --help).
    "tiny": Scale("tiny", 4_000, 1, 2, 1, 1),
    "pilot": Scale("pilot", 60_000, 1, 6, 1, 1),
    "city": Scale("city", 200_000, 5, 15, 1, 2),
    "county": Scale("county", 400_000, 10, 30, 8, 3),
}
PUBLIC_SCALES = ("pilot", "city", "county")
