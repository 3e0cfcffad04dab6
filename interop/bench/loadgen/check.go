package main

import (
	"time"
)

// checkResult is the no-lost-registration check: every acknowledged registration whose TTL (counted
// from when its REGISTER was sent) has not run out, with a margin, must be discoverable.
type checkResult struct {
	Event    string `json:"event"`
	Method   string `json:"method"`
	Expected int    `json:"expected"` // acknowledged and unexpired at the start of the check
	Seen     int    `json:"seen"`     // of those, found
	Lost     int    `json:"lost"`     // expected - seen
	Older    int    `json:"older"`    // found, but with an envelope older than the one last acknowledged
	// not found, but their TTL ran out while the check ran (0.0.1 TTLs are at most 20 s): not lost
	ExpiredDuringCheck int     `json:"expiredDuringCheck"`
	Requests           int     `json:"requests"`
	Seconds            float64 `json:"seconds"`
	Complete           bool    `json:"complete"` // the method ran to its end (last page; or everything seen) within its bounds
	Error              string  `json:"error,omitempty"`
}

// checkMargin keeps registrations that expire during the check out of it.
const checkMargin = 2 * time.Second

// checkAskers is how many peers a batched session connects again to ask for the check
const checkAskers = 16

func (ss *session) checks() {
	if ss.s.CheckRendezvous {
		emit(ss.check("rendezvous-cookies"))
	}
	if ss.s.CheckWaku {
		emit(ss.check("waku-limit-1000"))
	}
}

func (ss *session) check(method string) checkResult {
	start := time.Now()
	bound := start.Add(time.Duration(ss.s.CheckSeconds * float64(time.Second)))
	r := checkResult{Event: "check", Method: method}

	type key struct{ peer, env int }
	byEnvelope := make(map[string]key)
	for _, p := range ss.peers {
		for k, e := range p.envelopes {
			byEnvelope[string(e)] = key{p.idx, k}
		}
	}
	expected := make(map[int]int) // peer -> envelope last acknowledged
	until := make(map[int]time.Time)
	for _, p := range ss.peers {
		p.mu.Lock()
		if p.acked && p.ackedUntil.After(start.Add(checkMargin)) {
			expected[p.idx] = p.ackedEnv
			until[p.idx] = p.ackedUntil
		}
		p.mu.Unlock()
	}
	r.Expected = len(expected)
	seen := make(map[int]int)
	note := func(envs [][]byte) int {
		fresh := 0
		for _, e := range envs {
			k, ok := byEnvelope[string(e)]
			if !ok {
				continue
			}
			if prev, had := seen[k.peer]; !had || k.env > prev {
				if !had {
					fresh++
				}
				seen[k.peer] = k.env
			}
		}
		return fresh
	}
	// the requests go round the connected peers: the server gives each peer a budget of DISCOVER answer
	// bytes (1 MiB/s in bursts of 4 MiB by default), which one peer asking for every sample of 10,000
	// registrations exhausts, and then its pages shrink and end in E_UNAVAILABLE
	askers := ss.connectedPeers()
	if len(askers) == 0 {
		r.Error = "no connected peer"
		return r
	}

	// one DISCOVER and its answer, counted; a failure or a non-OK status is recorded in r and ends the check
	discover := func(proto string, d dialect, frame []byte) (discoverResponse, bool) {
		asker := askers[r.Requests%len(askers)]
		msg, err := asker.request(proto, frame, ss.timeout)
		r.Requests++
		if err != nil {
			r.Error = err.Error()
			return discoverResponse{}, false
		}
		resp, err := d.parseDiscoverResponse(msg)
		if err != nil {
			r.Error = err.Error()
			return discoverResponse{}, false
		}
		if resp.status != 0 {
			r.Error = "bad DISCOVER_RESPONSE"
			return discoverResponse{}, false
		}
		return resp, true
	}

	switch method {
	case "rendezvous-cookies":
		// page through /rendezvous/1.0.0 with cookies until a page comes back empty
		var cookie []byte
		maxPages := len(ss.peers)/1000*2 + 10
		for r.Requests < maxPages && time.Now().Before(bound) {
			resp, ok := discover(protoRendezvous, rendezvous, rendezvous.discoverFrame(ss.s.Namespace, 1000, cookie))
			if !ok {
				break
			}
			note(resp.envelopes)
			if len(resp.envelopes) == 0 {
				r.Complete = true
				break
			}
			cookie = resp.cookie
		}
	case "waku-limit-1000":
		// 0.0.1 has no cookies and returns a sample: ask with limit 1000 until every expected
		// registration was seen, within a bound on requests and time (coupon collector: about
		// (n/1000)·ln n requests for a uniform sample)
		frame := waku.discoverFrame(ss.s.Namespace, 1000, nil)
		maxRequests := 50 + 40*len(ss.peers)/1000
		for r.Requests < maxRequests && time.Now().Before(bound) {
			resp, ok := discover(protoWaku, waku, frame)
			if !ok {
				break
			}
			note(resp.envelopes)
			all := true
			for p := range expected {
				if _, ok := seen[p]; !ok {
					all = false
					break
				}
			}
			if all {
				r.Complete = true
				break
			}
		}
	}
	end := time.Now().Add(checkMargin)
	for p, env := range expected {
		got, ok := seen[p]
		switch {
		case !ok && until[p].Before(end):
			r.ExpiredDuringCheck++
		case !ok:
			r.Lost++
		case got < env:
			r.Older++
			r.Seen++
		default:
			r.Seen++
		}
	}
	r.Seconds = time.Since(start).Seconds()
	return r
}

func (ss *session) connectedPeers() []*simPeer {
	var connected []*simPeer
	for _, p := range ss.peers {
		if p.conn != nil && !p.conn.IsClosed() {
			connected = append(connected, p)
		}
	}
	return connected
}
