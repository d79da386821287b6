"""Constructed texts that are not clinical notes, for fitting and testing the record gate.

A few hand-written paragraphs per kind (public domain, written for medgui), and
:func:`make` which recombines their sentences into as many new texts as asked, so a gate
sees many texts of a kind without memorising a handful. Kinds are kept apart so a gate
can be validated leave-one-kind-out.
"""

from __future__ import annotations

import re

import numpy as np

PARAGRAPHS: dict[str, tuple[str, ...]] = {
    "recipe": (
        ("Preheat the oven to 180 degrees. Cream the butter and sugar until pale, then beat in the eggs one at a time. "
        "Fold in the flour and a pinch of salt. Pour the batter into a greased tin and bake for 35 minutes, until a "
        "skewer comes out clean. Leave to cool before icing."),
        ("Chop two onions and three cloves of garlic. Fry them gently in olive oil until soft, add the tomatoes, a "
        "teaspoon of paprika and a bay leaf, and simmer for twenty minutes. Season with salt and pepper and stir in a "
        "handful of basil just before serving with pasta."),
        ("For the dressing, whisk together three tablespoons of olive oil, one of lemon juice, a teaspoon of mustard "
        "and some honey. Toss the leaves, cucumber and roasted peppers with the dressing and scatter toasted seeds on top."),
        ("Soak the beans overnight. Drain, cover with fresh water and boil hard for ten minutes, then simmer for an hour "
        "with the carrots, celery and smoked bacon. Mash a ladleful against the side of the pot to thicken the soup."),
        ("Knead the dough for ten minutes until smooth and elastic, then leave it to rise in a warm place until doubled "
        "in size. Knock it back, shape into a loaf, and bake at 220 degrees for thirty minutes. Serves six."),
    ),
    "legal": (
        ("This Agreement shall be governed by and construed in accordance with the laws of the State. Any dispute "
        "arising out of or in connection with this Agreement shall be submitted to the exclusive jurisdiction of its courts."),
        ("The Licensee shall not sublicense, assign or transfer any rights granted hereunder without the prior written "
        "consent of the Licensor. Any purported assignment in violation of this clause shall be null and void."),
        ("Notwithstanding the foregoing, neither party shall be liable for any indirect, incidental or consequential "
        "damages, including loss of profits, arising from the performance or non-performance of its obligations."),
        ("The tenant agrees to pay the rent on the first day of each month and to keep the premises in good repair. "
        "The landlord may enter the property upon twenty-four hours notice to carry out inspections."),
        ("Whereas the parties wish to set out the terms of their cooperation, now therefore, in consideration of the "
        "mutual covenants contained herein, the parties agree as follows. Each party warrants that it has full power "
        "and authority to enter into this contract."),
    ),
    "sport": (
        ("United came from behind to beat City 3-1 on Saturday. The striker equalised just before half-time with a "
        "header from a corner, and two goals in the last ten minutes sealed the win in front of a crowd of 40,000."),
        ("She won the final in straight sets, breaking serve twice in the second set and saving three break points "
        "in the last game. It is her second title of the season and lifts her to fourth in the world rankings."),
        ("The home side were bowled out for 212 after lunch. The opening pair then put on 90 before the first wicket "
        "fell, and the visitors closed the day needing another 80 runs with eight wickets in hand."),
        ("The marathon was won in two hours and six minutes, a course record. The leading group broke up after 30 "
        "kilometres when the eventual winner surged on the climb and nobody could follow."),
        ("The coach said the team had trained hard all week and deserved the points. The captain missed the match "
        "with a hamstring strain but is expected back for the derby next month."),
    ),
    "news": (
        ("The city council approved a new budget on Tuesday that increases spending on roads and public transport. "
        "The mayor said the plan would create jobs, while the opposition warned that local taxes would rise next year."),
        ("Heavy rain caused flooding in several villages overnight, and about two hundred homes were evacuated. "
        "Emergency services expect the river to peak on Thursday; the national weather office has issued a warning."),
        ("Shares fell sharply after the company reported lower than expected profits for the third quarter. The chief "
        "executive blamed rising energy costs and weaker demand in Asia, and announced a review of the business."),
        ("The election will be held in May after parliament voted to dissolve itself. Polls suggest a close race, with "
        "the economy and housing the main issues for voters."),
        ("Scientists have discovered a new species of frog in the rainforest. The tiny amphibian, no bigger than a "
        "fingernail, was found during a survey of the mountains and is thought to be endangered."),
    ),
    "business": (
        ("Dear team, please find attached the agenda for Thursday's meeting. We will review the quarterly sales "
        "figures, agree the marketing budget and discuss the new office layout. Let me know if you cannot attend."),
        ("Thank you for your order. Your parcel has been dispatched and should arrive within three working days. "
        "You can track the delivery using the link below. If you have any questions, reply to this email."),
        ("Revenue grew by twelve percent year on year, driven by strong subscription sales. Operating costs were "
        "flat, and the board proposes a dividend of 15 cents per share, payable in June."),
        ("Invoice number 4471. Payment is due within thirty days of the invoice date. Please quote the invoice number "
        "with your payment. Late payments may incur interest at the statutory rate."),
        ("Hi Sam, just a reminder that the project deadline has moved to Friday. Could you send me the draft report "
        "by Wednesday so that I have time to review it? Thanks, and have a good weekend."),
    ),
    "technology": (
        ("To install the package, run the installer and follow the prompts. The configuration file is created in "
        "your home folder; edit it to change the default port, the log level and the path of the database."),
        ("The new version adds support for dark mode, improves startup time and fixes a crash when importing large "
        "files. Users of the previous release should back up their settings before upgrading."),
        ("The server returns a JSON object with the fields id, name and created. Requests without a valid token are "
        "rejected with status 401. Rate limits apply: at most one hundred requests per minute per key."),
        ("The processor has eight cores and sixteen threads, with a base clock of 3.6 gigahertz. It supports DDR5 "
        "memory and PCI Express 5.0, and draws up to 105 watts under load."),
        ("If the printer does not respond, check that it is switched on and connected to the same network. Restart "
        "the router, then remove and add the printer again from the settings menu."),
    ),
    "code": (
        ("def merge(left, right):\n    result = []\n    while left and right:\n        result.append(left.pop(0) if "
        "left[0] <= right[0] else right.pop(0))\n    return result + left + right"),
        "for (int i = 0; i < n; i++) {\n    if (values[i] > max) {\n        max = values[i];\n    }\n}\nreturn max;",
        ("SELECT customer_id, SUM(amount) AS total FROM orders WHERE created_at >= '2024-01-01' GROUP BY "
        "customer_id HAVING SUM(amount) > 100 ORDER BY total DESC;"),
        ("const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, "
        "body: JSON.stringify(payload) });\nif (!response.ok) throw new Error(response.statusText);"),
        ("class Stack:\n    def __init__(self):\n        self.items = []\n    def push(self, item):\n        "
        "self.items.append(item)\n    def pop(self):\n        return self.items.pop()"),
    ),
    "lorem": (
        ("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore "
        "magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat."),
        ("Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur. "
        "Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim id est laborum."),
        ("Sed ut perspiciatis unde omnis iste natus error sit voluptatem accusantium doloremque laudantium, totam rem "
        "aperiam, eaque ipsa quae ab illo inventore veritatis et quasi architecto beatae vitae dicta sunt explicabo."),
        ("Nemo enim ipsam voluptatem quia voluptas sit aspernatur aut odit aut fugit, sed quia consequuntur magni "
        "dolores eos qui ratione voluptatem sequi nesciunt. Neque porro quisquam est, qui dolorem ipsum quia dolor sit amet."),
    ),
    "fiction": (
        ("The rain had not stopped for three days. Anna stood at the window of the old house, watching the road "
        "disappear into the fog, and wondered whether her brother would keep his promise and come home before winter."),
        ("He opened the letter with trembling hands. It was short, written in a hurried script he did not recognise, "
        "and it told him only that the ship had sailed without him and that he should not try to follow."),
        ("The village lay at the bottom of the valley, where the river bent twice before reaching the sea. Every "
        "summer the children swam under the bridge and the old men played cards in the shade of the church."),
        ("Once upon a time a fox lived at the edge of a great forest. One morning he found a golden key lying in the "
        "snow, and since he was a curious fox he set out to find the door it would open."),
        ("She laughed, and for a moment the years fell away; they were students again, arguing about poetry in a cold "
        "kitchen at two in the morning, certain that the world would be theirs."),
    ),
    "travel": (
        ("The old town is best explored on foot. Start at the cathedral, walk down to the harbour for lunch, and take "
        "the cable car up the hill in the evening for the view over the bay at sunset."),
        ("Trains leave every hour from the central station and the journey takes about two hours. Book in advance for "
        "the cheapest fares, and remember that seats in the quiet carriage must be reserved."),
        ("Our hotel was ten minutes from the beach, with a pool, a small gym and a generous breakfast. The staff were "
        "friendly, although the rooms facing the street were noisy at night."),
        ("The trail climbs steeply through pine forest to a ridge with views of the glacier. Allow five hours for the "
        "round trip, carry plenty of water and check the weather before you set out."),
    ),
    "science": (
        ("The experiment measured the speed of sound in air at different temperatures. As expected, the speed rose "
        "by about 0.6 metres per second for every degree, in agreement with the theoretical model."),
        ("Photosynthesis converts light energy into chemical energy. In the chloroplasts, water is split and carbon "
        "dioxide is fixed into sugars, releasing oxygen as a by-product."),
        ("The telescope observed the galaxy for forty hours. The spectrum shows strong emission lines of hydrogen and "
        "oxygen, suggesting intense star formation about ten billion years ago."),
        ("The volcano erupted after weeks of small earthquakes. Lava flows covered the eastern slope, and the ash "
        "cloud rose to twelve kilometres, disrupting flights across the region."),
        ("The students measured the resistance of the wire at five lengths and plotted voltage against current. The "
        "slope of the line gives the resistance, which increases linearly with length."),
    ),
    "poetry": (
        ("The evening falls on quiet hills, the swallows turn for home; the lamps are lit in distant mills, and I am "
        "left to roam."),
        ("I wandered by the river's edge where willows touch the stream, and every stone and every sedge was silver "
        "in a dream."),
        ("Shall I forget the winter light, the frost upon the pane, the kettle singing through the night, the "
        "patter of the rain?"),
        ("O restless sea, O patient shore, you quarrel without end; the tide goes out, returns once more, and finds "
        "you still a friend."),
    ),
    "review": (
        ("Great little blender. It crushes ice easily, is simple to clean and looks good on the counter. The only "
        "downside is the noise, but for the price I would definitely buy it again. Five stars."),
        ("The film starts slowly but the second half is gripping, and the lead actor is superb. The soundtrack is "
        "beautiful. Not perfect, but well worth watching on a rainy evening."),
        ("Disappointed with this phone case. It cracked after two weeks and the buttons are hard to press. Delivery "
        "was fast, though, and the seller refunded me without any fuss."),
        ("We had dinner here for our anniversary. The fish was cooked perfectly and the desserts were excellent, but "
        "the service was slow and the wine list is overpriced."),
    ),
    "health_news": (
        ("The hospital trust announced plans to build a new car park and a cafe at the main entrance. The work will "
        "start in spring and is paid for by a charity appeal that raised two million pounds."),
        ("A fitness instructor shares her tips for staying active at home: ten minutes of stretching every morning, a "
        "brisk walk at lunchtime, and drinking plenty of water throughout the day."),
        ("The government will recruit five thousand more nurses over the next four years, the health minister said, "
        "as waiting lists reached a record high and unions called for better pay."),
        ("Researchers say that people who sleep less than six hours a night are more likely to catch colds. The "
        "study followed volunteers for a year and recorded their sleep with wrist trackers."),
    ),
}


def _sentences(paragraph: str) -> list[str]:
    if "\n" in paragraph or "{" in paragraph or ";" in paragraph[-2:]:
        return [paragraph]  # code: keep whole
    parts = re.split(r"(?<=[.!?])\s+", paragraph.strip())
    return [p for p in parts if p]


def kinds() -> list[str]:
    return sorted(PARAGRAPHS)


def make(kind: str, n: int, seed: int = 0) -> list[str]:
    """``n`` texts of ``kind``: the paragraphs themselves first, then new ones made of 2 to 6
    sentences drawn from the kind's paragraphs (code: 1 to 3 snippets joined)."""
    rng = np.random.default_rng([seed, kinds().index(kind)])
    paragraphs = list(PARAGRAPHS[kind])
    pool = [s for p in paragraphs for s in _sentences(p)]
    out = paragraphs[:n]
    while len(out) < n:
        k = int(rng.integers(1, 4)) if len(pool) == len(paragraphs) else int(rng.integers(2, 7))
        picked = rng.choice(len(pool), size=min(k, len(pool)), replace=False)
        out.append(("\n\n" if len(pool) == len(paragraphs) else " ").join(pool[i] for i in picked))
    return out
