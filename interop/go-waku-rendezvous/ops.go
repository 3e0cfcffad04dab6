package main

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// op is one step of a client or raw session.
//
// Text syntax (one positional argument per op):
//
//	register:ns=<ns>[:ttl=<seconds>]
//	discover:ns=<ns>[:limit=<n>]
//	record
//	sleep:ms=<milliseconds>
//	frame:hex=<bytes>            (raw mode only: bytes written verbatim)
//
// ns can be given as nshex=<hex> instead, for namespaces containing ':' or
// arbitrary bytes. The same ops can be given as a JSON list with
// --ops-json, e.g. [{"op":"register","ns":"foo","ttl":20}], using the keys
// op, ns, nsHex, ttl, limit, ms, hex.
type op struct {
	Name  string
	Ns    string
	TTL   int64
	Limit int64
	Ms    int64
	Hex   []byte
}

func (o op) String() string {
	switch o.Name {
	case "register":
		return fmt.Sprintf("register ns=%q ttl=%d", o.Ns, o.TTL)
	case "discover":
		return fmt.Sprintf("discover ns=%q limit=%d", o.Ns, o.Limit)
	case "sleep":
		return fmt.Sprintf("sleep ms=%d", o.Ms)
	case "frame":
		return fmt.Sprintf("frame hex=%x", o.Hex)
	}
	return o.Name
}

var opKeys = map[string][]string{
	"register": {"ns", "nshex", "ttl"},
	"discover": {"ns", "nshex", "limit"},
	"record":   {},
	"sleep":    {"ms"},
	"frame":    {"hex"},
}

func parseOpText(s string, allowed map[string]bool) (op, error) {
	parts := strings.Split(s, ":")
	o := op{Name: strings.ToLower(parts[0])}
	if !allowed[o.Name] {
		return o, fmt.Errorf("op %q: unknown or not allowed in this mode", s)
	}
	kv := map[string]string{}
	for _, p := range parts[1:] {
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			return o, fmt.Errorf("op %q: expected key=value, got %q", s, p)
		}
		kv[strings.ToLower(k)] = v
	}
	return buildOp(o.Name, kv, s)
}

func buildOp(name string, kv map[string]string, src string) (op, error) {
	o := op{Name: name}
	valid := map[string]bool{}
	for _, k := range opKeys[name] {
		valid[k] = true
	}
	for k := range kv {
		if !valid[k] {
			return o, fmt.Errorf("op %q: unknown key %q for %s", src, k, name)
		}
	}
	var err error
	if v, ok := kv["ns"]; ok {
		o.Ns = v
	}
	if v, ok := kv["nshex"]; ok {
		b, err := hex.DecodeString(v)
		if err != nil {
			return o, fmt.Errorf("op %q: nshex: %w", src, err)
		}
		o.Ns = string(b)
	}
	num := func(key string) (int64, error) {
		v, ok := kv[key]
		if !ok {
			return 0, nil
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("op %q: %s: %w", src, key, err)
		}
		return n, nil
	}
	if o.TTL, err = num("ttl"); err != nil {
		return o, err
	}
	if o.Limit, err = num("limit"); err != nil {
		return o, err
	}
	if o.Ms, err = num("ms"); err != nil {
		return o, err
	}
	if v, ok := kv["hex"]; ok {
		b, err := hex.DecodeString(strings.ReplaceAll(v, " ", ""))
		if err != nil {
			return o, fmt.Errorf("op %q: hex: %w", src, err)
		}
		o.Hex = b
	}
	switch name {
	case "sleep":
		if _, ok := kv["ms"]; !ok {
			return o, fmt.Errorf("op %q: sleep needs ms=", src)
		}
	case "frame":
		if _, ok := kv["hex"]; !ok {
			return o, fmt.Errorf("op %q: frame needs hex=", src)
		}
	}
	return o, nil
}

func parseOpsJSON(s string, allowed map[string]bool) ([]op, error) {
	var list []map[string]interface{}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	if err := dec.Decode(&list); err != nil {
		return nil, fmt.Errorf("--ops-json: %w", err)
	}
	var ops []op
	for i, m := range list {
		kv := map[string]string{}
		name := ""
		for k, v := range m {
			var sv string
			switch t := v.(type) {
			case string:
				sv = t
			case json.Number:
				sv = t.String()
			default:
				return nil, fmt.Errorf("--ops-json[%d].%s: unsupported value %v", i, k, v)
			}
			if k == "op" {
				name = strings.ToLower(sv)
				continue
			}
			kv[strings.ToLower(k)] = sv
		}
		if !allowed[name] {
			return nil, fmt.Errorf("--ops-json[%d]: unknown or not allowed op %q", i, name)
		}
		o, err := buildOp(name, kv, fmt.Sprintf("--ops-json[%d]", i))
		if err != nil {
			return nil, err
		}
		ops = append(ops, o)
	}
	return ops, nil
}

func parseOps(args []string, opsJSON string, allowed map[string]bool) ([]op, error) {
	if opsJSON != "" && len(args) > 0 {
		return nil, fmt.Errorf("give ops either as arguments or with --ops-json, not both")
	}
	if opsJSON != "" {
		return parseOpsJSON(opsJSON, allowed)
	}
	var ops []op
	for _, a := range args {
		o, err := parseOpText(a, allowed)
		if err != nil {
			return nil, err
		}
		ops = append(ops, o)
	}
	return ops, nil
}
