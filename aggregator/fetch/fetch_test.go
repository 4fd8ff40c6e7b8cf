package fetch

import (
	"net/netip"
	"testing"
)

func TestPublic(t *testing.T) {
	tests := []struct {
		addr string
		want bool
	}{
		{"93.184.216.34", true},
		{"2a00:1450:4001:80b::200e", true},
		{"127.0.0.1", false},
		{"10.1.2.3", false},
		{"169.254.169.254", false},
		{"100.64.0.1", false},
		{"0.0.0.0", false},
		{"::1", false},
		{"::", false},
		{"::ffff:127.0.0.1", false},
		{"fd00::1", false},
		{"fe80::1", false},
		// IPv4 inside IPv6: judged by the IPv4 address.
		{"64:ff9b::a9fe:a9fe", false},                   // NAT64 → 169.254.169.254
		{"64:ff9b::a00:1", false},                       // NAT64 → 10.0.0.1
		{"64:ff9b::7f00:1", false},                      // NAT64 → 127.0.0.1
		{"64:ff9b::808:808", true},                      // NAT64 → 8.8.8.8
		{"2002:7f00:1::1", false},                       // 6to4 of 127.0.0.1
		{"2002:a9fe:a9fe::1", false},                    // 6to4 of 169.254.169.254
		{"2002:808:808::1", true},                       // 6to4 of 8.8.8.8
		{"::7f00:1", false},                             // IPv4-compatible 127.0.0.1
		{"::ffff:0:7f00:1", false},                      // SIIT 127.0.0.1
		{"::ffff:0:a00:1", false},                       // SIIT 10.0.0.1
		{"64:ff9b:1::1", false},                         // local-use NAT64
		{"2001:0:4136:e378:8000:63bf:3fff:fdd2", false}, // Teredo
		{"fec0::1", false},                              // site-local
		// A zone must not hide the address from the prefix tests.
		{"64:ff9b::a9fe:a9fe%eth0", false},
		{"2002:a9fe:a9fe::1%eth0", false},
		{"fe80::1%eth0", false},
		{"2001::1%1", false},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			if got := Public(netip.MustParseAddr(tt.addr)); got != tt.want {
				t.Errorf("Public(%s) = %v, want %v", tt.addr, got, tt.want)
			}
		})
	}
}
