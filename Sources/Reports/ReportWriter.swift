import Analysis
import Charts
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
            try save(ComparisonFormat.csv(model.comparisons), directory, "tables/comparisons.csv", &written)
            try save(runsCSV(), directory, "tables/runs.csv", &written)
        }
        if formats.contains(.latex) {
            try save(ComparisonFormat.latex(model.comparisons), directory, "tables/comparisons.tex", &written)
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
        let datasets = Array(Set(model.comparisons.compactMap(\.dataset))).sorted()
        return datasets.compactMap { d in
            let rows = model.comparisons.filter { c in c.dataset == d && Answer.metrics.contains(c.metric) && zip(c.n, c.censored).allSatisfy { $0 + $1 > 0 } }
            guard !rows.isEmpty else { return nil }
            let title = Self.titles[d] ?? d
            return (title, rows.map { Answer.sentence($0, datasetTitle: title) })
        }
    }

    var warnings: [String] {
        var w = Answer.warnings(model.comparisons, hosts: model.hosts)
        if model.runs.isEmpty { w.append("The database holds no runs: nothing to report yet.") }
        let arms = Set(model.runs.map(\.algorithm))
        if !model.runs.isEmpty && !(arms.contains("ff") && arms.contains("bp")) {
            w.append("Only one arm (\(arms.sorted().joined(separator: ", "))) has runs: there is nothing to compare it with.")
        }
        let noEpochs = model.runs.filter { (model.epochs[$0.id] ?? []).isEmpty }.count
        if noEpochs > 0 { w.append("\(noEpochs) run(s) have no recorded epochs and contribute nothing.") }
        let unfinished = model.runs.filter { $0.status != .completed }.count
        if unfinished > 0 { w.append("\(unfinished) run(s) did not complete (failed, interrupted, diverged or running) and are left out.") }
        return w
    }

    var methods: [String] {
        let completed = model.runs.filter { $0.status == .completed }
        let configs = Set(completed.map { "\($0.algorithm.uppercased()) \($0.layers ?? "?") on \($0.dataset ?? "?"), batch \($0.batchSize ?? 0), \($0.epochs ?? 0) epochs, \($0.parameterCount ?? 0) parameters" }).sorted()
        let seeds = Set(completed.compactMap(\.seed)).sorted().map(String.init).joined(separator: ", ")
        let interval = completed.compactMap(\.sampleInterval).first.map { String(format: "%.0f ms", $0 * 1000) } ?? "—"
        let reasons = Set(model.comparisons.map(\.testReason).filter { !$0.isEmpty }).sorted()
        var m = [
            "Networks: " + (configs.isEmpty ? "none completed." : configs.joined(separator: "; ") + "."),
            "Seeds: \(seeds.isEmpty ? "none" : seeds). Arms were interleaved (FF seed 1, BP seed 1, FF seed 2, …) and every run was its own process.",
            "FF follows Hinton (2022) and his ffnew.m: the label in the first 10 inputs, RMS-normalised layer inputs, goodness = sum of squared ReLU activities against a threshold, per-layer logistic loss, negative labels, and a softmax head on the normalised activities; the exact settings of each arm follow. BP trains the same hidden stack with a softmax output layer.",
            "Time: monotonic clock; training time excludes evaluation. Memory: the kernel's high-water mark (VmHWM, reset at every epoch start through /proc/self/clear_refs) for peaks, RSS sampled every \(interval), and a ledger of every tensor byte by category (weights, gradients, optimizer, activations, data set).",
            "Statistics: per group Shapiro–Wilk (normality) and Levene/Brown–Forsythe (equal variances); Welch's t (paired t when runs pair by seed) when both groups look normal, Mann–Whitney U (Wilcoxon signed-rank) otherwise; 95 % BCa bootstrap intervals (9,999 resamples) for the difference and the ratio of means; Hedges' g with a 95 % interval and Cliff's δ; Holm's correction across all \(model.comparisons.count) comparisons. Time-to-target uses a test error of \(String(format: "%.3g", 100 * model.targetError)) %.",
        ]
        m += Settings.sentences(completed, algorithm: "ff") + Settings.sentences(completed, algorithm: "bp")
        if !reasons.isEmpty { m.append("Tests chosen: " + reasons.prefix(6).joined(separator: "; ") + (reasons.count > 6 ? "; …" : "") + ".") }
        return m
    }

    func resultTables() -> [(name: String, header: [String], rows: [[String]])] {
        let datasets = Array(Set(model.comparisons.compactMap(\.dataset))).sorted()
        let header = ["configuration", "metric", "n FF/BP", "FF mean ± SD", "BP mean ± SD", "FF/BP (95 % CI)", "test", "p", "p adj.", "Hedges' g"]
        func n(_ v: Double?) -> String { v.map { $0.isFinite ? String(format: "%.4g", $0) : "∞" } ?? "–" }
        func p(_ v: Double?) -> String { v.map { $0 < 0.001 ? "<0.001" : String(format: "%.3f", $0) } ?? "–" }
        return datasets.map { d in
            let rows = model.comparisons.filter { $0.dataset == d }.map { c -> [String] in
                let ms = (0..<2).map { i in c.describe.count > i ? "\(n(c.describe[i].mean)) ± \(n(c.describe[i].sd))" : "–" }
                let ratio = c.ratio.map { "\(n($0.estimate)) (\(n($0.low))–\(n($0.high)))" } ?? "–"
                return [c.configuration ?? "", c.metric, "\(c.n[0])/\(c.n[1])", ms[0], ms[1], ratio, c.test.map { Answer.testName($0.test) } ?? "–",
                        p(c.test?.pValue), p(c.pAdjusted), n(c.hedgesG?.g)]
            }
            return (Self.titles[d] ?? d, header, rows)
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
        var lines = ["run_id,study,arm,algorithm,dataset,layers,batch_size,seed,status,epochs_recorded,final_test_error,mean_epoch_seconds,peak_rss_bytes"]
        for r in model.runs {
            let e = model.epochs[r.id] ?? []
            let train = e.compactMap(\.trainSeconds)
            let fields: [String] = [r.id, r.study ?? "", r.arm ?? "", r.algorithm, r.dataset ?? "", r.layers ?? "",
                                    r.batchSize.map(String.init) ?? "", r.seed.map { String($0) } ?? "", r.status.rawValue, String(e.count),
                                    e.last?.testError.map { String($0) } ?? "",
                                    train.isEmpty ? "" : String(train.reduce(0, +) / Double(train.count)),
                                    e.compactMap(\.peakRSSBytes).max().map(String.init) ?? ""]
            lines.append(fields.map { $0.contains(",") ? "\"\($0)\"" : $0 }.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
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
        if answers.isEmpty { doc.paragraph("No data set has completed FF and BP runs to compare yet.") }
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
