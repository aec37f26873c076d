"""Short Finnish phrases for the synthetic records: never a name or an identifier in them."""

from __future__ import annotations

DISTRICTS = (
    "Keskusta", "Kangas", "Mäki", "Ranta", "Niemi", "Harju", "Koski", "Lahti", "Saari",
    "Kallio", "Kylä", "Metsä", "Pelto", "Joki", "Vaara", "Niitty", "Laakso", "Lampi", "Salmi",
    "Kumpu", "Nummi", "Rinne", "Selkä", "Suo", "Haka", "Aho", "Kartano", "Puisto", "Tori",
    "Silta", "Kaari", "Tie", "Hovi", "Linna",
)  # fmt: skip

CONCERNS = {
    "children-families": (
        "Lapsen poissaolot koulusta ovat lisääntyneet.",
        "Perheen elämäntilanne muuttunut: vanhempien ero.",
        "Nuori vetäytyy kavereista ja harrastuksista.",
        "Vanhempi pyytää tukea arjen rytmiin ja rajoihin.",
        "Päiväkodissa huoli lapsen jaksamisesta.",
        "Perheen toimeentulo ja asuminen epävarmaa.",
        "Vanhemman jaksaminen huolettaa neuvolassa.",
        "Koulunkäynti ei suju, perhe toivoo yhteistä tapaamista.",
    ),
    "working-age": (
        "Pitkä työttömyys, asiakas toivoo tukea työkyvyn arviointiin.",
        "Terveysongelmat vaikeuttavat työhön paluuta.",
        "Toimeentulo ja asuminen epävarmoja.",
        "Asiakas haluaa opiskelemaan, tarvitsee tukea suunnitteluun.",
        "Päihteiden käyttö vaikeuttaa arkea, asiakas toivoo apua.",
        "Kuntoutuksen jälkeen paluu työelämään kesken.",
    ),
}

ADVICE = (
    "Ohjattiin perheneuvolaan ja kerrottiin perhekahvilasta.",
    "Sovittiin, että ammattilainen jatkaa LP-keskustelua perheen kanssa.",
    "Neuvottiin hakemaan kotipalvelua ja annettiin yhteystiedot.",
    "Annettiin tietoa kolmannen sektorin vertaistuesta.",
    "Ohjattiin työllisyyspalveluiden neuvontaan.",
    "Ammattilainen sai konsultaation; tilannetta seurataan omassa työssä.",
)

FAMILY_VIEWS = (
    "Arki on ollut raskasta, mutta haluamme yhdessä eteenpäin.",
    "Toivomme, että kaikki tietävät, kuka tekee mitä.",
    "Tärkeintä on, että lapsi pääsee taas kouluun mielellään.",
    "Olemme huomanneet pieniä muutoksia parempaan.",
    "Haluan saada apua yhdestä paikasta.",
)
CHILD_VIEWS = (
    "Haluan, että kotona on rauhallisempaa.",
    "Koulussa on välillä kivaa, välillä ei.",
    "Toivon, että pääsen jalkapalloon taas.",
    "",
)
PROTECTIVE = (
    "Läheiset isovanhemmat, harrastus ja hyvä suhde opettajaan.",
    "Perheellä on toimiva arjen rytmi ja tukeva naapuri.",
    "Asiakkaalla on motivaatiota ja tukeva ystäväpiiri.",
)
STRENGTHS = (
    "Lämmin suhde vanhempiin.",
    "Hyvä kaveri luokalla.",
    "Säännöllinen rytmi.",
    "Motivaatio muutokseen.",
)
VULNERABILITIES = (
    "Univaikeudet.",
    "Riitoja kotona.",
    "Poissaoloja.",
    "Taloudellinen tiukkuus.",
    "",
)
GOALS = {
    "children-families": (
        ("child", "Käyn koulussa joka päivä", "0 = en lainkaan, 10 = joka päivä"),
        ("parents", "Iltojen rytmi toimii", "0 = ei koskaan, 10 = joka ilta"),
        ("child", "Minulla on kaveri, jonka kanssa olla", "0 = ei ketään, 10 = monta"),
        ("parents", "Jaksamme arjessa paremmin", "0 = emme jaksa, 10 = jaksamme hyvin"),
    ),
    "working-age": (
        ("client", "Työkykyni on arvioitu ja suunnitelma tehty", "0 = ei alkua, 10 = valmis"),
        ("client", "Pääsen kuntouttavaan työtoimintaan", "0 = en, 10 = aloitettu"),
        ("client", "Asumiseni on turvattu", "0 = uhattuna, 10 = turvattu"),
    ),
}
PROMISES = {
    "family": (
        "Sovimme kotona iltarutiinit ja kokeilemme niitä kaksi viikkoa.",
        "Käyn koulun vanhempainillassa.",
        "Kerron opettajalle, miten viikko on mennyt.",
        "Haen toimeentulotukea ja vien liitteet.",
    ),
    "child": (
        "Kokeilen kerhoa kerran viikossa.",
        "Kerron aikuiselle, jos jokin painaa mieltä.",
    ),
    "professional": (
        "Järjestän tukiopetuksen kahdesti viikossa.",
        "Varaan ajan perheneuvolaan.",
        "Selvitän harrastusavustuksen ja kerron perheelle.",
        "Soitan perheelle viikon päästä ja kysyn kuulumiset.",
        "Teen työkykyarvion ja kirjaan suunnitelman.",
        "Ohjaan kuntouttavaan työtoimintaan.",
    ),
}
REVIEW_NOTES = {
    "kept": "Tehty sovitusti.",
    "partly": "Osittain tehty, jatketaan.",
    "not_kept": "Ei ehditty, sovitaan uudelleen.",
}
CLOSING_SUMMARIES = (
    "Tavoitteet saavutettiin; perhe jatkaa arjen tuen turvin.",
    "Työ jatkuu toisessa palvelussa sovitusti.",
    "Perhe päätti lopettaa verkostotyön; ovi jää auki.",
    "Perhe muutti toiselle paikkakunnalle; tiedot siirrettiin luvalla.",
)
LATE_REASONS = (
    "Perhe toivoi myöhempää ajankohtaa.",
    "Keskeiset osallistujat eivät päässeet aiemmin.",
)
DECISIONS = (
    "Koulutetaan alueen ammattilaiset LP-menetelmään.",
    "Sovitaan yhteinen käytäntö koollekutsuun kahden viikon kuluessa.",
    "Otetaan palaute käsittelyyn jokaisessa yksikössä.",
    "Lisätään yhteisiä tapaamisaikoja koulun tiloihin.",
)
COMMITMENTS = (
    "Käyn läpi palautteen oman yksikköni kanssa.",
    "Varmistan, että yksikköni ammattilaiset tuntevat koordinoivan numeron.",
    "Selvitän koulutustarpeet yksikössäni.",
    "Vien päätöksen tiedoksi henkilöstölle.",
)
TEAM_GOALS = {
    "children-families": "Lasten ja perheiden toimiva arki monialaisella yhteistyöllä",
    "working-age": "Työkyvyn ja työllistymisen paraneminen monialaisella yhteistyöllä",
}
FEEDBACK_COMMENTS = (
    "Hyvä, että kaikki olivat samassa pöydässä.",
    "Tapaaminen oli liian lyhyt.",
    "Kiitos, nyt tiedän mitä seuraavaksi tapahtuu.",
    "Toivoisin tapaamisen iltapäivään.",
)
