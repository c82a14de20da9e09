import Foundation
import RunStore
import Tensor

/// Making a quiet check (the record is RunStore's `QuietCheck`): other busy
/// processes, load and steal, the canary's spread over about a second,
/// frequency scaling, SMT siblings, and whether a Slurm job has its node
/// to itself.
extension QuietCheck {
    /// A process counts as busy above this share of one core.
    static let busyShare = 0.10

    /// Looks for about `seconds`, taking canaries all the while.
    public static func run(seconds: Double = 1, rule: DisturbanceRule = .standard,
                           environment: [String: String] = ProcessInfo.processInfo.environment) -> QuietCheck {
        let me = getpid()
        let before = processTimes(), machineBefore = MachineCPU.now()
        let ownBefore = ProcessProbe.cpuSeconds()
        let start = Monotonic.now()
        var canaries: [Double] = []
        repeat { canaries.append(Canary.measure()) } while Monotonic.now() - start < seconds
        let wall = Monotonic.now() - start
        let after = processTimes(), machineAfter = MachineCPU.now()
        let ownAfter = ProcessProbe.cpuSeconds()
        let own = (ownAfter.user + ownAfter.system) - (ownBefore.user + ownBefore.system)

        var busy: [BusyProcess] = []
        for (pid, a) in after where pid != me {
            let used = a.seconds - (before[pid]?.seconds ?? a.seconds)
            if used / wall > busyShare { busy.append(BusyProcess(pid: Int(pid), name: a.name, cpuShare: used / wall)) }
        }
        busy.sort { $0.cpuShare > $1.cpuShare }
        var other: Double?, steal: Double?
        if let a = machineBefore, let b = machineAfter {
            other = MachineCPU.otherShare(from: a, to: b, ownSeconds: own, wallSeconds: wall, cores: MachineCPU.cores)
            steal = max(0, b.steal - a.steal) / (wall * Double(MachineCPU.cores))
        }
        let sorted = canaries.filter(\.isFinite).sorted()
        let fastest = sorted.first ?? .nan, slowest = sorted.last ?? .nan
        let median = sorted.isEmpty ? .nan : sorted[sorted.count / 2]
        var check = QuietCheck(seconds: wall, busyProcesses: busy, otherCPUShare: other, stealShare: steal,
                               loadAverage: ThisHost.loadAverage(), canaryFastest: fastest, canaryMedian: median,
                               canarySlowest: slowest, canaries: sorted.count,
                               canarySlowShare: Double(sorted.filter { $0 > fastest * (1 + rule.canarySlowdown) }.count) / Double(max(sorted.count, 1)),
                               governor: ThisHost.governor(), turbo: ThisHost.turbo(),
                               smtSiblings: ThisHost.smtSiblings(), slurm: nil, energy: EnergyCounter.describe())
        check.coreRoundTripNanoseconds = Canary.roundTripNanoseconds()
        check.judge(rule: rule, slurm: SlurmNode.check(environment: environment))
        return check
    }

    mutating func judge(rule: DisturbanceRule, slurm: SlurmNode.Finding?) {
        for p in busyProcesses {
            problems.append("process \(p.pid) (\(p.name)) used \(Self.percent(p.cpuShare)) of a core")
        }
        if let o = otherCPUShare, o > rule.otherCPUShare {
            problems.append("other CPU use was \(Self.percent(o)) of the machine (the disturbance rule's limit is \(Self.percent(rule.otherCPUShare)))")
        }
        if let s = stealShare, s > 0.02 { problems.append("the hypervisor took \(Self.percent(s)) of the CPU (steal)") }
        let slowCanaries = canaryFastest.isFinite ? canarySlowShare : 1
        if slowCanaries > 0.1 {
            problems.append("the canary varied: \(String(format: "%.1f", 1000 * canaryFastest))–\(String(format: "%.1f", 1000 * canarySlowest)) ms over \(canaries) runs, \(Self.percent(slowCanaries)) of them more than \(Self.percent(rule.canarySlowdown)) slower than the fastest")
        }
        if let g = governor, g != "performance" { cautions.append("CPU frequency governor is \(g), not performance") }
        if turbo == "on" { cautions.append("turbo boost is on: clock speed follows temperature and load") }
        if smtSiblings != "none" { cautions.append("SMT siblings share cores (\(smtSiblings)): a process on a sibling slows the run") }
        if let s = slurm {
            self.slurm = s.text
            if s.shared { problems.append(s.text) } else if !s.exclusive { cautions.append(s.text) }
        }
    }


    /// Every process's CPU seconds and name.
    static func processTimes() -> [pid_t: (seconds: Double, name: String)] {
        var out: [pid_t: (Double, String)] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(name), let stat = ProcessProbe.read("/proc/\(pid)/stat"),
                  let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 12, let ut = Double(fields[11]), let st = Double(fields[12]) else { continue }
            out[pid] = ((ut + st) / ProcessProbe.clockTicks, String(stat[stat.index(after: open)..<close]))
        }
        return out
    }
}
