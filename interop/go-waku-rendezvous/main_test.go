package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/record"

	"rendezvous.local/interop/peerkit"
)

func jsonLines(t *testing.T, out []byte) []map[string]interface{} {
	t.Helper()
	var res []map[string]interface{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var m map[string]interface{}
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("stdout line is not one JSON object: %q: %v", line, err)
		}
		res = append(res, m)
	}
	return res
}

func byEvent(lines []map[string]interface{}, ev string) []map[string]interface{} {
	var out []map[string]interface{}
	for _, l := range lines {
		if l["event"] == ev {
			out = append(out, l)
		}
	}
	return out
}

func TestFramesGolden(t *testing.T) {
	var buf bytes.Buffer
	if code := runFrames(nil, &buf); code != 0 {
		t.Fatalf("frames exit code %d", code)
	}
	lines := jsonLines(t, buf.Bytes())
	frames := map[string]string{}
	for _, l := range byEvent(lines, "frame") {
		frames[l["name"].(string)] = l["hex"].(string)
	}
	golden := map[string]string{
		"discover_ns_foo_limit_50":        "0b 08 02 22 07 0a 03 66 6f 6f 10 32",
		"register_response_ok_ttl_20":     "06 08 01 1a 02 18 14",
		"discover_response_empty":         "04 08 03 2a 00",
		"register_response_e_invalid_ttl": "0f 08 01 1a 0b 08 66 12 07 62 61 64 20 74 74 6c",
	}
	for name, g := range golden {
		want := strings.ReplaceAll(g, " ", "")
		got, ok := frames[name]
		if !ok {
			t.Errorf("frame %s missing", name)
			continue
		}
		if got != want {
			t.Errorf("frame %s = %s, want %s", name, got, want)
		}
	}

	env := byEvent(lines, "envelope")[0]["hex"].(string)
	// REGISTER ns=foo ttl=20: no type field (proto3 omits REGISTER = 0).
	reg := frames["register_ns_foo_ttl_20"]
	// frame = b1 01 (len 177) || 12 ae 01 (field 2, len 174) || 0a 03 "foo" || 12 a4 01 envelope || 18 14
	if !strings.HasPrefix(reg, "b10112ae010a03666f6f12a401") {
		t.Errorf("register frame %s: unexpected prefix", reg)
	}
	if !strings.HasSuffix(reg, env+"1814") {
		t.Errorf("register frame %s does not end with envelope||18 14", reg)
	}
	if !strings.HasSuffix(frames["discover_response_one"], env+"1814") {
		t.Errorf("discover_response_one does not end with envelope||18 14")
	}
	// the default envelope must verify as a libp2p peer record
	b, _ := hex.DecodeString(env)
	if _, _, err := record.ConsumeEnvelope(b, peer.PeerRecordEnvelopeDomain); err != nil {
		t.Errorf("default envelope does not verify: %v", err)
	}
}

// startServer runs the server subcommand in-process and returns its
// /p2p multiaddr.
func startServer(t *testing.T) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- runServer(ctx, []string{"--listen", "/ip4/127.0.0.1/tcp/0"}, pw)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		go func() { _, _ = io.Copy(io.Discard, pr) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("server did not stop")
		}
	})
	sc := bufio.NewScanner(pr)
	if !sc.Scan() {
		t.Fatalf("server printed nothing: %v", sc.Err())
	}
	var ready peerkit.ReadyEvent
	if err := json.Unmarshal(sc.Bytes(), &ready); err != nil || ready.Event != "ready" {
		t.Fatalf("bad ready line %q: %v", sc.Text(), err)
	}
	if len(ready.Multiaddrs) == 0 || !strings.HasPrefix(ready.Multiaddrs[0], "/ip4/127.0.0.1/tcp/") {
		t.Fatalf("unexpected server addrs %v", ready.Multiaddrs)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	return ready.Multiaddrs[0]
}

func TestClientRegisterDiscover(t *testing.T) {
	srv := startServer(t)
	keyFile := filepath.Join(t.TempDir(), "client.key")

	var buf bytes.Buffer
	// The reference server treats the TTL as nanoseconds: registrations
	// vanish after ~0.5-2.5 s, so discover right after registering.
	code := runClient(context.Background(), []string{
		"--server", srv, "--key", keyFile,
		"register:ns=foo:ttl=20", "discover:ns=foo:limit=10",
		"register:ns=foo:ttl=21", "record", "discover:ns=other:limit=5",
	}, &buf)
	if code != 0 {
		t.Fatalf("client exit code %d, output:\n%s", code, buf.String())
	}
	t.Logf("client output:\n%s", buf.String())
	lines := jsonLines(t, buf.Bytes())
	if lines[0]["event"] != "ready" {
		t.Fatalf("first line is not ready: %v", lines[0])
	}
	me := lines[0]["peerId"].(string)

	regs := byEvent(lines, "register")
	if len(regs) != 2 {
		t.Fatalf("want 2 register lines, got %d", len(regs))
	}
	if regs[0]["ok"] != true || regs[0]["ttl"] != float64(20) {
		t.Errorf("register ttl=20: %v", regs[0])
	}
	if regs[1]["ok"] != false || regs[1]["status"] != float64(102) || regs[1]["statusText"] != "bad ttl" {
		t.Errorf("register ttl=21: %v", regs[1])
	}

	discs := byEvent(lines, "discover")
	if len(discs) != 2 {
		t.Fatalf("want 2 discover lines, got %d", len(discs))
	}
	found := discs[0]["registrations"].([]interface{})
	if len(found) != 1 {
		t.Fatalf("discover foo: want 1 registration, got %v", discs[0])
	}
	r := found[0].(map[string]interface{})
	if r["peerId"] != me || r["ns"] != "foo" || r["ttl"] != float64(20) {
		t.Errorf("discover foo registration: %v", r)
	}
	if r["envelope"] != regs[0]["envelope"] || r["envelope"] == "" {
		t.Errorf("discovered envelope differs from registered one:\n%v\n%v", r["envelope"], regs[0]["envelope"])
	}
	if len(discs[1]["registrations"].([]interface{})) != 0 {
		t.Errorf("discover other: %v", discs[1])
	}

	rec := byEvent(lines, "record")[0]
	b, _ := hex.DecodeString(rec["envelope"].(string))
	_, pr, err := record.ConsumeEnvelope(b, peer.PeerRecordEnvelopeDomain)
	if err != nil {
		t.Fatalf("record envelope does not verify: %v", err)
	}
	if pr.(*peer.PeerRecord).PeerID.String() != me || rec["peerId"] != me {
		t.Errorf("record peer id mismatch: %v", rec)
	}

	// --key: a second run reuses the identity written by the first.
	buf.Reset()
	if code := runClient(context.Background(), []string{"--server", srv, "--key", keyFile, "discover:ns=foo:limit=1"}, &buf); code != 0 {
		t.Fatalf("second client exit code %d", code)
	}
	if l := jsonLines(t, buf.Bytes()); l[0]["peerId"] != me {
		t.Errorf("--key not reused: %v vs %s", l[0]["peerId"], me)
	}
}

func TestStrict(t *testing.T) {
	srv := startServer(t)
	var buf bytes.Buffer
	code := runClient(context.Background(), []string{"--server", srv, "--strict", "register:ns=foo:ttl=21", "discover:ns=foo"}, &buf)
	if code == 0 {
		t.Fatalf("--strict with a failing op should exit non-zero")
	}
	if n := len(byEvent(jsonLines(t, buf.Bytes()), "discover")); n != 0 {
		t.Errorf("--strict should stop after the failed op")
	}
}

func TestRawSeveralRequestsOneStream(t *testing.T) {
	srv := startServer(t)
	var buf bytes.Buffer
	code := runRaw(context.Background(), []string{"--server", srv,
		"register:ns=foo:ttl=20", "discover:ns=foo:limit=5", "discover:ns=foo:limit=5",
		"discover:ns=bar:limit=1", "register:ns=foo:ttl=21", "discover:ns=foo:limit=5",
	}, &buf)
	if code != 0 {
		t.Fatalf("raw exit code %d", code)
	}
	t.Logf("raw output:\n%s", buf.String())
	lines := jsonLines(t, buf.Bytes())
	me := lines[0]["peerId"]
	discs := byEvent(lines, "discover")
	if len(discs) != 4 {
		t.Fatalf("want 4 discover responses on one stream, got %d", len(discs))
	}
	for i, d := range discs {
		if d["ok"] != true || d["error"] != nil {
			t.Errorf("discover %d failed: %v", i, d)
		}
	}
	for _, i := range []int{0, 1, 3} {
		regs := discs[i]["registrations"].([]interface{})
		if len(regs) != 1 || regs[0].(map[string]interface{})["peerId"] != me {
			t.Errorf("discover %d: %v", i, discs[i])
		}
	}
	if discs[2]["frame"] != "0408032a00" {
		t.Errorf("empty discover response frame = %v", discs[2]["frame"])
	}
	regs := byEvent(lines, "register")
	if regs[0]["frame"] != "0608011a021814" {
		t.Errorf("register OK frame = %v", regs[0]["frame"])
	}
	if regs[1]["frame"] != "0f08011a0b086612076261642074746c" || regs[1]["status"] != float64(102) {
		t.Errorf("register bad ttl: %v", regs[1])
	}
}

func TestRegisterWithoutAddresses(t *testing.T) {
	srv := startServer(t)
	var buf bytes.Buffer
	code := runClient(context.Background(), []string{"--server", srv, "--listen", "", "register:ns=foo:ttl=20"}, &buf)
	if code != 0 {
		t.Fatalf("exit code %d", code)
	}
	reg := byEvent(jsonLines(t, buf.Bytes()), "register")[0]
	if reg["ok"] != false || reg["status"] != float64(101) || reg["statusText"] != "missing peer addresses" {
		t.Errorf("register without addresses: %v", reg)
	}
	// 101 = 0x65; "missing peer addresses" is 22 bytes
	if f, _ := reg["frame"].(string); !strings.HasPrefix(f, "1e08011a1a08651216") {
		t.Errorf("response frame = %v", reg["frame"])
	}
}
