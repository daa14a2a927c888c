"""Word lists the sample-corpus generator draws from. Every value is fictitious."""

FIRST_NAMES = [
    "Olivia", "Liam", "Emma", "Noah", "Amelia", "Oliver", "Sophia", "Elijah", "Charlotte", "James", "Mia", "Lucas",
    "Harper", "Mateo", "Evelyn", "Benjamin", "Aisha", "Omar", "Priya", "Arjun", "Mei", "Hiroshi", "Sofia", "Diego",
    "Fatima", "Kwame", "Ingrid", "Lars", "Chloé", "Thibault", "Giulia", "Marco", "Zofia", "Tomasz", "Nadia", "Yusuf",
    "Hannah", "Ethan", "Grace", "Samuel", "Isabella", "Daniel", "Leila", "Rafael", "Anika", "Jonas", "Camille", "Felix",
]
LAST_NAMES = [
    "Smith", "Johnson", "Williams", "Brown", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Hernandez",
    "Lopez", "Wilson", "Anderson", "Thomas", "Moore", "Jackson", "Martin", "Lee", "Thompson", "White", "Harris",
    "Clark", "Lewis", "Walker", "Patel", "Nguyen", "Kim", "Okafor", "Mensah", "Kowalski", "Novak", "Schmidt",
    "Müller", "Rossi", "Bianchi", "Dubois", "Lefebvre", "Andersson", "Johansson", "Tanaka", "Sato", "Haddad",
    "Fischer", "Becker", "O'Brien", "McCarthy", "Fernandes", "Silva",
]
STREET_NAMES = [
    "Maple", "Oak", "Cedar", "Pine", "Elm", "Washington", "Lake", "Hill", "Sunset", "Park", "River", "Highland",
    "Meadow", "Forest", "Church", "Mill", "Spring", "Ridge", "Willow", "Chestnut", "Harbor", "Valley", "Lincoln",
]
STREET_TYPES = ["Street", "St.", "Avenue", "Ave", "Road", "Rd.", "Boulevard", "Lane", "Drive", "Dr.", "Court", "Way"]
CITIES = [
    ("Springfield", "IL", "627"), ("Portland", "OR", "972"), ("Austin", "TX", "787"), ("Denver", "CO", "802"),
    ("Columbus", "OH", "432"), ("Raleigh", "NC", "276"), ("Madison", "WI", "537"), ("Tucson", "AZ", "857"),
    ("Boise", "ID", "837"), ("Albany", "NY", "122"), ("Richmond", "VA", "232"), ("Omaha", "NE", "681"),
]
EMAIL_DOMAINS = ["gmail.com", "yahoo.com", "outlook.com", "proton.me", "icloud.com", "fastmail.com", "example.org"]
PRODUCTS = [
    "wireless headphones", "standing desk", "espresso machine", "hiking backpack", "4K monitor", "robot vacuum",
    "air purifier", "office chair", "cast iron skillet", "smart watch", "electric kettle", "yoga mat",
    "bluetooth speaker", "mechanical keyboard", "winter jacket", "running shoes", "blender", "desk lamp",
]
CARRIERS = ["UPS", "FedEx", "DHL", "USPS", "our courier partner"]
COUNTRIES = ["Canada", "Germany", "the United Kingdom", "Japan", "Brazil", "Australia", "Mexico", "France"]
CHANNELS = ["email", "web_form", "chat", "phone_transcript"]
