package aggregator_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/egovfeed/egovfeed/aggregator/dedup"
)

// TestVersion2FingerprintsKeepJointStories: a database of the previous
// build holds version 2 fingerprints, which carry no flagJoint; their
// text was never asked whether it speaks of working together. Two
// towns' joint announcement that the previous build merged (the texts
// say only "Nachbargemeinde"/"Nachbarn", c018 of place_pairs.jsonl) must
// stay one story when the upgraded build rebuilds the clusters with the
// places of its sources, as it does for the same items fetched anew.
func TestVersion2FingerprintsKeepJointStories(t *testing.T) {
	const title = "Gemeinsames Serviceportal ist online"
	teaserA := "Zusammen mit der Nachbargemeinde bietet die Gemeinde ab heute ein gemeinsames Serviceportal an. Zum Start sind 40 Leistungen online, darunter Gewerbeanmeldung, Hundesteuer und Sperrmüllanmeldung."
	teaserB := "Ab heute betreibt die Gemeinde mit ihrem nördlichen Nachbarn ein gemeinsames Serviceportal. 40 Verwaltungsleistungen – von der Gewerbeanmeldung bis zum Sperrmüll – sind zum Start verfügbar."
	_, ua := serveBytes(t, []byte(rssFeed("Neufahrn", rssItem("n1", title, "https://neufahrn.example/rathaus/serviceportal",
		"Tue, 11 Feb 2025 08:00:00 +0100", teaserA))), "")
	_, ub := serveBytes(t, []byte(rssFeed("Eching", rssItem("e1", title, "https://eching.example/aktuelles/serviceportal",
		"Tue, 11 Feb 2025 09:20:00 +0100", teaserB))), "")
	a, b := src("Gemeinde Neufahrn", ua, "DE-BY"), src("Gemeinde Eching", ub, "DE-BY")
	a.TitlePrefix, b.TitlePrefix = "Neufahrn b. Freising", "Eching"
	h := newHarness(t, nil, a, b)
	h.fetch(t)
	checkEntries(t, h, "fetched", 1)

	// The fingerprints as the previous build stored them: version byte 2,
	// no flags byte at the end.
	db, err := sql.Open("sqlite", h.cfg.Database)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	res, err := db.Exec(`UPDATE items SET fingerprint = CAST(x'02' || substr(fingerprint, 2, length(fingerprint) - 2) AS BLOB)
		WHERE substr(fingerprint, 1, 1) = x'03'`)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 2 {
		t.Fatalf("%d fingerprints made version 2, want 2", n)
	}
	rows, err := db.Query(`SELECT fingerprint FROM items`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var fp []byte
		var f dedup.Fingerprint
		if err := rows.Scan(&fp); err != nil {
			t.Fatal(err)
		}
		if err := f.UnmarshalBinary(fp); err != nil || fp[0] != 2 {
			t.Fatalf("version %d: %v", fp[0], err)
		}
	}
	rows.Close()
	h2 := newHarnessOn(t, h, a, b)
	if _, _, err := h2.agg.RebuildClusters(context.Background()); err != nil {
		t.Fatal(err)
	}
	checkEntries(t, h2, "version 2 fingerprints after dedup -rebuild", 1)
}
