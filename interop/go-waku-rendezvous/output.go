package main

import "rendezvous.local/interop/peerkit"

// stderrLog is the only logger of this program; stdout carries JSON lines only.
var stderrLog = peerkit.NewLogger("go-rdv")

func logf(format string, args ...any) { stderrLog.Printf(format, args...) }

type registerEvent struct {
	Event      string  `json:"event"`
	Ns         string  `json:"ns"`
	OK         bool    `json:"ok"`
	TTL        *int64  `json:"ttl,omitempty"`
	Status     *int32  `json:"status,omitempty"`
	StatusText *string `json:"statusText,omitempty"`
	Envelope   string  `json:"envelope,omitempty"`
	Error      string  `json:"error,omitempty"`
	// The exact response frame bytes read from the stream (length prefix
	// included), if any.
	Frame string `json:"frame,omitempty"`
}

type registrationJSON struct {
	Ns       string   `json:"ns"`
	PeerID   string   `json:"peerId"`
	Addrs    []string `json:"addrs"`
	TTL      int64    `json:"ttl"`
	Seq      *uint64  `json:"seq,omitempty"`
	Envelope string   `json:"envelope"`
}

type discoverEvent struct {
	Event         string             `json:"event"`
	Ns            string             `json:"ns"`
	Limit         int64              `json:"limit"`
	OK            bool               `json:"ok"`
	Registrations []registrationJSON `json:"registrations"`
	// client mode: registrations in the response that the reference client
	// dropped (e.g. unparsable envelope).
	Skipped    int     `json:"skipped,omitempty"`
	Status     *int32  `json:"status,omitempty"`
	StatusText *string `json:"statusText,omitempty"`
	Error      string  `json:"error,omitempty"`
	// The exact response frame bytes (length prefix included), if any.
	Frame string `json:"frame,omitempty"`
}

type recordEvent struct {
	Event    string   `json:"event"`
	PeerID   string   `json:"peerId"`
	Addrs    []string `json:"addrs"`
	Seq      uint64   `json:"seq"`
	Envelope string   `json:"envelope"`
}

type sleepEvent struct {
	Event string `json:"event"`
	Ms    int64  `json:"ms"`
}

type frameEvent struct {
	Event string `json:"event"`
	Name  string `json:"name"`
	Hex   string `json:"hex"`
}

type rawEvent struct {
	Event string `json:"event"`
	Sent  string `json:"sent"`
	// Frame is the response frame, if any arrived before the stream ended.
	Frame     string `json:"frame,omitempty"`
	Type      *int32 `json:"type,omitempty"`
	StreamEnd string `json:"streamEnd,omitempty"`
	Error     string `json:"error,omitempty"`
}

type doneEvent struct {
	Event  string `json:"event"`
	Failed int    `json:"failed"`
}
