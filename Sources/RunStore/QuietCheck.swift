import Foundation

/// What can disturb a timing on a machine, as looked at before timing
/// (`ffbench env --check`, the start of every study; made by the Recorder's
/// `QuietCheck.run`), and stored with the study (`studies.quiet_json`).
/// `problems` make a machine not quiet; `cautions` are told.
public struct QuietCheck: Codable, Sendable {
    public struct BusyProcess: Codable, Sendable, Equatable {
        public var pid: Int
        public var name: String
        /// Share of one core over the check.
        public var cpuShare: Double
        public init(pid: Int, name: String, cpuShare: Double) { (self.pid, self.name, self.cpuShare) = (pid, name, cpuShare) }
        enum CodingKeys: String, CodingKey { case pid, name; case cpuShare = "cpu_share" }
    }

    public var seconds: Double
    public var busyProcesses: [BusyProcess]
    /// Other processes' CPU plus steal, as a share of all cores.
    public var otherCPUShare: Double?
    public var stealShare: Double?
    public var loadAverage: [Double]
    /// The canaries taken over the check: fastest (the quiet reference), median, slowest.
    public var canaryFastest: Double
    public var canaryMedian: Double
    public var canarySlowest: Double
    public var canaries: Int
    /// Share of the canaries slower than the fastest by more than the rule's canary limit.
    public var canarySlowShare: Double
    /// Nanoseconds per cache-line round trip between the slowest pair of cores
    /// (the canary's second part), measured once after the canaries; nil in
    /// checks stored before it was measured, 0 on one core.
    public var coreRoundTripNanoseconds: Double?
    public var governor: String?
    public var turbo: String?
    public var smtSiblings: String
    public var slurm: String?
    public var energy: String
    public var problems: [String]
    public var cautions: [String]

    enum CodingKeys: String, CodingKey {
        case seconds, governor, turbo, slurm, energy, problems, cautions, canaries
        case busyProcesses = "busy_processes"
        case otherCPUShare = "other_cpu_share"
        case stealShare = "steal_share"
        case loadAverage = "load_average"
        case canaryFastest = "canary_fastest_seconds"
        case canaryMedian = "canary_median_seconds"
        case canarySlowest = "canary_slowest_seconds"
        case canarySlowShare = "canary_slow_share"
        case coreRoundTripNanoseconds = "core_round_trip_ns"
        case smtSiblings = "smt_siblings"
    }

    public var isQuiet: Bool { problems.isEmpty }

    /// One sentence for a report's environment section.
    public var summary: String {
        var t = isQuiet ? "quiet" : "NOT quiet"
        t += String(format: "; canary fastest %.2f ms, median %.2f ms over %d runs", 1000 * canaryFastest, 1000 * canaryMedian, canaries)
        if let r = coreRoundTripNanoseconds, r > 0 { t += String(format: "; core round trip %.0f ns", r) }
        if let o = otherCPUShare { t += "; other CPU use \(Self.percent(o))" }
        if let s = stealShare { t += ", steal \(Self.percent(s))" }
        if !problems.isEmpty { t += "; problems: " + problems.joined(separator: "; ") }
        if !cautions.isEmpty { t += "; cautions: " + cautions.joined(separator: "; ") }
        return t
    }

    public init(seconds: Double, busyProcesses: [BusyProcess], otherCPUShare: Double?, stealShare: Double?, loadAverage: [Double],
                canaryFastest: Double, canaryMedian: Double, canarySlowest: Double, canaries: Int, canarySlowShare: Double,
                governor: String?, turbo: String?, smtSiblings: String, slurm: String?, energy: String,
                problems: [String] = [], cautions: [String] = []) {
        (self.seconds, self.busyProcesses, self.otherCPUShare, self.stealShare, self.loadAverage) = (seconds, busyProcesses, otherCPUShare, stealShare, loadAverage)
        (self.canaryFastest, self.canaryMedian, self.canarySlowest, self.canaries, self.canarySlowShare) = (canaryFastest, canaryMedian, canarySlowest, canaries, canarySlowShare)
        (self.governor, self.turbo, self.smtSiblings, self.slurm, self.energy) = (governor, turbo, smtSiblings, slurm, energy)
        (self.problems, self.cautions) = (problems, cautions)
    }

    public static func percent(_ v: Double) -> String { String(format: "%.0f %%", 100 * v) }

    /// What `ffbench env --check` prints.
    public var lines: [[String]] {
        var l: [[String]] = [
            ["verdict", isQuiet ? "quiet" : "NOT quiet"],
            ["busy processes", busyProcesses.isEmpty ? "none" : busyProcesses.map { "\($0.name) (pid \($0.pid)) \(Self.percent($0.cpuShare))" }.joined(separator: ", ")],
            ["other CPU use", otherCPUShare.map(Self.percent) ?? "unknown (no /proc/stat)"],
            ["steal", stealShare.map(Self.percent) ?? "unknown"],
            ["load average", loadAverage.map { String(format: "%.2f", $0) }.joined(separator: " ")],
            ["canary", String(format: "%d runs over %.1f s: fastest %.2f ms, median %.2f ms, slowest %.2f ms", canaries, seconds,
                              1000 * canaryFastest, 1000 * canaryMedian, 1000 * canarySlowest)],
            ["core round trip", coreRoundTripNanoseconds.map { $0 > 0 ? String(format: "%.0f ns between the farthest cores (the canary's second part)", $0) : "one core" } ?? "not measured"],
            ["frequency governor", governor ?? "no cpufreq here"],
            ["turbo", turbo ?? "unknown (no cpufreq boost control here)"],
            ["SMT siblings", smtSiblings],
            ["slurm", slurm ?? "not in a Slurm job"],
            ["energy", energy],
        ]
        for p in problems { l.append(["problem", p]) }
        for c in cautions { l.append(["caution", c]) }
        return l
    }
}
