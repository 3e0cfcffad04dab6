package main

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// op is one step of a client or raw session, given as a JSON list with
// --ops-json, e.g. [{"op":"register","ns":"foo","ttl":7200}].
type op struct {
	Op    string `json:"op"`
	Ns    string `json:"ns"`
	TTL   int64  `json:"ttl"`
	Limit int64  `json:"limit"`
	// Cookie is hex, or "last" for the cookie of the previous discover of the run
	Cookie string `json:"cookie"`
	Ms     int64  `json:"ms"`
	Hex    string `json:"hex"`
}

func parseOps(text string, allowed map[string]bool) ([]op, error) {
	var ops []op
	if err := json.Unmarshal([]byte(text), &ops); err != nil {
		return nil, fmt.Errorf("--ops-json: %w", err)
	}
	for i, o := range ops {
		if !allowed[o.Op] {
			return nil, fmt.Errorf("op %d: %q is not an op of this mode", i, o.Op)
		}
		if o.Op == "frame" {
			if _, err := hex.DecodeString(o.Hex); err != nil {
				return nil, fmt.Errorf("op %d: hex: %w", i, err)
			}
		}
	}
	return ops, nil
}

// cookieOf resolves an op's cookie: nil when absent, the previous answer's
// cookie for "last".
func cookieOf(o op, last []byte) ([]byte, error) {
	switch o.Cookie {
	case "":
		return nil, nil
	case "last":
		if last == nil {
			return nil, fmt.Errorf("cookie \"last\" but no previous discover returned a cookie")
		}
		return last, nil
	}
	return hex.DecodeString(o.Cookie)
}
