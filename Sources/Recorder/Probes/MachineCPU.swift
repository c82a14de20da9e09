import Foundation

/// The whole machine's CPU time from /proc/stat's first line: what every
/// process and the hypervisor took, in seconds summed over all cores.
public struct MachineCPU: Sendable, Equatable {
    /// user + nice + system + irq + softirq (guest time is inside user).
    public var busy: Double
    /// Time the hypervisor gave this guest's virtual CPUs to someone else.
    public var steal: Double
    /// Every field: busy, idle, iowait and steal.
    public var total: Double

    public static func now() -> MachineCPU? {
        guard let text = ProcessProbe.read("/proc/stat"), let line = text.split(separator: "\n").first else { return nil }
        return parse(String(line))
    }

    /// Parses "cpu  user nice system idle iowait irq softirq steal …" (ticks).
    static func parse(_ line: String) -> MachineCPU? {
        let f = line.split(separator: " ", omittingEmptySubsequences: true)
        guard f.first == "cpu", f.count >= 9 else { return nil }
        let v = f.dropFirst().prefix(8).compactMap { Double($0) }
        guard v.count == 8 else { return nil }
        let t = ProcessProbe.clockTicks
        return MachineCPU(busy: (v[0] + v[1] + v[2] + v[5] + v[6]) / t, steal: v[7] / t, total: v.reduce(0, +) / t)
    }

    /// The rest of the machine's use over an interval, as a share of all its
    /// cores: busy time less the run's own CPU seconds, plus steal.
    public static func otherShare(from a: MachineCPU, to b: MachineCPU, ownSeconds: Double, wallSeconds: Double,
                                  cores: Int) -> Double? {
        guard wallSeconds > 0, cores > 0 else { return nil }
        let other = max(0, (b.busy - a.busy) - ownSeconds) + max(0, b.steal - a.steal)
        return min(1, other / (wallSeconds * Double(cores)))
    }

    public static var cores: Int { ProcessInfo.processInfo.activeProcessorCount }
}
