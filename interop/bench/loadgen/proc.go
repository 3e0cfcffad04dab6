package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// clockTicks is USER_HZ, the unit of utime/stime in /proc/<pid>/stat: 100 on every Linux architecture
// Go supports (the kernel exports it to user space as a constant, whatever CONFIG_HZ is).
const clockTicks = 100

// procCPU returns the user+system CPU seconds of process pid (all its threads), from /proc/<pid>/stat.
func procCPU(pid int) (float64, error) {
	path := "/proc/self/stat"
	if pid > 0 {
		path = fmt.Sprintf("/proc/%d/stat", pid)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	// the command name (field 2) is in parentheses and may hold spaces: split after the last ')'
	end := bytes.LastIndexByte(data, ')')
	if end < 0 {
		return 0, fmt.Errorf("%s: unexpected format", path)
	}
	fields := strings.Fields(string(data[end+1:]))
	// fields[0] is field 3 (state); utime is field 14, stime field 15
	if len(fields) < 13 {
		return 0, fmt.Errorf("%s: too few fields", path)
	}
	utime, err1 := strconv.ParseUint(fields[11], 10, 64)
	stime, err2 := strconv.ParseUint(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("%s: bad utime/stime", path)
	}
	return float64(utime+stime) / clockTicks, nil
}

// procMem returns VmRSS and VmHWM (peak RSS) of process pid in KiB, from /proc/<pid>/status.
func procMem(pid int) (rss, hwm int64, err error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		for _, key := range []string{"VmRSS:", "VmHWM:"} {
			if strings.HasPrefix(line, key) {
				fs := strings.Fields(line[len(key):])
				if len(fs) >= 1 {
					v, _ := strconv.ParseInt(fs[0], 10, 64)
					if key == "VmRSS:" {
						rss = v
					} else {
						hwm = v
					}
				}
			}
		}
	}
	return rss, hwm, sc.Err()
}

// resetPeakRSS sets VmHWM back to the current RSS (writing 5 to clear_refs, Linux >= 4.0), so that the
// peak of each phase is its own. It fails quietly where that is not allowed: the peak is then the peak
// since the server started, which the result says.
func resetPeakRSS(pid int) bool {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0) == nil
}

// procSnapshot is the server's and the generator's state at a phase boundary.
type procSnapshot struct {
	at        time.Time
	serverCPU float64
	genCPU    float64
	hwmReset  bool
}

func snapshot(pid int) procSnapshot {
	s := procSnapshot{at: time.Now()}
	s.serverCPU, _ = procCPU(pid)
	s.genCPU, _ = procCPU(0)
	s.hwmReset = resetPeakRSS(pid)
	return s
}

// latencies collects per-operation durations; percentiles are exact (sorted), which is affordable for
// the bounded number of operations a phase runs.
type latencies struct {
	d []time.Duration
}

func (l *latencies) add(d time.Duration) { l.d = append(l.d, d) }

func (l *latencies) merge(o *latencies) { l.d = append(l.d, o.d...) }

func (l *latencies) summary() (p50, p99, max float64) {
	if len(l.d) == 0 {
		return 0, 0, 0
	}
	sort.Slice(l.d, func(i, j int) bool { return l.d[i] < l.d[j] })
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	at := func(q float64) time.Duration {
		i := int(q*float64(len(l.d))+0.5) - 1
		if i < 0 {
			i = 0
		}
		if i >= len(l.d) {
			i = len(l.d) - 1
		}
		return l.d[i]
	}
	return ms(at(0.50)), ms(at(0.99)), ms(l.d[len(l.d)-1])
}
