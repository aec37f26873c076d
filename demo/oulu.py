"""A synthetic Oulu: the areas, actors and people of the demo region.

Every actor named in the seed documents is here, for both programmes: the children and
families picture (day care, school, neuvola, student welfare and school health care,
third sector and leisure, youth work, mental-health and substance-abuse services,
doctors and nurses, adult social work, family social work, the parish, Kela, NGOs) and
the working-age services picture (seed 004). Public bodies keep their public names;
companies and associations are invented ("Esimerkki …", "… ry"). Addresses, phone
numbers and people are synthetic.
"""

from __future__ import annotations

from dataclasses import dataclass

from audit.roles import Role

CHILDREN = "children-families"
WORKING_AGE = "working-age"
BOTH = (CHILDREN, WORKING_AGE)

CITY = "Oulu"
CENTRE = None  # services for the whole city are located in the centre, not in one area


@dataclass(frozen=True)
class AreaSpec:
    code: str
    name: str
    genitive: str
    population: int
    child_population: int
    description: str
    postal_code: str
    streets: tuple[str, ...]


AREAS = (
    AreaSpec(
        code="kaakkuri",
        name="Kaakkuri",
        genitive="Kaakkurin",
        population=16000,
        child_population=4300,
        description=(
            "Synteettinen demotieto: asukasluku ja lasten määrä ovat keksittyjä arvioita. "
            "Kaakkuri-pilotti oli Oulun yhteisövaikuttavuusmallin varhainen versio."
        ),
        postal_code="90410",
        streets=("Kaakkurintie", "Ruismetsäntie", "Lämsänjärventie", "Kaakkurinkaari"),
    ),
    AreaSpec(
        code="tuira",
        name="Tuira",
        genitive="Tuiran",
        population=60000,
        child_population=11800,
        description=(
            "Pilotointi hyvinvointikeskus: Tuira 60 000 asukasta (Oulun seudun kuntakokeilu). "
            "Lasten määrä on synteettinen demotieto."
        ),
        postal_code="90500",
        streets=("Valtatie", "Koskitie", "Kemintie", "Pikisaarentie"),
    ),
)
CENTRE_POSTAL_CODE = "90100"
CENTRE_STREETS = ("Kirkkokatu", "Isokatu", "Torikatu", "Hallituskatu", "Kauppurienkatu")


@dataclass(frozen=True)
class OrganisationSpec:
    key: str
    name: str
    sector: str
    description: str


ORGANISATIONS = (
    OrganisationSpec(
        "oulu-sivistys",
        "Oulun kaupunki, sivistys- ja kulttuuripalvelut",
        "education-culture",
        "Varhaiskasvatus, perusopetus, nuorisotyö, liikunta, kirjasto ja kulttuuri.",
    ),
    OrganisationSpec(
        "hyvinvointialue",
        "Pohjois-Pohjanmaan hyvinvointialue",
        "social-health",
        "Sosiaali- ja terveyspalvelut: neuvolat, perhe- ja aikuissosiaalityö, vastaanotot, "
        "mielenterveys- ja päihdepalvelut, kuntoutus.",
    ),
    OrganisationSpec(
        "oys",
        "Pohjois-Pohjanmaan hyvinvointialue, erikoissairaanhoito (OYS)",
        "specialised-health-care",
        "Erikoissairaanhoito: lasten, nuorten ja aikuisten poliklinikat.",
    ),
    OrganisationSpec(
        "oulu-tyollisyys",
        "Oulun kaupunki, työllisyyspalvelut",
        "employment",
        "Kunnan työllisyyspalvelut, TYP, Byströmin Ohjaamo ja PALO-hankkeen "
        "asiakaskoordinaattorit.",
    ),
    OrganisationSpec(
        "te-palvelut",
        "TE-palvelut, Pohjois-Pohjanmaa",
        "employment",
        "Julkiset työvoima- ja yrityspalvelut.",
    ),
    OrganisationSpec(
        "oulu-elinkeino",
        "Oulun kaupunki, elinkeinopalvelut",
        "employers-business",
        "Yritys- ja rekrytointipalvelut, työnantajayhteistyö.",
    ),
    OrganisationSpec(
        "rakennus",
        "Esimerkki Rakennus ja Huolto Oy",
        "employers-business",
        "Synteettinen demotyönantaja: rakentaminen ja kiinteistöhuolto.",
    ),
    OrganisationSpec(
        "logistiikka",
        "Esimerkki Kauppa ja Logistiikka Oy",
        "employers-business",
        "Synteettinen demotyönantaja: vähittäiskauppa ja varastot.",
    ),
    OrganisationSpec(
        "oppilaitos",
        "Esimerkki ammattiopisto",
        "education-culture",
        "Synteettinen demo-oppilaitos: ammatillinen koulutus ja aikuiskoulutus.",
    ),
    OrganisationSpec(
        "kela",
        "Kela, Oulun palvelupiste",
        "ngos-parish-kela",
        "Perusturvan etuudet ja Kelan kuntoutus.",
    ),
    OrganisationSpec(
        "seurakunnat",
        "Oulun seurakunnat",
        "ngos-parish-kela",
        "Seurakunnan perhe-, diakonia- ja nuorisotyö.",
    ),
    OrganisationSpec(
        "perheyhdistys-kaakkuri",
        "Kaakkurin perheyhdistys ry",
        "ngos-parish-kela",
        "Synteettinen paikallisyhdistys: perhekahvila, vertaistuki ja lasten harrastukset.",
    ),
    OrganisationSpec(
        "perheyhdistys-tuira",
        "Tuiran lapsi- ja perheyhdistys ry",
        "ngos-parish-kela",
        "Synteettinen paikallisyhdistys: perhekahvila, vertaistuki ja lasten harrastukset.",
    ),
    OrganisationSpec(
        "tyollistamisyhdistys",
        "Pohjoisen työllistämisyhdistys ry",
        "ngos-parish-kela",
        "Synteettinen yhdistys: työpajat, kuntouttava työtoiminta ja vertaistuki.",
    ),
    OrganisationSpec(
        "tyoelake",
        "Esimerkki Työeläkeyhtiö",
        "rehabilitation-pension-insurance",
        "Synteettinen työeläkeyhtiö: työeläkekuntoutus ja eläketurva.",
    ),
    OrganisationSpec(
        "vakuutus",
        "Esimerkki Vakuutusyhtiö",
        "rehabilitation-pension-insurance",
        "Synteettinen vakuutusyhtiö: tapaturma- ja liikennevakuutuksen kuntoutus.",
    ),
    OrganisationSpec(
        "kuntoutus-oy",
        "Esimerkki Kuntoutus ja Terapia Oy",
        "private-providers",
        "Synteettinen yksityinen palveluntuottaja: terapia- ja kuntoutuspalvelut.",
    ),
    OrganisationSpec(
        "tyoterveys-oy",
        "Esimerkki Työterveys Oy",
        "private-providers",
        "Synteettinen yksityinen palveluntuottaja: työterveyshuolto.",
    ),
)


@dataclass(frozen=True)
class ServiceSpec:
    """A service; with ``per_area`` one per area, ``{area}`` in names being the genitive.

    Per-area services are keyed ``<key>:<area code>``; day-care centres ``daycare:<area
    code>:<number>``. ``located_in`` is the area of the location (None: the city centre).
    """

    key: str
    organisation: str
    name: str
    basic_task: str
    programmes: tuple[str, ...]
    location: str
    per_area: bool = False
    areas: tuple[str, ...] = ("kaakkuri", "tuira")
    located_in: str | None = CENTRE


DAYCARES = {
    "kaakkuri": ("Kaakkurin päiväkoti", "Lämsänjärven päiväkoti", "Kaakkurinkulman päiväkoti"),
    "tuira": ("Tuiran päiväkoti", "Pikisaaren päiväkoti", "Hietasaaren päiväkoti"),
}
DAYCARE_TASK = (
    "Varhaiskasvatus: tukee lapsen kasvua, kehitystä ja oppimista joka päivä yhdessä "
    "huoltajien kanssa ja huomaa varhain, jos lapsen arki kaipaa lisätukea."
)

SERVICES = (
    # Children and families (seeds 000, 001, 003), one per area.
    ServiceSpec(
        "school",
        "oulu-sivistys",
        "{area} koulu",
        "Perusopetus: opettaa ja tukee oppilaan koulunkäyntiä, seuraa poissaoloja ja ottaa "
        "huolen puheeksi oppilaan ja huoltajien kanssa.",
        (CHILDREN,),
        "{area} koulu",
        per_area=True,
    ),
    ServiceSpec(
        "neuvola",
        "hyvinvointialue",
        "{area} neuvola",
        "Äitiys- ja lastenneuvola: seuraa raskautta sekä lapsen kasvua ja kehitystä ja tukee "
        "vanhemmuutta ja koko perheen hyvinvointia.",
        (CHILDREN,),
        "{area} hyvinvointikeskus",
        per_area=True,
    ),
    ServiceSpec(
        "student-welfare",
        "hyvinvointialue",
        "{area} oppilashuolto ja kouluterveydenhuolto",
        "Koulukuraattorit, koulupsykologit ja kouluterveydenhoitajat tukevat oppilaan "
        "hyvinvointia, oppimista ja terveyttä koulun arjessa ja kokoavat tarvittaessa "
        "oppilashuollon monialaisen asiantuntijaryhmän.",
        (CHILDREN,),
        "{area} koulun oppilashuolto",
        per_area=True,
    ),
    ServiceSpec(
        "youth-work",
        "oulu-sivistys",
        "{area} nuorisotyö",
        "Nuorisotyö: nuorisotalon avoin toiminta sekä etsivä ja jalkautuva nuorisotyö antavat "
        "nuorelle turvallisen aikuisen ja mielekästä tekemistä vapaa-ajalla.",
        (CHILDREN,),
        "{area} nuorisotalo",
        per_area=True,
    ),
    ServiceSpec(
        "reception",
        "hyvinvointialue",
        "Vastaanoton lääkärit ja hoitajat, {area} hyvinvointikeskus",
        "Terveysaseman vastaanotto: hoitaa asiakkaan terveyttä ja sairauksia ja huomaa, kun "
        "vanhemman voimavarat tai lapsen tilanne kaipaa lisätukea.",
        BOTH,
        "{area} hyvinvointikeskus",
        per_area=True,
    ),
    ServiceSpec(
        "adult-social-work",
        "hyvinvointialue",
        "{area} aikuissosiaalityö",
        "Aikuissosiaalityö: tukee täysi-ikäisiä asiakkaita toimeentulon, asumisen ja "
        "elämänhallinnan kysymyksissä ja ottaa huomioon asiakkaan alaikäiset lapset.",
        BOTH,
        "{area} hyvinvointikeskus",
        per_area=True,
    ),
    ServiceSpec(
        "family-social-work",
        "hyvinvointialue",
        "{area} perhesosiaalityö",
        "Perhesosiaalityö: vastaa alueen perhesosiaalityön ohjaus- ja neuvontanumeroon, miettii "
        "soittajan kanssa, kenellä on mahdollisuuksia toimia perheen asiassa, ja kutsuu "
        "verkoston koolle kahden viikon kuluessa.",
        (CHILDREN,),
        "{area} hyvinvointikeskus",
        per_area=True,
    ),
    ServiceSpec(
        "family-association-kaakkuri",
        "perheyhdistys-kaakkuri",
        "Perhetoiminta, vertaistuki ja harrastukset",
        "Kolmas sektori ja vapaa-aika: perhekahvila, vertaistukiryhmät ja edulliset "
        "harrastukset tuovat perheen arkeen turvallisia aikuisia ja muita perheitä.",
        (CHILDREN,),
        "Kaakkurin perhetalo",
        areas=("kaakkuri",),
        located_in="kaakkuri",
    ),
    ServiceSpec(
        "family-association-tuira",
        "perheyhdistys-tuira",
        "Perhetoiminta, vertaistuki ja harrastukset",
        "Kolmas sektori ja vapaa-aika: perhekahvila, vertaistukiryhmät ja edulliset "
        "harrastukset tuovat perheen arkeen turvallisia aikuisia ja muita perheitä.",
        (CHILDREN,),
        "Tuiran perhetalo",
        areas=("tuira",),
        located_in="tuira",
    ),
    # Both areas, one service.
    ServiceSpec(
        "mental-health-substance",
        "hyvinvointialue",
        "Mielenterveys- ja päihdepalvelut",
        "Aikuisten mielenterveys- ja päihdepalvelut: hoitavat vanhemman mielenterveyttä ja "
        "päihteiden käyttöä ja ottavat puheeksi, miten asiakkaan lapset voivat.",
        (CHILDREN,),
        "Mielenterveys- ja päihdekeskus",
    ),
    ServiceSpec(
        "parish",
        "seurakunnat",
        "Seurakunnan perhe- ja diakoniatyö",
        "Srk: perhe- ja nuorisotyön kerhot ja leirit, diakoniatyön keskusteluapu ja "
        "taloudellinen apu kaikille avun tarvitsijoille.",
        BOTH,
        "Seurakuntakeskus",
    ),
    ServiceSpec(
        "kela",
        "kela",
        "Kelan etuudet ja kuntoutus",
        "Kela: perheiden ja työikäisten perusturvan etuudet, kuten lapsilisä, "
        "toimeentulotuki ja sairauspäiväraha, sekä ammatillinen ja lääkinnällinen kuntoutus.",
        BOTH,
        "Kelan palvelupiste",
    ),
    ServiceSpec(
        "sports-leisure",
        "oulu-sivistys",
        "Liikunta ja vapaa-aika",
        "Liikuntaneuvonta, soveltava liikunta ja edulliset harrastusmahdollisuudet lapsille, "
        "nuorille ja työikäisille.",
        BOTH,
        "Liikuntapalvelujen toimipiste",
    ),
    ServiceSpec(
        "specialised-care",
        "oys",
        "Erikoissairaanhoito: poliklinikat",
        "Erikoissairaanhoito: lasten- ja nuorisopsykiatrian, psykiatrian ja kuntoutuksen "
        "poliklinikat tutkivat ja hoitavat ja tukevat lähipalveluja perheen ja asiakkaan "
        "arjessa.",
        BOTH,
        "Oulun yliopistollinen sairaala",
    ),
    ServiceSpec(
        "ohjaamo",
        "oulu-tyollisyys",
        "Byströmin Ohjaamo",
        "Ohjaamo: alle 30-vuotiaiden matalan kynnyksen ohjaus- ja neuvontapiste opiskeluun, "
        "työhön, asumiseen ja arjen asioihin.",
        BOTH,
        "Byströmin talo",
    ),
    # Working-age services (seed 004).
    ServiceSpec(
        "social-services",
        "hyvinvointialue",
        "Työikäisten sosiaalipalvelut",
        "Sosiaalipalvelut: sosiaaliohjaus ja sosiaalityö tukevat työikäisen asiakkaan "
        "toimeentuloa, asumista ja osallisuutta, myös kuntouttavan työtoiminnan avulla.",
        (WORKING_AGE,),
        "Sosiaalipalvelujen toimipiste",
    ),
    ServiceSpec(
        "health-services",
        "hyvinvointialue",
        "Työikäisten terveyspalvelut",
        "Terveyspalvelut: hoitavat työikäisen asiakkaan terveyttä ja arvioivat työkykyä "
        "yhdessä työkykytiimin kanssa.",
        (WORKING_AGE,),
        "Terveyspalvelujen toimipiste",
    ),
    ServiceSpec(
        "future-health-centre",
        "hyvinvointialue",
        "Tulevaisuuden sosiaali- ja terveyskeskus, Tuiran hyvinvointikeskus",
        "Tulevaisuuden sosiaali- ja terveyskeskus: kokoaa sosiaali- ja terveyspalvelut saman "
        "katon alle, jotta asiakas saa yhteyden yhdellä yhteydenotolla (pilotti).",
        BOTH,
        "Tuiran hyvinvointikeskus",
        areas=("tuira",),
        located_in="tuira",
    ),
    ServiceSpec(
        "mt-services",
        "hyvinvointialue",
        "MT-palvelut (aikuisten mielenterveyspalvelut)",
        "MT-palvelut: arvioivat ja hoitavat työikäisen asiakkaan mielenterveyttä ja tukevat "
        "työkykyä osana asiakkaan verkostoa.",
        (WORKING_AGE,),
        "Mielenterveys- ja päihdekeskus",
    ),
    ServiceSpec(
        "substance-services",
        "hyvinvointialue",
        "Päihdepalvelut",
        "Päihdepalvelut: päihteiden käytön arviointi, hoito ja kuntoutus, jotta asiakkaan arki "
        "ja työkyky vahvistuvat.",
        (WORKING_AGE,),
        "Mielenterveys- ja päihdekeskus",
    ),
    ServiceSpec(
        "work-ability-team",
        "hyvinvointialue",
        "Työkykytiimi",
        "Työkykytiimi: työkykykoordinaattorit ja tiimin ammattilaiset arvioivat asiakkaan "
        "työkyvyn tuen tarpeen ja sovittavat yhteen työkyvyn tuen menetelmät.",
        (WORKING_AGE,),
        "Terveyspalvelujen toimipiste",
    ),
    ServiceSpec(
        "rehabilitation",
        "hyvinvointialue",
        "Kuntoutuspalvelut",
        "Kuntoutuspalvelut: fysio-, toiminta- ja neuropsykologinen kuntoutus sekä "
        "kuntoutusohjaus, jotta asiakkaan toimintakyky ja työkyky paranevat.",
        (WORKING_AGE,),
        "Kuntoutuskeskus",
    ),
    ServiceSpec(
        "municipal-employment",
        "oulu-tyollisyys",
        "Kunnan työllisyyspalvelut",
        "Kunnan työllisyyspalvelut: työnhaun ohjaus, työvalmennus, palkkatuki ja "
        "työkokeilut työttömille työnhakijoille.",
        (WORKING_AGE,),
        "Työllisyyspalvelujen toimipiste",
    ),
    ServiceSpec(
        "typ",
        "oulu-tyollisyys",
        "TYP – työllistymistä edistävä monialainen yhteispalvelu",
        "TYP: kunta, TE-palvelut ja Kela suunnittelevat yhdessä pitkään työttömänä olleen "
        "asiakkaan kanssa hänen tarvitsemansa palvelut.",
        (WORKING_AGE,),
        "Työllisyyspalvelujen toimipiste",
    ),
    ServiceSpec(
        "palo",
        "oulu-tyollisyys",
        "PALO-hankkeen asiakaskoordinaattorit",
        "Asiakaskoordinaattorit saattavat palvelut ja toimijat yhteen: ottavat vastaan "
        "asiakkaan tai työntekijän yhteydenoton ja kokoavat asiakkaan verkoston.",
        (WORKING_AGE,),
        "Työllisyyspalvelujen toimipiste",
    ),
    ServiceSpec(
        "te-services",
        "te-palvelut",
        "TE-palvelut: työnhaku ja asiantuntijapalvelut",
        "TE-palvelut: työnhakijan palvelut, ammatinvalinta- ja uraohjaus sekä työvoimakoulutus.",
        (WORKING_AGE,),
        "TE-palvelujen toimipiste",
    ),
    ServiceSpec(
        "business-services",
        "oulu-elinkeino",
        "Elinkeinopalvelut: yritys- ja rekrytointipalvelut",
        "Elinkeinopalvelut: auttavat yrityksiä rekrytoimaan ja löytämään osatyökykyisille "
        "sopivia työtehtäviä.",
        (WORKING_AGE,),
        "Elinkeinopalvelujen toimipiste",
    ),
    ServiceSpec(
        "employer-construction",
        "rakennus",
        "Työkokeilu- ja työpaikat",
        "Työnantaja: tarjoaa työkokeilu-, palkkatuki- ja työpaikkoja ja sopii työtehtävien "
        "mukauttamisesta asiakkaan työkyvyn mukaan.",
        (WORKING_AGE,),
        "Esimerkki Rakennus ja Huolto, toimisto",
        areas=("kaakkuri",),
        located_in="kaakkuri",
    ),
    ServiceSpec(
        "employer-logistics",
        "logistiikka",
        "Työkokeilu- ja työpaikat",
        "Työnantaja: tarjoaa työkokeilu-, palkkatuki- ja työpaikkoja ja sopii työtehtävien "
        "mukauttamisesta asiakkaan työkyvyn mukaan.",
        (WORKING_AGE,),
        "Esimerkki Kauppa ja Logistiikka, varasto",
        areas=("tuira",),
        located_in="tuira",
    ),
    ServiceSpec(
        "culture",
        "oulu-sivistys",
        "Sivistys- ja kulttuuripalvelut: kirjasto, kulttuuri ja kansalaisopisto",
        "Sivistys- ja kulttuuripalvelut: kirjasto, kulttuuri ja kansalaisopisto tarjoavat "
        "osallisuutta, oppimista ja mielekästä tekemistä.",
        (WORKING_AGE,),
        "Pääkirjasto",
    ),
    ServiceSpec(
        "vocational-school",
        "oppilaitos",
        "Oppilaitokset ja koulutuspalvelut: ammatillinen koulutus ja aikuiskoulutus",
        "Oppilaitos: ammatillinen koulutus, aikuiskoulutus ja opiskelijan tuki, myös "
        "osatutkinnot työelämän tarpeisiin.",
        (WORKING_AGE,),
        "Esimerkki ammattiopisto, kampus",
    ),
    ServiceSpec(
        "private-therapy",
        "kuntoutus-oy",
        "Yksityiset palveluntuottajat: terapia ja kuntoutus",
        "Yksityinen palveluntuottaja: terapia- ja kuntoutuspalvelut ostopalveluna tai "
        "Kelan kuntoutuksena.",
        (WORKING_AGE,),
        "Esimerkki Kuntoutus ja Terapia, vastaanotto",
    ),
    ServiceSpec(
        "pension",
        "tyoelake",
        "Työeläkekuntoutus",
        "Työeläkeyhtiö: ammatillinen kuntoutus, kun sairaus uhkaa työkykyä, ja eläketurva.",
        (WORKING_AGE,),
        "Esimerkki Työeläkeyhtiö, Oulun toimisto",
    ),
    ServiceSpec(
        "insurance",
        "vakuutus",
        "Vakuutusyhtiön kuntoutus ja korvaukset",
        "Vakuutusyhtiöt: tapaturma- ja liikennevakuutuksen kuntoutus ja korvaukset.",
        (WORKING_AGE,),
        "Esimerkki Vakuutusyhtiö, Oulun toimisto",
    ),
    ServiceSpec(
        "occupational-health",
        "tyoterveys-oy",
        "Työterveyshuolto",
        "Työterveys: arvioi ja tukee työntekijän työkykyä yhdessä työnantajan kanssa ja ohjaa "
        "ajoissa kuntoutukseen.",
        (WORKING_AGE,),
        "Esimerkki Työterveys, vastaanotto",
    ),
    ServiceSpec(
        "third-sector-workshops",
        "tyollistamisyhdistys",
        "Työpajat ja vertaistoiminta",
        "3. sektori: työpajat, kuntouttava työtoiminta ja vertaistuki vahvistavat arjen "
        "rytmiä, osaamista ja yhteisöön kuulumista.",
        (WORKING_AGE,),
        "Pohjoisen työllistämisyhdistys, työpaja",
    ),
)


@dataclass(frozen=True)
class ContactPointSpec:
    programme: str
    name: str  # "{area}": the area's name
    service: str  # service key; "{area}" is the area code for per-area services
    phones: dict[str, str]  # area code -> phone
    email: str
    opening_hours: str


CONTACT_POINTS = (
    ContactPointSpec(
        programme=CHILDREN,
        name="Perhesosiaalityön ohjaus ja neuvonta – {area}",
        service="family-social-work:{area}",
        phones={"kaakkuri": "08 5584 1610", "tuira": "08 5584 1620"},
        email="perhesosiaalityo.{area}@demo.arki.invalid",
        opening_hours="ma–pe klo 8–16",
    ),
    ContactPointSpec(
        programme=WORKING_AGE,
        name="Työikäisten asiakaskoordinaattorit – {area}",
        service="palo",
        phones={"kaakkuri": "08 5584 1630", "tuira": "08 5584 1630"},
        email="asiakaskoordinaattorit@demo.arki.invalid",
        opening_hours="ma–pe klo 9–15",
    ),
)


@dataclass(frozen=True)
class MembershipSpec:
    role: str
    area: str | None = None
    programme: str | None = None
    organisation: str | None = None


@dataclass(frozen=True)
class PersonSpec:
    """A demo user: a fixed login or, without one, firstname.lastname@demo.arki.invalid."""

    description: str
    memberships: tuple[MembershipSpec, ...]
    title: str = ""
    service: str | None = None  # service key of the Position
    login: str | None = None


def _member(
    role: str, area: str | None, programme: str | None, organisation: str
) -> MembershipSpec:
    return MembershipSpec(role, area, programme, organisation)


PEOPLE = (
    PersonSpec(
        "Coordinator, Kaakkuri, children and families",
        (_member(Role.COORDINATOR, "kaakkuri", CHILDREN, "hyvinvointialue"),),
        "Sosiaaliohjaaja, perhesosiaalityön ohjaus ja neuvonta",
        "family-social-work:kaakkuri",
        login="coordinator",
    ),
    PersonSpec(
        "Coordinator, Tuira, children and families",
        (_member(Role.COORDINATOR, "tuira", CHILDREN, "hyvinvointialue"),),
        "Sosiaaliohjaaja, perhesosiaalityön ohjaus ja neuvonta",
        "family-social-work:tuira",
    ),
    PersonSpec(
        "Customer coordinator, working-age services",
        (
            _member(Role.COORDINATOR, "kaakkuri", WORKING_AGE, "oulu-tyollisyys"),
            _member(Role.COORDINATOR, "tuira", WORKING_AGE, "oulu-tyollisyys"),
        ),
        "Asiakaskoordinaattori",
        "palo",
    ),
    PersonSpec(
        "Professional: school curator, Kaakkuri",
        (_member(Role.PROFESSIONAL, "kaakkuri", CHILDREN, "hyvinvointialue"),),
        "Koulukuraattori",
        "student-welfare:kaakkuri",
        login="professional",
    ),
    PersonSpec(
        "Professional: teacher, Kaakkuri school",
        (_member(Role.PROFESSIONAL, "kaakkuri", CHILDREN, "oulu-sivistys"),),
        "Luokanopettaja",
        "school:kaakkuri",
    ),
    PersonSpec(
        "Professional: day-care teacher, Kaakkuri",
        (_member(Role.PROFESSIONAL, "kaakkuri", CHILDREN, "oulu-sivistys"),),
        "Varhaiskasvatuksen opettaja",
        "daycare:kaakkuri:1",
    ),
    PersonSpec(
        "Professional: public health nurse, Tuira neuvola",
        (_member(Role.PROFESSIONAL, "tuira", CHILDREN, "hyvinvointialue"),),
        "Terveydenhoitaja",
        "neuvola:tuira",
    ),
    PersonSpec(
        "Professional: social worker, Tuira adult social work",
        (
            _member(Role.PROFESSIONAL, "tuira", CHILDREN, "hyvinvointialue"),
            _member(Role.PROFESSIONAL, "tuira", WORKING_AGE, "hyvinvointialue"),
        ),
        "Sosiaalityöntekijä",
        "adult-social-work:tuira",
    ),
    PersonSpec(
        "Professional: youth worker, Tuira",
        (_member(Role.PROFESSIONAL, "tuira", CHILDREN, "oulu-sivistys"),),
        "Nuoriso-ohjaaja",
        "youth-work:tuira",
    ),
    PersonSpec(
        "Professional: employment services counsellor",
        (
            _member(Role.PROFESSIONAL, "kaakkuri", WORKING_AGE, "oulu-tyollisyys"),
            _member(Role.PROFESSIONAL, "tuira", WORKING_AGE, "oulu-tyollisyys"),
        ),
        "Työllisyysasiantuntija",
        "municipal-employment",
    ),
    PersonSpec(
        "Professional: work-ability coordinator",
        (
            _member(Role.PROFESSIONAL, "kaakkuri", WORKING_AGE, "hyvinvointialue"),
            _member(Role.PROFESSIONAL, "tuira", WORKING_AGE, "hyvinvointialue"),
        ),
        "Työkykykoordinaattori",
        "work-ability-team",
    ),
    PersonSpec(
        "Leadership team member, Kaakkuri (school principal)",
        (_member(Role.LEADERSHIP_MEMBER, "kaakkuri", CHILDREN, "oulu-sivistys"),),
        "Rehtori",
        "school:kaakkuri",
        login="leader",
    ),
    PersonSpec(
        "Leadership team member, Kaakkuri (third sector)",
        (_member(Role.LEADERSHIP_MEMBER, "kaakkuri", CHILDREN, "perheyhdistys-kaakkuri"),),
        "Toiminnanjohtaja",
        "family-association-kaakkuri",
    ),
    PersonSpec(
        "Leadership team member, Tuira (family social work)",
        (_member(Role.LEADERSHIP_MEMBER, "tuira", CHILDREN, "hyvinvointialue"),),
        "Palveluesihenkilö, perhesosiaalityö",
        "family-social-work:tuira",
    ),
    PersonSpec(
        "Leadership team member, working-age services",
        (_member(Role.LEADERSHIP_MEMBER, None, WORKING_AGE, "oulu-tyollisyys"),),
        "Työllisyyspalvelujen päällikkö",
        "municipal-employment",
    ),
    PersonSpec(
        "Developer worker (backbone)",
        (_member(Role.DEVELOPER_WORKER, None, None, "oulu-sivistys"),),
        login="developer",
    ),
    PersonSpec(
        "Learning-network coordinator (hub)",
        (MembershipSpec(Role.LEARNING_NETWORK),),
        login="network",
    ),
    PersonSpec(
        "Data protection officer",
        (MembershipSpec(Role.DATA_PROTECTION_OFFICER),),
        login="dpo",
    ),
    PersonSpec(
        "Administrator",
        (MembershipSpec(Role.ADMINISTRATOR),),
        login="admin",
    ),
)
