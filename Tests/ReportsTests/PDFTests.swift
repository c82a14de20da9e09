import Foundation
import Testing
@testable import Reports

/// report.pdf as pages: rendered with pdftoppm, read back with pdftotext.
/// No page but the last is mostly blank; every table and figure of the
/// document is in it, numbered; the answer's sentences are in its text; the
/// fonts are embedded; the paper size is the one asked for.
@Suite(.enabled(if: ReportFixture.available("pdftoppm") && ReportFixture.available("pdftotext"), "needs poppler-utils"))
struct PDFTests {
    /// Text of a PDF with all white space removed, for matching sentences however lines wrap.
    static func squeezed(_ s: String) -> String { s.filter { !$0.isWhitespace && $0 != "\u{00AD}" } }

    static func check(_ folder: String, expectedTables: [String], expectedFigures: [String], sentences: [String]) throws -> [String] {
        var problems: [String] = []
        let pdf = folder + "/report.pdf"
        let scratch = ReportFixture.temporaryDirectory()
        _ = try ReportFixture.run("pdftoppm", ["-r", "40", "-png", pdf, scratch + "/page"])
        let pages = try FileManager.default.contentsOfDirectory(atPath: scratch).filter { $0.hasSuffix(".png") }.sorted()
        if pages.count < 2 { problems.append("only \(pages.count) page(s)") }
        for (i, page) in pages.enumerated() where i < pages.count - 1 {
            guard let r = Raster(png: scratch + "/" + page) else { problems.append("\(page) unreadable"); continue }
            let blank = r.blankRowShare
            if blank > 0.6 { problems.append("page \(i + 1) is \(Int(100 * blank)) % blank") }
        }
        let text = try ReportFixture.run("pdftotext", ["-layout", pdf, "-"]).output
        let flat = squeezed(text)
        for label in expectedTables + expectedFigures where !flat.contains(squeezed(label + ".")) {
            problems.append("\(label) is not in the PDF")
        }
        for s in sentences where !flat.contains(squeezed(s)) { problems.append("answer sentence missing from the PDF: \(s.prefix(80))…") }
        let firstPage = try ReportFixture.run("pdftotext", ["-f", "1", "-l", "1", pdf, "-"]).output
        if !firstPage.contains("The answer") { problems.append("the first page does not start the answer") }
        let fonts = try ReportFixture.run("pdffonts", [pdf]).output.split(separator: "\n").dropFirst(2)
        if fonts.isEmpty { problems.append("no fonts listed") }
        for line in fonts where !line.contains(" yes ") { problems.append("font not embedded: \(line)") }
        return problems
    }

    @Test func pagesAreFullTablesAndFiguresAreAllThereAndTheAnswerReads() throws {
        let store = try ReportFixture.store()
        let folder = try ReportFixture.report(store)
        let doc = ReportWriter(model: try ReportModel.load(store: store, study: nil), templates: "").document
        #expect(doc.tables.count >= 3 && doc.figures.count >= 10)
        // The HTML and the PDF hold the same numbered tables and figures.
        let html = try String(contentsOfFile: folder + "/report.html", encoding: .utf8)
        for label in doc.tables.map(\.label) + doc.figures.map(\.label) { #expect(html.contains("<span class=\"label\">\(label).</span>")) }
        let problems = try Self.check(folder, expectedTables: doc.tables.map(\.label), expectedFigures: doc.figures.map(\.label),
                                      sentences: doc.answerSentences)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    /// The check above, on a report from elsewhere (FFBENCH_CHECK_REPORT): the tables and figures its HTML names.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["FFBENCH_CHECK_REPORT"] != nil))
    func anotherReportPassesTheSameChecks() throws {
        let folder = ProcessInfo.processInfo.environment["FFBENCH_CHECK_REPORT"]!
        let html = try String(contentsOfFile: folder + "/report.html", encoding: .utf8)
        let figures = html.components(separatedBy: "<figure").count - 1
        let tables = html.components(separatedBy: "<table").count - 1
        let items = html.components(separatedBy: "<li>").dropFirst().map {
            $0.components(separatedBy: "</li>")[0].replacingOccurrences(of: "<[^>]+>", with: "", options: .regularExpression)
                .replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
                .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
        }
        let problems = try Self.check(folder, expectedTables: (0..<tables).map { "Table \($0 + 1)" },
                                      expectedFigures: (0..<figures).map { "Figure \($0 + 1)" }, sentences: items)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test func letterPaperOnRequest() throws {
        let folder = try ReportFixture.report(try ReportFixture.store(layers: ["2x500"]), paper: .letter, formats: [.pdf])
        let info = try ReportFixture.run("pdfinfo", [folder + "/report.pdf"]).output
        #expect(info.contains("612 x 792 pts"), "\(info)")
        let a4 = try ReportFixture.report(try ReportFixture.store(layers: ["2x500"]), formats: [.pdf])
        #expect(try ReportFixture.run("pdfinfo", [a4 + "/report.pdf"]).output.contains("595.28 x 841.89 pts"))
    }

    @Test(.enabled(if: ReportFixture.available("pdflatex"), "needs pdflatex (texlive-latex-recommended)"))
    func theLaTeXFragmentCompilesInAThesis() throws {
        let folder = try ReportFixture.report(try ReportFixture.store())
        let tex = try String(contentsOfFile: folder + "/report.tex", encoding: .utf8)
        #expect(tex.contains("\\includegraphics") && tex.contains("\\begin{itemize}"))
        let results = try String(contentsOfFile: folder + "/tables/results.tex", encoding: .utf8)
        #expect(results.contains("\\toprule") && results.contains("time per epoch (s)"))
        try """
        \\documentclass{article}
        \\usepackage[T1]{fontenc}
        \\usepackage{booktabs}
        \\usepackage{graphicx}
        \\begin{document}
        \\input{report}
        \\end{document}
        """.write(toFile: folder + "/thesis.tex", atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "thesis.tex"]
        p.currentDirectoryURL = URL(fileURLWithPath: folder)
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let log = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(log.suffix(1500))")
        #expect(FileManager.default.fileExists(atPath: folder + "/thesis.pdf"))
    }
}
