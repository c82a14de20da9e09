import Analysis
import Charts
import Exports
import Foundation
import Mustache
import RunStore

/// Writes a report directory: report.html (self-contained, from the
/// Mustache templates in Templates/), report.pdf, figures/ and tables/.
public struct ReportWriter {
    public enum Format: String, CaseIterable, Sendable { case html, pdf, latex, csv }

    public var model: ReportModel
    public var templates: String

    public init(model: ReportModel, templates: String) {
        self.model = model
        self.templates = templates
    }

    static let titles = ["mnist": "MNIST", "fashion-mnist": "Fashion-MNIST", "cifar10": "CIFAR-10"]
    static let published: [String: [String: String]] = [
        "mnist": ["ff": "1.36 % (Hinton 2022, 4x2000)", "bp": "≈1.4 % (Hinton 2022)"],
        "cifar10": ["ff": "41–46 % (locally connected nets)", "bp": "37–39 % (locally connected nets)"],
    ]

    /// - Returns: the files written, relative to `directory`.
    @discardableResult
    public func write(to directory: String, formats: Set<Format>) throws -> [String] {
        let fm = FileManager.default
        var written: [String] = []
        do {
            try fm.createDirectory(atPath: directory + "/figures", withIntermediateDirectories: true)
            try fm.createDirectory(atPath: directory + "/tables", withIntermediateDirectories: true)
        } catch { throw ReportError.write(path: directory, reason: "\(error)") }

        let figures = Figures.all(model)
        for f in figures {
            for format in ChartOutput.Format.allCases {
                let path = "figures/\(f.name).\(format.rawValue)"
                try ChartOutput.write(f.chart, to: directory + "/" + path, format: format, date: model.asOf)
                written.append(path)
            }
        }
        if formats.contains(.csv) {
            try save(CSV.write(header: ComparisonRows.machineHeader, rows: ComparisonRows.machine(model.comparisons)), directory, "tables/comparisons.csv", &written)
            try save(runsCSV(), directory, "tables/runs.csv", &written)
        }
        if formats.contains(.latex) {
            try save(LaTeXTable(header: ComparisonRows.humanHeader, rows: model.comparisons.flatMap(ComparisonRows.human)).render(),
                     directory, "tables/comparisons.tex", &written)
        }
        if formats.contains(.html) {
            try save(try html(figures: figures, directory: directory), directory, "report.html", &written)
        }
        if formats.contains(.pdf) {
            try pdf(figures: figures, path: directory + "/report.pdf")
            written.append("report.pdf")
        }
        return written
    }

    private func save(_ text: String, _ directory: String, _ name: String, _ written: inout [String]) throws {
        do { try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8) } catch {
            throw ReportError.write(path: directory + "/" + name, reason: "\(error)")
        }
        written.append(name)
    }

    // MARK: - Content shared by HTML and PDF

    var datasetAnswers: [(name: String, sentences: [String])] {
        model.comparisons.map { c in
            let title = Self.titles[c.unit.dataset ?? ""] ?? c.unit.dataset ?? "–"
            return ("\(title), \(c.configuration): \(c.arm.title) against \(c.baseline.title)", Answer.sentences(c, datasetTitle: title))
        }
    }

    var warnings: [String] {
        var w = Answer.warnings(model.comparisons)
        if model.runs.isEmpty { w.append("The database holds no runs: nothing to report yet.") }
        for u in model.analysis.units { w += u.notes.map { "\(Self.titles[u.unit.dataset ?? ""] ?? u.unit.dataset ?? "–"), \(u.configuration): \($0)." } }
        let noEpochs = model.runs.filter { (model.epochs[$0.id] ?? []).isEmpty }.count
        if noEpochs > 0 { w.append("\(noEpochs) run(s) have no recorded epochs and contribute nothing.") }
        let unfinished = model.runs.filter { $0.status != .completed }.count
        if unfinished > 0 { w.append("\(unfinished) run(s) did not complete (failed, interrupted, diverged or running) and are left out.") }
        if model.analysis.runs.contains(where: { !$0.selectsOnValidation }) {
            w.append("Some runs have no validation split (--validation 0): their best epoch and time to target were selected on the test set.")
        }
        return w
    }

    var methods: [String] {
        let completed = model.runs.filter { $0.status == .completed }
        let configs = Set(completed.map { "\(ArmInfo.of($0).title) \($0.layers ?? "?") on \($0.dataset ?? "?"), batch \($0.batchSize ?? 0), \($0.epochs ?? 0) epochs, \($0.parameterCount ?? 0) parameters" }).sorted()
        let seeds = Set(completed.compactMap(\.seed)).sorted().map(String.init).joined(separator: ", ")
        let interval = completed.compactMap(\.sampleInterval).first.map { String(format: "%.0f ms", $0 * 1000) } ?? "—"
        let families = Set(model.comparisons.map(\.familySize)).sorted()
        let familyText = families.isEmpty ? "no comparison was tested" : "Holm's step-down adjustment within each arm-versus-baseline comparison over its primary endpoints that could be tested (\(families.map(String.init).joined(separator: " or ")) per comparison; \(model.comparisons.count) comparison\(model.comparisons.count == 1 ? "" : "s") in this report)"
        let plans = model.analysis.units.map(\.plan)
        let margins = Set(plans.map(\.equivalenceMargin)).sorted().map { "±\(Number.plain($0)) pp" }.joined(separator: ", ")
        let declared = Set(plans.flatMap(\.declared)).sorted()
        var m = [
            "Networks: " + (configs.isEmpty ? "none completed." : configs.joined(separator: "; ") + "."),
            "Seeds: \(seeds.isEmpty ? "none" : seeds). Arms were interleaved (seed 1 of every arm, then seed 2, …) and every run was its own process.",
            "FF follows Hinton (2022) and his ffnew.m: the label in the first 10 inputs, RMS-normalised layer inputs, goodness = sum of squared ReLU activities against a threshold, per-layer logistic loss, negative labels, and a softmax head on the normalised activities; the exact settings of each arm follow. BP trains the same hidden stack with a softmax output layer.",
            "Time: monotonic clock; training time excludes evaluation. Memory: the kernel's high-water mark (VmHWM, reset at every epoch start through /proc/self/clear_refs) for peaks, RSS sampled every \(interval), and a ledger of every tensor byte by category (weights, gradients, optimizer, activations, data set).",
            "Estimands, fixed in advance by the kind of metric: time and memory by the geometric-mean ratio arm/baseline, from a t procedure on the logarithms (paired t on per-seed log ratios when runs pair by seed, Welch's t otherwise), whose interval and test are the same computation; exact quantities (ledger bytes, parameter counts) stated, not tested; accuracy by the difference in percentage points with equivalence shown by two one-sided tests within \(margins.isEmpty ? "±0.5 pp" : margins); time to target by Kaplan–Meier per arm, keeping runs that never reach the target as censored, with the ratio of restricted mean times (RMST) as the estimand and the log-rank test beside it.",
            "Primary endpoints: time per epoch, time to target, peak RSS and final test error; \(familyText). Each primary verdict is read off the interval at the level of its Holm step, which excludes the null value (a ratio of 1) exactly when the Holm-adjusted p is below 0.05. Other metrics are secondary: an interval, no p-value. A rank test on the same data (Wilcoxon signed-rank or Mann–Whitney on logs) is reported as a sensitivity analysis only.",
            "The analysis plan (" + (declared.isEmpty ? "every setting at its default" : "declared by the study: " + declared.joined(separator: ", ")) + ") was stored with the study before it ran. Best epochs and time to target are selected on a validation split held out of the training set; the test error reported is the final model's.",
        ]
        m += Settings.sentences(completed, algorithm: "ff") + Settings.sentences(completed, algorithm: "bp")
        return m
    }

    func resultTables() -> [(name: String, header: [String], rows: [[String]])] {
        model.comparisons.map { c in
            let title = Self.titles[c.unit.dataset ?? ""] ?? c.unit.dataset ?? "–"
            return ("\(title): \(c.arm.title) against \(c.baseline.title)", ComparisonRows.humanHeader, ComparisonRows.human(c))
        }
    }

    var validation: [[String: String]] {
        let completed = model.runs.filter { $0.status == .completed && ($0.algorithm == "ff" || $0.algorithm == "bp") }
        let groups = Dictionary(grouping: completed) { "\($0.dataset ?? "-")|\($0.layers ?? "-")|\($0.algorithm)" }
        return groups.keys.sorted().map { key in
            let parts = key.split(separator: "|").map(String.init)
            let finals = groups[key]!.compactMap { model.epochs[$0.id]?.last?.testError }
            let mean = finals.isEmpty ? "–" : String(format: "%.2f %%", 100 * finals.reduce(0, +) / Double(finals.count))
            return ["dataset": Self.titles[parts[0]] ?? parts[0], "network": parts[1], "algorithm": parts[2].uppercased(),
                    "runs": String(finals.count), "error": mean, "published": Self.published[parts[0]]?[parts[2]] ?? "–"]
        }
    }

    func runsCSV() -> String {
        let header = ["run_id", "study", "arm", "algorithm", "framework", "dataset", "layers", "batch_size", "epochs", "seed", "status",
                      "epochs_recorded", "final_test_error", "best_validation_error", "mean_epoch_seconds", "peak_rss_bytes"]
        let rows = model.runs.map { r -> [String] in
            let v = model.metrics[r.id]?.values ?? [:]
            func n(_ key: String) -> String { v[key].map { String($0) } ?? "" }
            return [r.id, r.study ?? "", r.arm ?? "", r.algorithm, ArmInfo.of(r).framework, r.dataset ?? "", r.layers ?? "",
                    r.batchSize.map(String.init) ?? "", r.epochs.map(String.init) ?? "", r.seed.map { String($0) } ?? "", r.status.rawValue,
                    String((model.epochs[r.id] ?? []).count), n("final_test_error"), n("best_validation_error"), n("mean_epoch_seconds"),
                    n("peak_rss_bytes")]
        }
        return CSV.write(header: header, rows: rows)
    }

    // MARK: - HTML

    func html(figures: [(name: String, caption: String, chart: Chart)], directory: String) throws -> String {
        let templatePath = templates + "/report.mustache"
        guard let source = try? String(contentsOfFile: templatePath, encoding: .utf8) else {
            throw ReportError.template(path: templatePath, reason: "missing or unreadable")
        }
        let css = (try? String(contentsOfFile: templates + "/report.css", encoding: .utf8)) ?? ""
        let template: MustacheTemplate
        do { template = try MustacheTemplate(string: source) } catch {
            throw ReportError.template(path: templatePath, reason: "\(error)")
        }
        let svgs: [[String: Any]] = figures.map { f in
            var svg = (try? String(contentsOfFile: directory + "/figures/\(f.name).svg", encoding: .utf8)) ?? ""
            if let start = svg.range(of: "<svg") { svg = String(svg[start.lowerBound...]) } // drop the XML prolog
            return ["name": f.name, "caption": f.caption, "svg": svg]
        }
        let context: [String: Any] = [
            "title": model.title, "database": model.database, "asOf": model.asOf, "runCount": model.runs.count, "css": css,
            "datasets": datasetAnswers.map { ["name": $0.name, "sentences": $0.sentences] },
            "warnings": warnings, "methods": methods,
            "tables": resultTables().map { t in ["name": t.name, "header": t.header, "rows": t.rows.map { ["cells": $0] }] },
            "figures": svgs, "validation": validation, "hosts": model.hosts,
        ]
        return template.render(context)
    }

    // MARK: - PDF

    func pdf(figures: [(name: String, caption: String, chart: Chart)], path: String) throws {
        let doc = PDFDocument(path: path, date: model.asOf, title: model.title)
        doc.y = 260
        doc.paragraph(model.title, size: 22, bold: true, after: 12)
        doc.paragraph("Does the Forward-Forward algorithm train faster or with less memory than backpropagation, at similar accuracy?", size: 12, after: 12)
        doc.paragraph("Database \(model.database) · runs as of \(model.asOf) · \(model.runs.count) runs", size: 10)
        doc.newPage()
        doc.heading("The answer")
        let answers = datasetAnswers
        if answers.isEmpty { doc.paragraph("No arm has completed runs to compare with a baseline yet.") }
        for a in answers {
            doc.paragraph(a.name, size: 11, bold: true)
            for s in a.sentences { doc.paragraph("• " + s) }
        }
        for w in warnings { doc.paragraph("Warning: " + w, bold: true) }
        doc.heading("Methods")
        for m in methods { doc.paragraph(m) }
        doc.heading("Results")
        for t in resultTables() {
            doc.paragraph(t.name, size: 11, bold: true)
            for row in t.rows {
                doc.paragraph(zip(t.header, row).map { "\($0): \($1)" }.joined(separator: " · "), size: 8, after: 3)
            }
        }
        for f in figures { doc.chart(f.chart, caption: f.caption) }
        doc.heading("Validation against the paper")
        for v in validation {
            doc.paragraph("\(v["dataset"]!) \(v["network"]!) \(v["algorithm"]!): \(v["error"]!) over \(v["runs"]!) runs; published \(v["published"]!)")
        }
        doc.heading("Environment")
        if model.hosts.isEmpty { doc.paragraph("No host information stored.") }
        for h in model.hosts { doc.paragraph(h, size: 9) }
        try doc.finish()
    }
}
