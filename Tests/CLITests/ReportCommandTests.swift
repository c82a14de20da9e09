import Foundation
import RunStore
import Testing

/// `ffbench report` and `ffbench export` on real stores.
@Suite struct ReportCommandTests {
    func files(_ dir: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let e = FileManager.default.enumerator(atPath: dir)!
        while let name = e.nextObject() as? String {
            var isDir: ObjCBool = false
            FileManager.default.fileExists(atPath: dir + "/" + name, isDirectory: &isDir)
            if !isDir.boolValue { out[name] = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name)) }
        }
        return out
    }

    @Test func reportIsByteIdenticalTwiceAndComplete() throws {
        let db = try AnalysisCommandTests.store()
        let a = CLI.temporaryDirectory("a"), b = CLI.temporaryDirectory("b")
        for out in [a, b] {
            let r = try CLI.run(["report", "--db", db, "--out", out], directory: CLI.packageRoot.path)
            #expect(r.status == 0, "\(r.stderr)")
        }
        let first = try files(a), second = try files(b)
        #expect(first.keys.sorted() == second.keys.sorted())
        for (name, data) in first { #expect(data == second[name], "\(name) differs between two runs") }
        for name in ["report.html", "report.pdf", "report.tex", "tables/comparisons.csv", "tables/results.tex", "tables/runs.csv",
                     "figures/box-epoch-seconds.svg", "figures/box-epoch-seconds.pdf", "figures/box-epoch-seconds.png"] {
            #expect(first[name] != nil, "missing \(name)")
        }

        // The HTML parses, and every figure and table is in it.
        let html = String(decoding: first["report.html"]!, as: UTF8.self)
        let figureFiles = first.keys.filter { $0.hasPrefix("figures/") && $0.hasSuffix(".svg") }
        #expect(html.components(separatedBy: "<figure").count - 1 == figureFiles.count)
        // Tables speak in labels with units, not column names.
        #expect(html.contains("time per epoch (s)") && html.contains("peak RSS (MiB)") && !html.contains("mean_epoch_seconds"))
        #expect(html.contains("<table id=\"table-1\">") && html.contains("id=\"answer\"") && html.contains("id=\"environment\""))
        #expect(!html.contains("http://") || html.contains("http://www.w3.org")) // no network resources
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", "import sys, html.parser\np = html.parser.HTMLParser(); p.feed(open(sys.argv[1]).read()); p.close()", a + "/report.html"]
        try check.run(); check.waitUntilExit()
        #expect(check.terminationStatus == 0)
        // The answer follows the statistics: FF is slower here (5 s vs 3 s per epoch).
        #expect(html.contains("FF trains slower"))
        #expect(!html.contains("no significant difference") && !html.contains("no difference"))
        #expect(html.contains("Hinton 2022"))

        // The PDF opens; every page renders and none is blank.
        let pages = try renderPDF(a + "/report.pdf")
        #expect(pages >= 3)
    }

    func renderPDF(_ path: String) throws -> Int {
        let dir = CLI.temporaryDirectory("pages")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/pdftoppm")
        p.arguments = ["-r", "20", "-gray", path, dir + "/p"]
        try p.run(); p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let pages = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".pgm") }
        for page in pages {
            let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + page))
            #expect(data.suffix(data.count / 2).contains { $0 < 128 } || data.prefix(data.count / 2).dropFirst(20).contains { $0 < 128 }, "\(page) is blank")
        }
        return pages.count
    }

    @Test func emptyAndOneArmDatabasesStillGiveAReportThatSaysWhatIsMissing() throws {
        let empty = CLI.temporaryDirectory() + "/empty.sqlite"
        _ = try RunStore.open(empty)
        let out = CLI.temporaryDirectory()
        let r = try CLI.run(["report", "--db", empty, "--out", out], directory: CLI.packageRoot.path)
        #expect(r.status == 0, "\(r.stderr)")
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        #expect(html.contains("no runs"))
        #expect(try renderPDF(out + "/report.pdf") >= 2)

        let oneArm = CLI.temporaryDirectory() + "/one.sqlite"
        let store = try RunStore.open(oneArm)
        var run = RunRecord(algorithm: "ff", dataset: "mnist", layers: "2x8", batchSize: 10, epochs: 1, seed: 1, status: .completed)
        run.finishedAt = Timestamp.now()
        try store.insert(run)
        let out2 = CLI.temporaryDirectory()
        let r2 = try CLI.run(["report", "--db", oneArm, "--out", out2], directory: CLI.packageRoot.path)
        #expect(r2.status == 0, "\(r2.stderr)")
        let html2 = try String(contentsOfFile: out2 + "/report.html", encoding: .utf8)
        #expect(html2.contains("no BP arm with completed runs"))
        #expect(html2.contains("no recorded epochs"))
    }

    @Test func exportGivesTidyCSVAndJSON() throws {
        let db = try AnalysisCommandTests.store()
        let csv = try CLI.run(["export", "--db", db, "--what", "epochs", "--format", "csv"])
        #expect(csv.status == 0)
        let lines = csv.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("run_id,epoch,train_loss") == true)
        #expect(lines.count == 1 + 10 * 3)
        let json = try CLI.run(["export", "--db", db, "--what", "runs", "--format", "json"])
        let runs = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(runs.count == 10 && runs.allSatisfy { $0["status"] as? String == "completed" })
        let cmp = try CLI.run(["export", "--db", db, "--what", "comparisons", "--format", "csv"])
        #expect(cmp.stdout.hasPrefix("study,dataset,configuration,arm"))
    }
}
