package normalize

import (
	"errors"
	"net/url"
	"strings"
)

// ErrBadLink is returned for links that are not absolute http(s) URLs
// after resolution.
var ErrBadLink = errors.New("not an http(s) link")

// trackingParams are query parameters that identify a campaign or a
// click, not a document. Prefixes end with "_" or ".".
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "gbraid": true, "wbraid": true, "msclkid": true,
	"mc_cid": true, "mc_eid": true, "yclid": true, "igshid": true, "_hsenc": true, "_hsmi": true,
	"mkt_tok": true, "oly_anon_id": true, "oly_enc_id": true, "vero_id": true, "wickedid": true,
	"twclid": true, "ttclid": true, "srsltid": true, "ref_src": true, "s_cid": true,
}

var trackingPrefixes = []string{"utm_", "pk_", "piwik_", "mtm_", "matomo_", "wt_", "wt.", "ga_", "hsa_"}

func isTracking(key string) bool {
	k := strings.ToLower(key)
	if trackingParams[k] {
		return true
	}
	for _, p := range trackingPrefixes {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

// CanonicalLink resolves raw against base (which may be nil) and returns
// the canonical form used to recognize the same article across sources:
// scheme and host lower-cased, default port and fragment dropped,
// tracking parameters removed, the remaining query kept in order.
func CanonicalLink(raw string, base *url.URL) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", ErrBadLink
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", ErrBadLink
	}
	host := strings.ToLower(u.Hostname())
	if host == "" {
		return "", ErrBadLink
	}
	port := u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	u.Host = host
	u.User = nil
	u.Fragment, u.RawFragment = "", ""
	if u.Path == "" {
		u.Path = "/"
	}
	if u.RawQuery != "" {
		parts := strings.Split(u.RawQuery, "&")
		kept := parts[:0]
		for _, p := range parts {
			if strings.TrimSpace(p) == "" {
				continue
			}
			p = escapeQueryBytes(p)
			k, _, _ := strings.Cut(p, "=")
			if ku, err := url.QueryUnescape(k); err == nil {
				k = ku
			}
			if !isTracking(k) {
				kept = append(kept, p)
			}
		}
		u.RawQuery = strings.Join(kept, "&")
	}
	u.ForceQuery = false
	out := u.String()
	// The result must itself be a valid URL (hosts like "[:]" are not).
	if _, err := url.Parse(out); err != nil {
		return "", ErrBadLink
	}
	return out, nil
}

// escapeQueryBytes percent-encodes the bytes of a query part that a URL
// may not carry raw: controls, spaces and everything outside ASCII. Left
// raw, a trailing no-break space would be trimmed when the link is read
// again, and the canonical link would not be stable.
func escapeQueryBytes(p string) string {
	raw := func(c byte) bool { return c > ' ' && c < 0x7f }
	i := 0
	for i < len(p) && raw(p[i]) {
		i++
	}
	if i == len(p) {
		return p
	}
	const hex = "0123456789ABCDEF"
	b := []byte(p[:i])
	for ; i < len(p); i++ {
		if c := p[i]; raw(c) {
			b = append(b, c)
		} else {
			b = append(b, '%', hex[c>>4], hex[c&15])
		}
	}
	return string(b)
}
