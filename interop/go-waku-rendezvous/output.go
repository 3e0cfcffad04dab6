package main

import (
	"errors"

	rendezvous "github.com/status-im/go-waku-rendezvous"
	pb "github.com/status-im/go-waku-rendezvous/pb"
	"rendezvous.local/interop/peerkit"
)

// stderrLog is the only logger of this program; stdout carries JSON lines only.
var stderrLog = peerkit.NewLogger("go-rdv")

func logf(format string, args ...any) { stderrLog.Printf(format, args...) }

// answer is what the line of a REGISTER or a DISCOVER says about its answer.
type answer struct {
	OK         bool    `json:"ok"`
	Status     *int32  `json:"status,omitempty"`
	StatusText *string `json:"statusText,omitempty"`
	Error      string  `json:"error,omitempty"`
	// The exact response frame bytes read from the stream (length prefix
	// included), if any.
	Frame string `json:"frame,omitempty"`
}

// status records the answer's status; it says whether it is OK.
func (a *answer) status(s pb.Message_ResponseStatus, text string) bool {
	a.OK = s == pb.Message_OK
	if !a.OK {
		a.Status = peerkit.Ptr(int32(s))
		a.StatusText = peerkit.Ptr(text)
	}
	return a.OK
}

// failed records the error of the reference client: its RendezvousError's
// status and text when it is one, and the error's text.
func (a *answer) failed(err error) {
	var rz rendezvous.RendezvousError
	if errors.As(err, &rz) {
		a.Status = peerkit.Ptr(int32(rz.Status))
		a.StatusText = peerkit.Ptr(rz.Text)
	}
	a.Error = err.Error()
}

type registerEvent struct {
	Event    string `json:"event"`
	Ns       string `json:"ns"`
	TTL      *int64 `json:"ttl,omitempty"`
	Envelope string `json:"envelope,omitempty"`
	answer
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
	Registrations []registrationJSON `json:"registrations"`
	// client mode: registrations in the response that the reference client
	// dropped (e.g. unparsable envelope).
	Skipped int `json:"skipped,omitempty"`
	answer
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
