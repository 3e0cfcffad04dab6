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

// procCPU returns the user+system CPU seconds of process pid (all its threads), from /proc/<pid>/stat,
// plus those of its children: the live ones (listed in /proc/<pid>/task/*/children, and theirs in turn)
// and the ones it has reaped (cutime, cstime). A server of several processes (the primary and workers of
// Node's cluster) is then measured whole; a server of one process has no children, so nothing changes.
func procCPU(pid int) (float64, error) {
	if pid <= 0 {
		return procOwnCPU(pid)
	}
	total, err := procOwnCPU(pid)
	if err != nil {
		return 0, err
	}
	// bounded: a process tree of a benchmark server is a few processes deep
	seen := map[int]bool{pid: true}
	queue := []int{pid}
	for len(queue) > 0 && len(seen) < 1024 {
		parent := queue[0]
		queue = queue[1:]
		tasks, _ := os.ReadDir(fmt.Sprintf("/proc/%d/task", parent))
		for _, task := range tasks {
			data, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/children", parent, task.Name()))
			if err != nil {
				continue
			}
			for _, field := range strings.Fields(string(data)) {
				child, err := strconv.Atoi(field)
				if err != nil || seen[child] {
					continue
				}
				seen[child] = true
				queue = append(queue, child)
				// a child that ended between the listing and this read is in its parent's cutime later
				if cpu, err := procOwnCPU(child); err == nil {
					total += cpu
				}
			}
		}
	}
	return total, nil
}

// procOwnCPU returns the user+system CPU seconds of process pid (all its threads) and of its reaped
// children, from /proc/<pid>/stat.
func procOwnCPU(pid int) (float64, error) {
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
	// cutime and cstime (fields 16 and 17): children reaped by pid, such as a worker that was replaced
	var reaped uint64
	if pid > 0 && len(fields) >= 15 {
		cutime, err3 := strconv.ParseUint(fields[13], 10, 64)
		cstime, err4 := strconv.ParseUint(fields[14], 10, 64)
		if err3 == nil && err4 == nil {
			reaped = cutime + cstime
		}
	}
	return float64(utime+stime+reaped) / clockTicks, nil
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

// machineCPU returns the CPU seconds the whole machine has spent busy (user, nice, system, irq, softirq: every
// process, PostgreSQL's and the kernel's included) and those the hypervisor gave to other guests while this
// one had work (steal), summed over all cores, and the number of cores, from the first lines of /proc/stat.
// A phase's busy seconds next to its length times the cores say how saturated the machine was; its steal
// says how much of it a neighbour took, which moves every figure of a run on a shared host.
func machineCPU() (busy, steal float64, cores int, err error) {
	f, err := os.Open("/proc/stat")
	if err != nil {
		return 0, 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || !strings.HasPrefix(fields[0], "cpu") {
			break
		}
		if fields[0] != "cpu" {
			cores++
			continue
		}
		// cpu user nice system idle iowait irq softirq steal guest guest_nice (guest time is inside user)
		if len(fields) < 9 {
			return 0, 0, 0, fmt.Errorf("/proc/stat: too few fields")
		}
		ticks := make([]uint64, 8)
		for i := range ticks {
			if ticks[i], err = strconv.ParseUint(fields[i+1], 10, 64); err != nil {
				return 0, 0, 0, fmt.Errorf("/proc/stat: %w", err)
			}
		}
		busy = float64(ticks[0]+ticks[1]+ticks[2]+ticks[5]+ticks[6]) / clockTicks
		steal = float64(ticks[7]) / clockTicks
	}
	return busy, steal, cores, sc.Err()
}

// procSnapshot is the server's, the generator's and the machine's state at a phase boundary.
type procSnapshot struct {
	at           time.Time
	serverCPU    float64
	genCPU       float64
	machineBusy  float64
	machineSteal float64
	cores        int
	hwmReset     bool
}

func snapshot(pid int) procSnapshot {
	s := procSnapshot{at: time.Now()}
	s.serverCPU, _ = procCPU(pid)
	s.genCPU, _ = procCPU(0)
	s.machineBusy, s.machineSteal, s.cores, _ = machineCPU()
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
