import Foundation

/// Reads the kernel's own accounting of this process and of others from /proc.
public enum ProcessProbe {
    static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
    static let clockTicks = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// /proc/self/statm, opened once: this is read on every sampling tick,
    /// and the path lookup of an open costs more than the read. (Closed on
    /// exec, so commands ffbench records do not inherit it.)
    static let statm = open("/proc/self/statm", O_RDONLY | O_CLOEXEC)

    /// Resident set size now, from statm's second field, parsed from the raw
    /// bytes (reading at offset 0 makes the kernel regenerate the file).
    public static func residentBytes() -> Int {
        guard statm >= 0 else { return 0 }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { buffer in
            let n = pread(statm, buffer.baseAddress, buffer.count, 0)
            var i = 0
            while i < n && buffer[i] != UInt8(ascii: " ") { i += 1 }
            i += 1
            var pages = 0, digits = 0
            while i < n, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(buffer[i]) {
                pages = pages * 10 + Int(buffer[i] - UInt8(ascii: "0"))
                i += 1
                digits += 1
            }
            return digits > 0 ? pages * pageSize : 0
        }
    }

    /// VmHWM: the peak resident set size since start or the last reset.
    public static func peakResidentBytes(pid: String = "self") -> Int {
        statusField("VmHWM", pid: pid) ?? 0
    }

    /// Resets VmHWM to the current RSS (writing 5 to clear_refs), so the
    /// next read gives the exact peak of the phase that follows.
    @discardableResult
    public static func resetPeakResident() -> Bool {
        let fd = open("/proc/self/clear_refs", O_WRONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return write(fd, "5", 1) == 1
    }

    /// User and system CPU seconds of this process (all threads).
    public static func cpuSeconds() -> (user: Double, system: Double) {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return (Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) * 1e-6,
                Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) * 1e-6)
    }

    /// A `Vm…`/`Threads` line of /proc/PID/status, in bytes for kB fields.
    static func statusField(_ name: String, pid: String) -> Int? {
        guard let text = read("/proc/\(pid)/status") else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count >= 2, let value = Int(parts[1]) else { return nil }
            return parts.count >= 3 && parts[2] == "kB" ? value * 1024 : value
        }
        return nil
    }

    static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        var data = [UInt8]()
        while true {
            let n = buffer.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            data.append(contentsOf: buffer[0..<n])
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// A process and all its descendants, measured together from /proc.
public struct ProcessTreeSample: Sendable, Equatable {
    public var residentBytes = 0
    public var userSeconds = 0.0
    public var systemSeconds = 0.0
    public var threads = 0
    public var processes = 0
    /// The tree's processes (to find them in nvidia-smi's list of GPU users).
    public var pids: [pid_t] = []

    /// Sums over `root` and every process whose parent chain reaches it.
    public static func measure(root: pid_t) -> ProcessTreeSample {
        var parents: [pid_t: pid_t] = [:]
        var stats: [pid_t: (utime: Double, stime: Double, threads: Int)] = [:]
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for name in entries {
            guard let pid = pid_t(name), let stat = ProcessProbe.read("/proc/\(pid)/stat") else { continue }
            // The command name is in parentheses and may hold spaces: parse after the last ')'.
            guard let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            // fields[0] is state (field 3); ppid is field 4, utime 14, stime 15, threads 20.
            guard fields.count > 17, fields[0] != "Z", let ppid = pid_t(fields[1]), let ut = Double(fields[11]), let st = Double(fields[12]),
                  let th = Int(fields[17]) else { continue }
            parents[pid] = ppid
            stats[pid] = (ut / ProcessProbe.clockTicks, st / ProcessProbe.clockTicks, th)
        }
        var sample = ProcessTreeSample()
        for pid in stats.keys {
            var p = pid
            var inTree = false
            for _ in 0..<64 {
                if p == root { inTree = true; break }
                guard let parent = parents[p], parent > 0 else { break }
                p = parent
            }
            // A process without resident pages has no address space left: it is exiting (or a zombie), not using 0 bytes.
            guard inTree, let s = stats[pid], let resident = ProcessProbe.statusField("VmRSS", pid: String(pid)), resident > 0 else { continue }
            sample.residentBytes += resident
            sample.userSeconds += s.utime
            sample.systemSeconds += s.stime
            sample.threads += s.threads
            sample.processes += 1
            sample.pids.append(pid)
        }
        return sample
    }
}
