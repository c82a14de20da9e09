import Analysis
import Charts
import Foundation

/// The report's figures as chart values, each with a file stem.
public enum Figures {
    public static func all(_ model: ReportModel) -> [(name: String, caption: String, chart: Chart)] {
        var out: [(String, String, Chart)] = []
        // Test error per epoch, mean over seeds with a 95 % CI band, FF vs BP.
        let keys = Array(Set(model.curves.map { "\($0.dataset)|\($0.configuration)" })).sorted()
        for key in keys {
            let curves = model.curves.filter { "\($0.dataset)|\($0.configuration)" == key }.sorted { $0.arm > $1.arm }
            let parts = key.split(separator: "|").map(String.init)
            let series = curves.map { c in
                Series(name: c.arm, points: c.epochs.map { Point(x: Double($0.epoch), y: $0.mean, low: $0.low, high: $0.high) })
            }
            let stem = "test-error-" + slug("\(parts[0])-\(parts[1])")
            out.append((stem, "Test error per epoch on \(parts[0]) (\(parts[1])): mean over seeds with 95 % t-interval.",
                        Chart(kind: .line, title: "\(parts[0]), \(parts[1])", xLabel: "epoch", yLabel: "test error (%)", series: series)))
        }
        // One dot chart per headline metric: FF vs BP per configuration, mean with 95 % t-interval and every run.
        let metrics: [(String, String, Double)] = [
            ("mean_epoch_seconds", "time per epoch (s)", 1), ("total_train_seconds", "total training time (s)", 1),
            ("time_to_target_seconds", "time to target error (s)", 1), ("peak_rss_bytes", "peak RSS (MiB)", 1.0 / 1_048_576),
            ("peak_activation_bytes", "peak activation memory (MiB)", 1.0 / 1_048_576),
        ]
        for (metric, label, scale) in metrics {
            let rows = model.comparisons.filter { $0.metric == metric && $0.describe.count == 2 }
            guard !rows.isEmpty else { continue }
            let categories = rows.map { "\($0.dataset ?? "") \($0.configuration?.split(separator: ",").first.map(String.init) ?? "")" }
            let series = ["ff", "bp"].enumerated().map { arm, name in
                Series(name: name, points: rows.enumerated().map { i, r in
                    let ci = r.meanCI.count > arm ? r.meanCI[arm] : nil
                    let d = r.describe[arm]
                    return Point(x: Double(i), y: d.mean * scale, low: ci.map { $0.low * scale }, high: ci.map { $0.high * scale })
                })
            }
            out.append((slug(metric), "\(label.prefix(1).uppercased() + label.dropFirst()), FF and BP: mean over runs with 95 % t-interval.",
                        Chart(kind: .dots(categories: categories), xLabel: "data set and network", yLabel: label, series: series,
                              size: categories.count > 2 ? .doubleColumn : .singleColumn)))
        }
        return out
    }

    static func slug(_ s: String) -> String {
        String(s.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }).replacingOccurrences(of: "--", with: "-")
    }
}
