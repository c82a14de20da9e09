import Analysis

/// The results of one comparison as a table for people: labels with units,
/// numbers rounded to what their intervals support.
enum ResultTables {
    static let numeric: Set<Int> = [1, 2, 3, 4, 5, 6]

    static func caption(_ c: ArmComparison, styles: ArmStyles) -> String {
        var text = "\(styles.label(c.arm)) against \(styles.label(c.baseline)) on \(ReportText.datasetTitle(c.unit.dataset)), \(c.configuration), \(c.paired ? "paired by seed" : "unpaired")."
        text += " Effects: geometric-mean ratios (×) for time and memory, the RMST ratio for time to target (arm columns: Kaplan–Meier medians in s), differences in percentage points (pp) for errors; exact quantities are stated, not tested."
        text += " Each primary verdict follows its Holm-adjusted interval (family of \(c.familySize)); † marks secondary metrics (95 % interval, no p)."
        if let t = c.target { text += " Target error \(Number.fixed(100 * t.error, 2)) % (\(t.source))." }
        return text
    }
}
