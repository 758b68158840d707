"""Fictional people for the demo practice: common US names, reserved phone numbers and e-mail domains."""
from __future__ import annotations

import random

FEMALE_NAMES = (
    "Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica", "Sarah", "Karen",
    "Lisa", "Nancy", "Betty", "Sandra", "Margaret", "Ashley", "Kimberly", "Emily", "Donna", "Michelle",
    "Carol", "Amanda", "Melissa", "Deborah", "Stephanie", "Rebecca", "Sharon", "Laura", "Cynthia", "Amy",
    "Kathleen", "Angela", "Shirley", "Brenda", "Emma", "Anna", "Pamela", "Nicole", "Samantha", "Katherine",
    "Christine", "Helen", "Debra", "Rachel", "Carolyn", "Janet", "Maria", "Olivia", "Heather", "Diane",
    "Julie", "Joyce", "Victoria", "Ruth", "Virginia", "Lauren", "Kelly", "Christina", "Joan", "Evelyn",
    "Sofia", "Isabella", "Ava", "Mia", "Harper", "Chloe", "Grace", "Lily", "Zoe", "Nora",
)
MALE_NAMES = (
    "James", "Robert", "John", "Michael", "David", "William", "Richard", "Joseph", "Thomas", "Christopher",
    "Charles", "Daniel", "Matthew", "Anthony", "Mark", "Donald", "Steven", "Andrew", "Paul", "Joshua",
    "Kenneth", "Kevin", "Brian", "George", "Timothy", "Ronald", "Jason", "Edward", "Jeffrey", "Ryan",
    "Jacob", "Gary", "Nicholas", "Eric", "Jonathan", "Stephen", "Larry", "Justin", "Scott", "Brandon",
    "Benjamin", "Samuel", "Gregory", "Alexander", "Patrick", "Frank", "Raymond", "Jack", "Dennis", "Jerry",
    "Tyler", "Aaron", "Jose", "Adam", "Nathan", "Henry", "Zachary", "Douglas", "Peter", "Kyle",
    "Noah", "Liam", "Elijah", "Lucas", "Mason", "Ethan", "Logan", "Owen", "Caleb", "Wyatt",
)
LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
    "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
    "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
    "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
    "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts",
    "Kowalski", "Nowak", "Olson", "Larson", "Schmidt", "Novak", "Murphy", "O'Brien", "Sullivan", "Kelly",
    "Patel", "Shah", "Kim", "Park", "Chen", "Wang", "Ali", "Khan", "Bianchi", "Russo",
)
# A few nicknames so "preferred name" shows up in messages and on the timeline.
NICKNAMES = {
    "William": "Bill", "Robert": "Bob", "Richard": "Rick", "Elizabeth": "Liz", "Katherine": "Kate",
    "Margaret": "Maggie", "Christopher": "Chris", "Jennifer": "Jen", "Samantha": "Sam", "Alexander": "Alex",
    "Nicholas": "Nick", "Patricia": "Pat", "Victoria": "Tori", "Jonathan": "Jon", "Rebecca": "Becky",
}
STREETS = (
    "Lakeview Ave", "Maple St", "Oak Park Ave", "Harbor Dr", "Elm St", "Ridge Rd", "Prairie Ave", "Willow Ln",
    "Cedar Ct", "Lincoln Ave", "Sheridan Rd", "Grove St", "Birch Dr", "Shoreline Dr", "Main St", "Division St",
)
CITIES = (
    ("Evanston", "60201"), ("Skokie", "60076"), ("Wilmette", "60091"), ("Chicago", "60640"),
    ("Chicago", "60657"), ("Niles", "60714"), ("Morton Grove", "60053"), ("Glenview", "60025"),
)
# 555-0100..0199 are reserved for fiction in every area code; several Chicago-area codes give enough numbers.
AREA_CODES = ("312", "773", "847", "630", "708", "815", "224", "331")
EMAIL_DOMAINS = ("example.com", "example.net", "example.org")
PRACTICE_PHONE = "(312) 555-0100"


class ContactBook:
    """Hands out unique fictional phone numbers and e-mail addresses."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._phones = [f"({area}) 555-01{n:02d}" for area in AREA_CODES for n in range(100)]
        self._phones.remove(PRACTICE_PHONE)
        rng.shuffle(self._phones)
        self._emails: set[str] = set()

    def phone(self) -> str:
        if not self._phones:
            raise ValueError("the demo ran out of fictional phone numbers; ask for fewer patients")
        return self._phones.pop()

    def email(self, first: str, last: str) -> str:
        base = f"{first}.{last}".lower().replace("'", "").replace(" ", "")
        domain = self._rng.choice(EMAIL_DOMAINS)
        address, n = f"{base}@{domain}", 1
        while address in self._emails:
            n += 1
            address = f"{base}{n}@{domain}"
        self._emails.add(address)
        return address


def first_name(rng: random.Random, gender: str) -> str:
    return rng.choice(FEMALE_NAMES if gender == "female" else MALE_NAMES)


def street_address(rng: random.Random) -> tuple[str, str, str]:
    """(street line, city, zip) in the practice's neighbourhood."""
    city, zip_code = rng.choice(CITIES)
    return f"{rng.randint(100, 9899)} {rng.choice(STREETS)}", city, zip_code
