import Analysis
import RunStore

/// Hinton (2022), Table 1: CIFAR-10 on locally connected networks (3 ReLUs
/// per location of a 32x32 map, 11x11 fields), BP against FF trained to
/// make positive data's sum of squared activities high (max-ssq) or low
/// (min-ssq), FF predicting by goodness for every label or by the one-pass
/// softmax; and this database's runs of the same networks beside them.
enum PaperTable {
    struct Entry {
        let layers: String, algorithm: String, goodness: String?, prediction: String?, paper: String
        var method: String {
            guard algorithm == "ff" else { return "BP, softmax output, end to end" }
            return "FF \(goodness ?? "max-ssq"), " + (prediction == "softmax" ? "one-pass softmax" : "goodness for every label")
        }
    }

    /// The figures as the paper's secondary sources give them (docs/cifar10-paper.md).
    static let entries: [Entry] = ["lc2", "lc3"].flatMap { layers -> [Entry] in
        [Entry(layers: layers, algorithm: "bp", goodness: nil, prediction: nil, paper: layers == "lc2" ? "37 %" : "39 %")]
            + ["min-ssq", "max-ssq"].flatMap { g in
                [Entry(layers: layers, algorithm: "ff", goodness: g, prediction: "goodness", paper: "≈ 41 %"),
                 Entry(layers: layers, algorithm: "ff", goodness: g, prediction: "softmax", paper: "44–46 %")]
            }
    }

    static let source = "Paper: Hinton (2022), Table 1, as quoted by secondary sources (the paper's PDF was not at hand to check each row); its epoch budget and learning rates are not known."

    /// One row per entry that has completed runs here: network, method, runs, final test error (mean), the paper's.
    static func rows(_ model: ReportModel) -> [[String]] {
        let runs = model.runs.filter { $0.status == .completed && $0.dataset == "cifar10" && $0.supersededBy == nil }
        return entries.compactMap { e -> [String]? in
            let matching = runs.filter { r in
                r.layers == e.layers && r.algorithm == e.algorithm && (e.algorithm == "bp" || (r.config?.ff?.goodness ?? "max-ssq") == e.goodness)
            }
            let finals = matching.compactMap { r -> Double? in
                guard let last = model.epochs[r.id]?.last?.line else { return nil }
                switch e.prediction {
                case "goodness"?: return last.testErrorGoodness
                case "softmax"?: return last.testErrorSoftmax
                default: return last.testError
                }
            }.map { 100 * $0 }
            guard !finals.isEmpty else { return nil }
            let epochs = Set(matching.compactMap { model.epochs[$0.id]?.last?.line.epoch }).sorted().map(String.init).joined(separator: ", ")
            return [e.layers, e.method, String(finals.count), epochs, Number.fixed(Stats.mean(finals), 2) + " %", e.paper]
        }
    }
}
