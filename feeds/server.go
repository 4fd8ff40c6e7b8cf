// Package feeds republishes stored items as Atom, RSS, JSON Feed, an
// HTML page and OPML, and serves them over HTTP.
package feeds

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/egovfeed/egovfeed/config"
	"github.com/egovfeed/egovfeed/storage"
)

// Server is the HTTP handler of the republished feeds.
type Server struct {
	cfg   *config.Config
	store *storage.Store
	log   *slog.Logger
	mux   *http.ServeMux
}

// NewServer returns the handler for cfg's outputs over store.
func NewServer(ctx context.Context, cfg *config.Config, store *storage.Store, logger *slog.Logger) (*Server, error) {
	s := &Server{cfg: cfg, store: store, log: logger.With("component", "feeds"), mux: http.NewServeMux()}
	s.mux.HandleFunc("GET /healthz", s.healthz)
	return s, nil
}

// Invalidate marks rendered feeds stale after an ingest committed.
func (s *Server) Invalidate() {}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

// HTTPServer wraps h with the timeouts and limits a public server needs.
func HTTPServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    16 << 10,
	}
}
