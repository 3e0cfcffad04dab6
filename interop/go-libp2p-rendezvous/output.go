package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sync"
)

// emitter writes one JSON object per line.
type emitter struct {
	mu sync.Mutex
	w  io.Writer
}

func newEmitter(w io.Writer) *emitter { return &emitter{w: w} }

func (e *emitter) emit(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		b, _ = json.Marshal(map[string]string{"event": "error", "message": fmt.Sprintf("json: %v", err)})
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	_, _ = e.w.Write(append(b, '\n'))
}

func (e *emitter) errorf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	logf("error: %s", msg)
	e.emit(map[string]string{"event": "error", "message": msg})
}

type readyEvent struct {
	Event        string   `json:"event"`
	Role         string   `json:"role"`
	PeerID       string   `json:"peerId"`
	Multiaddrs   []string `json:"multiaddrs"`
	ServerPeerID string   `json:"serverPeerId,omitempty"`
}

type registrationJSON struct {
	Ns       string   `json:"ns"`
	PeerID   string   `json:"peerId"`
	Addrs    []string `json:"addrs"`
	TTL      int64    `json:"ttl"`
	Envelope string   `json:"envelope"`
}

// result is the line printed for one op; fields not set stay off the line.
type result struct {
	Event         string             `json:"event"`
	Ns            *string            `json:"ns,omitempty"`
	OK            bool               `json:"ok"`
	TTL           *int64             `json:"ttl,omitempty"`
	Status        *int32             `json:"status,omitempty"`
	StatusText    *string            `json:"statusText,omitempty"`
	Registrations []registrationJSON `json:"registrations,omitempty"`
	Cookie        *string            `json:"cookie,omitempty"`
	// Skipped counts registrations of the answer that the library's client dropped (records it cannot verify)
	Skipped  int    `json:"skipped,omitempty"`
	Envelope string `json:"envelope,omitempty"`
	// Sent and Frame are the request and response frames as on the wire (hex)
	Sent      string `json:"sent,omitempty"`
	Frame     string `json:"frame,omitempty"`
	StreamEnd string `json:"streamEnd,omitempty"`
	Error     string `json:"error,omitempty"`
}

func strp(s string) *string { return &s }
func i64p(v int64) *int64   { return &v }
func i32p(v int32) *int32   { return &v }
