import Analysis
import Charts
import Exports
import Foundation
import RunStore

/// Writes a report folder: report.html (self-contained), report.pdf
/// (typeset), report.tex and tables/*.tex (LaTeX), tables/*.csv, and every
/// figure as PDF, SVG and 300-dpi PNG. The folder is built beside its
/// destination and swapped into place in one step, so a killed or failing
/// run leaves the old complete report or the new one, never a mix.
public struct ReportWriter {
    public enum Format: String, CaseIterable, Sendable { case html, pdf, latex, csv }
    public enum Paper: String, CaseIterable, Sendable {
        case a4, letter
        var size: Typesetter.Paper { self == .a4 ? .a4 : .letter }
    }

    public var model: ReportModel
    public var templates: String
    public var paper: Paper

    public init(model: ReportModel, templates: String, paper: Paper = .a4) {
        self.model = model
        self.templates = templates
        self.paper = paper
    }

    public var document: ReportDocument { ReportContent.document(model) }

    /// - Returns: the files written, relative to `directory`.
    @discardableResult
    public func write(to directory: String, formats: Set<Format>) throws -> [String] {
        let folder: AtomicFolder
        do { folder = try AtomicFolder(directory) } catch { throw ReportError.write(path: directory, reason: error.description) }
        do {
            let written = try writeFiles(into: folder.staging, formats: formats)
            do { try folder.commit() } catch { throw ReportError.write(path: directory, reason: error.description) }
            return written
        } catch {
            folder.discard()
            throw error
        }
    }

    private func writeFiles(into directory: String, formats: Set<Format>) throws -> [String] {
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: directory + "/figures", withIntermediateDirectories: true)
            try fm.createDirectory(atPath: directory + "/tables", withIntermediateDirectories: true)
        } catch { throw ReportError.write(path: directory, reason: AtomicFile.describe(error)) }
        let doc = document
        var written: [String] = []
        for f in doc.figures {
            for format in ChartOutput.Format.allCases {
                let path = "figures/\(f.name).\(format.rawValue)"
                do { try ChartOutput.write(f.chart, to: directory + "/" + path, format: format, date: model.asOf) } catch {
                    throw ReportError.write(path: path, reason: "\(error)")
                }
                written.append(path)
            }
        }
        func save(_ text: String, _ name: String) throws {
            do { try AtomicFile.write(text, to: directory + "/" + name) } catch { throw ReportError.write(path: name, reason: error.description) }
            written.append(name)
        }
        if formats.contains(.csv) {
            try save(CSV.write(header: ResultTables.machineHeader, rows: ResultTables.machine(model.comparisons)), "tables/comparisons.csv")
            try save(runsCSV(), "tables/runs.csv")
        }
        if formats.contains(.latex) {
            try save(LaTeXReport.results(doc), "tables/results.tex")
            try save(LaTeXReport.fragment(doc), "report.tex")
        }
        if formats.contains(.html) {
            let html = try HTMLReport.render(doc, templates: templates) { f in
                (try? String(contentsOfFile: directory + "/figures/\(f.name).svg", encoding: .utf8)) ?? ""
            }
            try save(html, "report.html")
        }
        if formats.contains(.pdf) {
            try PDFReport.write(doc, to: directory + "/report.pdf", paper: paper.size, date: model.asOf)
            written.append("report.pdf")
        }
        return written
    }

    func runsCSV() -> String {
        let header = ["run_id", "study", "arm", "algorithm", "framework", "dataset", "layers", "batch_size", "epochs", "seed", "status",
                      "epochs_recorded", "final_test_error", "best_validation_error", "mean_epoch_seconds", "peak_rss_bytes",
                      "epoch_seconds", "disturbed_epochs", "cpu_seconds_per_epoch", "superseded_by"]
        let rows = model.runs.map { r -> [String] in
            let v = model.metrics[r.id]?.values ?? [:]
            func n(_ key: String) -> String { v[key].map { String($0) } ?? "" }
            return [r.id, r.study ?? "", r.arm ?? "", r.algorithm, ArmInfo.of(r).framework, r.dataset ?? "", r.layers ?? "",
                    r.batchSize.map(String.init) ?? "", r.epochs.map(String.init) ?? "", r.seed.map { String($0) } ?? "", r.status.rawValue,
                    String((model.epochs[r.id] ?? []).count), n("final_test_error"), n("best_validation_error"), n("mean_epoch_seconds"),
                    n("peak_rss_bytes"), n("epoch_seconds"),
                    model.metrics[r.id].map { String($0.disturbance.disturbedEpochs.count) } ?? "", n("cpu_seconds_per_epoch"),
                    r.supersededBy ?? ""]
        }
        return CSV.write(header: header, rows: rows)
    }
}
