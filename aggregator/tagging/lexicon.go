package tagging

// This file holds the hand-written word lists. They encode editorial
// judgement that the municipality register cannot: which place names are
// also ordinary words, which words introduce a person, which regions belong
// to one Land. Keys are lower case (see fold in tokenize.go).

// commonWords are Gemeinde or Kreis names that are also ordinary German
// words, first names or surnames, or well-known places abroad. A bare
// mention is tagged only with a place cue ("Stadt Leer"), a qualifier
// ("Weil am Rhein") or at the head of a title ("Leer: …").
var commonWords = setOf(
	// nouns and plurals
	"essen", "halle", "hof", "lage", "wetter", "leer", "lauf", "laufen", "rain", "wangen", "kirchen",
	"berg", "bergen", "berge", "burg", "heide", "stein", "steinen", "haar", "regen", "bogen", "lehre",
	"stelle", "ohne", "waren", "gleichen", "meine", "sinn", "rot", "mauer", "mauern", "graben",
	"speicher", "fischen", "winzer", "vogt", "kuchen", "saal", "riegel", "ahorn", "holm", "floß",
	"lauben", "übersee", "spalt", "leck", "perl", "schotten", "schlitz", "mücke", "schlangen",
	"heiden", "wehr", "mengen", "wenden", "löhne", "wedel", "eich", "recke", "korb", "buch", "rohr",
	"sand", "moos", "au", "linden", "forst", "alpen", "norden", "werder", "datteln", "weiden",
	"buchen", "grafschaft", "weil", "börde", "lippe", "bergstraße", "anger", "wald", "horn", "haus",
	"brück", "bruch", "tal", "aue", "zell", "ried", "loch", "see", "kappel", "felde", "elbe", "oder",
	"wiesen", "stadt", "land", "markt", "amt", "kreis", "bad", "gut", "ende", "mitte", "ort",
	"insel", "kamp", "weiher", "ebene", "kranich", "adler", "falken", "fuchs", "wolf", "bären",
	"kranz", "kreuz", "dorf", "höfen", "mühle", "hütten", "welt", "feld", "felden",
	"post", "rathaus", "bahn", "jade", "twist", "selters", "salem", "march", "much", "seeland",
	"huy", "haag",
	// found by a review in session 3: "Bundes-", "digitales Wissen", "mit Geldern", "Haltern von
	// Hunden", "Machern", "Könnern", "Klötze", "Ebern"
	"bunde", "wissen", "geldern", "haltern", "machern", "könnern", "klötze", "ebern",
	// first names and surnames
	"roth", "achim", "horst", "lotte", "ernst", "linda", "marx", "merz", "weber", "koch", "lang",
	"hahn", "kühn", "barth", "werther",
	// places abroad or districts elsewhere
	"linz", "tessin", "nassau", "karlsbad", "weißensee", "bern",
)

// sentenceStartWords are names that are ordinary lower-case words (verbs,
// adjectives); they are capitalised, and so look like names, only at the
// start of a sentence, where they are not tagged without a cue.
var sentenceStartWords = setOf(
	"erlangen", "siegen", "gießen", "frechen", "kamen", "senden", "lehrte", "singen", "langen",
	"springe", "treuen", "süßen", "engen", "feucht", "hatten", "keltern", "brechen",
	"zimmern", "gingen", "empfingen", "morschen", "kürten", "leimen", "enger", "müden", "lindern",
	"höchst", "hausen", "kahl", "tauche", "lehre", "laufen", "wolfen",
)

// neverBare are Kreis or region names that are too vague to tag alone
// (they span several Länder or countries).
var neverBare = setOf("harz", "friesland", "eichsfeld", "rhön", "eifel", "odenwald", "lausitz",
	"spessart", "schwaben", "franken", "bodensee", "mosel", "baden")

// smallTownPop is the population below which a bare one-word Gemeinde name
// needs a cue: the names of small villages collide with ordinary words
// and surnames far more often than they are the news.
const smallTownPop = 5000

// tieBreakMinPop and tieBreakRatio decide a name shared by several Länder:
// the largest place wins when it has at least this many inhabitants and
// this many times more than the largest place of any other Land
// ("Frankfurt" → Frankfurt am Main, "Münster" → Münster (Westf.)).
// A name that is also an ordinary word is a weaker signal to begin with,
// so its namesakes must be negligible: "Stadt Essen" is Essen (NW, 61×
// Essen (Oldenburg)), but "Halle" stays open between Halle (Saale) and
// Halle (Westf.) (11×).
const (
	tieBreakMinPop      = 20000
	tieBreakRatio       = 8
	tieBreakRatioCommon = 20
)

// cityAdjectiveMinPop is the size from which a city's "-er" adjective is
// matched ("Kölner", "Nürnberger"). Smaller towns' adjectives are often
// surnames ("Wildberger").
const cityAdjectiveMinPop = 100000

// cityAdjectiveForms overrides the "-er" rule for cities whose adjective
// is irregular; an empty list means the adjective is not usable.
var cityAdjectiveForms = map[string][]string{
	"München":        {"Münchner", "Münchener"},
	"Dresden":        {"Dresdner", "Dresdener"},
	"Hannover":       {"Hannoversche", "Hannoverschen", "Hannoverscher", "Hannoveraner"},
	"Saarbrücken":    {"Saarbrücker"},
	"Recklinghausen": {"Recklinghäuser"},
	"Münster":        {"Münsteraner", "Münstersche", "Münsterschen"},
	"Salzgitter":     {"Salzgitteraner"},
	"Halle":          {"Hallenser", "Hallesche", "Halleschen", "Hallescher"},
	"Bremen":         nil, // "Bremer" is a Land alias
	"Berlin":         nil,
	"Hamburg":        nil,
	"Hamm":           nil, // "Hammer"
	"Kaiserslautern": {"Kaiserslauterer"},
	"Darmstadt":      {"Darmstädter"},
	"Ingolstadt":     {"Ingolstädter"},
}

// foodWords follow a Land or city adjective in the name of a food
// ("Thüringer Bratwurst", "Berliner Pfannkuchen"): no place reference.
var foodWords = setOf(
	"bratwurst", "bratwürste", "rostbratwurst", "rostbratwürste", "würstchen", "wurst", "würste",
	"pfannkuchen", "ballen", "weiße", "weisse", "klöße", "kloß", "lebkuchen", "allerlei", "stollen",
	"printen", "marzipan", "rippchen", "kranz", "kölsch", "mettwurst", "weißwurst", "weißwürste",
	"leberwurst", "brezel", "brezen", "senf", "bier", "pils", "klaben", "spargel", "schnitzel",
	"käse", "kuchen", "torte", "brot", "brötchen", "royal", "menü", "grüne", "soße", "sauce",
	"landbier", "kloßteig", "knödel", "kartoffelsalat", "sauerbraten", "lerche", "eierschecke",
	"quarkkeulchen", "zwiebelkuchen", "apfelwein", "handkäs", "rindswurst", "rotwurst",
)

// streetWords after a Land or city adjective make a street or square
// name ("Berliner Straße" in Offenbach, "Kölner Platz"), not a reference
// to that place.
var streetWords = setOf("straße", "strasse", "str", "allee", "platz", "weg", "ring", "chaussee",
	"damm", "brücke", "ufer", "gasse", "landstraße", "tor", "steig", "pfad", "markt", "wall")

// landmarks are multi-word names whose first word names another place.
var landmarks = []struct{ form, land string }{
	{"Brandenburger Tor", "DE-BE"},
	{"Brandenburger Tores", "DE-BE"},
	{"Brandenburger Tors", "DE-BE"},
	{"Potsdamer Platz", "DE-BE"},
	{"Potsdamer Platzes", "DE-BE"},
	{"Alexanderplatz", "DE-BE"},
	{"Roten Rathaus", "DE-BE"},
	{"Rotes Rathaus", "DE-BE"},
}

// suppressed are phrases that look like place references but are not:
// national media named after their city, and foods spelled as one phrase.
var suppressed = []string{
	"Frankfurter Allgemeine", "Frankfurter Allgemeinen", "FAZ",
	"Berliner Pfannkuchen", "Thüringer Bratwurst", "Thüringer Rostbratwurst", "Thüringer Klöße",
	"Hamburger Menü", "Bayer AG", "Bayer-Konzern",
	// national things named after a city
	"Düsseldorfer Tabelle", "Berliner Testament", "Berliner Testaments", "Hamburger Modell",
	"Hamburger Modells", "Münchener Rück", "Münchner Rück",
	// "auf Kiel legen": the keel of a ship, not the city.
	"Kiel gelegt", "Kiel legen", "Kiel zu legen", "Kiel gelegten",
}

// regions are landscapes, Regierungsbezirke and city districts that lie in
// one Land. Names that span several Länder (Harz, Eifel, Rhön, Lausitz,
// Odenwald, Allgäu is mostly BY and kept) are left out on purpose.
var regions = map[string][]string{
	"DE-BY": {"Oberbayern", "Niederbayern", "Oberpfalz", "Oberfranken", "Mittelfranken", "Unterfranken",
		"Allgäu", "Chiemgau", "Fichtelgebirge", "Altmühltal", "Frankenwald", "Steigerwald", "Ostbayern",
		"Werdenfelser Land", "Fränkische Schweiz", "oberbayerisch", "oberbayerische", "oberbayerischen",
		"oberbayerischer", "niederbayerisch", "niederbayerische", "niederbayerischen", "niederbayerischer",
		"oberpfälzisch", "oberpfälzische", "oberpfälzischen", "oberpfälzer", "fränkisch", "fränkische",
		"fränkischen", "fränkischer", "mittelfränkische", "mittelfränkischen", "oberfränkische",
		"oberfränkischen", "unterfränkische", "unterfränkischen", "Regierung von Oberbayern"},
	"DE-BW": {"Württemberg", "Schwarzwald", "Breisgau", "Hohenlohe", "Oberschwaben", "Kraichgau",
		"Ortenau", "Schwäbische Alb", "Markgräflerland", "Region Stuttgart", "Südbaden", "Nordbaden",
		"badisch", "badische", "badischen", "badischer", "badisches", "württembergisch",
		"württembergische", "württembergischen", "württembergischer"},
	"DE-HE": {"Rhein-Main", "Rhein-Main-Gebiet", "Taunus", "Wetterau", "Vogelsberg", "Rheingau"},
	"DE-NW": {"Ruhrgebiet", "Ruhrpott", "Rhein-Ruhr", "Münsterland", "Sauerland", "Siegerland", "Westfalen",
		"Ostwestfalen", "Ostwestfalen-Lippe", "OWL", "Niederrhein", "Bergisches Land", "Rheinland",
		"Metropole Ruhr", "westfälisch", "westfälische", "westfälischen", "westfälischer"},
	"DE-NI": {"Ostfriesland", "Wendland", "Lüneburger Heide", "Weserbergland", "Oldenburger Münsterland",
		"ostfriesisch", "ostfriesische", "ostfriesischen"},
	"DE-SH": {"Holstein", "holsteinisch", "holsteinische", "holsteinischen", "Nordfriesische Inseln"},
	"DE-MV": {"Mecklenburg", "Vorpommern", "Rügen", "Usedom", "Müritz", "mecklenburgisch",
		"mecklenburgische", "mecklenburgischen", "vorpommersche", "vorpommerschen"},
	"DE-BB": {"Niederlausitz", "Spreewald", "Oderbruch", "Ruppiner Land", "Märkische Schweiz"},
	"DE-SN": {"Erzgebirge", "Oberlausitz", "Vogtland", "Sächsische Schweiz"},
	"DE-ST": {"Altmark", "Anhalt", "Mansfelder Land", "anhaltisch", "anhaltische", "anhaltischen"},
	"DE-TH": {"Thüringer Wald", "Kyffhäuser"},
	"DE-RP": {"Pfalz", "Rheinhessen", "Westerwald", "Hunsrück", "Vorderpfalz", "Südpfalz", "Westpfalz",
		"Vulkaneifel", "Pfälzerwald", "Pfälzer Wald", "pfälzisch", "pfälzische", "pfälzischen", "pfälzischer"},
	"DE-SL": {"Saarpfalz"},
	// Bezirke and well-known Ortsteile of the city-states, which the register lacks.
	"DE-BE": {"Charlottenburg", "Charlottenburg-Wilmersdorf", "Friedrichshain", "Friedrichshain-Kreuzberg",
		"Kreuzberg", "Neukölln", "Pankow", "Spandau", "Steglitz", "Steglitz-Zehlendorf", "Zehlendorf",
		"Tempelhof", "Tempelhof-Schöneberg", "Schöneberg", "Treptow", "Treptow-Köpenick", "Köpenick",
		"Marzahn", "Marzahn-Hellersdorf", "Hellersdorf", "Reinickendorf", "Prenzlauer Berg",
		"Wilmersdorf", "Moabit", "Berlin-Mitte", "Bundeshauptstadt"},
	"DE-HH": {"Altona", "Eimsbüttel", "Wandsbek", "Bergedorf", "Hamburg-Nord", "Hamburg-Mitte",
		"Hamburg-Harburg", "Hamburg-Altona", "St. Pauli", "Sankt Pauli", "HafenCity", "Blankenese"},
	"DE-HB": {"Bremen-Nord", "Vegesack"},
}

// directionPrefixes combine with a one-word Land name into a region of that
// Land ("Nordhessen", "Ostsachsen", "Südniedersachsen").
var directionPrefixes = []string{"Nord", "Süd", "Ost", "West", "Mittel", "Nordost", "Nordwest", "Südost", "Südwest"}

// articles before a bare Gemeinde name make it a noun: German city names
// take no article ("das Münster" is a church, "am Rain" an edge of a field).
// Kreise and regions do ("das Emsland"), so the rule is for Gemeinden only.
var articles = setOf("der", "die", "das", "dem", "den", "des", "ein", "eine", "einem", "einen",
	"eines", "einer", "im", "am", "vom", "zum", "zur", "beim", "ins", "ans")

// placeCues are words after which a place name is a place even when it is
// also an ordinary word ("Stadt Leer", "Gemeinde Lauf").
var placeCues = setOf(
	"stadt", "gemeinde", "markt", "marktgemeinde", "hansestadt", "kreisstadt", "landeshauptstadt",
	"universitätsstadt", "großstadt", "kleinstadt", "mittelstadt", "stadtverwaltung", "gemeindeverwaltung",
	"kommune", "städte", "gemeinden", "kommunen", "kreisfreie", "stadtgebiet", "residenzstadt",
	"bischofsstadt", "domstadt", "messestadt", "hochschulstadt", "stadtrat", "gemeinderat",
)

// personTitles are words that introduce a person: a place-like word right
// after one is a surname ("Bürgermeister Plauen", "Frau Hesse").
var personTitles = setOf(
	"herr", "herrn", "frau", "dr", "prof", "professor", "professorin", "landrat", "landrätin",
	"abgeordnete", "abgeordneter", "abgeordneten", "sprecher", "sprecherin", "pressesprecher",
	"pressesprecherin", "geschäftsführer", "geschäftsführerin", "vorstand", "leiter", "leiterin",
	"direktor", "direktorin", "chef", "chefin", "dezernent", "dezernentin", "beigeordnete",
	"beigeordneter", "stadträtin", "kämmerer", "kämmerin", "cio", "cdo", "amtsleiter", "amtsleiterin",
	"referent", "referentin", "kollege", "kollegin", "mdb", "mdl", "pfarrer", "pfarrerin", "autor",
	"autorin", "moderator", "moderatorin", "richter", "richterin", "vorsitzende", "vorsitzender",
	"ministerin", "minister", "kanzler", "kanzlerin", "staatsrat", "staatsrätin", "landrat",
	"ratsherr", "ratsfrau", "projektleiter", "projektleiterin", "experte", "expertin",
)

// personTitleSuffixes mark compound titles ("Digitalminister",
// "Oberbürgermeisterin", "Staatssekretär").
var personTitleSuffixes = []string{
	"minister", "ministerin", "meister", "meisterin", "präsident", "präsidentin", "sekretär",
	"sekretärin", "senator", "senatorin", "beauftragte", "beauftragter", "beauftragten",
}

// sayingVerbs before a name make it the speaker ("…, sagte Prien").
var sayingVerbs = setOf("sagte", "sagt", "betonte", "betont", "erklärte", "erklärt", "so", "meint",
	"meinte", "kritisierte", "kritisiert", "forderte", "fordert", "ergänzte", "ergänzt", "sagten")

// parties after a name in parentheses mark a politician ("Plauen (SPD)").
var parties = setOf("cdu", "csu", "spd", "fdp", "grüne", "grünen", "afd", "linke", "bsw", "fw", "ssw",
	"freie", "piraten", "volt", "övp")

// firstNames are common German first names. A place-like word right after
// one is a surname ("Klaus Plauen").
var firstNames = setOf(
	"alexander", "alexandra", "andrea", "andreas", "angela", "anja", "anke", "anna", "anne", "annette",
	"antje", "armin", "axel", "barbara", "bärbel", "bastian", "beate", "benjamin", "bernd", "bernhard",
	"bettina", "birgit", "bodo", "boris", "brigitte", "carsten", "charlotte", "christa", "christian",
	"christiane", "christina", "christine", "christoph", "claudia", "cornelia", "daniel", "daniela",
	"david", "dennis", "detlef", "dieter", "dietmar", "dirk", "doris", "dorothee", "eckhard", "elke",
	"elisabeth", "emil", "erik", "eva", "fabian", "felix", "florian", "frank", "franz", "friedrich",
	"gabriele", "georg", "gerd", "gerhard", "gisela", "gregor", "günter", "günther", "hans", "hanna",
	"hannah", "harald", "heike", "heiko", "heinrich", "heinz", "helga", "helmut", "hendrik", "henning",
	"henriette", "herbert", "holger", "hubert", "hubertus", "ilse", "ina", "ines", "ingo", "ingrid",
	"iris", "jakob", "jan", "jana", "janine", "jens", "joachim", "jochen", "johann", "johanna",
	"johannes", "jonas", "jörg", "josef", "julia", "julian", "jürgen", "karin", "karl", "karsten",
	"katarina", "katharina", "kathrin", "katja", "katrin", "kerstin", "kevin", "kirsten", "klaus",
	"konstantin", "kristina", "lars", "laura", "lea", "lena", "leon", "lisa", "lothar", "lukas",
	"lutz", "manfred", "manuel", "manuela", "marc", "marco", "marcus", "margit", "maria", "marie",
	"mario", "marion", "mark", "markus", "martin", "martina", "mathias", "matthias", "max",
	"maximilian", "melanie", "michael", "michaela", "mike", "monika", "nadine", "nancy", "nicole",
	"niklas", "nils", "nina", "olaf", "oliver", "patrick", "paul", "peter", "petra", "philipp",
	"rainer", "ralf", "ralph", "reinhard", "renate", "rené", "robert", "roland", "rolf", "ronald",
	"rüdiger", "ruth", "sabine", "sandra", "sara", "sarah", "sascha", "sebastian", "silke", "simon",
	"simone", "sonja", "stefan", "stefanie", "steffen", "stephan", "stephanie", "susanne", "sven",
	"svenja", "tanja", "thomas", "thorsten", "tim", "tobias", "torsten", "ulf", "ulla", "ulrich",
	"ulrike", "ursula", "uta", "ute", "uwe", "valentin", "vera", "volker", "walter", "werner",
	"wilhelm", "winfried", "wolfgang", "yvonne", "nora", "malu", "manuela", "hendrik", "markus",
	"kai", "ole", "tino", "mario", "alexander", "reiner", "dietrich", "burkhard", "olaf", "friedrich",
	"nancy", "karsten", "dorothee", "kristina", "bettina", "cem", "lisa", "steffi", "anke", "hubert",
)

// setOf builds a lookup set.
// exactSetOf returns the set of words as written.
func exactSetOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// setOf returns the set of words, folded as the text they are looked up
// with is ("gießen" is stored as "giessen").
func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[fold(w)] = true
	}
	return m
}
