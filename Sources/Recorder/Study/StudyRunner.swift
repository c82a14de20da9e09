import Tensor
import Foundation
import RunStore
import Training

/// Runs a study: every (arm, seed) as its own child process, `ffbench
/// train` or, for a command arm, `ffbench record` (so each run's memory is
/// its own), interleaved across arms, skipping
/// runs the database already holds as completed (or diverged, which would
/// only diverge again) and redoing failed or interrupted ones.
public final class StudyRunner {
    public struct Summary: Sendable, Equatable {
        public var completed = 0, skipped = 0, failed = 0, diverged = 0, interrupted = 0
    }

    let spec: StudySpec
    let store: RunStore
    let executable: String
    let dataDirectory: String?
    let progress: (String) -> Void

    public init(spec: StudySpec, store: RunStore, executable: String = Subprocess.currentExecutable,
                dataDirectory: String? = nil, progress: @escaping (String) -> Void) {
        self.spec = spec
        self.store = store
        self.executable = executable
        self.dataDirectory = dataDirectory
        self.progress = progress
    }

    /// Whether a (arm, seed) needs running.
    func isDone(_ run: PlannedRun) throws(RunStoreError) -> Bool {
        try store.hasRun(study: spec.name, arm: run.arm, seed: Int64(bitPattern: run.seed), in: [.completed, .diverged])
    }

    public func run(stop: StopSignals) throws -> Summary {
        var summary = Summary()
        let plan = spec.plan
        var todo: [PlannedRun] = []
        for run in plan {
            if try isDone(run) { summary.skipped += 1 } else { todo.append(run) }
        }
        if summary.skipped > 0 { progress("\(spec.name): \(summary.skipped) of \(plan.count) runs already done, \(todo.count) to go") }
        try run(todo, stop: stop, summary: &summary)
        return summary
    }

    /// Reruns these stored runs as new runs (`study --retime`); each old run
    /// whose rerun completes is marked superseded by it, and kept.
    public func retime(_ old: [RunRecord], stop: StopSignals) throws -> Summary {
        var summary = Summary()
        let plan = spec.plan
        let pairs = old.compactMap { r in
            plan.first { $0.arm == r.arm && Int64(bitPattern: $0.seed) == r.seed }.map { (planned: $0, old: r) }
        }
        for p in pairs {
            var one = Summary()
            try run([p.planned], stop: stop, summary: &one)
            summary.completed += one.completed
            summary.failed += one.failed
            summary.diverged += one.diverged
            summary.interrupted += one.interrupted
            if one.completed == 1, let new = try store.latestRunID(study: spec.name, arm: p.planned.arm, seed: p.old.seed ?? 0),
               new != p.old.id {
                try store.supersede([(old: p.old.id, new: new)])
            }
            if stop.requested { break }
        }
        return summary
    }

    func run(_ todo: [PlannedRun], stop: StopSignals, summary: inout Summary) throws {
        let totalEpochs = todo.count * spec.epochs
        var epochsDone = 0
        var secondsPerEpoch: Double?
        let studyStart = Monotonic.now()

        for (index, run) in todo.enumerated() {
            if stop.requested { summary.interrupted += 1; break }
            let label = "[\(index + 1)/\(todo.count)] \(run.arm) seed \(run.seed)"
            progress("\(label): starting")
            let args = [executable] + (try spec.childArguments(of: run, database: store.path, dataDirectory: dataDirectory))
            // Its own process group, killed by the kernel if this runner dies:
            // a killed study leaves no run training on unseen.
            let child = try Subprocess(args, captureOutput: true, ownGroup: true)
            let forwarder = Sampler(interval: 0.05) { [stop, child] in
                if stop.requested { child.signalGroup(stop.receivedSignal) }
            }
            defer { forwarder.stop() }
            var reader = LineReader(child.output!)
            let decoder = JSONDecoder()
            while let line = reader.next() {
                guard case .epoch(let e, _) = EpochLineReader.read(line, decoder: decoder) else {
                    // A command's own output (ffbench train prints only epochs here).
                    if run.command != nil { progress("\(label): \(line)") }
                    continue
                }
                let epoch = e.epoch
                epochsDone += 1
                secondsPerEpoch = (Monotonic.now() - studyStart) / Double(epochsDone)
                let error = e.testError.map { String(format: "%.2f%%", 100 * $0) } ?? "-"
                let eta = secondsPerEpoch.map { Self.duration($0 * Double(totalEpochs - epochsDone)) } ?? "?"
                progress("\(label): epoch \(epoch)/\(spec.epochs), test error \(error); study \(epochsDone)/\(totalEpochs) epochs, ETA \(eta)")
            }
            let status = child.wait()
            switch status {
            case 0:
                summary.completed += 1
                progress("\(label): completed")
            case 130, 143:
                summary.interrupted += 1
                progress("\(label): interrupted")
            default:
                let latest = try store.latestStatus(study: spec.name, arm: run.arm, seed: Int64(bitPattern: run.seed))
                if latest == .diverged { summary.diverged += 1; progress("\(label): diverged; the study goes on") }
                else { summary.failed += 1; progress("\(label): failed with exit status \(status); the study goes on") }
            }
            if stop.requested { break }
        }
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s >= 3600 { return "\(s / 3600)h\(String(format: "%02d", s % 3600 / 60))m" }
        if s >= 60 { return "\(s / 60)m\(String(format: "%02d", s % 60))s" }
        return "\(s)s"
    }
}
