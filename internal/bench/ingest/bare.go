package main

import (
	"database/sql"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/egovfeed/egovfeed/internal/farm"
	"github.com/mmcdole/gofeed"
	_ "modernc.org/sqlite"
)

// bareStore is the floor plus the least a store of the items can do: the
// 2 workers hand each parsed feed to one writer goroutine, which inserts
// every item as gofeed gave it (no normalizing, tagging or dedup) into a
// table with only its primary key and the (source, guid) key, the
// batches waiting at any moment in one transaction, with the pragmas of
// package storage. It is in-process, like the floor. Its ratio to the
// floor is how much of the 1.5× budget the SQLite driver alone takes.
func bareStore(f *farm.Farm, dir string) time.Duration {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		log.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "bare.db")+
		"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=temp_store(MEMORY)&_txlock=immediate")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`CREATE TABLE items (id INTEGER PRIMARY KEY, source INTEGER NOT NULL, guid TEXT NOT NULL,
		title TEXT NOT NULL, description TEXT NOT NULL, link TEXT NOT NULL, published INTEGER NOT NULL, UNIQUE (source, guid))`); err != nil {
		log.Fatal(err)
	}
	ins, err := db.Prepare(`INSERT INTO items (source, guid, title, description, link, published) VALUES (?, ?, ?, ?, ?, ?)`)
	if err != nil {
		log.Fatal(err)
	}

	type batch struct {
		source int
		items  []*gofeed.Item
	}
	batches := make(chan batch, 32)
	written := make(chan int)
	start := time.Now()
	go func() {
		n := 0
		for b := range batches {
			group := []batch{b}
		drain:
			for len(group) < 64 {
				select {
				case b, ok := <-batches:
					if !ok {
						break drain
					}
					group = append(group, b)
				default:
					break drain
				}
			}
			tx, err := db.Begin()
			if err != nil {
				log.Fatal(err)
			}
			st := tx.Stmt(ins)
			for _, b := range group {
				for _, it := range b.items {
					var pub int64
					if it.PublishedParsed != nil {
						pub = it.PublishedParsed.UnixMilli()
					}
					if _, err := st.Exec(b.source, it.GUID, it.Title, it.Description, it.Link, pub); err != nil {
						log.Fatal(err)
					}
					n++
				}
			}
			if err := tx.Commit(); err != nil {
				log.Fatal(err)
			}
		}
		written <- n
	}()
	fetchParse(f, func(i int, items []*gofeed.Item) { batches <- batch{i, items} })
	close(batches)
	if n := <-written; n != f.N*f.M {
		log.Fatalf("bare store: wrote %d of %d items", n, f.N*f.M)
	}
	return time.Since(start)
}
