import Foundation
import Recorder
import RunStore
import Testing

/// Bad input of every other kind: one line naming the thing, exit 2, and
/// nothing half-made.
@Suite struct BadInputTests {
    @Test func mergeRefusesDamagedMissingAndSelfSources() throws {
        let dir = CLI.temporaryDirectory()
        let good = try AnalysisCommandTests.store()
        // A database whose pages are garbage after its header.
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: good)))
        for i in 4096..<min(bytes.count, 16_384) { bytes[i] = UInt8(truncatingIfNeeded: i &* 7) }
        try Data(bytes).write(to: URL(fileURLWithPath: dir + "/corrupt.sqlite"))
        let corrupt = try CLI.run(["merge", dir + "/corrupt.sqlite", "-o", dir + "/m.sqlite"])
        #expect(corrupt.status == 2 && corrupt.stderr.contains("corrupt.sqlite:") && !corrupt.stderr.contains("m.sqlite"), "\(corrupt.stderr)")
        let missing = try CLI.run(["merge", dir + "/none.sqlite", "-o", dir + "/m.sqlite"])
        #expect(missing.status == 2 && missing.stderr.contains("none.sqlite: no such database"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/m.sqlite"), "a failed merge left an output")
        // Merging a file into itself is refused at once, not after a 60 s lock wait.
        let start = Date()
        let itself = try CLI.run(["merge", good, "-o", good])
        #expect(itself.status == 2 && itself.stderr.contains("is the merge's output") && Date().timeIntervalSince(start) < 10)
        // A good merge, twice: the second adds nothing.
        #expect(try CLI.run(["merge", good, "-o", dir + "/m.sqlite"]).stdout.contains("10 runs added"))
        #expect(try CLI.run(["merge", good, "-o", dir + "/m.sqlite"]).stdout.contains("0 runs added"))
        #expect(try RunStore.openExisting(dir + "/m.sqlite").runs().count == 10)
    }

    @Test func outputPathsThatAreTheWrongKindAreNamedInOneLine() throws {
        let db = try AnalysisCommandTests.store()
        let dir = CLI.temporaryDirectory()
        FileManager.default.createFile(atPath: dir + "/a-file", contents: Data("x".utf8))
        let report = try CLI.run(["report", "--db", db, "--out", dir + "/a-file"], directory: CLI.packageRoot.path)
        #expect(report.status == 1 && report.stderr.split(separator: "\n").count == 1 && report.stderr.contains("a-file: is a file, not a folder"))
        #expect(!report.stderr.contains("NSCocoaErrorDomain"))
        let export = try CLI.run(["export", "--db", db, "--what", "runs", "-o", dir])
        #expect(export.status == 1 && export.stderr.split(separator: "\n").count == 1 && !export.stderr.contains("NSCocoaErrorDomain"), "\(export.stderr)")
        #expect(export.stderr.contains(dir))
    }

    @Test func aDamagedDatabaseIsNoticedBeforeTraining() throws {
        let dir = CLI.temporaryDirectory()
        let good = try AnalysisCommandTests.store()
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: good)))
        for i in 100..<min(bytes.count, 8192) { bytes[i] = 0xA5 }
        try Data(bytes).write(to: URL(fileURLWithPath: dir + "/bad.sqlite"))
        let start = Date()
        let r = try CLI.run(["train", "--algorithm", "bp", "--layers", "4x2000", "--epochs", "1", "--db", dir + "/bad.sqlite"])
        #expect(r.status == 1 || r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("bad.sqlite") && r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(Date().timeIntervalSince(start) < 20, "it trained before it looked at the database")
    }

    @Test func statisticsOnHugeValuesAreDefinedNeverATrap() throws {
        let dir = CLI.temporaryDirectory()
        try "g,v\na,1e155\na,2e155\na,3e155\nb,1e155\nb,1.5e155\nb,4e155\n".write(toFile: dir + "/huge.csv", atomically: true, encoding: .utf8)
        for estimand in ["ratio", "difference"] {
            let r = try CLI.run(["stats", "compare", dir + "/huge.csv", "--group", "g", "--value", "v", "--estimand", estimand, "--format", "json"])
            #expect(r.status == 0 || r.status == 2, "\(estimand): \(r.status) \(r.stderr)")
            if r.status == 2 { #expect(r.stderr.split(separator: "\n").count == 1) }
        }
        let describe = try CLI.run(["stats", "describe", dir + "/huge.csv", "--value", "v"])
        #expect(describe.status == 0 || describe.status == 2)
        let old = try CLI.run(["stats", "compare", dir + "/huge.csv", "--group", "g", "--value", "v", "--resamples=-5"])
        #expect(old.status == 2 && old.stderr.split(separator: "\n").count == 1)
    }

    @Test func aStudysSummaryNamesOnlyTheFilesItWrote() throws {
        let dir = CLI.temporaryDirectory()
        try "study: tiny\ndataset: mnist\nepochs: 1\nseeds: [1]\noptions: {layers: 2x16, batch-size: 1000, threads: 1, validation: 1000}\narms: {bp: {algorithm: bp}}\n"
            .write(toFile: dir + "/tiny.yaml", atomically: true, encoding: .utf8)
        let r = try CLI.run(["study", dir + "/tiny.yaml", "--db", dir + "/t.sqlite", "--out", dir + "/out", "--format", "html"],
                            directory: CLI.packageRoot.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("out/report.html") && !r.stdout.contains("report.pdf"), "\(r.stdout)")
    }

    @Test func aLongLineIsReadInOnePass() throws {
        // 20 MB on one line and then an epoch line: both arrive whole.
        let dir = CLI.temporaryDirectory()
        let script = "import sys\nsys.stdout.write('x' * 20_000_000 + '\\n')\nprint('{\"epoch\": 1, \"test_error\": 0.5}')\n"
        let start = Date()
        let r = try CLI.run(["record", "--db", dir + "/l.sqlite", "--", "python3", "-c", script], timeout: 120)
        let seconds = Date().timeIntervalSince(start)
        #expect(r.status == 0 && r.stdout.count == 20_000_001, "\(r.stderr)")
        #expect(try RunStore.openExisting(dir + "/l.sqlite").epochs(try RunStore.openExisting(dir + "/l.sqlite").runs()[0].id).count == 1)
        print(String(format: "a 20 MB line through ffbench record: %.2f s", seconds))
    }
}
