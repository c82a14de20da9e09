import Foundation
import RunStore

/// How big a study is, and how long it will take as far as its stored runs
/// can tell: a study of thousands of runs is started only when asked twice.
public enum StudySize {
    /// Above this many planned runs, `study` wants --yes.
    public static let confirmAbove = 1000

    /// The time the runs still to do will take, from the median duration of
    /// each arm's completed runs already stored (arms are grid points here).
    public static func estimate(_ spec: StudySpec, stored: [RunRecord]) -> String {
        let done = Set(stored.filter { $0.status == .completed }.compactMap { r in r.arm.map { "\($0)#\(r.seed ?? 0)" } })
        var byArm: [String: [Double]] = [:]
        for r in stored where r.status == .completed {
            guard let arm = r.arm, let f = r.finishedAt.flatMap(Timestamp.date), let s = Timestamp.date(r.startedAt) else { continue }
            byArm[arm, default: []].append(f.timeIntervalSince(s))
        }
        var seconds = 0.0, unknownArms = Set<String>()
        for run in spec.plan where !done.contains("\(run.arm)#\(Int64(bitPattern: run.seed))") {
            guard let d = byArm[run.arm], !d.isEmpty else { unknownArms.insert(run.arm); continue }
            seconds += d.sorted()[d.count / 2]
        }
        if unknownArms.count == Set(spec.plan.map(\.arm)).count {
            return "time unknown until a run of each arm has finished"
        }
        let hours = seconds / 3600
        let known = hours >= 1 ? String(format: "about %.1f hours", hours) : String(format: "about %.0f minutes", seconds / 60)
        return unknownArms.isEmpty ? known : "\(known) for the arms with a finished run; \(unknownArms.count) arm(s) not yet timed"
    }
}
