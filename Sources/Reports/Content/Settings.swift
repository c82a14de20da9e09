import Analysis
import Foundation
import RunStore

/// The training settings of stored runs in words, read from each run's
/// stored configuration, so the methods section states what was actually run.
enum Settings {
    /// One sentence per distinct setting of an algorithm's runs.
    static func sentences(_ runs: [RunRecord], algorithm: String) -> [String] {
        let texts = runs.filter { $0.algorithm == algorithm }.compactMap { $0.config.map { describe($0, ff: algorithm == "ff") } }
        let counts = Dictionary(grouping: texts, by: { $0 }).mapValues(\.count)
        return counts.keys.sorted().map { text in
            "\(algorithm.uppercased()) settings (\(counts[text]!) run\(counts[text]! == 1 ? "" : "s"), from the stored configuration): \(text)."
        }
    }

    /// One sentence per arm that ran a command (a PyTorch port, say): what
    /// ran, and what its numbers are, since they are not measured like a
    /// native run's.
    static func commandSentences(_ runs: [RunRecord], styles: ArmStyles, interval: String) -> [String] {
        let external = runs.filter { $0.config == nil && $0.command != nil }
        let arms = Dictionary(grouping: external) { styles.label(ArmInfo.of($0)) }
        return arms.keys.sorted().map { label in
            let runs = arms[label]!.sorted { ($0.seed ?? 0) < ($1.seed ?? 0) }
            let first = runs[0]
            let example = first.seed.map { " (seed \($0))" } ?? ""
            return "\(label) (\(runs.count) run\(runs.count == 1 ? "" : "s")): a command run by the recorder, e.g.\(example) \(first.command!). "
                + "Its times are the ones the command printed in its epoch lines; its memory is the RSS of its whole process tree sampled every \(interval) "
                + "(interpreter, libraries and allocator caches included); it keeps no ledger, so it has no exact memory rows."
        }
    }

    static func describe(_ c: RunConfig, ff: Bool) -> String {
        var parts: [String] = []
        if let o = c.optimizer { parts.append(optimizer(o)) }
        if let s = c.schedule {
            parts.append(s == "half-linear" ? "learning rate constant for the first half, then linear decay to 0" : "constant learning rate")
        }
        if let b = c.batchSize { parts.append("batch \(b)") }
        guard ff, let f = c.ff else { return parts.joined(separator: ", ") }
        parts.append("label value \(number(f.labelValue))")
        parts.append(f.threshold.map { "threshold \(number($0))" } ?? "threshold = layer width")
        parts.append("\(text(f.negatives)) negatives")
        parts.append("\(text(f.layerSchedule)) layer schedule")
        let peer = f.peerNormalization ?? 0
        parts.append(peer > 0 ? "peer normalisation \(number(peer)) (momentum \(number(f.peerMomentum)))" : "no peer normalisation")
        parts.append("goodness summed from layer \(number(f.goodnessFromLayer.map(Double.init)))")
        if f.softmaxHead == false {
            parts.append("no softmax head (no neutral pass)")
        } else {
            var head = "softmax head on layers \(number(f.headFromLayer.map(Double.init))) and up"
            if let h = f.head { head += " (\(optimizer(h)))" }
            parts.append(head)
        }
        // Stated only when it differs from max-ssq, the only kind before the choice existed.
        if f.goodness == "min-ssq" { parts.append("min-ssq goodness (positive data's sum of squares low)") }
        parts.append("test error by \(text(f.prediction))")
        if let centred = f.centerInputs { parts.append(centred ? "inputs centred on the mean image" : "inputs not centred") }
        return parts.joined(separator: ", ")
    }

    static func optimizer(_ o: RunConfig.Optimizer) -> String {
        let kind = text(o.kind).uppercased()
        var s = "\(kind) lr \(number(o.learningRate))"
        if kind == "SGD" {
            s += ", momentum \(number(o.momentum))"
            if let d = o.dampening, d > 0 { s += ", dampening \(number(d))" }
        }
        s += ", weight decay \(number(o.weightDecay))"
        if o.decayStyle == "separate" { s += " (outside the momentum)" }
        return s
    }

    /// A stored value as it is; "–" where the configuration lacks it
    /// (nothing is assumed about settings a run did not record).
    static func text(_ v: String?) -> String { v ?? "–" }

    static func number(_ v: Double?) -> String {
        guard let d = v else { return "–" }
        return String(format: "%g", Double(String(format: "%.6g", d)) ?? d)
    }
}
