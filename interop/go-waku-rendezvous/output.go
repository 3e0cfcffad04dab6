package main

import (
	"encoding/json"
	"fmt"
	"io"
	"log"
	"os"
	"sync"
)

// stderrLog is the only logger of this program; stdout carries JSON lines only.
var stderrLog = log.New(os.Stderr, "go-rdv: ", log.LstdFlags|log.Lmicroseconds)

func logf(format string, args ...interface{}) { stderrLog.Printf(format, args...) }

// emitter writes exactly one JSON object per line.
type emitter struct {
	mu sync.Mutex
	w  io.Writer
}

func newEmitter(w io.Writer) *emitter { return &emitter{w: w} }

func (e *emitter) emit(v interface{}) {
	b, err := json.Marshal(v)
	if err != nil {
		b, _ = json.Marshal(errorEvent{Event: "error", Message: fmt.Sprintf("json: %v", err)})
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	_, _ = e.w.Write(append(b, '\n'))
}

func (e *emitter) errorf(format string, args ...interface{}) {
	e.emit(errorEvent{Event: "error", Message: fmt.Sprintf(format, args...)})
}

type errorEvent struct {
	Event   string `json:"event"`
	Message string `json:"message"`
}

type readyEvent struct {
	Event      string   `json:"event"`
	Role       string   `json:"role"`
	PeerID     string   `json:"peerId"`
	Multiaddrs []string `json:"multiaddrs"`
	// Client and raw mode only: the server that was connected to and the
	// protocols it announced via identify.
	ServerPeerID    string   `json:"serverPeerId,omitempty"`
	ServerProtocols []string `json:"serverProtocols,omitempty"`
}

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

func i64p(v int64) *int64   { return &v }
func i32p(v int32) *int32   { return &v }
func strp(v string) *string { return &v }
func u64p(v uint64) *uint64 { return &v }
