import Analysis
import Foundation

/// The answer to the research question, in sentences built from the numbers.
/// Wording follows the statistics: a direction only when the adjusted p is
/// below 0.05, "no significant difference" otherwise, and warnings for
/// small samples, failed assumption checks and mixed hosts.
public enum Answer {
    static let phrases: [String: (what: String, better: String, worse: String)] = [
        "mean_epoch_seconds": ("training time per epoch", "FF trains faster", "FF does not train faster"),
        "total_train_seconds": ("total training time", "FF trains faster", "FF does not train faster"),
        "time_to_target_seconds": ("time to the target test error", "FF reaches the target sooner", "FF does not reach the target sooner"),
        "peak_rss_bytes": ("peak resident memory", "FF uses less memory", "FF does not use less memory"),
        "peak_activation_bytes": ("peak activation memory", "FF uses less activation memory", "FF does not use less activation memory"),
        "final_test_error": ("final test error", "FF is more accurate", "FF is less accurate"),
    ]

    public static let metrics = ["mean_epoch_seconds", "total_train_seconds", "time_to_target_seconds",
                                 "peak_rss_bytes", "peak_activation_bytes", "final_test_error"]

    static func testName(_ t: String) -> String {
        switch t {
        case "welch-t": "Welch's t"
        case "paired-t": "paired t"
        case "mann-whitney-u": "Mann–Whitney U"
        case "wilcoxon-signed-rank": "Wilcoxon signed-rank"
        default: t
        }
    }

    static func f(_ v: Double) -> String { String(format: v >= 10 ? "%.1f" : "%.2f", v) }

    /// One sentence for one comparison.
    public static func sentence(_ c: GroupComparison, datasetTitle: String) -> String {
        guard let phrase = phrases[c.metric] else { return "" }
        let subject = "On \(datasetTitle) (\(c.configuration ?? ""))"
        if c.n.allSatisfy({ $0 == 0 }) && c.censored.contains(where: { $0 > 0 }) {
            return "\(subject), no run of either arm reached the target test error, so the \(phrase.what) cannot be compared (\(c.censored[0]) FF and \(c.censored[1]) BP runs censored)."
        }
        guard let test = c.test, let ratio = c.ratio, let p = c.pAdjusted else {
            let why = c.n.contains { $0 < 2 } ? "too few runs (FF \(c.n[0]), BP \(c.n[1]))" : (c.notes.first ?? c.testReason)
            return "\(subject), the \(phrase.what) cannot be compared: \(why)."
        }
        let pText = p < 0.001 ? "Holm-adjusted p < 0.001" : String(format: "Holm-adjusted p = %.3f", p)
        let g = c.hedgesG.map { String(format: ", Hedges' g = %.2g", $0.g) } ?? ""
        let numbers = "\(f(ratio.estimate))× BP's \(phrase.what) (95 % CI \(f(ratio.low))–\(f(ratio.high)); \(testName(test.test)), \(pText)\(g))"
        let verdict: String
        if p >= 0.05 {
            verdict = "no significant difference"
        } else {
            verdict = ratio.estimate < 1 ? phrase.better : phrase.worse
        }
        var s = "\(subject), FF's \(phrase.what) was \(numbers): \(verdict)."
        if c.censored.contains(where: { $0 > 0 }) {
            s += " (\(c.censored[0]) FF and \(c.censored[1]) BP runs never reached the target and are not in this test.)"
        }
        return s
    }

    /// Warnings that qualify every answer for a data set.
    public static func warnings(_ comparisons: [GroupComparison], hosts: [String]) -> [String] {
        var w: [String] = []
        if comparisons.contains(where: { c in zip(c.n, c.censored).contains { $0 + $1 < 5 } }) {
            w.append("Fewer than 5 seeds per arm in some comparisons: treat p-values and intervals with caution.")
        }
        if comparisons.contains(where: { $0.normality.contains { ($0?.pValue ?? 1) < 0.05 } }) {
            w.append("Normality is doubtful for some metrics (Shapiro–Wilk p < 0.05); rank tests were used there.")
        }
        if hosts.count > 1 { w.append("Runs came from \(hosts.count) different hosts: times may not be comparable.") }
        return w
    }
}
