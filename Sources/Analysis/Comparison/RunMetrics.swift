import Foundation
import RunStore

/// Per-run figures computed from the `runs` and `epochs` tables (docs/analysis.md).
public struct RunMetrics: Codable, Sendable {
    /// Cumulative training seconds at the end of an epoch and the error
    /// selection reads there (validation, or test without a validation split).
    public struct Progress: Codable, Sendable, Equatable {
        public var epoch: Int
        public var seconds: Double
        public var error: Double?
    }

    public var runID: String
    public var values: [String: Double]
    /// Whether selection (best epoch, time to target) read a validation
    /// split; false means it had to read the test set.
    public var selectsOnValidation: Bool
    public var progress: [Progress]
    /// Which epochs the disturbance rule flagged.
    public var disturbance: RunDisturbance

    enum CodingKeys: String, CodingKey {
        case values, progress, disturbance
        case runID = "run_id"
        case selectsOnValidation = "selects_on_validation"
    }

    /// `reference`: the machine's quiet canary time (RunDisturbance.references);
    /// `armFastest`: its arm's fastest epoch on its host (RunDisturbance.armFastest).
    public init(run: RunRecord, epochs: [EpochRecord], reference: Double? = nil, armFastest: Double? = nil,
                rule: DisturbanceRule = .standard) {
        runID = run.id
        var v: [String: Double] = [:]
        let train = epochs.compactMap(\.trainSeconds)
        let disturbance = RunDisturbance(epochs: epochs.map(\.line), reference: reference, armFastest: armFastest, rule: rule)
        self.disturbance = disturbance
        if let quiet = disturbance.undisturbedEpochSeconds { v["epoch_seconds"] = quiet }
        let cpu = epochs.compactMap(\.cpuSeconds)
        if !cpu.isEmpty && cpu.count == epochs.count { v["cpu_seconds_per_epoch"] = Stats.mean(cpu) }
        let energy = epochs.compactMap(\.energyJoules)
        if !energy.isEmpty && energy.count == epochs.count { v["energy_joules_per_epoch"] = Stats.mean(energy) }
        if !train.isEmpty {
            v["mean_epoch_seconds"] = Stats.mean(train)
            v["total_train_seconds"] = Stats.sum(train)
            v["total_wall_seconds"] = Stats.sum(train) + Stats.sum(epochs.compactMap(\.evalSeconds))
        }
        if let m = epochs.compactMap(\.peakRSSBytes).max() { v["peak_rss_bytes"] = Double(m) }
        if let m = epochs.compactMap(\.peakTensorBytes).max() { v["peak_tensor_bytes"] = Double(m) }
        if let m = epochs.compactMap(\.peakActivationBytes).max() { v["peak_activation_bytes"] = Double(m) }
        if let p = run.parameterCount { v["parameter_count"] = Double(p) }
        // The final model's test error: the last epoch's, when it was evaluated.
        if let last = epochs.last?.testError { v["final_test_error"] = last }
        let onValidation = epochs.contains { $0.validationError != nil }
        selectsOnValidation = onValidation
        let selection = epochs.map { onValidation ? $0.validationError : $0.testError }
        if let best = zip(epochs, selection).compactMap({ e, s in s.map { (e.epoch, $0) } }).min(by: { $0.1 < $1.1 }) {
            v["best_validation_error"] = best.1
            v["best_epoch"] = Double(best.0)
        }
        // Time to target counts a disturbed epoch at the run's quiet pace (the same work, undisturbed).
        var cumulative = 0.0
        progress = []
        let disturbed = Set(disturbance.disturbedEpochs)
        for (e, error) in zip(epochs, selection) {
            guard let s = e.trainSeconds else { break }
            cumulative += disturbed.contains(e.epoch) ? (disturbance.undisturbedEpochSeconds ?? s) : s
            progress.append(Progress(epoch: e.epoch, seconds: cumulative, error: error))
        }
        values = v
    }

    /// Cumulative training time at which the selection error first reaches
    /// `target`, interpolated linearly between the two evaluated epochs
    /// around the crossing (the end of the first evaluated epoch if it
    /// already reaches it); censored at the run's total training time when
    /// it never does. nil without training times.
    public func timeToTarget(_ target: Double) -> TimeToEvent? {
        guard let total = progress.last?.seconds else { return nil }
        var previous: Progress?
        for p in progress {
            guard let error = p.error else { continue } // an epoch without evaluation adds time only
            if error <= target {
                if let q = previous, let pe = q.error, pe > error {
                    return TimeToEvent(time: q.seconds + (pe - target) / (pe - error) * (p.seconds - q.seconds), reached: true,
                                       followUp: total)
                }
                return TimeToEvent(time: p.seconds, reached: true, followUp: total)
            }
            previous = p
        }
        return TimeToEvent(time: total, reached: false)
    }
}
