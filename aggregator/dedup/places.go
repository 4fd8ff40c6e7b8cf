package dedup

import "strings"

// The gazetteer: the sixteen Länder with their adjectives, abbreviations and
// English names, and the larger cities with their Land. It serves the hard
// negative "same template, different place": two texts that differ in a
// place name are different stories. Places not listed here are still found
// after an indicator word ("Landkreis Gotha", see placeIndicators).

type placeKind uint8

const (
	placeUnknown placeKind = iota // found by an indicator word; level unknown
	placeLand
	placeCity
)

type placeInfo struct {
	kind placeKind
	land uint8 // bit number in the Land mask (see lands.go)
}

// länder lists, per ISO 3166-2 code, the names by which a text may refer to
// the Land. The first name is the canonical one.
var länder = []struct {
	code  string
	names string
}{
	{"DE-BW", "Baden-Württemberg baden-württembergisch Baden-Wuerttemberg"},
	{"DE-BY", "Bayern bayerisch Bavaria Bavarian"},
	{"DE-BE", "Berlin Berliner"},
	{"DE-BB", "Brandenburg brandenburgisch Brandenburger"},
	{"DE-HB", "Bremen Bremer bremisch"},
	{"DE-HH", "Hamburg Hamburger hamburgisch"},
	{"DE-HE", "Hessen hessisch Hesse"},
	{"DE-MV", "Mecklenburg-Vorpommern M-V Mecklenburg Vorpommern mecklenburgisch"},
	{"DE-NI", "Niedersachsen niedersächsisch"},
	{"DE-NW", "Nordrhein-Westfalen NRW nordrhein-westfälisch Rhine-Westphalia"},
	{"DE-RP", "Rheinland-Pfalz rheinland-pfälzisch Rhineland-Palatinate"},
	{"DE-SL", "Saarland saarländisch"},
	{"DE-SN", "Sachsen sächsisch Saxony"},
	{"DE-ST", "Sachsen-Anhalt Saxony-Anhalt"},
	{"DE-SH", "Schleswig-Holstein schleswig-holsteinisch"},
	{"DE-TH", "Thüringen thüringisch Thuringia Thuringian"},
}

// cities lists cities by Land code; names separated by ";" and aliases of
// one city by ",". Ambiguous common words (Essen, Halle, Siegen, Hof) are
// left out on purpose: a false place costs a merge.
var cities = map[string]string{
	"DE-BW": "Stuttgart,Stuttgarter; Mannheim; Karlsruhe; Freiburg; Heidelberg; Ulm; Heilbronn; Pforzheim; Reutlingen; Esslingen; Ludwigsburg; Tübingen; Konstanz; Villingen-Schwenningen; Offenburg; Aalen; Sindelfingen; Friedrichshafen",
	"DE-BY": "München,Münchner,Munich; Nürnberg,Nuremberg; Augsburg; Regensburg; Ingolstadt; Würzburg; Fürth; Erlangen; Bamberg; Bayreuth; Landshut; Aschaffenburg; Kempten; Rosenheim; Passau; Schweinfurt; Neu-Ulm; Straubing",
	"DE-BB": "Potsdam,Potsdamer; Cottbus; Oranienburg; Eberswalde; Neuruppin; Senftenberg",
	"DE-HB": "Bremerhaven",
	"DE-HE": "Wiesbaden,Wiesbadener; Frankfurt,Frankfurter; Kassel,Kasseler; Darmstadt,Darmstädter; Offenbach; Hanau; Gießen; Marburg; Fulda; Rüsselsheim; Wetzlar; Limburg",
	"DE-MV": "Schwerin,Schweriner; Rostock,Rostocker; Neubrandenburg; Stralsund; Greifswald; Wismar; Güstrow; Neustrelitz",
	"DE-NI": "Hannover,Hannoversch,Hanover; Braunschweig,Brunswick; Oldenburg; Osnabrück; Wolfsburg; Göttingen; Salzgitter; Hildesheim; Delmenhorst; Wilhelmshaven; Lüneburg; Celle; Lingen; Cuxhaven; Emden",
	"DE-NW": "Düsseldorf,Düsseldorfer; Köln,Kölner,Cologne; Dortmund; Duisburg; Bochum; Wuppertal; Bielefeld; Bonn,Bonner; Münster,Münsteraner; Mönchengladbach; Gelsenkirchen; Aachen,Aachener; Krefeld; Oberhausen; Leverkusen; Solingen; Herne; Neuss; Paderborn; Bottrop; Recklinghausen; Remscheid; Gütersloh; Detmold; Arnsberg; Iserlohn; Düren; Ratingen; Velbert; Lüdenscheid",
	"DE-RP": "Mainz,Mainzer; Ludwigshafen; Koblenz; Trier; Kaiserslautern; Speyer; Landau; Neuwied; Pirmasens",
	"DE-SL": "Saarbrücken,Saarbrücker; Neunkirchen; Saarlouis; Homburg; Völklingen; Merzig",
	"DE-SN": "Dresden,Dresdner; Leipzig,Leipziger; Chemnitz,Chemnitzer; Zwickau; Plauen; Görlitz; Bautzen; Freiberg; Pirna; Meißen",
	"DE-ST": "Magdeburg,Magdeburger; Dessau,Dessau-Roßlau; Wittenberg,Lutherstadt; Halberstadt; Stendal; Weißenfels; Bitterfeld-Wolfen; Merseburg; Naumburg",
	"DE-SH": "Kiel,Kieler; Lübeck,Lübecker; Flensburg; Neumünster; Norderstedt; Elmshorn; Pinneberg; Itzehoe",
	"DE-TH": "Erfurt,Erfurter; Jena,Jenaer; Gera,Geraer; Weimar,Weimarer; Gotha,Gothaer; Eisenach; Nordhausen; Suhl; Mühlhausen; Altenburg; Ilmenau; Sömmerda; Saalfeld; Arnstadt; Meiningen",
}

// gazetteer maps the folded, stemmed form of a name to the key of its
// canonical place; placeInfos maps that key to its kind and Land.
var (
	gazetteer  = map[string]uint32{}
	placeInfos = map[uint32]placeInfo{}
)

// buildGazetteer fills gazetteer and placeInfos; called by the lexicon's
// init, which needs them.
func buildGazetteer() {
	add := func(names []string, info placeInfo) {
		canon := placeKey(normWord(names[0], true))
		placeInfos[canon] = info
		for _, n := range names {
			gazetteer[normWord(n, true)] = canon
		}
	}
	for _, l := range länder {
		add(strings.Fields(l.names), placeInfo{kind: placeLand, land: landBit(l.code)})
	}
	for code, list := range cities {
		for _, city := range strings.Split(list, ";") {
			names := strings.Split(city, ",")
			for i := range names {
				names[i] = strings.TrimSpace(names[i])
			}
			add(names, placeInfo{kind: placeCity, land: landBit(code)})
		}
	}
}

// placesCompatible reports whether two different places can both be named
// by texts about the same story: a city and its own Land, or a place of
// unknown level and a Land. Two cities, two Länder, a city and another Land,
// or two places of unknown level are incompatible.
func placesCompatible(a, b uint32) bool {
	ia, ka := placeInfos[a]
	ib, kb := placeInfos[b]
	switch {
	case !ka && !kb:
		return false
	case !ka:
		return ib.kind == placeLand
	case !kb:
		return ia.kind == placeLand
	case ia.kind == placeCity && ib.kind == placeLand:
		return ia.land == ib.land
	case ia.kind == placeLand && ib.kind == placeCity:
		return ia.land == ib.land
	}
	return false
}
