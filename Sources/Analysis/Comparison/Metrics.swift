/// How a metric is compared: its estimand is fixed here, in advance, by
/// the kind of quantity it is (docs/analysis.md), never chosen from the data.
public enum MetricKind: String, Codable, Sendable {
    /// Positive and multiplicative (time, memory): geometric-mean ratio, t on logs.
    case ratio
    /// Identical in every seed (ledger bytes, parameter counts): stated, never tested.
    case exact
    /// An error rate: difference in percentage points, equivalence by TOST.
    case accuracy
    /// Time until the validation error reaches a target: Kaplan–Meier, RMST ratio.
    case timeToTarget = "time_to_target"
}

/// One compared metric: its stored name, its words and its unit.
public struct Metric: Sendable, Equatable {
    public let name: String
    /// What it is, in words a sentence can use ("time per epoch").
    public let what: String
    /// Unit as printed in table headers ("s", "MiB", "%"); "" for counts.
    public let unit: String
    /// Stored value × scale = value in `unit`.
    public let scale: Double
    public let kind: MetricKind
    /// In the primary family (Holm-adjusted, p reported); otherwise secondary (interval only).
    public let primary: Bool
    /// What the arm does when its value is lower, and when higher.
    public let lower: String, higher: String

    /// "time per epoch (s)".
    public var label: String { unit.isEmpty ? what : "\(what) (\(unit))" }
}

public enum Metrics {
    /// Each run's median over its undisturbed epochs (docs/analysis.md, disturbance).
    public static let epochTime = Metric(name: "epoch_seconds", what: "time per epoch", unit: "s", scale: 1, kind: .ratio,
                                         primary: true, lower: "trains faster", higher: "trains slower")
    /// The sensitivity analysis beside it: each run's mean over all its epochs, disturbed or not.
    public static let epochTimeAllEpochs = Metric(name: "mean_epoch_seconds", what: "time per epoch, all epochs", unit: "s", scale: 1,
                                                  kind: .ratio, primary: false, lower: "trains faster", higher: "trains slower")
    public static let cpuTime = Metric(name: "cpu_seconds_per_epoch", what: "CPU time per epoch", unit: "s", scale: 1, kind: .ratio,
                                       primary: false, lower: "uses less CPU time", higher: "uses more CPU time")
    public static let energy = Metric(name: "energy_joules_per_epoch", what: "energy per epoch", unit: "J", scale: 1, kind: .ratio,
                                      primary: false, lower: "uses less energy", higher: "uses more energy")
    public static let timeToTarget = Metric(name: "time_to_target_seconds", what: "time to target", unit: "s", scale: 1,
                                            kind: .timeToTarget, primary: true,
                                            lower: "reaches the target sooner", higher: "reaches the target later")
    public static let peakRSS = Metric(name: "peak_rss_bytes", what: "peak RSS", unit: "MiB", scale: 1.0 / 1_048_576, kind: .ratio,
                                       primary: true, lower: "uses less memory", higher: "uses more memory")
    public static let finalTestError = Metric(name: "final_test_error", what: "final test error", unit: "%", scale: 100,
                                              kind: .accuracy, primary: true, lower: "is more accurate", higher: "is less accurate")
    public static let peakActivations = Metric(name: "peak_activation_bytes", what: "peak activation memory (ledger)", unit: "MiB",
                                               scale: 1.0 / 1_048_576, kind: .exact, primary: false,
                                               lower: "holds fewer activation bytes", higher: "holds more activation bytes")
    public static let peakTensors = Metric(name: "peak_tensor_bytes", what: "peak tensor memory (ledger)", unit: "MiB",
                                           scale: 1.0 / 1_048_576, kind: .exact, primary: false,
                                           lower: "holds fewer tensor bytes", higher: "holds more tensor bytes")
    public static let parameters = Metric(name: "parameter_count", what: "parameters", unit: "", scale: 1, kind: .exact,
                                          primary: false, lower: "has fewer parameters", higher: "has more parameters")
    public static let wallTime = Metric(name: "total_wall_seconds", what: "training and evaluation time", unit: "s", scale: 1,
                                        kind: .ratio, primary: false, lower: "finishes sooner", higher: "finishes later")
    public static let bestValidationError = Metric(name: "best_validation_error", what: "best validation error", unit: "%",
                                                   scale: 100, kind: .accuracy, primary: false,
                                                   lower: "is more accurate", higher: "is less accurate")

    /// Every compared metric, primary first, in the order reports show them.
    public static let all = [finalTestError, epochTime, timeToTarget, peakRSS, epochTimeAllEpochs, cpuTime, energy,
                             peakActivations, peakTensors, parameters, wallTime, bestValidationError]
    public static var primary: [Metric] { all.filter(\.primary) }

    public static func named(_ name: String) -> Metric? { all.first { $0.name == name } }
}
