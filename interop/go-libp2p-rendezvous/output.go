package main

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
